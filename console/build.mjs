#!/usr/bin/env node
// Builds the console bundle into console/dist, once per change: the hash of every input (sources.mjs)
// is stored in dist/build.json, and `--if-stale` (npm start, the walk test) builds only when it differs.
//   node console/build.mjs             production build (minified)
//   node console/build.mjs --dev       development build (LWC dev warnings, source map)
//   node console/build.mjs --if-stale  build only when an input changed or the last build was another mode
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { BUILD_INFO_FILE, CONSOLE_DIR, DIST_DIR, ROOT_DIR, buildInputs, packageVersion } from './sources.mjs';

/** Hash of the inputs' paths and contents, and of the build mode. */
export function inputsHash(production = true) {
  const hash = crypto.createHash('sha256');
  hash.update(production ? 'production\n' : 'development\n');
  // Only the version constant of MsiActionsClient.cls reaches the bundle, not the rest of the class.
  hash.update(`package ${packageVersion()}\n`);
  for (const file of buildInputs()) {
    hash.update(path.relative(ROOT_DIR, file));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** What the last build wrote, or undefined. */
export function readBuildInfo() {
  try {
    return JSON.parse(fs.readFileSync(BUILD_INFO_FILE, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when dist holds a build of exactly the current inputs. */
export function isFresh(production = true) {
  const info = readBuildInfo();
  return !!info && info.hash === inputsHash(production) && fs.existsSync(path.join(DIST_DIR, 'app.js'));
}

/**
 * Builds the bundle (unless `ifStale` and it is fresh).
 * @returns {Promise<{ built: boolean, hash: string, ms: number, bytes: number, gzipBytes: number }>}
 */
export async function buildConsole({ production = true, ifStale = false } = {}) {
  const release = await lock();
  try {
    // Checked again under the lock: another process (npm start, the walk test) may have just built it.
    const hash = inputsHash(production);
    const previous = readBuildInfo();
    if (ifStale && previous && previous.hash === hash && fs.existsSync(path.join(DIST_DIR, 'app.js'))) {
      return { built: false, ...previous };
    }
    return await build(hash, production);
  } finally {
    release();
  }
}

const LOCK_DIR = path.join(CONSOLE_DIR, '.build-lock');
/** A build older than this holds no lock any more (a killed process). */
const STALE_LOCK_MS = 5 * 60 * 1000;

/** One build at a time on this checkout: two would swap dist under each other. */
async function lock() {
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      return () => fs.rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = Date.now() - (fs.statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) fs.rmSync(LOCK_DIR, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function build(hash, production) {
  const started = performance.now();
  // Imported here so that a start with a fresh bundle never loads rollup and the LWC compiler.
  const [{ rollup }, { consoleRollupConfig, indexHtml }] = await Promise.all([import('rollup'), import('./rollup.config.mjs')]);
  const config = consoleRollupConfig({ production });
  const bundle = await rollup(config);
  try {
    // Write into a fresh folder and swap it in, so a running service never serves half a bundle.
    const staging = `${DIST_DIR}.tmp-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    await bundle.write({ ...config.output, file: path.join(staging, 'app.js') });
    const code = fs.readFileSync(path.join(staging, 'app.js'));
    const gzipped = zlib.gzipSync(code, { level: 9 });
    const info = {
      hash,
      mode: production ? 'production' : 'development',
      builtAt: new Date().toISOString(),
      ms: Math.round(performance.now() - started),
      bytes: code.length,
      gzipBytes: gzipped.length,
    };
    // Served to browsers that accept gzip: the bundle is mostly LBC, and 3 MB is slow on a remote console.
    fs.writeFileSync(path.join(staging, 'app.js.gz'), gzipped);
    fs.writeFileSync(path.join(staging, 'index.html'), indexHtml(hash));
    fs.writeFileSync(path.join(staging, 'build.json'), `${JSON.stringify(info, null, 2)}\n`);
    const old = `${DIST_DIR}.old-${process.pid}`;
    if (fs.existsSync(DIST_DIR)) fs.renameSync(DIST_DIR, old);
    fs.renameSync(staging, DIST_DIR);
    fs.rmSync(old, { recursive: true, force: true });
    return { built: true, ...info };
  } finally {
    await bundle.close();
  }
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = new Set(process.argv.slice(2));
  const production = !args.has('--dev');
  try {
    if (args.has('--if-stale') && isFresh(production)) process.exit(0);
    console.log(`Building the console (${production ? 'production' : 'development'})...`);
    const result = await buildConsole({ production, ifStale: args.has('--if-stale') });
    console.log(`Console built in ${(result.ms / 1000).toFixed(1)} s: app.js ${mb(result.bytes)}, ${mb(result.gzipBytes)} gzipped → console/dist`);
  } catch (error) {
    console.error(`Console build failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
