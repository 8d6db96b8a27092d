#!/usr/bin/env node
// Runs every service and emulator test file with Node's test runner (TypeScript through tsx).
// Each file runs in its own process with its own fresh database. --test-force-exit ends a file once its
// tests are done, so a handle a test leaves open cannot hold CI until its time limit.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const roots = ['service/test', 'emulators', 'console/test', 'scripts/test'];
const filter = process.argv.slice(2);

function find(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : find(full);
    return /\.test\.ts$/.test(entry.name) ? [full] : [];
  });
}

let files = roots.flatMap(find).sort();
if (filter.length > 0) files = files.filter((f) => filter.some((word) => f.includes(word)));
if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}
console.log(`Running ${files.length} test file(s) on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-force-exit', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
