import type { Capability, CapabilityContext } from '../capabilities.js';
import { marketoConnections } from '../marketo/index.js';
import { salesforceConnection, salesforceUsers } from '../salesforce/capability.js';
import { DELIVERY_QUEUE, DeliveryWorker, type DeliveryJob } from './delivery.js';
import { MarketoDelivery } from './marketo-delivery.js';
import { Outbox } from './outbox.js';
import { activityRoutes } from './routes.js';
import { SalesforceDelivery } from './salesforce-delivery.js';
import { ActivityService } from './service.js';
import { DEFAULT_TUNING, type DeliveryTuning } from './tuning.js';

export { activityMigrations } from './migrations.js';
export type { ActivityTables } from './tables.js';
export { DEFAULT_TUNING, type DeliveryTuning } from './tuning.js';
export { ACTIVITY_KINDS, MARKETO_TYPES, type ActivityKind } from './kinds.js';

/** What the activities capability offers (tests and benchmarks change `tuning` in place). */
export interface Activities {
  service: ActivityService;
  worker: DeliveryWorker;
  tuning: DeliveryTuning;
}

export function activities(context: Pick<CapabilityContext, 'services'>): Activities {
  const service = context.services.activities as Activities | undefined;
  if (!service) throw new Error('The activities capability is not set up');
  return service;
}

const running = new Set<DeliveryWorker>();

export const activitiesCapability: Capability = {
  name: 'activities',
  queues: [
    // The handler settles every row itself; a job only fails on a database fault, then pg-boss retries it.
    { name: DELIVERY_QUEUE, retryLimit: 10, retryDelaySeconds: 5, retryBackoff: true, expireInSeconds: 60 * 60 },
  ],
  setup(context) {
    const tuning: DeliveryTuning = structuredClone(DEFAULT_TUNING);
    const db = context.database.db;
    const outbox = new Outbox(db, tuning);
    const marketo = new MarketoDelivery(db, outbox, () => marketoConnections(context), context.log, tuning);
    const salesforce = new SalesforceDelivery(outbox, () => salesforceConnection(context), context.log, tuning);
    const worker = new DeliveryWorker(db, context.jobs, context.log, outbox, marketo, salesforce, tuning);
    const service = new ActivityService(db, context.log, worker, () => salesforceUsers(context));
    context.services.activities = { service, worker, tuning } satisfies Activities;
  },
  async startWorkers(context) {
    const { worker } = activities(context);
    // Several jobs at once: different accounts (and Marketo vs Salesforce) deliver side by side.
    await context.jobs.work<DeliveryJob>(DELIVERY_QUEUE, (data) => worker.run(data), { concurrency: 4, pollingIntervalSeconds: 1 });
    worker.start();
    running.add(worker);
  },
  apiRoutes: async (app) => {
    await app.register(activityRoutes(() => activities(app.context).service));
  },
  async close() {
    // Every delivery is settled in the database as it happens; only the sweep timers stop.
    for (const worker of running) worker.stop();
    running.clear();
  },
};
