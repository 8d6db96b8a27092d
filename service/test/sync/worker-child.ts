/**
 * A worker process for the multi-process and crash tests: the whole service runtime working jobs
 * (no HTTP traffic) on the PostgreSQL database in DATABASE_URL, with the test's sync tuning.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/platform/config.js';
import { createRuntime } from '../../src/runtime.js';
import { limiterFor } from '../../src/marketo/limiter.js';
import { tuneSync } from '../../src/sync/tuning.js';

tuneSync(JSON.parse(process.env.SYNC_TUNING ?? '{}'));
for (const host of (process.env.MARKETO_HOSTS ?? '').split(',').filter(Boolean)) {
  // Generous concurrency: a killed sibling's limiter leases count as in flight until they expire.
  limiterFor(host, { maxCalls: 80, windowMs: 2000, maxConcurrent: 40, backoffBaseMs: 10, backoffMaxMs: 200 });
}
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-sync-worker-'));
const config = loadConfig({
  ...process.env,
  DATA_DIR: dataDir,
  SANDBOX: 'false',
  PORT: '0',
  LOG_LEVEL: 'warn',
  IN_PROCESS_WORKER: 'true',
} as NodeJS.ProcessEnv);
const runtime = await createRuntime(config, { worker: true });
process.stdout.write('ready\n');
const stop = async () => {
  await runtime.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
