import type { CapabilityContext } from '../capabilities.js';
import { toId18 } from '../account/org-id.js';
import { sandboxOf } from '../sandbox/index.js';

/**
 * The Salesforce org the console stands in for: what `UserInfo`, `Url.getOrgDomainUrl()` and the User
 * query give Apex on the platform. The one place the console's org identity comes from.
 */
export interface ConsoleOrg {
  id: string;
  name: string;
  /** Where the activation page's "Return to Salesforce" lands: the console serves `/lightning/n/<tab>`. */
  instanceUrl: string;
  /** The MSI_Actions_Settings__c "Enabled" switch of the org (setup step 7). */
  msiActionsEnabled: boolean;
  /** Whether the org is the sandbox's emulated Salesforce org. */
  sandbox: boolean;
  /** The running user (UserInfo.getUserId/getName/getUserEmail): who the service records as the actor of each call, and the rep of a logged call. */
  user: { id: string; name: string; email: string };
}

export interface AdminCandidate {
  userId: string;
  name: string;
  email: string;
}

/** Without the sandbox there is no emulated org to borrow an id from: a fixed, valid one. */
export const STANDALONE_ORG = {
  id: toId18('00D000000000001'),
  name: 'MSI Actions console',
  user: { id: '005000000000001AAA', name: 'Console Admin', username: 'console.admin@msi-actions-console.example.com', email: 'console.admin@msi-actions-console.example.com' },
} as const;
const SANDBOX_ORG_NAME = 'MSI Sandbox (emulated Salesforce org)';

/**
 * In the sandbox, the emulated Salesforce org: the account then belongs to the same org the admin connects
 * in step 2 (the service checks that the connected org is the account's).
 */
export function consoleOrg(context: Pick<CapabilityContext, 'services' | 'config'>): ConsoleOrg {
  const sandbox = sandboxOf(context);
  const admin = sandbox?.salesforce.org.admin;
  return {
    id: sandbox ? sandbox.salesforce.org.id : STANDALONE_ORG.id,
    name: sandbox ? SANDBOX_ORG_NAME : STANDALONE_ORG.name,
    instanceUrl: context.config.publicUrl,
    msiActionsEnabled: false,
    sandbox: !!sandbox,
    user: admin
      ? { id: admin.id, name: `${admin.firstName} ${admin.lastName}`, email: admin.email }
      : { id: STANDALONE_ORG.user.id, name: STANDALONE_ORG.user.name, email: STANDALONE_ORG.user.email },
  };
}

/** MsiActionsSetupController.getAdminCandidates: active users with Modify All Data, ordered by name. */
export function adminCandidates(context: Pick<CapabilityContext, 'services'>): AdminCandidate[] {
  const sandbox = sandboxOf(context);
  if (!sandbox) return [];
  return sandbox.salesforce.org.users
    .filter((user) => user.isActive && user.isAdmin)
    .map((user) => ({ userId: user.id, name: `${user.firstName} ${user.lastName}`, email: user.email }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
