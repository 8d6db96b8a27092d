import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { createActiveAccount } from '../helpers/accounts.js';

const PUBLIC_URL = 'http://127.0.0.1:4998';

/** `npm start` without a connected app: the sandbox's emulated org is the one to connect to. */
describe('Salesforce connection in the sandbox', () => {
  let runtime: TestRuntime;
  let sf: SalesforceEmulator;

  before(async () => {
    runtime = await startTestRuntime({ SANDBOX: 'true', PUBLIC_URL, SANDBOX_MARKETO_PORT: '0', SANDBOX_SALESFORCE_PORT: '0', SANDBOX_PEOPLE: '50' });
    sf = (runtime.context.services.sandbox as { salesforce: SalesforceEmulator }).salesforce;
  });
  after(() => runtime?.close());

  it('connects to the emulated org with its connected app, no Salesforce configuration needed', async () => {
    const account = await createActiveAccount(runtime, { orgId: sf.org.id, instanceUrl: sf.url });
    const res = await runtime.app.inject({ method: 'GET', url: '/api/v1/connections/salesforce/authorize-url', headers: account.auth });
    assert.equal(res.statusCode, 200, res.body);
    const url = new URL(res.json().url);
    assert.equal(url.origin, sf.url);
    assert.equal(url.searchParams.get('client_id'), sf.clientId);
    const sid = sf.createSession(sf.org.admin.username);
    let next = url.toString();
    // Session cookie, then the consent page (first time for this user), then our callback.
    const first = await fetch(next, { redirect: 'manual', headers: { cookie: `sid=${sid}` } });
    const consent = /name="consent" value="([^"]+)"/.exec(await first.text())?.[1];
    assert.ok(consent, 'the consent page is shown');
    const allowed = await fetch(`${sf.url}/setup/secur/RemoteAccessAuthorizationPage.apexp`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `sid=${sid}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ consent, action: 'allow' }).toString(),
    });
    next = allowed.headers.get('location')!;
    assert.ok(next.startsWith(`${PUBLIC_URL}/connections/salesforce/callback?`), next);
    const callback = new URL(next);
    const page = await runtime.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}` });
    assert.equal(page.statusCode, 200, page.body);
    const status = (await runtime.app.inject({ method: 'GET', url: '/api/v1/connections/salesforce', headers: account.auth })).json();
    assert.equal(status.status, 'connected');
    assert.equal(status.orgId, sf.org.id);
  });
});
