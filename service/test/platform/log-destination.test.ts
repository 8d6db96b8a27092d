import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { BatchedLogDestination } from '../../src/platform/log-destination.js';

const tempFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msi-log-')), 'service.log');

describe('log lines are written in batches', () => {
  it('writes a quiet trickle within the flush interval, in order', async () => {
    const file = tempFile();
    const destination = BatchedLogDestination.toFile(file, { flushMs: 50 });
    destination.write('{"msg":"one"}\n');
    destination.write('{"msg":"two ü"}\n');
    assert.equal(fs.readFileSync(file, 'utf8'), '', 'held for a moment');
    await sleep(200);
    assert.equal(fs.readFileSync(file, 'utf8'), '{"msg":"one"}\n{"msg":"two ü"}\n');
    destination.end();
  });

  it('keeps the order of 20,000 lines written faster than the disk takes them', async () => {
    const file = tempFile();
    const destination = BatchedLogDestination.toFile(file, { maxBytes: 4096, flushMs: 20 });
    for (let i = 0; i < 20_000; i += 1) destination.write(`{"n":${i}}\n`);
    await sleep(300);
    destination.end();
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 20_000);
    assert.ok(lines.every((line, i) => line === `{"n":${i}}`));
  });

  it('loses nothing when the process exits right after logging', () => {
    const file = tempFile();
    const script = `
      import { BatchedLogDestination } from ${JSON.stringify(path.resolve('service/src/platform/log-destination.ts'))};
      const d = BatchedLogDestination.toFile(${JSON.stringify(file)}, { flushMs: 60000 });
      for (let i = 0; i < 1000; i += 1) d.write('{"n":' + i + '}\\n');
      process.exit(0);`;
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    assert.equal(fs.readFileSync(file, 'utf8').trimEnd().split('\n').length, 1000);
  });

  it('drops lines past its memory limit instead of growing, and says how many', async () => {
    const file = tempFile();
    const destination = BatchedLogDestination.toFile(file, { maxBytes: 1 << 20, maxPendingBytes: 100, flushMs: 20 });
    for (let i = 0; i < 20; i += 1) destination.write(`{"line":${String(i).padStart(2, '0')}}\n`);
    await sleep(200);
    destination.end();
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('{"line"')).length, 8, 'what fits in 100 bytes (12 bytes a line)');
    assert.match(lines.at(-1)!, /12 log lines were dropped/);
  });
});
