import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import {
  buildAuthorizeUrl,
  classifySalesforceError,
  createSalesforceClient,
  exchangeCode,
  readConnectedUser,
  type OAuthClientConfig,
} from '../../src/salesforce/index.js';

const CALLBACK = 'http://127.0.0.1:1/oauth/salesforce/callback';

/** Follows the browser part of the flow with fetch: login form, consent, up to the callback redirect. */
async function browse(startUrl: string, cookie: { sid?: string }, user?: { username: string; password: string }): Promise<URL> {
  let url = startUrl;
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(CALLBACK)) return new URL(url);
    const res = await fetch(url, { redirect: 'manual', headers: cookie.sid ? { cookie: `sid=${cookie.sid}` } : {} });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie?.startsWith('sid=')) cookie.sid = decodeURIComponent(setCookie.slice(4).split(';')[0]!);
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
      assert.ok(user, 'login page shown but no user to log in with');
      body.set('username', user.username);
      body.set('pw', user.password);
    } else {
      body.set('action', 'allow');
    }
    const posted = await fetch(new URL(form[1]!, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie.sid ? { cookie: `sid=${cookie.sid}` } : {}) },
      body: body.toString(),
    });
    const postCookie = posted.headers.get('set-cookie');
    if (postCookie?.startsWith('sid=')) cookie.sid = decodeURIComponent(postCookie.slice(4).split(';')[0]!);
    assert.equal(posted.status, 302, await posted.text());
    url = new URL(posted.headers.get('location')!, url).toString();
  }
  throw new Error('too many redirects');
}

describe('Salesforce client (jsforce) against the emulator', () => {
  let sf: SalesforceEmulator;
  let config: OAuthClientConfig;

  before(async () => {
    sf = await startSalesforceEmulator({ seed: 11, people: 300, callbackUrls: [CALLBACK] });
    config = { loginUrl: sf.url, clientId: sf.clientId, clientSecret: sf.clientSecret, redirectUri: CALLBACK };
  });
  after(() => sf.close());

  it('authorizes through the login form and consent, exchanges the code with PKCE and reads userinfo', async () => {
    const request = buildAuthorizeUrl(config);
    assert.match(request.url, /code_challenge_method=S256/);
    const cookie: { sid?: string } = {};
    const callback = await browse(request.url, cookie, sf.org.admin);
    assert.equal(callback.searchParams.get('state'), request.state);
    const code = callback.searchParams.get('code');
    assert.ok(code);
    const tokens = await exchangeCode(config, code, request.codeVerifier);
    assert.equal(tokens.orgId, sf.org.id);
    assert.equal(tokens.userId, sf.org.admin.id);
    assert.ok(tokens.refreshToken);
    assert.equal(tokens.instanceUrl, sf.url);
    const who = await readConnectedUser(config, tokens);
    assert.deepEqual(
      { orgId: who.orgId, userId: who.userId, username: who.username },
      { orgId: sf.org.id, userId: sf.org.admin.id, username: sf.org.admin.username },
    );

    // Already logged in and approved: the authorize URL goes straight to the callback.
    const again = buildAuthorizeUrl(config);
    const direct = await fetch(again.url, { redirect: 'manual', headers: { cookie: `sid=${cookie.sid}` } });
    assert.equal(direct.status, 302);
    const location = new URL(direct.headers.get('location')!);
    assert.ok(location.toString().startsWith(CALLBACK));
    assert.equal(location.searchParams.get('state'), again.state);
    const second = await exchangeCode(config, location.searchParams.get('code')!, again.codeVerifier);
    assert.equal(second.userId, sf.org.admin.id);
  });

  it('refuses a code with the wrong PKCE verifier (invalid_grant, reconnect)', async () => {
    const request = buildAuthorizeUrl(config);
    const rep = sf.org.users[1]!;
    const callback = await browse(request.url, { sid: sf.createSession(rep.username) });
    await assert.rejects(exchangeCode(config, callback.searchParams.get('code')!, 'not-the-verifier-not-the-verifier-not-the-verifier'), (error: Error) => {
      assert.equal(error.name, 'invalid_grant');
      const c = classifySalesforceError(error);
      assert.equal(c.action, 'fix');
      assert.equal(c.code, 'INVALID_GRANT');
      return true;
    });
  });

  async function connect() {
    const request = buildAuthorizeUrl(config);
    const callback = await browse(request.url, { sid: sf.createSession(sf.org.admin.username) });
    return exchangeCode(config, callback.searchParams.get('code')!, request.codeVerifier);
  }

  it('refreshes an expired access token by itself and hands the new token back', async () => {
    const tokens = await connect();
    const stored: string[] = [];
    const client = createSalesforceClient({
      instanceUrl: tokens.instanceUrl,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      loginUrl: sf.url,
      clientId: sf.clientId,
      clientSecret: sf.clientSecret,
      onRefresh: (t) => {
        stored.push(t.accessToken);
      },
    });
    await client.connection.query('SELECT Id FROM User LIMIT 1');
    sf.expireAccessTokens();
    const result = await client.connection.query<{ Id: string }>('SELECT Id, Name FROM User WHERE IsActive = true ORDER BY Name LIMIT 5');
    assert.equal(result.records.length, 5);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0], tokens.accessToken);
    assert.equal(client.connection.accessToken, stored[0]);
    const usage = client.apiUsage();
    assert.ok(usage && usage.used > 0 && usage.limit === 100_000, JSON.stringify(usage));
  });

  it('classifies a revoked refresh token as INVALID_GRANT: reconnect', async () => {
    const tokens = await connect();
    const client = createSalesforceClient({
      instanceUrl: tokens.instanceUrl,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      loginUrl: sf.url,
      clientId: sf.clientId,
      clientSecret: sf.clientSecret,
    });
    sf.revokeRefreshTokens();
    await assert.rejects(async () => client.connection.query('SELECT Id FROM Lead LIMIT 1'), (error: Error) => {
      const c = classifySalesforceError(error);
      assert.equal(c.action, 'fix');
      assert.equal(c.code, 'INVALID_GRANT');
      assert.ok(c.action === 'fix' && c.reconnect);
      assert.match(c.action === 'fix' ? c.hint : '', /Reconnect/);
      return true;
    });
  });

  it('sees Salesforce faults through jsforce and classifies them', async () => {
    const client = createSalesforceClient({
      instanceUrl: sf.url,
      accessToken: sf.issueAccessToken(sf.org.admin.username),
      loginUrl: sf.url,
      clientId: sf.clientId,
      clientSecret: sf.clientSecret,
    });
    const conn = client.connection;
    const lead = (await conn.query<{ Id: string }>('SELECT Id FROM Lead LIMIT 1')).records[0]!;

    sf.injectFault({ errorCode: 'UNABLE_TO_LOCK_ROW' });
    await assert.rejects(conn.sobject('Task').create({ Subject: 'Call', WhoId: lead.Id }), (e: Error) => {
      const c = classifySalesforceError(e);
      return c.action === 'retry' && c.code === 'UNABLE_TO_LOCK_ROW';
    });

    // jsforce itself retries a GET after a 503; a POST it leaves to us.
    sf.injectFault({ errorCode: 'SERVER_UNAVAILABLE', method: 'GET' });
    const seen = sf.requests().length;
    assert.equal((await conn.query('SELECT Id FROM Lead LIMIT 1')).records.length, 1);
    assert.deepEqual(sf.requests().slice(seen).map((r) => r.status), [503, 200]);
    sf.injectFault({ errorCode: 'SERVER_UNAVAILABLE', method: 'POST' });
    await assert.rejects(conn.sobject('Task').create({ Subject: 'Call', WhoId: lead.Id }), (e: Error) => {
      const c = classifySalesforceError(e);
      return c.action === 'retry' && c.code === 'SERVER_UNAVAILABLE';
    });

    sf.injectFault({ errorCode: 'QUERY_TIMEOUT' });
    await assert.rejects(async () => conn.query('SELECT Id FROM Lead'), (e: Error) => classifySalesforceError(e).action === 'retry');

    sf.addValidationRule({ object: 'Task', message: 'Subject must not be empty', field: 'Subject', failsWhen: (r) => !r.Subject });
    const results = await conn.sobject('Task').create([{ Subject: 'ok', WhoId: lead.Id }, { WhoId: lead.Id }]);
    assert.equal(results[0]!.success, true);
    assert.equal(results[1]!.success, false);
    const saveError = (results[1] as { errors: unknown[] }).errors[0];
    const v = classifySalesforceError(saveError);
    assert.equal(v.code, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    assert.match(v.action === 'fix' ? v.hint : '', /Subject must not be empty/);

    const rep = sf.org.users[2]!;
    sf.setUserActive(rep.id, false);
    await assert.rejects(conn.sobject('Task').create({ Subject: 'x', OwnerId: rep.id }), (e: Error) => {
      const c = classifySalesforceError(e);
      return c.action === 'fix' && c.code === 'INACTIVE_OWNER_OR_USER' && /inactive/i.test(c.hint);
    });
    sf.setUserActive(rep.id, true);

    await assert.rejects(conn.sobject('Lead').create({ LastName: 'X', Company: 'Y', Name: 'X' }), (e: Error) => {
      const c = classifySalesforceError(e);
      return c.action === 'fix' && c.code === 'INVALID_FIELD_FOR_INSERT_UPDATE' && c.fields?.[0] === 'Name';
    });
    await assert.rejects(conn.sobject('Lead').create({ Company: 'Y' }), (e: Error) => {
      const c = classifySalesforceError(e);
      return c.action === 'fix' && c.code === 'REQUIRED_FIELD_MISSING' && /LastName/.test(c.hint);
    });

    sf.setApiEnabled(sf.org.admin.id, false);
    await assert.rejects(async () => conn.query('SELECT Id FROM Lead LIMIT 1'), (e: Error) => {
      const c = classifySalesforceError(e);
      return c.action === 'fix' && c.code === 'API_CURRENTLY_DISABLED' && /API Enabled/.test(c.hint);
    });
    sf.setApiEnabled(sf.org.admin.id, true);

    const before = sf.apiUsage();
    sf.setApiUsage(before.limit, before.limit);
    await assert.rejects(async () => conn.query('SELECT Id FROM Lead LIMIT 1'), (e: Error) => {
      const c = classifySalesforceError(e);
      return c.action === 'retry' && c.code === 'REQUEST_LIMIT_EXCEEDED' && c.retryAfterMs >= 60_000;
    });
    sf.setApiUsage(before.used, before.limit);
  });

  it('surfaces an injected INACTIVE_USER fault with the fix hint, and does not retry it', async () => {
    const client = createSalesforceClient({
      instanceUrl: sf.url,
      accessToken: sf.issueAccessToken(sf.org.admin.username),
      loginUrl: sf.url,
      clientId: sf.clientId,
      clientSecret: sf.clientSecret,
    });
    const conn = client.connection;
    const lead = (await conn.query<{ Id: string }>('SELECT Id FROM Lead LIMIT 1')).records[0]!;

    // A query (GET): jsforce passes the 403 through; nothing retries it.
    sf.injectFault({ errorCode: 'INACTIVE_USER' });
    const seen = sf.requests().length;
    await assert.rejects(async () => conn.query('SELECT Id FROM Lead LIMIT 1'), (e: Error & { errorCode?: string }) => {
      assert.equal(e.errorCode, 'INACTIVE_USER');
      const c = classifySalesforceError(e);
      assert.equal(c.action, 'fix');
      assert.equal(c.code, 'INACTIVE_USER');
      assert.equal(c.message, 'The user is inactive');
      assert.ok(c.action === 'fix' && !c.reconnect, 'a REST INACTIVE_USER is not cured by reconnecting');
      assert.match(c.action === 'fix' ? c.hint : '', /Reactivate the user in Setup → Users/);
      assert.match(c.action === 'fix' ? c.hint : '', /fallback Task owner/);
      return true;
    });
    assert.deepEqual(sf.requests().slice(seen).map((r) => [r.method, r.status]), [['GET', 403]]);

    // A write (POST) fails the same way, and the fault is used up: the next call goes through.
    sf.injectFault({ errorCode: 'INACTIVE_USER', method: 'POST' });
    await assert.rejects(conn.sobject('Task').create({ Subject: 'Call', WhoId: lead.Id }), (e: Error) => {
      const c = classifySalesforceError(e);
      return c.action === 'fix' && c.code === 'INACTIVE_USER' && /Reactivate/.test(c.hint);
    });
    const created = await conn.sobject('Task').create({ Subject: 'Call', WhoId: lead.Id });
    assert.equal(created.success, true);
  });

  it('classifies every code of the MSI cheat sheet', () => {
    for (const code of ['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'QUERY_TIMEOUT', 'REQUEST_LIMIT_EXCEEDED']) {
      assert.equal(classifySalesforceError({ errorCode: code, message: 'x' }).action, 'retry', code);
    }
    for (const code of [
      'API_CURRENTLY_DISABLED',
      'INACTIVE_USER',
      'ENTITY_IS_LOCKED',
      'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      'REQUIRED_FIELD_MISSING',
    ]) {
      const c = classifySalesforceError({ errorCode: code, message: 'x' });
      assert.equal(c.action, 'fix', code);
      assert.ok(c.action === 'fix' && c.hint.length > 20 && !c.reconnect, code);
    }
    const grant = Object.assign(new Error('expired access/refresh token'), { name: 'invalid_grant' });
    const c = classifySalesforceError(grant);
    assert.ok(c.action === 'fix' && c.code === 'INVALID_GRANT' && c.reconnect);
    const wrapped = classifySalesforceError(new Error('Unable to refresh session due to: expired access/refresh token'));
    assert.ok(wrapped.action === 'fix' && wrapped.reconnect);
    const network = classifySalesforceError(Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    assert.equal(network.action, 'retry');
  });
});
