#!/usr/bin/env node
// `npm start` on a fresh clone: install dependencies when they are missing or older than the lockfile.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale =
  !fs.existsSync(marker) ||
  (fs.existsSync('package-lock.json') && fs.statSync('package-lock.json').mtimeMs > fs.statSync(marker).mtimeMs + 1000);
if (stale) {
  console.log('Installing dependencies (first start or package-lock.json changed)...');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
