import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from './app.js';
import type { Config } from './platform/config.js';
import { openDatabase, type Database } from './platform/database.js';
import { Jobs } from './platform/jobs.js';
import { migrateToLatest } from './platform/migrations.js';
import { Keys } from './platform/crypto.js';
import { MailDeliveryError, Mailer } from './platform/mail.js';
import { Mailbox } from './sandbox/mailbox.js';
import { closeSandbox } from './sandbox/index.js';
import { capabilities as defaultCapabilities, type Capability, type CapabilityContext } from './capabilities.js';

export interface Runtime {
  context: CapabilityContext;
  config: Config;
  database: Database;
  jobs: Jobs;
  app: FastifyInstance;
  close(): Promise<void>;
}

export interface RuntimeOptions extends BuildOptions {
  /** An already opened database (tests share one per file). */
  database?: Database;
  /** Work jobs in this process. Defaults to `config.inProcessWorker`. */
  worker?: boolean;
  /** The capabilities to run (all by default). */
  capabilities?: Capability[];
}

/**
 * Opens the database, migrates it, starts the job queue and builds the HTTP app: everything
 * `npm start`, `npm run worker` and the tests have in common.
 */
export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const database =
    options.database ?? (await openDatabase({ url: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pglite') }));
  const ownsDatabase = options.database === undefined;
  const worker = options.worker ?? config.inProcessWorker;
  let jobs: Jobs | undefined;
  let mailbox: Mailbox | undefined;
  let mailer: Mailer | undefined;
  const services: CapabilityContext['services'] = {};
  try {
    const keys = Keys.load({ encryptionKey: config.encryptionKey, dataDir: config.dataDir });
    let smtpUrl = config.smtpUrl;
    if (!smtpUrl && config.sandbox) {
      mailbox = await Mailbox.start();
      smtpUrl = mailbox.url;
    }
    mailer = smtpUrl ? new Mailer(smtpUrl, config.mailFrom) : undefined;
    const configuredMailer = mailer;
    await migrateToLatest(database.db);
    jobs = new Jobs(database, { maintenance: worker });
    const capabilities = options.capabilities ?? defaultCapabilities;
    const app = await buildApp({ config, database, jobs, services, capabilities }, options);
    const context: CapabilityContext = {
      config,
      database,
      jobs,
      log: app.log,
      keys,
      mailbox,
      services,
      mailer() {
        if (!configuredMailer) throw new MailDeliveryError('No mail server is configured: set SMTP_URL (or SANDBOX=true).', false);
        return configuredMailer;
      },
    };
    app.decorate('context', context);
    jobs.onError = (error) => app.log.error({ err: error }, 'job queue error');
    for (const capability of capabilities) {
      await capability.setup?.(context);
      for (const queue of capability.queues ?? []) await jobs.define(queue);
    }
    await jobs.start();
    if (worker) for (const capability of capabilities) await capability.startWorkers?.(context);
    await app.ready();
    const startedJobs = jobs;
    return {
      context,
      config,
      database,
      jobs: startedJobs,
      app,
      async close() {
        await app.close();
        await startedJobs.stop();
        for (const capability of [...capabilities].reverse()) await capability.close?.();
        await closeSandbox(context);
        configuredMailer?.close();
        await mailbox?.close();
        if (ownsDatabase) await database.close();
      },
    };
  } catch (error) {
    await jobs?.stop().catch(() => undefined);
    await closeSandbox({ services });
    mailer?.close();
    await mailbox?.close().catch(() => undefined);
    if (ownsDatabase) await database.close().catch(() => undefined);
    throw error;
  }
}
