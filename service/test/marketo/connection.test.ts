import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMarketoEmulator, type MarketoEmulator } from '../../../emulators/marketo/index.js';
import { marketoConnections } from '../../src/marketo/index.js';
import { createActiveAccount, type ActiveAccount } from '../helpers/accounts.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

describe('POST/GET/DELETE /api/v1/connections/marketo', () => {
  let runtime: TestRuntime;
  let emulator: MarketoEmulator;
  let account: ActiveAccount;
  let other: ActiveAccount;
  const ada = { 'x-msi-actor': '005000000000001AAA Ada Admin' };
  const bob = { 'x-msi-actor': '005000000000002AAA Bob Admin' };

  before(async () => {
    runtime = await startTestRuntime();
    emulator = await startMarketoEmulator({
      people: 300,
      clients: [
        { clientId: 'good-id', clientSecret: 'good-secret', scope: 'msi-api@acme.example.com' },
        { clientId: 'no-perms', clientSecret: 'np-secret', permissions: ['Read-Only Activity'] },
      ],
    });
    account = await createActiveAccount(runtime);
    other = await createActiveAccount(runtime);
  });
  after(async () => {
    await emulator.close();
    await runtime.close();
  });

  const connect = (a: ActiveAccount, payload: Record<string, unknown>, actor = ada) =>
    runtime.app.inject({ method: 'POST', url: '/api/v1/connections/marketo', headers: { ...a.auth, ...actor }, payload });
  const endpoints = () => ({ restUrl: `${emulator.restUrl}/`, identityUrl: ` ${emulator.identityUrl} ` });

  it('answers not connected before anything is connected', async () => {
    const res = await runtime.app.inject({ method: 'GET', url: '/api/v1/connections/marketo', headers: account.auth });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().connected, false);
  });

  it('requires a token', async () => {
    const res = await runtime.app.inject({ method: 'GET', url: '/api/v1/connections/marketo' });
    assert.equal(res.statusCode, 401);
  });

  it('tells bad credentials, missing permissions, unknown host, unreachable and quota apart', async () => {
    const bad = await connect(account, { ...endpoints(), clientId: 'good-id', clientSecret: 'wrong' });
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().error.code, 'marketo_bad_credentials');
    const unknownId = await connect(account, { ...endpoints(), clientId: 'nobody', clientSecret: 'x' });
    assert.equal(unknownId.json().error.code, 'marketo_bad_credentials');
    const perms = await connect(account, { ...endpoints(), clientId: 'no-perms', clientSecret: 'np-secret' });
    assert.equal(perms.statusCode, 422);
    assert.equal(perms.json().error.code, 'marketo_permission_denied');
    const host = await connect(account, { restUrl: 'https://no-such-host.invalid/rest', identityUrl: 'https://no-such-host.invalid/identity', clientId: 'a', clientSecret: 'b' });
    assert.equal(host.json().error.code, 'marketo_unknown_host');
    const down = await connect(account, { restUrl: 'http://127.0.0.1:9/rest', identityUrl: 'http://127.0.0.1:9/identity', clientId: 'a', clientSecret: 'b' });
    assert.equal(down.statusCode, 502);
    assert.equal(down.json().error.code, 'marketo_unreachable');
    const badMunchkin = await connect(account, { munchkinId: 'not a munchkin', clientId: 'a', clientSecret: 'b' });
    assert.equal(badMunchkin.json().error.code, 'invalid_munchkin_id');
    const quotaEmulator = await startMarketoEmulator({ people: 10, dailyQuota: 0, clients: [{ clientId: 'q', clientSecret: 'q' }] });
    try {
      const quota = await connect(account, { restUrl: quotaEmulator.restUrl, identityUrl: quotaEmulator.identityUrl, clientId: 'q', clientSecret: 'q' });
      assert.equal(quota.statusCode, 429);
      assert.equal(quota.json().error.code, 'marketo_quota_exhausted');
    } finally {
      await quotaEmulator.close();
    }
    const status = await runtime.app.inject({ method: 'GET', url: '/api/v1/connections/marketo', headers: account.auth });
    assert.equal(status.json().connected, false, 'nothing was saved');
  });

  it('connects with trimmed credentials after verifying, and reports status without the secret', async () => {
    const res = await connect(account, { ...endpoints(), clientId: '  good-id ', clientSecret: ' good-secret  ' });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.connected, true);
    assert.equal(body.apiUser, 'msi-api@acme.example.com');
    assert.equal(body.clientId, 'good-id');
    assert.equal(body.restUrl, emulator.restUrl);
    assert.match(body.connectedBy, /Ada Admin/);
    assert.ok(body.callsToday >= 1, 'the verification call is counted');
    assert.equal(body.dailyQuota, 50000);
    const status = await runtime.app.inject({ method: 'GET', url: '/api/v1/connections/marketo', headers: account.auth });
    assert.ok(!status.body.includes('good-secret'));
    assert.ok(!runtime.logs.text.includes('good-secret'), 'the secret is not logged');
    const stored = await runtime.database.db.selectFrom('marketo_connections' as never).selectAll().execute();
    assert.ok(!JSON.stringify(stored).includes('good-secret'), 'the secret is sealed at rest');
    const otherStatus = await runtime.app.inject({ method: 'GET', url: '/api/v1/connections/marketo', headers: other.auth });
    assert.equal(otherStatus.json().connected, false, 'another account does not see it');
  });

  it('gives the sync a client that counts calls per account per day', async () => {
    const client = await marketoConnections(runtime.context).clientFor(account.accountId);
    const before = (await runtime.app.inject({ method: 'GET', url: '/api/v1/connections/marketo', headers: account.auth })).json().callsToday;
    await client.getLeads({ filterType: 'id', filterValues: [1, 2] });
    await client.describe();
    const after = (await runtime.app.inject({ method: 'GET', url: '/api/v1/connections/marketo', headers: account.auth })).json().callsToday;
    assert.equal(after, before + 2);
  });

  it('shows a 607 stop in the status', async () => {
    const connections = marketoConnections(runtime.context);
    const client = await connections.clientFor(account.accountId);
    emulator.exhaustQuota();
    try {
      const error = await client.describe().then(
        () => null,
        (e: unknown) => e,
      );
      assert.equal((error as { code?: string } | null)?.code, '607');
      await connections.recordError(account.accountId, error);
      const status = (await runtime.app.inject({ method: 'GET', url: '/api/v1/connections/marketo', headers: account.auth })).json();
      assert.ok(status.quotaStoppedUntil);
      assert.equal(status.lastError.code, '607');
    } finally {
      client.limiter.resume();
      emulator.knobs.dailyQuota = 1_000_000;
    }
  });

  it('hands over when another admin connects, and disconnects (audited)', async () => {
    const res = await connect(account, { ...endpoints(), clientId: 'good-id', clientSecret: 'good-secret' }, bob);
    assert.equal(res.statusCode, 200);
    assert.match(res.json().connectedBy, /Bob Admin/);
    assert.equal(res.json().lastError, null);
    const del = await runtime.app.inject({ method: 'DELETE', url: '/api/v1/connections/marketo', headers: { ...account.auth, ...bob } });
    assert.equal(del.statusCode, 204);
    const again = await runtime.app.inject({ method: 'DELETE', url: '/api/v1/connections/marketo', headers: account.auth });
    assert.equal(again.statusCode, 404);
    const audit = await runtime.app.inject({ method: 'GET', url: '/api/v1/audit?action=marketo.connect', headers: account.auth });
    const entries = audit.json().entries as Array<{ outcome: string; actor: string; details?: Record<string, unknown> }>;
    assert.ok(entries.some((e) => e.outcome === 'failure'));
    assert.ok(entries.some((e) => e.outcome === 'success' && /Bob/.test(e.actor) && e.details?.replaced !== undefined));
    const disc = await runtime.app.inject({ method: 'GET', url: '/api/v1/audit?action=marketo.disconnect', headers: account.auth });
    assert.equal(disc.json().entries.length, 1);
  });
});
