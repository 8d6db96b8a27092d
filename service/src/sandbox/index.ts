import type { Capability, CapabilityContext } from '../capabilities.js';
import { startMarketoEmulator, type MarketoEmulator } from '../../../emulators/marketo/index.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { sandboxMailRoutes } from './mail-routes.js';
import { sandboxPage } from './page.js';

/** The local peers of `npm start`: a Marketo and a Salesforce org generated from one seed. */
export interface Sandbox {
  marketo: MarketoEmulator;
  salesforce: SalesforceEmulator;
}

/** The running sandbox, when this process is one. */
export function sandboxOf(context: Pick<CapabilityContext, 'services'>): Sandbox | undefined {
  return context.services.sandbox as Sandbox | undefined;
}

/**
 * The sandbox of `npm start` (SANDBOX on): the Marketo and Salesforce emulators, the local mailbox
 * page, and a page that says how to connect to them. Off, it adds nothing.
 */
export const sandboxCapability: Capability = {
  name: 'sandbox',
  async setup(context) {
    if (!context.config.sandbox) return;
    const { config } = context;
    const marketo = await startMarketoEmulator({ people: config.sandboxPeople, seed: config.sandboxSeed, port: config.sandboxMarketoPort });
    try {
      const salesforce = await startSalesforceEmulator({
        seed: config.sandboxSeed,
        people: config.sandboxPeople,
        port: config.sandboxSalesforcePort,
        callbackUrls: [`${config.publicUrl}/connections/salesforce/callback`],
      });
      context.services.sandbox = { marketo, salesforce } satisfies Sandbox;
    } catch (error) {
      await marketo.close();
      throw error;
    }
  },
  rootRoutes: async (app) => {
    if (!app.config.sandbox) return;
    await app.register(sandboxMailRoutes);
    await app.register(sandboxPage);
  },
};

export async function closeSandbox(context: Pick<CapabilityContext, 'services'>) {
  const sandbox = sandboxOf(context);
  if (!sandbox) return;
  delete context.services.sandbox;
  await Promise.allSettled([sandbox.marketo.close(), sandbox.salesforce.close()]);
}
