import type { Capability, CapabilityContext } from '../capabilities.js';
import type { Db } from '../platform/database.js';
import { MarketoConnections } from './connections.js';
import { marketoRoutes } from './routes.js';
import { salesforceUsers } from '../salesforce/capability.js';

export { MarketoClient, endpointsForMunchkin } from './client.js';
export type { MarketoClientOptions, BulkRow, BulkReadOptions, MarketoUsage } from './client.js';
export { MarketoError } from './errors.js';
export { MarketoConnections } from './connections.js';
export type { ConnectionStatus, ConnectInput, MarketoSettings } from './connections.js';
export { marketoMigrations } from './migrations.js';
export type { MarketoTables } from './tables.js';

/** The Marketo connections of a running context (the sync and activity logging get clients here). */
export function marketoConnections(context: Pick<CapabilityContext, 'services'>): MarketoConnections {
  const service = context.services.marketo;
  if (!(service instanceof MarketoConnections)) throw new Error('The marketo capability is not set up');
  return service;
}

export const marketoCapability: Capability = {
  name: 'marketo',
  setup(context) {
    const { marketoCallsPer20s, marketoConcurrentCalls, marketoDailyQuota } = context.config;
    context.services.marketo = new MarketoConnections(context.database.db as Db, context.keys, context.log, {}, {
      callsPer20s: marketoCallsPer20s,
      concurrentCalls: marketoConcurrentCalls,
      dailyQuota: marketoDailyQuota,
    }, () => salesforceUsers(context));
  },
  apiRoutes: async (app) => {
    await app.register(marketoRoutes(() => marketoConnections(app.context)));
  },
};
