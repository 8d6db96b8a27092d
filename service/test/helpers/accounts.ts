import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestRuntime } from './runtime.js';
import { toId18 } from '../../src/account/org-id.js';

export interface ActiveAccount {
  accountId: string;
  orgId: string;
  clientId: string;
  clientSecret: string;
  token: string;
  adminEmail: string;
  /** Headers for an authenticated /api/v1 call. */
  auth: { authorization: string };
}

/** A fresh 18-character org id. */
export function newOrgId(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(12);
  return toId18(`00D${Array.from(bytes, (b) => chars[b % chars.length]).join('')}`);
}

/** The activation link in the `nth` invitation mail to `email` (the first by default). */
export async function activationLink(runtime: TestRuntime, email: string, nth = 1): Promise<string> {
  const mail = await runtime.mailbox.waitFor((m) => m.to.includes(email) && runtime.mailbox.messages.filter((x) => x.to.includes(email)).indexOf(m) === nth - 1);
  const match = /\/activate\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
  assert.ok(match?.[1], 'the mail has an activation link');
  return match[1];
}

/** The credentials shown on the activation page after activating with `token`. */
export async function activate(runtime: TestRuntime, token: string) {
  const page = await runtime.app.inject({ method: 'POST', url: '/activate', payload: { token } });
  const clientId = /id="client-id">([^<]+)</.exec(page.body)?.[1];
  const clientSecret = /id="client-secret">([^<]+)</.exec(page.body)?.[1];
  const claimCode = /c__claimCode=([A-Za-z0-9_-]+)/.exec(page.body)?.[1];
  return { page, clientId, clientSecret, claimCode };
}

export async function accessToken(runtime: TestRuntime, clientId: string, clientSecret: string) {
  const res = await runtime.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    payload: { grant_type: 'client_credentials' },
  });
  return res;
}

/**
 * Walks step 1 as an admin does: create the account, open the mail, activate, get a token.
 * Other capabilities' tests start from here.
 */
export async function createActiveAccount(
  runtime: TestRuntime,
  options: { orgName?: string; adminEmail?: string; orgId?: string; instanceUrl?: string } = {},
): Promise<ActiveAccount> {
  // A given org id (an emulated org's) lets the Salesforce org check pass; the default is a fresh one.
  const orgId = options.orgId ?? newOrgId();
  const adminEmail = options.adminEmail ?? `admin-${orgId.slice(-6).toLowerCase()}@example.com`;
  const created = await runtime.app.inject({
    method: 'POST',
    url: '/api/v1/accounts',
    payload: { orgId, orgName: options.orgName ?? `Org ${orgId.slice(-4)}`, instanceUrl: options.instanceUrl ?? 'https://example.my.salesforce.com', admins: [{ name: 'Ada Admin', email: adminEmail }] },
  });
  assert.equal(created.statusCode, 201, created.body);
  const { clientId, clientSecret } = await activate(runtime, await activationLink(runtime, adminEmail));
  assert.ok(clientId && clientSecret);
  const tokenRes = await accessToken(runtime, clientId, clientSecret);
  assert.equal(tokenRes.statusCode, 200, tokenRes.body);
  const token = tokenRes.json().access_token as string;
  const current = await runtime.app.inject({ method: 'GET', url: '/api/v1/accounts/current', headers: { authorization: `Bearer ${token}` } });
  return { accountId: current.json().id, orgId, clientId, clientSecret, token, adminEmail, auth: { authorization: `Bearer ${token}` } };
}
