import type { Capability, CapabilityContext } from '../capabilities.js';
import { accountRoutes } from './routes.js';
import { activationPages } from './pages.js';
import { oauthRoutes } from './oauth-routes.js';
import { AccountService, SEND_INVITATION_QUEUE } from './service.js';

export { AccountService };

/** The account service of a running context. */
export function accountService(context: Pick<CapabilityContext, 'services'>): AccountService {
  const service = context.services.account;
  if (!(service instanceof AccountService)) throw new Error('The account capability is not set up');
  return service;
}

export const accountCapability: Capability = {
  name: 'account',
  queues: [{ name: SEND_INVITATION_QUEUE, retryLimit: 8, retryDelaySeconds: 30, retryBackoff: true }],
  setup(context) {
    const service = new AccountService(context.database, context.jobs, context.keys, context.config, () => context.mailer(), context.log);
    context.services.account = service;
    context.services.accessTokens = service.accessTokens;
  },
  async startWorkers(context) {
    await context.jobs.work<{ invitationId: string }>(SEND_INVITATION_QUEUE, (data) => accountService(context).sendInvitation(data.invitationId), {
      concurrency: 2,
    });
  },
  apiRoutes: async (app) => {
    await app.register(accountRoutes(() => accountService(app)));
  },
  rootRoutes: async (app) => {
    await app.register(oauthRoutes(() => accountService(app)));
    await app.register(activationPages(() => accountService(app)));
  },
};
