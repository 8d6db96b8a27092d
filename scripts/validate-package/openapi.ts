// Prints the service's OpenAPI document as JSON, built in-process from the real routes: the package check
// compares every path the Apex client calls with it. In-memory PGlite, no sandbox, no HTTP listener.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../service/src/platform/config.js';
import { openDatabase } from '../../service/src/platform/database.js';
import { createRuntime } from '../../service/src/runtime.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-openapi-'));
const database = await openDatabase({});
try {
  const runtime = await createRuntime(loadConfig({ DATA_DIR: dataDir, SANDBOX: 'false', LOG_LEVEL: 'silent' }), {
    database,
    worker: false,
  });
  try {
    process.stdout.write(JSON.stringify(runtime.app.swagger()));
  } finally {
    await runtime.close();
  }
} finally {
  await database.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
