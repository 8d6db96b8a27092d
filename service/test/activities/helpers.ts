import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startMarketoEmulator, type MarketoEmulator, type MarketoEmulatorOptions } from '../../../emulators/marketo/index.js';
import { startSalesforceEmulator, type SalesforceEmulator, type SalesforceEmulatorOptions } from '../../../emulators/salesforce/index.js';
import { activities, type DeliveryTuning } from '../../src/activities/index.js';
import { limiterFor } from '../../src/marketo/limiter.js';
import { createActiveAccount, type ActiveAccount } from '../helpers/accounts.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

const PUBLIC_URL = 'http://127.0.0.1:4998';
const CALLBACK = `${PUBLIC_URL}/connections/salesforce/callback`;

/** Waits short enough for tests; the emulators answer at once unless a test slows them down. */
export const TEST_TUNING: Partial<DeliveryTuning> = {
  lingerMs: 50,
  retryBaseMs: 20,
  retryMaxMs: 500,
  settleMs: 300,
  callTimeoutMs: 5000,
  sweepMs: 500,
  bulkPollMaxMs: 100,
  maxAttempts: 40,
};

export interface World {
  runtime: TestRuntime;
  marketo: MarketoEmulator;
  salesforce: SalesforceEmulator;
  account: ActiveAccount;
  close(): Promise<void>;
}

/**
 * Both emulators from one seed (they share person ids), a service with an account connected to
 * both, and the synced people written as the sync writes them, from the Marketo emulator's records.
 */
export async function startWorld(
  options: { seed?: number; people?: number; marketo?: MarketoEmulatorOptions; salesforce?: SalesforceEmulatorOptions; tuning?: Partial<DeliveryTuning>; seedPersons?: boolean } = {},
): Promise<World> {
  const seed = options.seed ?? 11;
  const people = options.people ?? 300;
  const marketo = await startMarketoEmulator({ seed, people, rateWindowMs: 2000, ...options.marketo });
  // The emulator allows 100 calls per 2 s here; the client keeps to most of it with short backoffs.
  limiterFor(new URL(marketo.restUrl).host, { maxCalls: 90, windowMs: 2000, maxConcurrent: 8, backoffBaseMs: 10, backoffMaxMs: 200 });
  const salesforce = await startSalesforceEmulator({
    seed,
    people,
    callbackUrls: [CALLBACK],
    connectedApps: [{ callbackUrls: [CALLBACK], preAuthorized: true }],
    taskTypes: ['Call', 'Email', 'Reply', 'Meeting', 'Other'],
    taskCustomFields: [
      { name: 'MSE_Template__c', type: 'string', length: 255 },
      { name: 'MSE_Clicked__c', type: 'boolean' },
    ],
    ...options.salesforce,
  });
  const runtime = await startTestRuntime({ PUBLIC_URL, SALESFORCE_LOGIN_URL: salesforce.url, SALESFORCE_CLIENT_ID: salesforce.clientId, SALESFORCE_CLIENT_SECRET: salesforce.clientSecret });
  Object.assign(activities(runtime.context).tuning, TEST_TUNING, options.tuning);
  const account = await createActiveAccount(runtime, { orgId: salesforce.org.id, instanceUrl: salesforce.url, orgName: 'Activities org' });
  await connectMarketo(runtime, account, marketo);
  await connectSalesforce(runtime, account, salesforce);
  if (options.seedPersons !== false) await seedPersons(runtime, account, marketo);
  return {
    runtime,
    marketo,
    salesforce,
    account,
    async close() {
      await runtime.close();
      await marketo.close();
      await salesforce.close();
    },
  };
}

export async function connectMarketo(runtime: TestRuntime, account: ActiveAccount, emulator: MarketoEmulator): Promise<void> {
  const res = await runtime.app.inject({
    method: 'POST',
    url: '/api/v1/connections/marketo',
    headers: { ...account.auth, 'x-msi-actor': '005000000000001AAA Ada Admin' },
    payload: { restUrl: emulator.restUrl, identityUrl: emulator.identityUrl, clientId: emulator.clientId, clientSecret: emulator.clientSecret },
  });
  assert.equal(res.statusCode, 200, res.body);
}

/** The admin connects Salesforce: authorize URL, the org's pages with a logged-in session, our callback. */
export async function connectSalesforce(runtime: TestRuntime, account: ActiveAccount, sf: SalesforceEmulator): Promise<void> {
  const start = await runtime.app.inject({ method: 'GET', url: '/api/v1/connections/salesforce/authorize-url', headers: account.auth });
  assert.equal(start.statusCode, 200, start.body);
  const sid = sf.createSession(sf.org.admin.username);
  let url = start.json().url as string;
  for (let hop = 0; hop < 10 && !url.startsWith(CALLBACK); hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: `sid=${sid}` } });
    if (res.status === 302) {
      url = new URL(res.headers.get('location')!, url).toString();
      continue;
    }
    const html = await res.text();
    const form = /<form method="post" action="([^"]+)"/.exec(html);
    assert.ok(form, `expected a redirect or a consent form at ${url}: ${res.status}`);
    const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
    const posted = await fetch(new URL(form[1]!, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `sid=${sid}` },
      body: new URLSearchParams({ ...hidden, action: 'allow' }).toString(),
    });
    url = new URL(posted.headers.get('location')!, url).toString();
  }
  const callback = new URL(url);
  const page = await runtime.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}` });
  assert.equal(page.statusCode, 200, page.body);
}

/** The qualifying people (with a Salesforce owner), as the sync stores them. */
export async function seedPersons(runtime: TestRuntime, account: ActiveAccount, marketo: MarketoEmulator): Promise<void> {
  const rows = [];
  for (let id = 1; id < marketo.db.overlay.nextId; id++) {
    const r = marketo.db.get(id) as Record<string, unknown> | null;
    if (!r || !r.sfdcLeadOwnerId) continue;
    const s = (k: string) => (typeof r[k] === 'string' && r[k] !== '' ? (r[k] as string) : null);
    rows.push({
      account_id: account.accountId,
      marketo_id: id,
      first_name: s('firstName'),
      last_name: s('lastName'),
      email: s('email'),
      phone: s('phone'),
      company: s('company'),
      title: s('title'),
      linkedin_url: s('linkedInUrl'),
      source: s('leadSource'),
      sfdc_lead_id: s('sfdcLeadId'),
      sfdc_contact_id: s('sfdcContactId'),
      sfdc_account_id: s('sfdcAccountId'),
      sfdc_opportunity_id: s('sfdcOpptyId'),
      owner_id: s('sfdcLeadOwnerId'),
      extra: '{}',
    });
  }
  for (let i = 0; i < rows.length; i += 500) await runtime.database.db.insertInto('persons').values(rows.slice(i, i + 500)).execute();
}

/** An MSI Actions user for a Salesforce rep of the emulated org, linked by e-mail on first use. */
export async function addRep(runtime: TestRuntime, account: ActiveAccount, rep: { id: string; email: string; firstName: string; lastName: string }, status: 'active' | 'deactivated' = 'active') {
  await runtime.database.db
    .insertInto('users')
    .values({ account_id: account.accountId, email: rep.email, name: `${rep.firstName} ${rep.lastName}`, first_name: rep.firstName, last_name: rep.lastName, role: 'User', status, salesforce_user_id: null, invitation_error: null })
    .execute();
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(100);
  }
}

/** Delivery states of the account, per system. */
export async function states(runtime: TestRuntime, accountId: string) {
  const rows = await runtime.database.db
    .selectFrom('activity_deliveries')
    .select(['system', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('account_id', '=', accountId)
    .groupBy(['system', 'state'])
    .execute();
  const out: Record<string, number> = {};
  for (const r of rows) out[`${r.system}.${r.state}`] = Number(r.n);
  return out;
}

/** Tasks in the emulated org whose subject carries an SIA marker, by marker. */
export function tasksByMarker(sf: SalesforceEmulator): Map<string, Array<Record<string, unknown>>> {
  const out = new Map<string, Array<Record<string, unknown>>>();
  for (const t of sf.org.scan('Task')) {
    const marker = /\(SIA-([a-z2-7]+)\)$/.exec(String(t.Subject ?? ''))?.[1];
    if (!marker) continue;
    out.set(marker, [...(out.get(marker) ?? []), t]);
  }
  return out;
}

/** Custom activities in the Marketo emulator with an SIA marker, by marker. */
export function marketoByMarker(m: MarketoEmulator): Map<string, Array<{ leadId: number; activityTypeId: number; primaryAttributeValue?: unknown; attributes: unknown[] }>> {
  const out = new Map<string, Array<{ leadId: number; activityTypeId: number; primaryAttributeValue?: unknown; attributes: unknown[] }>>();
  for (const a of m.db.activities) {
    const marker = /\(SIA-([a-z2-7]+)\)$/.exec(String(a.primaryAttributeValue ?? ''))?.[1];
    if (!marker) continue;
    out.set(marker, [...(out.get(marker) ?? []), a]);
  }
  return out;
}
