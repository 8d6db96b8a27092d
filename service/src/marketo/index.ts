import type { Capability, CapabilityContext } from '../capabilities.js';
import type { Db } from '../platform/database.js';
import { startMarketoEmulator, type MarketoEmulator } from '../../../emulators/marketo/index.js';
import { MarketoConnections } from './connections.js';
import { marketoRoutes } from './routes.js';
import { ensureMarketoSchema } from './schema.js';

export { MarketoClient, endpointsForMunchkin } from './client.js';
export type { MarketoClientOptions, BulkRow, BulkReadOptions, MarketoUsage } from './client.js';
export { MarketoError } from './errors.js';
export { MarketoConnections } from './connections.js';
export type { ConnectionStatus, ConnectInput } from './connections.js';
export { marketoMigrations } from './migrations.js';
export type { MarketoTables } from './tables.js';

/** The Marketo connections of a running context (the sync and activity logging get clients here). */
export function marketoConnections(context: Pick<CapabilityContext, 'services'>): MarketoConnections {
  const service = context.services.marketo;
  if (!(service instanceof MarketoConnections)) throw new Error('The marketo capability is not set up');
  return service;
}

let sandboxEmulator: MarketoEmulator | undefined;

export const marketoCapability: Capability = {
  name: 'marketo',
  async setup(context) {
    await ensureMarketoSchema(context.database.db as unknown as Parameters<typeof ensureMarketoSchema>[0]);
    context.services.marketo = new MarketoConnections(context.database.db as Db, context.keys, context.log);
    if (context.config.sandbox && !context.config.marketoRestUrl && !sandboxEmulator) {
      // The sandbox's Marketo: a few thousand generated people, the same seed as the Salesforce emulator.
      sandboxEmulator = await startMarketoEmulator({ people: 5000, seed: 1 });
      context.services.marketoSandbox = sandboxEmulator;
      context.log.info(
        { restUrl: sandboxEmulator.restUrl, identityUrl: sandboxEmulator.identityUrl, clientId: sandboxEmulator.clientId },
        'sandbox Marketo emulator started (connect with these endpoints and the sandbox client id/secret)',
      );
    }
  },
  apiRoutes: async (app) => {
    await app.register(marketoRoutes(() => marketoConnections(app.context)));
  },
  async close() {
    await sandboxEmulator?.close();
    sandboxEmulator = undefined;
  },
};
