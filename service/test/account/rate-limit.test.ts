import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { newOrgId } from '../helpers/accounts.js';

/**
 * The public routes are limited per IP address (behind a proxy TRUST_PROXY names, the address it gives in
 * X-Forwarded-For): account creation and claim 20 a minute, the activation page 30, the token endpoint 60.
 * One address over its limit gets 429 with a clear answer in the route's own error shape; other addresses go on.
 */
describe('rate limits on the public routes', () => {
  let runtime: TestRuntime;
  before(async () => {
    // The tests' requests come from 127.0.0.1: the proxy here.
    runtime = await startTestRuntime({ TRUST_PROXY: 'loopback' });
  });
  after(() => runtime.close());

  /** Seconds until the window ends: at most the minute. */
  const assertRetryAfter = (header: unknown) => {
    const seconds = Number(header);
    assert.ok(seconds > 0 && seconds <= 60, `retry-after ${String(header)}`);
  };
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const createAccount = (ip: string, n: number) =>
    runtime.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      headers: from(ip),
      payload: { orgId: newOrgId(), orgName: `Limited ${n}`, instanceUrl: 'https://limited.my.salesforce.com', admins: [{ name: 'Lim Ited', email: `lim${n}@limited.example` }] },
    });

  it('account creation: the 21st request a minute from one address gets 429 with the service’s error body', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 20; n += 1) statuses.push((await createAccount('203.0.113.10', n)).statusCode);
    assert.deepEqual(statuses, Array(20).fill(201));
    const limited = await createAccount('203.0.113.10', 20);
    assert.equal(limited.statusCode, 429);
    assert.match(limited.headers['content-type'] as string, /application\/json/);
    const body = limited.json();
    assert.deepEqual(Object.keys(body), ['error']);
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
    assert.equal(body.error.code, 'rate_limited');
    // The time left in the window, as @fastify/rate-limit words it: "1 minute", or "58 seconds" a moment later.
    assert.match(body.error.message, /^Rate limit exceeded, retry in (1 minute|\d+ seconds?)$/);
    assertRetryAfter(limited.headers['retry-after']);
    // No account was made by the refused request.
    const made = await runtime.database.db.selectFrom('accounts').select('id').where('org_name', '=', 'Limited 20').execute();
    assert.equal(made.length, 0);
    // The limit is per address, not for everyone.
    assert.equal((await createAccount('203.0.113.11', 21)).statusCode, 201);
  });

  it('claim: limited per address too', async () => {
    const claim = (ip: string) => runtime.app.inject({ method: 'POST', url: '/api/v1/accounts/claim', headers: from(ip), payload: { claimCode: 'not-a-real-claim-code' } });
    for (let n = 0; n < 20; n += 1) assert.equal((await claim('203.0.113.20')).statusCode, 400);
    const limited = await claim('203.0.113.20');
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'rate_limited');
    assert.equal((await claim('203.0.113.21')).statusCode, 400);
  });

  it('/oauth/token: the 61st request a minute from one address gets 429 in OAuth’s error shape', async () => {
    const token = (ip: string, n: number) =>
      runtime.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { ...from(ip), 'content-type': 'application/x-www-form-urlencoded' },
        // A different (unknown) client each time: this is the per-address limit, not the per-client one.
        payload: `grant_type=client_credentials&client_id=msi_unknown${n}&client_secret=wrong`,
      });
    const statuses: number[] = [];
    for (let n = 0; n < 60; n += 1) statuses.push((await token('203.0.113.30', n)).statusCode);
    assert.deepEqual(statuses, Array(60).fill(401));
    const limited = await token('203.0.113.30', 60);
    assert.equal(limited.statusCode, 429);
    // Token clients (Salesforce External Credentials) read RFC 6749's {error, error_description}.
    assert.deepEqual(limited.json(), { error: 'slow_down', error_description: 'Too many token requests from this address. Wait a minute, then try again.' });
    assertRetryAfter(limited.headers['retry-after']);
    assert.equal(limited.headers['cache-control'], 'no-store');
    assert.equal((await token('203.0.113.31', 61)).statusCode, 401);
  });

  it('/oauth/token: a body that cannot be parsed is an OAuth invalid_request, not a mangled envelope', async () => {
    const res = await runtime.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...from('203.0.113.32'), 'content-type': 'application/json' }, payload: '{"grant_type":' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { error: 'invalid_request', error_description: 'The token request is malformed.' });
  });

  it('the activation page: the 31st try a minute from one address gets a page that says to wait', async () => {
    const open = (ip: string) => runtime.app.inject({ method: 'GET', url: '/activate?token=not-a-real-token', headers: from(ip) });
    for (let n = 0; n < 30; n += 1) assert.equal((await open('203.0.113.40')).statusCode, 400);
    const limited = await open('203.0.113.40');
    assert.equal(limited.statusCode, 429);
    assert.match(limited.headers['content-type'] as string, /text\/html/);
    assert.match(limited.body, /Too many activation attempts from this address/);
    assert.equal((await open('203.0.113.41')).statusCode, 400);
  });
});

describe('rate limits without a trusted proxy (the default)', () => {
  let runtime: TestRuntime;
  before(async () => {
    runtime = await startTestRuntime();
  });
  after(() => runtime.close());

  it('a caller cannot pick its own address with X-Forwarded-For: the connection’s address is limited', async () => {
    const claim = (headers: Record<string, string>, remoteAddress = '198.51.100.7') =>
      runtime.app.inject({ method: 'POST', url: '/api/v1/accounts/claim', remoteAddress, headers, payload: { claimCode: 'not-a-real-claim-code' } });
    for (let n = 0; n < 20; n += 1) assert.equal((await claim({ 'x-forwarded-for': `203.0.113.${100 + n}` })).statusCode, 400);
    const limited = await claim({ 'x-forwarded-for': '203.0.113.200' });
    assert.equal(limited.statusCode, 429, 'a fresh X-Forwarded-For on every request does not escape the limit');
    assert.equal(limited.json().error.code, 'rate_limited');
    assert.equal((await claim({}, '198.51.100.8')).statusCode, 400, 'another connection address is counted apart');
  });
});
