import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capabilities } from '../../src/capabilities.js';
import { marketoCapability } from '../../src/marketo/index.js';
import { loadConfig } from '../../src/platform/config.js';
import { createRuntime } from '../../src/runtime.js';
import { Mailbox } from '../../src/sandbox/mailbox.js';
import { createTestDatabase } from '../helpers/database.js';
import { LogCapture, type TestRuntime } from '../helpers/runtime.js';

/**
 * The whole service with the Marketo capability, whether or not the capability list names it yet
 * (the same as helpers/runtime.ts startTestRuntime otherwise).
 */
export async function startMarketoTestRuntime(): Promise<TestRuntime> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-test-'));
  const mailbox = await Mailbox.start();
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'info', SANDBOX: 'false', PORT: '0', SMTP_URL: mailbox.url });
  const testDb = await createTestDatabase();
  const logs = new LogCapture();
  const withMarketo = capabilities.some((c) => c.name === 'marketo') ? capabilities : [...capabilities, marketoCapability];
  try {
    const runtime = await createRuntime(config, { database: testDb.database, logStream: logs, capabilities: withMarketo });
    return {
      ...runtime,
      logs,
      dataDir,
      mailbox,
      async close() {
        await runtime.close();
        await testDb.drop();
        await mailbox.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await testDb.drop();
    await mailbox.close();
    throw error;
  }
}
