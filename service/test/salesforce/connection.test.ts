import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { createActiveAccount, type ActiveAccount } from '../helpers/accounts.js';
import { AppError } from '../../src/platform/errors.js';
import {
  checkLoginUrl,
  checkReturnUrl,
  resolveSalesforceApp,
  salesforceConnection,
  SalesforceConnectionError,
  SalesforceConnections,
} from '../../src/salesforce/index.js';

const PUBLIC_URL = 'http://127.0.0.1:4999';
const CALLBACK = `${PUBLIC_URL}/connections/salesforce/callback`;

interface Browser {
  sid?: string;
}

function takeCookie(browser: Browser, res: Response) {
  const setCookie = res.headers.get('set-cookie');
  if (setCookie?.startsWith('sid=')) browser.sid = decodeURIComponent(setCookie.slice(4).split(';')[0]!);
}

/**
 * The admin's browser on Salesforce's pages: follows redirects, fills the login form, answers the
 * consent page, and stops at the redirect to our callback.
 */
async function browse(startUrl: string, browser: Browser, options: { user?: { username: string; password: string }; consent?: 'allow' | 'deny' } = {}): Promise<URL> {
  let url = startUrl;
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(CALLBACK)) return new URL(url);
    const res = await fetch(url, { redirect: 'manual', headers: browser.sid ? { cookie: `sid=${browser.sid}` } : {} });
    takeCookie(browser, res);
    if (res.status === 302) {
      url = new URL(res.headers.get('location')!, url).toString();
      continue;
    }
    const html = await res.text();
    assert.equal(res.status, 200, html);
    const form = /<form method="post" action="([^"]+)" id="(\w+)">/.exec(html);
    assert.ok(form, `expected a form on ${url}`);
    const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
    const body = new URLSearchParams(hidden);
    if (form[2] === 'login_form') {
      assert.ok(options.user, 'login page shown but no user to log in with');
      body.set('username', options.user.username);
      body.set('pw', options.user.password);
    } else {
      body.set('action', options.consent ?? 'allow');
    }
    const posted = await fetch(new URL(form[1]!, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(browser.sid ? { cookie: `sid=${browser.sid}` } : {}) },
      body: body.toString(),
    });
    takeCookie(browser, posted);
    assert.equal(posted.status, 302, await posted.text());
    url = new URL(posted.headers.get('location')!, url).toString();
  }
  throw new Error('too many redirects');
}

describe('Salesforce connection (step 2) with jsforce against the emulator', () => {
  let sf: SalesforceEmulator;
  let runtime: TestRuntime;
  let account: ActiveAccount;
  let other: ActiveAccount;

  before(async () => {
    sf = await startSalesforceEmulator({
      seed: 21,
      people: 200,
      callbackUrls: [CALLBACK],
      taskCustomFields: [{ name: 'MSE_Campaign__c', type: 'string', length: 255 }],
    });
    runtime = await startTestRuntime({
      PUBLIC_URL,
      SALESFORCE_LOGIN_URL: sf.url,
      SALESFORCE_CLIENT_ID: sf.clientId,
      SALESFORCE_CLIENT_SECRET: sf.clientSecret,
    });
    account = await createActiveAccount(runtime, { orgId: sf.org.id, instanceUrl: sf.url, orgName: 'Emulated org' });
    other = await createActiveAccount(runtime, { orgName: 'Other org' });
  });
  after(async () => {
    await runtime?.close();
    await sf?.close();
  });

  const api = (who: ActiveAccount, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    runtime.app.inject({ method, url: `/api/v1${url}`, headers: who.auth, ...(payload ? { payload } : {}) });

  async function authorizeUrl(who: ActiveAccount, query = ''): Promise<string> {
    const res = await api(who, 'GET', `/connections/salesforce/authorize-url${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().url as string;
  }

  /** Opens the authorize URL in a browser, then hands the callback to the service as the browser would. */
  async function connect(who: ActiveAccount, browser: Browser, options: Parameters<typeof browse>[2] & { query?: string } = {}) {
    const callback = await browse(await authorizeUrl(who, options.query), browser, options);
    return runtime.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}` });
  }

  async function status(who: ActiveAccount) {
    const res = await api(who, 'GET', '/connections/salesforce');
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  }

  async function audit(who: ActiveAccount, action: string) {
    const res = await api(who, 'GET', `/audit?action=${encodeURIComponent(action)}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().entries as { action: string; outcome: string; details: Record<string, unknown> | null; actor: string }[];
  }

  const stored = () => runtime.database.db.selectFrom('salesforce_connections').selectAll().where('account_id', '=', account.accountId).executeTakeFirst();

  it('starts not connected; verify and connectionFor say so with a typed error', async () => {
    const s = await status(account);
    assert.equal(s.status, 'not_connected');
    assert.equal(s.username, null);
    const verify = await api(account, 'POST', '/connections/salesforce/verify');
    assert.equal(verify.statusCode, 409);
    assert.equal(verify.json().error.code, 'salesforce_not_connected');
    await assert.rejects(salesforceConnection(runtime.context).connectionFor(account.accountId), (e: unknown) => {
      assert.ok(e instanceof SalesforceConnectionError);
      assert.equal(e.code, 'salesforce_not_connected');
      return true;
    });
  });

  it('builds the authorize URL with PKCE S256 and a stored, sealed, 10-minute state; refuses other login hosts and return pages', async () => {
    const res = await api(account, 'GET', '/connections/salesforce/authorize-url');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    const url = new URL(res.json().url);
    assert.equal(url.origin, sf.url);
    assert.equal(url.pathname, '/services/oauth2/authorize');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(url.searchParams.get('redirect_uri'), CALLBACK);
    assert.equal(url.searchParams.get('client_id'), sf.clientId);
    const state = url.searchParams.get('state')!;
    assert.ok(state.length >= 32);
    const rows = await runtime.database.db.selectFrom('salesforce_oauth_states').selectAll().where('account_id', '=', account.accountId).execute();
    assert.equal(rows.length, 1);
    assert.ok(!rows.some((r) => r.state_hash === state), 'the state is stored as a hash');
    assert.match(rows[0]!.verifier_sealed, /^v1\./);
    const minutes = (rows[0]!.expires_at.getTime() - Date.now()) / 60_000;
    assert.ok(minutes > 9 && minutes <= 10, String(minutes));

    const test = await api(account, 'GET', '/connections/salesforce/authorize-url?loginUrl=test.salesforce.com');
    assert.ok((test.json().url as string).startsWith('https://test.salesforce.com/services/oauth2/authorize?'), test.body);
    const myDomain = await api(account, 'GET', `/connections/salesforce/authorize-url?loginUrl=${encodeURIComponent('https://acme.my.salesforce.com')}`);
    assert.equal(myDomain.json().loginUrl, 'https://acme.my.salesforce.com');

    for (const bad of ['https://evil.example.com', 'http://acme.my.salesforce.com', 'https://acme.my.salesforce.com/path', 'https://login.salesforce.com.evil.com']) {
      const r = await api(account, 'GET', `/connections/salesforce/authorize-url?loginUrl=${encodeURIComponent(bad)}`);
      assert.equal(r.statusCode, 400, bad);
      assert.equal(r.json().error.code, 'invalid_login_url');
      assert.match(r.json().error.message, /test\.salesforce\.com/);
    }
    const open = await api(account, 'GET', `/connections/salesforce/authorize-url?returnUrl=${encodeURIComponent('https://evil.example.com/phish')}`);
    assert.equal(open.statusCode, 400);
    assert.equal(open.json().error.code, 'invalid_return_url');
    const lightning = await api(account, 'GET', `/connections/salesforce/authorize-url?returnUrl=${encodeURIComponent('https://acme.lightning.force.com/lightning/n/MSI_Actions_Setup')}`);
    assert.equal(lightning.statusCode, 200, lightning.body);
  });

  it('checks login hosts and return pages as functions too, and finds the sandbox app when no connected app is configured', () => {
    const app = { defaultLoginUrl: 'https://login.salesforce.com' };
    assert.equal(checkLoginUrl(undefined, app), 'https://login.salesforce.com');
    assert.equal(checkLoginUrl('https://ACME--uat.sandbox.my.salesforce.com/', app), 'https://acme--uat.sandbox.my.salesforce.com');
    assert.throws(() => checkLoginUrl('https://user:pw@login.salesforce.com', app), /loginUrl/);
    assert.equal(checkReturnUrl(undefined, []), null);
    assert.equal(checkReturnUrl(`${PUBLIC_URL}/console/setup`, [PUBLIC_URL]), `${PUBLIC_URL}/console/setup`);
    assert.throws(() => checkReturnUrl('javascript:alert(1)', []), /returnUrl/);

    const config = { ...runtime.config, salesforceClientId: undefined, salesforceClientSecret: undefined, salesforceLoginUrl: undefined };
    assert.equal(resolveSalesforceApp({ config, services: {} }), undefined);
    const sandboxApp = resolveSalesforceApp({ config, services: { sandbox: { salesforce: { url: sf.url, clientId: 'emu-id', clientSecret: 'emu-secret' } } } });
    assert.deepEqual(sandboxApp, { clientId: 'emu-id', clientSecret: 'emu-secret', defaultLoginUrl: sf.url, redirectUri: CALLBACK });
  });

  it('answers 503 salesforce_not_configured when the service has no connected app', async () => {
    const unconfigured = new SalesforceConnections(runtime.database.db, runtime.context.keys, runtime.context.log, () => undefined, PUBLIC_URL);
    await assert.rejects(unconfigured.authorizeUrl(account.accountId, {}, 'test'), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.statusCode, 503);
      assert.equal(e.code, 'salesforce_not_configured');
      assert.match(e.message, /SALESFORCE_CLIENT_ID/);
      return true;
    });
  });

  it('connects through the login form and consent: org checked, refresh token sealed and never returned, audited', async () => {
    const browser: Browser = {};
    const page = await connect(account, browser, { user: sf.org.admin });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /Connected to Salesforce/);
    assert.match(page.body, /Return to Salesforce to finish the setup/);
    assert.ok(page.body.includes(`href="${sf.url}/lightning/n/MSI_Actions_Setup"`), 'the button goes back to the setup tab of the org');
    assert.ok(page.body.includes(sf.org.admin.username));
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);

    const s = await status(account);
    assert.equal(s.status, 'connected');
    assert.equal(s.orgId, sf.org.id);
    assert.equal(s.instanceUrl, sf.url);
    assert.equal(s.username, sf.org.admin.username);
    assert.equal(s.userId, sf.org.admin.id);
    assert.equal(s.connectedBy, sf.org.admin.username);
    assert.ok(Date.now() - Date.parse(s.connectedAt) < 60_000);
    assert.equal(s.lastError, null);

    const row = await stored();
    assert.ok(row);
    assert.match(row.refresh_token_sealed, /^v1\./);
    const refreshToken = runtime.context.keys.decrypt(row.refresh_token_sealed);
    assert.match(refreshToken, /^5Aep/);
    for (const url of ['/connections/salesforce', '/connections/salesforce/customizations', '/audit']) {
      const res = await api(account, 'GET', url);
      assert.ok(!res.body.includes(refreshToken), `${url} must not show the refresh token`);
    }
    assert.ok(!runtime.logs.text.includes(refreshToken), 'the refresh token is never logged');

    const entries = await audit(account, 'salesforce.connect');
    assert.equal(entries[0]?.outcome, 'success');
    assert.equal(entries[0]?.details?.username, sf.org.admin.username);
    // The state is gone after one use: the same callback a second time is refused.
    const states = await runtime.database.db.selectFrom('salesforce_oauth_states').select(['used_at']).where('account_id', '=', account.accountId).where('used_at', 'is not', null).execute();
    assert.equal(states.length, 1);
  });

  it('refuses a replayed callback and an unknown state', async () => {
    const callback = await browse(await authorizeUrl(account), { sid: sf.createSession(sf.org.admin.username) });
    const first = await runtime.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}` });
    assert.equal(first.statusCode, 200, first.body);
    const replay = await runtime.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}` });
    assert.equal(replay.statusCode, 400);
    assert.match(replay.body, /already used/);
    const unknown = await runtime.app.inject({ method: 'GET', url: `/connections/salesforce/callback?state=nope&code=abc` });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /not valid/);
  });

  it('reconnects through a live session cookie straight to the callback, back to the given setup page; the old refresh token is revoked', async () => {
    const before = await stored();
    const oldRefresh = runtime.context.keys.decrypt(before!.refresh_token_sealed);
    const returnUrl = `${sf.url}/lightning/n/MSI_Actions_Setup?c__step=2`;
    const url = await authorizeUrl(account, `?returnUrl=${encodeURIComponent(returnUrl)}`);
    // Already logged in and approved: Salesforce answers the authorize URL with the redirect at once.
    const direct = await fetch(url, { redirect: 'manual', headers: { cookie: `sid=${sf.createSession(sf.org.admin.username)}` } });
    assert.equal(direct.status, 302);
    const callback = new URL(direct.headers.get('location')!);
    assert.ok(callback.toString().startsWith(CALLBACK));
    const page = await runtime.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}` });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /Reconnected to Salesforce/);
    assert.ok(page.body.includes(`href="${returnUrl.replace(/&/g, '&amp;')}"`), page.body);
    const after = await stored();
    assert.notEqual(after!.connection_id, before!.connection_id);
    assert.notEqual(runtime.context.keys.decrypt(after!.refresh_token_sealed), oldRefresh);
    assert.ok(sf.requests().some((r) => r.method === 'POST' && r.url.startsWith('/services/oauth2/revoke') && r.status === 200));
    const entries = await audit(account, 'salesforce.reconnect');
    assert.ok(entries.length >= 1);
  });

  it('refuses a login to another org with a clear page and keeps nothing of it', async () => {
    const page = await connect(other, { sid: sf.createSession(sf.org.admin.username) });
    assert.equal(page.statusCode, 409, page.body);
    assert.match(page.body, /different Salesforce org/);
    assert.ok(page.body.includes(sf.org.id) && page.body.includes(other.orgId), 'the page names both orgs');
    assert.equal((await status(other)).status, 'not_connected');
    const entries = await audit(other, 'salesforce.connect');
    assert.equal(entries[0]?.outcome, 'failure');
    assert.equal(entries[0]?.details?.error, 'org_mismatch');
  });

  it('shows a clear page when the admin denies access, and when the link has expired', async () => {
    const rep = sf.org.users[1]!;
    const denied = await connect(account, { sid: sf.createSession(rep.username) }, { consent: 'deny' });
    assert.equal(denied.statusCode, 403, denied.body);
    assert.match(denied.body, /Access was not allowed/);
    assert.match(denied.body, /return-to-salesforce/);
    assert.equal((await status(account)).username, sf.org.admin.username, 'a denied attempt leaves the connection as it was');

    const url = await authorizeUrl(account);
    await runtime.database.db.updateTable('salesforce_oauth_states').set({ expires_at: new Date(Date.now() - 1000) }).where('used_at', 'is', null).execute();
    const callback = await browse(url, { sid: sf.createSession(sf.org.admin.username) });
    const expired = await runtime.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}` });
    assert.equal(expired.statusCode, 400);
    assert.match(expired.body, /expired/);
  });

  it('refreshes an expired access token by itself, stores the new one and records API usage', async () => {
    const service = salesforceConnection(runtime.context);
    const conn = await service.connectionFor(account.accountId);
    await conn.query('SELECT Id FROM User LIMIT 1');
    await service.settle();
    const before = runtime.context.keys.decrypt((await stored())!.access_token_sealed!);
    sf.expireAccessTokens();
    const result = await conn.query<{ Id: string }>('SELECT Id, Name FROM Lead LIMIT 3');
    assert.equal(result.records.length, 3);
    await service.settle();
    const after = runtime.context.keys.decrypt((await stored())!.access_token_sealed!);
    assert.notEqual(after, before);
    assert.equal(conn.accessToken, after);

    // A new Connection starts from the stored token: no second refresh.
    const tokenCalls = () => sf.requests().filter((r) => r.url.startsWith('/services/oauth2/token')).length;
    const refreshes = tokenCalls();
    const again = await service.connectionFor(account.accountId);
    await again.query('SELECT Id FROM Contact LIMIT 1');
    assert.equal(tokenCalls(), refreshes);
    await service.settle();
    const s = await status(account);
    assert.equal(s.apiUsage.limit, 100_000);
    assert.equal(s.apiUsage.used, sf.apiUsage().used);
    assert.equal(s.status, 'connected');
  });

  it('verify makes a cheap call and updates usage; an API error becomes the last error with a hint', async () => {
    sf.setApiUsage(4321);
    const res = await api(account, 'POST', '/connections/salesforce/verify');
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json();
    assert.equal(s.status, 'connected');
    assert.ok(s.apiUsage.used > 4321, JSON.stringify(s.apiUsage));
    assert.ok(Date.now() - Date.parse(s.lastVerifiedAt) < 10_000);

    sf.setApiEnabled(sf.org.admin.id, false);
    const disabled = (await api(account, 'POST', '/connections/salesforce/verify')).json();
    assert.equal(disabled.status, 'connected');
    assert.equal(disabled.lastError.code, 'API_CURRENTLY_DISABLED');
    assert.match(disabled.lastError.hint, /API Enabled/);
    sf.setApiEnabled(sf.org.admin.id, true);
    const ok = (await api(account, 'POST', '/connections/salesforce/verify')).json();
    assert.equal(ok.lastError, null);

    // The daily limit reached during ordinary work: recorded as the last error, the connection stays.
    const { limit } = sf.apiUsage();
    sf.setApiUsage(limit);
    const service = salesforceConnection(runtime.context);
    await assert.rejects(async () => (await service.connectionFor(account.accountId)).query('SELECT Id FROM Lead LIMIT 1'));
    await service.settle();
    const limited = await status(account);
    assert.equal(limited.status, 'connected');
    assert.equal(limited.lastError.code, 'REQUEST_LIMIT_EXCEEDED');
    assert.match(limited.lastError.hint, /daily Salesforce API requests/);
    sf.setApiUsage(5000);
    // A record-level failure is the caller's business, not the connection's.
    await assert.rejects(async () => (await service.connectionFor(account.accountId)).sobject('Lead').create({ Company: 'No last name' }));
    await service.settle();
    assert.equal((await status(account)).lastError.code, 'REQUEST_LIMIT_EXCEEDED');
    assert.equal((await api(account, 'POST', '/connections/salesforce/verify')).json().lastError, null);
  });

  it('Connections & Customizations: defaults, a warning for the missing Reply type, optional fields, audited saves', async () => {
    const res = await api(account, 'GET', '/connections/salesforce/customizations');
    assert.equal(res.statusCode, 200, res.body);
    const view = res.json();
    assert.deepEqual(view.settings, {
      logged: { emails: true, calls: true, reminderTasks: true },
      taskTypes: { email: 'Email', call: 'Call', reply: 'Reply' },
      subjectPrefix: '',
      leadContactPrecedence: 'contact',
      taskOwner: { mode: 'rep', fallbackUserId: null },
    });
    assert.ok(view.salesforce.taskTypeValues.includes('Email') && view.salesforce.taskTypeValues.includes('Call'));
    assert.deepEqual(
      view.salesforce.warnings.map((w: { code: string; setting: string }) => `${w.code} ${w.setting}`),
      ['task_type_missing taskTypes.reply'],
    );
    assert.match(view.salesforce.warnings[0].message, /Reply is not standard/);
    const campaign = view.salesforce.optionalFields.find((f: { name: string }) => f.name === 'MSE_Campaign__c');
    assert.equal(campaign.present, true);
    assert.equal(view.salesforce.optionalFields.find((f: { name: string }) => f.name === 'MSE_Clicked__c').present, false);

    const rep = sf.org.users[2]!;
    const saved = await api(account, 'PUT', '/connections/salesforce/customizations', {
      logged: { reminderTasks: false },
      taskTypes: { reply: 'Other' },
      subjectPrefix: '[MSI] ',
      leadContactPrecedence: 'lead',
      taskOwner: { fallbackUserId: rep.id.slice(0, 15) },
    });
    assert.equal(saved.statusCode, 200, saved.body);
    const after = saved.json();
    assert.deepEqual(after.settings, {
      logged: { emails: true, calls: true, reminderTasks: false },
      taskTypes: { email: 'Email', call: 'Call', reply: 'Other' },
      subjectPrefix: '[MSI] ',
      leadContactPrecedence: 'lead',
      taskOwner: { mode: 'rep', fallbackUserId: rep.id },
    });
    assert.deepEqual(after.salesforce.warnings, []);
    assert.equal(after.salesforce.fallbackOwner.id, rep.id);
    assert.equal(after.salesforce.fallbackOwner.isActive, true);
    const entries = await audit(account, 'salesforce.customizations_updated');
    assert.deepEqual((entries[0]?.details?.changed as string[]).sort(), ['leadContactPrecedence', 'logged', 'subjectPrefix', 'taskOwner', 'taskTypes']);

    // Settings left out keep their value; the saved ones come back on GET.
    const partial = await api(account, 'PUT', '/connections/salesforce/customizations', { taskTypes: { reply: 'Reply' } });
    assert.equal(partial.json().settings.subjectPrefix, '[MSI] ');
    assert.equal(partial.json().salesforce.warnings[0].value, 'Reply');

    // A fallback owner who was deactivated since shows as a warning.
    sf.setUserActive(rep.id, false);
    const later = (await api(account, 'GET', '/connections/salesforce/customizations')).json();
    type Warning = { code: string; setting: string; value: string | null; ownerName?: string | null };
    const inactive = later.salesforce.warnings.find((w: Warning) => w.code === 'fallback_owner_inactive');
    // The name comes with the code, so a page words the warning in its own language; the English message stays.
    assert.deepEqual(
      { setting: inactive.setting, value: inactive.value, ownerName: inactive.ownerName },
      { setting: 'taskOwner.fallbackUserId', value: rep.id, ownerName: `${rep.firstName} ${rep.lastName}` },
    );
    assert.match(inactive.message, new RegExp(`${rep.firstName} ${rep.lastName} is no longer active`));
    assert.ok(later.salesforce.warnings.filter((w: Warning) => w !== inactive).every((w: Warning) => !('ownerName' in w)));
    sf.setUserActive(rep.id, true);

    // A fallback owner who no longer exists: the same code, without a name.
    const at = sf.org.users.indexOf(rep);
    sf.org.users.splice(at, 1);
    try {
      const gone = (await api(account, 'GET', '/connections/salesforce/customizations')).json();
      const missing = gone.salesforce.warnings.find((w: Warning) => w.code === 'fallback_owner_inactive');
      assert.equal(missing.ownerName, null);
      assert.match(missing.message, /no longer exists/);
    } finally {
      sf.org.users.splice(at, 0, rep);
    }
  });

  it('refuses customizations an org cannot take, with clear errors', async () => {
    const put = (payload: object) => api(account, 'PUT', '/connections/salesforce/customizations', payload);
    const rep = sf.org.users[3]!;
    sf.setUserActive(rep.id, false);
    const inactive = await put({ taskOwner: { mode: 'fallback_user', fallbackUserId: rep.id } });
    sf.setUserActive(rep.id, true);
    assert.equal(inactive.statusCode, 400);
    assert.equal(inactive.json().error.code, 'invalid_fallback_owner');
    assert.match(inactive.json().error.message, /inactive/);
    assert.ok(inactive.json().error.message.includes(rep.username));

    const unknownId = await put({ taskOwner: { fallbackUserId: '005000000000001AAA' } });
    assert.equal(unknownId.statusCode, 400);
    assert.match(unknownId.json().error.message, /No Salesforce user/);

    const notAnId = await put({ taskOwner: { fallbackUserId: "005' OR Id != '" } });
    assert.equal(notAnId.statusCode, 400);
    assert.equal(notAnId.json().error.code, 'invalid_fallback_owner');

    const noFallback = await put({ taskOwner: { mode: 'fallback_user', fallbackUserId: null } });
    assert.equal(noFallback.statusCode, 400);
    assert.match(noFallback.json().error.message, /fallback user/);

    const longPrefix = await put({ subjectPrefix: 'x'.repeat(41) });
    assert.equal(longPrefix.statusCode, 400);
    assert.equal(longPrefix.json().error.code, 'invalid_request');
    assert.match(JSON.stringify(longPrefix.json().error.details), /subjectPrefix/);

    const emptyType = await put({ taskTypes: { email: '   ' } });
    assert.equal(emptyType.statusCode, 400);
    assert.equal(emptyType.json().error.code, 'invalid_task_type');

    const unknownSetting = await put({ colour: 'blue' });
    assert.equal(unknownSetting.statusCode, 400);
    const badPrecedence = await put({ leadContactPrecedence: 'account' });
    assert.equal(badPrecedence.statusCode, 400);

    // Without a connection the settings are kept, but a fallback owner cannot be checked.
    const notConnected = await api(other, 'PUT', '/connections/salesforce/customizations', { taskOwner: { fallbackUserId: rep.id } });
    assert.equal(notConnected.statusCode, 409);
    assert.equal(notConnected.json().error.code, 'salesforce_not_connected');
    const plain = await api(other, 'PUT', '/connections/salesforce/customizations', { subjectPrefix: 'MSI: ' });
    assert.equal(plain.statusCode, 200, plain.body);
    assert.equal(plain.json().salesforce, null);
  });

  it('marks a revoked refresh token as broken with the reconnect message; reconnecting cures it', async () => {
    const service = salesforceConnection(runtime.context);
    const conn = await service.connectionFor(account.accountId);
    sf.revokeRefreshTokens();
    sf.expireAccessTokens();
    await assert.rejects(async () => conn.query('SELECT Id FROM Lead LIMIT 1'));
    await service.settle();
    const s = await status(account);
    assert.equal(s.status, 'broken');
    assert.equal(s.lastError.code, 'INVALID_GRANT');
    assert.equal(s.lastError.reconnect, true);
    assert.match(s.lastError.hint, /AUTHENTICATION_FAILURE \/ EXPIRED_ACCESS/);
    assert.match(s.lastError.hint, /reconnect/i);
    await assert.rejects(service.connectionFor(account.accountId), (e: unknown) => e instanceof SalesforceConnectionError && e.code === 'salesforce_connection_broken');
    const broken = await audit(account, 'salesforce.connection_broken');
    assert.equal(broken.length, 1);
    assert.equal(broken[0]?.actor, 'system');

    const verify = (await api(account, 'POST', '/connections/salesforce/verify')).json();
    assert.equal(verify.status, 'broken');
    const custom = (await api(account, 'GET', '/connections/salesforce/customizations')).json();
    assert.equal(custom.salesforceError.code, 'salesforce_connection_broken');

    const page = await connect(account, { sid: sf.createSession(sf.org.admin.username) });
    assert.equal(page.statusCode, 200, page.body);
    const healed = await status(account);
    assert.equal(healed.status, 'connected');
    assert.equal(healed.lastError, null);
    await (await service.connectionFor(account.accountId)).query('SELECT Id FROM Lead LIMIT 1');
  });

  it('keeps each account to its own connection', async () => {
    const mine = await status(account);
    for (const url of ['/connections/salesforce', '/connections/salesforce/customizations']) {
      const res = await api(other, 'GET', url);
      assert.equal(res.statusCode, 200);
      for (const marker of [mine.username, mine.userId, account.accountId, account.orgId]) assert.ok(!res.body.includes(marker), `${url} leaked ${marker}`);
    }
    const theirs = await api(other, 'DELETE', '/connections/salesforce');
    assert.equal(theirs.statusCode, 200);
    assert.equal(theirs.json().tokenRevoked, false);
    assert.equal((await status(account)).status, 'connected');
  });

  it('disconnects: token revoked at Salesforce, nothing kept, audited', async () => {
    const row = await stored();
    const refreshToken = runtime.context.keys.decrypt(row!.refresh_token_sealed);
    const res = await api(account, 'DELETE', '/connections/salesforce');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'not_connected');
    assert.equal(res.json().tokenRevoked, true);
    assert.equal(await stored(), undefined);
    // Salesforce no longer accepts the refresh token.
    const refresh = await fetch(`${sf.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: sf.clientId, client_secret: sf.clientSecret }).toString(),
    });
    assert.equal(refresh.status, 400);
    assert.equal((await refresh.json()).error, 'invalid_grant');
    const entries = await audit(account, 'salesforce.disconnect');
    assert.equal(entries[0]?.details?.username, sf.org.admin.username);
    assert.equal(entries[0]?.details?.tokenRevoked, true);
    await assert.rejects(salesforceConnection(runtime.context).connectionFor(account.accountId), (e: unknown) => e instanceof SalesforceConnectionError && e.code === 'salesforce_not_connected');
    const again = await api(account, 'DELETE', '/connections/salesforce');
    assert.equal(again.json().tokenRevoked, false);
    // The settings outlive the connection.
    assert.equal((await api(account, 'GET', '/connections/salesforce/customizations')).json().settings.subjectPrefix, '[MSI] ');
  });
});
