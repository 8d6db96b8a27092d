import type { Capability, CapabilityContext } from '../capabilities.js';
import type { Db } from '../platform/database.js';
import { marketoConnections } from '../marketo/index.js';
import { QUEUE_INCREMENTAL, QUEUE_PLAN, QUEUE_SUPERVISE, QUEUE_WINDOW, SyncEngine } from './engine.js';
import { syncRoutes } from './routes.js';
import { syncTuning } from './tuning.js';

export { SyncEngine } from './engine.js';
export { syncMigrations } from './migrations.js';
export type { SyncTables } from './tables.js';
export { syncTuning, tuneSync, DEFAULT_SYNC_TUNING, type SyncTuning } from './tuning.js';

export function syncEngine(context: Pick<CapabilityContext, 'services'>): SyncEngine {
  const engine = context.services.sync;
  if (!(engine instanceof SyncEngine)) throw new Error('The sync capability is not set up');
  return engine;
}

export const syncCapability: Capability = {
  name: 'sync',
  async setup(context) {
    context.services.sync = new SyncEngine(
      context.database.db as Db,
      context.jobs,
      marketoConnections(context),
      context.log,
    );
    // Failures are handled inside the jobs (recorded, retried by the supervisor), so pg-boss never
    // retries a piece on its own; a job whose worker died is picked up again by the supervisor.
    const lease = Math.max(60, Math.ceil((syncTuning.leaseMs * 4) / 1000));
    for (const name of [QUEUE_PLAN, QUEUE_WINDOW, QUEUE_INCREMENTAL, QUEUE_SUPERVISE]) {
      await context.jobs.define({
        name,
        retryLimit: 2,
        retryDelaySeconds: 1,
        expireInSeconds: name === QUEUE_WINDOW ? 6 * 3600 : lease,
      });
    }
  },
  async startWorkers(context) {
    if (!syncTuning.workQueues) return;
    const engine = syncEngine(context);
    const polling = { pollingIntervalSeconds: syncTuning.pollingIntervalSeconds };
    await context.jobs.work<{ runId: string }>(QUEUE_PLAN, (data) => engine.plan(data.runId), polling);
    await context.jobs.work<{ runId: string; windowId: string }>(
      QUEUE_WINDOW,
      (data) => engine.window(data.runId, data.windowId),
      { ...polling, concurrency: syncTuning.windowConcurrency },
    );
    await context.jobs.work<{ runId: string }>(QUEUE_INCREMENTAL, (data) => engine.incremental(data.runId), polling);
    await context.jobs.work<{ runId: string }>(QUEUE_SUPERVISE, (data) => engine.supervise(data.runId), polling);
    await engine.kick();
  },
  apiRoutes: async (app) => {
    await app.register(syncRoutes(() => syncEngine(app.context)));
  },
};
