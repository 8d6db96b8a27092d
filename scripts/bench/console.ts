/**
 * console: what the local console costs. A production build of the bundle from scratch (rollup, the LWC
 * compiler, terser), the bundle's size raw and gzipped, and what `npm start` pays when nothing changed
 * (the input hash check of `console/build.mjs --if-stale`). Goal: the bundle is at most 1 MB gzipped.
 *   npm run bench -- console
 */
import { buildConsole, inputsHash } from '../../console/build.mjs';
import { printTable, writeResults } from './lib.js';

const GOAL_GZIP_BYTES = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

console.log('Console benchmark: production build of console/ (this takes about 40 s on 2 cores)');
const build = await buildConsole({ production: true, ifStale: false });

// The no-change start: hashing every input, as the prestart step does before it decides not to build.
const checks: number[] = [];
for (let i = 0; i < 5; i++) {
  const started = performance.now();
  inputsHash(true);
  checks.push(performance.now() - started);
}
const checkMs = checks.sort((a, b) => a - b)[Math.floor(checks.length / 2)]!;

const met = build.gzipBytes <= GOAL_GZIP_BYTES;
printTable('Console bundle (production)', [
  { measure: 'build time', value: `${(build.ms / 1000).toFixed(1)} s` },
  { measure: 'app.js', value: mb(build.bytes) },
  { measure: 'app.js gzipped', value: `${mb(build.gzipBytes)} (goal ≤ 1.00 MB: ${met ? 'met' : 'NOT met'})` },
  { measure: 'no-change check at start (median of 5)', value: `${checkMs.toFixed(1)} ms` },
]);
writeResults('console', { buildMs: build.ms, bytes: build.bytes, gzipBytes: build.gzipBytes, goalGzipBytes: GOAL_GZIP_BYTES, met, noChangeCheckMs: checkMs });
if (!met) process.exitCode = 1;
