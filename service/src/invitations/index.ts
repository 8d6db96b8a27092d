import type { Capability, CapabilityContext } from '../capabilities.js';
import { salesforceUsers } from '../salesforce/capability.js';
import { MemberService } from './members.js';
import { invitationRoutes } from './routes.js';
import { InvitationService, RELEASE_QUEUE } from './service.js';

export { InvitationService, MemberService };

/** The invitation service of a running context. */
export function invitationService(context: Pick<CapabilityContext, 'services'>): InvitationService {
  const service = context.services.invitations;
  if (!(service instanceof InvitationService)) throw new Error('The invitations capability is not set up');
  return service;
}

/** The user and team management service of a running context (other capabilities register ownership transfers on it). */
export function memberService(context: Pick<CapabilityContext, 'services'>): MemberService {
  const service = context.services.members;
  if (!(service instanceof MemberService)) throw new Error('The invitations capability is not set up');
  return service;
}

/**
 * Step 5: invitations (by address and by CSV), User Management and Team Management. The e-mails
 * themselves go through the account capability's send-invitation queue: one mechanism.
 */
export const invitationsCapability: Capability = {
  name: 'invitations',
  queues: [{ name: RELEASE_QUEUE, retryLimit: 5, retryDelaySeconds: 10, retryBackoff: true }],
  setup(context) {
    const invitations = new InvitationService(context.database, context.jobs, context.log);
    context.services.invitations = invitations;
    context.services.members = new MemberService(context.database, invitations, () => salesforceUsers(context));
  },
  async startWorkers(context) {
    await context.jobs.work<{ accountId: string; invitationIds: string[]; spacingMs?: number }>(RELEASE_QUEUE, (data) => invitationService(context).releaseBatch(data));
  },
  apiRoutes: async (app) => {
    await app.register(
      invitationRoutes(
        () => invitationService(app),
        () => memberService(app),
      ),
    );
  },
};
