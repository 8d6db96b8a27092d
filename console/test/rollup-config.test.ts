/**
 * The console build's rule that a rollup warning about an unresolved import fails the build
 * (console/rollup.config.mjs, onwarn): a bare import rollup cannot resolve would otherwise be left in the
 * bundle as an external and fail only in the browser, on the page that reaches it. A tiny entry goes through
 * the console's own rollup config (its plugins and onwarn), without writing a bundle.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { rollup } from 'rollup';
import { fileURLToPath } from 'node:url';
import { consoleRollupConfig } from '../rollup.config.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

describe('the console build: an unresolved import fails it', () => {
  let dir: string;
  before(() => {
    // Inside the repository: LWC's module resolver looks upwards from the importer for its project (package.json).
    dir = fs.mkdtempSync(path.join(HERE, '.rollup-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Bundles `source` as the entry with the console's config (development mode: no minifying). */
  async function bundle(source: string) {
    const entry = path.join(dir, `entry-${Math.random().toString(36).slice(2)}.js`);
    fs.writeFileSync(entry, source);
    const build = await rollup({ ...consoleRollupConfig({ production: false }), input: entry });
    await build.close();
  }

  it('builds a tiny entry that imports only what resolves (the console\'s own generated module)', async () => {
    await bundle(`import { PACKAGE_VERSION } from '@console/package';\nexport default PACKAGE_VERSION;\n`);
  });

  it('fails on a bare import nothing resolves, naming it and where stand-ins go', async () => {
    await assert.rejects(
      bundle(`import { missing } from 'no-such-module-anywhere';\nexport default missing;\n`),
      (error: Error) => {
        assert.match(error.message, /^Unresolved import: "no-such-module-anywhere" is imported by ".*entry-\w+\.js"/);
        assert.match(error.message, /console\/stand-ins/);
        return true;
      },
    );
  });

  it('fails on a platform-only lightning/* module the console has no stand-in for', async () => {
    await assert.rejects(
      bundle(`import { getRecord } from 'lightning/uiRecordApi';\nexport default getRecord;\n`),
      /Unresolved import: "lightning\/uiRecordApi" is imported by/,
    );
  });

  it('is the config\'s onwarn that fails it: without it, rollup builds the same entry with the import left external', async () => {
    const entry = path.join(dir, 'without-onwarn.js');
    fs.writeFileSync(entry, `import { missing } from 'no-such-module-anywhere';\nexport default missing;\n`);
    const warnings: string[] = [];
    const build = await rollup({ ...consoleRollupConfig({ production: false }), input: entry, onwarn: (warning) => void warnings.push(String(warning.code)) });
    await build.close();
    assert.ok(warnings.includes('UNRESOLVED_IMPORT'), `rollup warned ${warnings.join(', ')}`);
  });
});
