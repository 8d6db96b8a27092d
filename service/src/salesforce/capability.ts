import type { Capability, CapabilityContext } from '../capabilities.js';
import { CALLBACK_PATH, DEFAULT_LOGIN_URL, SalesforceConnections, type SalesforceApp } from './connections.js';
import { SalesforceCustomizations } from './customizations.js';
import { salesforceCallbackPage } from './pages.js';
import { salesforceRoutes } from './routes.js';
import { SalesforceUsers } from './users.js';

/** The emulated org the sandbox runs (`services.sandbox.salesforce`), as far as connecting needs it. */
interface SandboxSalesforce {
  url: string;
  clientId: string;
  clientSecret: string;
}

/**
 * The connected app: SALESFORCE_CLIENT_ID/SECRET when set, otherwise the sandbox's emulated org
 * (read at use, since the sandbox may start after this capability is set up).
 */
export function resolveSalesforceApp(context: Pick<CapabilityContext, 'config' | 'services'>): SalesforceApp | undefined {
  const { config } = context;
  const redirectUri = `${config.publicUrl}${CALLBACK_PATH}`;
  if (config.salesforceClientId) {
    return { clientId: config.salesforceClientId, clientSecret: config.salesforceClientSecret, defaultLoginUrl: config.salesforceLoginUrl ?? DEFAULT_LOGIN_URL, redirectUri };
  }
  const emulated = (context.services.sandbox as { salesforce?: SandboxSalesforce } | undefined)?.salesforce;
  if (!emulated) return undefined;
  return { clientId: emulated.clientId, clientSecret: emulated.clientSecret, defaultLoginUrl: config.salesforceLoginUrl ?? emulated.url, redirectUri };
}

/** The Salesforce connection of a running context: other capabilities get jsforce Connections here. */
export function salesforceConnection(context: Pick<CapabilityContext, 'services'>): SalesforceConnections {
  const service = context.services.salesforce;
  if (!(service instanceof SalesforceConnections)) throw new Error('The salesforce capability is not set up');
  return service;
}

export function salesforceCustomizations(context: Pick<CapabilityContext, 'services'>): SalesforceCustomizations {
  const service = context.services.salesforceCustomizations;
  if (!(service instanceof SalesforceCustomizations)) throw new Error('The salesforce capability is not set up');
  return service;
}

/**
 * Who a Salesforce user is among the account's MSI Actions users. Where the salesforce capability is
 * not part of this runtime (a capability subset) only users linked before are known.
 */
export function salesforceUsers(context: Pick<CapabilityContext, 'services' | 'database' | 'log'>): SalesforceUsers {
  const service = context.services.salesforceUsers;
  return service instanceof SalesforceUsers ? service : new SalesforceUsers(context.database.db, context.log, () => null);
}

const running = new Set<SalesforceConnections>();

export const salesforceCapability: Capability = {
  name: 'salesforce',
  setup(context) {
    const connections = new SalesforceConnections(context.database.db, context.keys, context.log, () => resolveSalesforceApp(context), context.config.publicUrl);
    context.services.salesforce = connections;
    context.services.salesforceCustomizations = new SalesforceCustomizations(context.database.db, connections);
    context.services.salesforceUsers = new SalesforceUsers(context.database.db, context.log, () => connections);
    running.add(connections);
  },
  apiRoutes: async (app) => {
    await app.register(
      salesforceRoutes(
        () => salesforceConnection(app.context),
        () => salesforceCustomizations(app.context),
      ),
    );
  },
  rootRoutes: async (app) => {
    await app.register(salesforceCallbackPage(() => salesforceConnection(app.context)));
  },
  async close() {
    // Token and usage writes in flight must land before the database closes.
    await Promise.all([...running].map((connections) => connections.settle()));
    running.clear();
  },
};
