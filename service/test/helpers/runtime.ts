import { Writable } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createTestDatabase } from './database.js';
import { Mailbox } from '../../src/sandbox/mailbox.js';

/** Every log line the app wrote, for assertions (and for searching for leaked secrets). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void) {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    callback();
  }
  get text() {
    return this.lines.join('\n');
  }
}

export interface TestRuntime extends Runtime {
  logs: LogCapture;
  dataDir: string;
  /** The SMTP server the service sends to: tests read mail as a mail client gets it. */
  mailbox: Mailbox;
}

/** A whole service on a fresh database, as `npm start` builds it, for one test file. */
export async function startTestRuntime(env: Record<string, string> = {}, overrides: Partial<Config> = {}): Promise<TestRuntime> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-test-'));
  const mailbox = await Mailbox.start();
  const config = {
    ...loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'info', SANDBOX: 'false', PORT: '0', SMTP_URL: mailbox.url, ...env }),
    ...overrides,
  };
  const testDb = await createTestDatabase();
  const logs = new LogCapture();
  try {
    const runtime = await createRuntime(config, { database: testDb.database, logStream: logs });
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
