import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from './app.js';
import type { Config } from './platform/config.js';
import { openDatabase, type Database } from './platform/database.js';
import { Jobs } from './platform/jobs.js';
import { migrateToLatest } from './platform/migrations.js';
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
  try {
    await migrateToLatest(database.db);
    jobs = new Jobs(database, { maintenance: worker });
    const capabilities = options.capabilities ?? defaultCapabilities;
    const services: CapabilityContext['services'] = {};
    const app = await buildApp({ config, database, jobs, services, capabilities }, options);
    const context: CapabilityContext = { config, database, jobs, log: app.log, services };
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
        if (ownsDatabase) await database.close();
      },
    };
  } catch (error) {
    await jobs?.stop().catch(() => undefined);
    if (ownsDatabase) await database.close().catch(() => undefined);
    throw error;
  }
}
