import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { accessToken, activate, activationLink, createActiveAccount, newOrgId } from '../helpers/accounts.js';

describe('step 1: the Actions account', () => {
  let runtime: TestRuntime;
  const secrets: string[] = [];
  before(async () => {
    runtime = await startTestRuntime();
  });
  after(async () => {
    // Nothing secret may reach a log line: not the Client Secret, tokens, claim codes or links.
    const logs = runtime.logs.text;
    assert.ok(runtime.logs.lines.length > 10, 'the flow was logged');
    for (const secret of secrets) assert.ok(!logs.includes(secret), `a secret (${secret.slice(0, 4)}…) appeared in the logs`);
    await runtime.close();
  });

  const api = (method: 'GET' | 'POST', url: string, options: { token?: string; payload?: object } = {}) =>
    runtime.app.inject({
      method,
      url,
      ...(options.payload ? { payload: options.payload } : {}),
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    });

  it('walks create → activation mail → activate → claim once → token → protected route', async () => {
    const orgId = newOrgId();
    const created = await api('POST', '/api/v1/accounts', {
      payload: {
        orgId: orgId.slice(0, 15),
        orgName: 'Acme Corp',
        instanceUrl: 'https://acme.my.salesforce.com/',
        admins: [
          { name: 'Ada Admin', email: '  Ada@Acme.example ' },
          { name: 'Bob Backup', email: 'bob@acme.example' },
        ],
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json(), {
      status: 'pending',
      created: true,
      orgId,
      invited: [
        { email: 'ada@acme.example', name: 'Ada Admin' },
        { email: 'bob@acme.example', name: 'Bob Backup' },
      ],
    });

    const mail = await runtime.mailbox.waitFor((m) => m.to.includes('ada@acme.example'));
    assert.equal(mail.subject, 'Activate MSI Actions for Acme Corp');
    assert.match(mail.text, /Hello Ada Admin/);
    assert.match(mail.text, /Salesforce org "Acme Corp"/);
    assert.match(mail.text, /expires on/);
    assert.match(mail.html, /Activate the account/);
    const token = await activationLink(runtime, 'ada@acme.example');
    secrets.push(token);

    // Opening the link only shows; mail scanners that follow links activate nothing.
    const page = await runtime.app.inject({ method: 'GET', url: `/activate?token=${token}` });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Acme Corp/);
    assert.match(page.body, new RegExp(orgId));
    assert.match(page.headers['content-security-policy'] as string, /default-src 'none'/);
    const stillPending = await runtime.database.db.selectFrom('accounts').select('status').where('org_id', '=', orgId).executeTakeFirstOrThrow();
    assert.equal(stillPending.status, 'pending');

    const activation = await activate(runtime, token);
    assert.equal(activation.page.statusCode, 200);
    assert.ok(activation.clientId?.startsWith('msi_'));
    assert.ok(activation.clientSecret && activation.clientSecret.length >= 40);
    assert.ok(activation.claimCode);
    assert.match(activation.page.body, /https:\/\/acme\.my\.salesforce\.com\/lightning\/n\/MSI_Actions_Setup\?c__claimCode=/);
    secrets.push(activation.clientSecret, activation.claimCode);

    const again = await activate(runtime, token);
    assert.equal(again.page.statusCode, 400);
    assert.match(again.page.body, /already been used/);

    const claimed = await api('POST', '/api/v1/accounts/claim', { payload: { claimCode: activation.claimCode, orgId } });
    assert.equal(claimed.statusCode, 200, claimed.body);
    assert.equal(claimed.headers['cache-control'], 'no-store');
    const claim = claimed.json();
    assert.equal(claim.clientId, activation.clientId);
    assert.equal(claim.clientSecret, activation.clientSecret);
    assert.deepEqual(claim.originalUser, { name: 'Ada Admin', email: 'ada@acme.example' });
    assert.ok(claim.activatedAt);

    const secondClaim = await api('POST', '/api/v1/accounts/claim', { payload: { claimCode: activation.claimCode } });
    assert.equal(secondClaim.statusCode, 400);
    assert.equal(secondClaim.json().error.code, 'invalid_claim_code');

    // Client authentication as Salesforce External Credentials send it: Basic, or in the form body.
    const basic = await accessToken(runtime, claim.clientId, claim.clientSecret);
    assert.equal(basic.statusCode, 200, basic.body);
    assert.equal(basic.headers['cache-control'], 'no-store');
    const body = basic.json();
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 1800);
    secrets.push(body.access_token);
    const form = await runtime.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${claim.clientId}&client_secret=${encodeURIComponent(claim.clientSecret)}`,
    });
    assert.equal(form.statusCode, 200, form.body);

    const current = await api('GET', '/api/v1/accounts/current', { token: body.access_token });
    assert.equal(current.statusCode, 200, current.body);
    const account = current.json();
    assert.equal(account.status, 'active');
    assert.equal(account.orgName, 'Acme Corp');
    assert.equal(account.instanceUrl, 'https://acme.my.salesforce.com');
    assert.equal(account.integration.clientId, claim.clientId);
    assert.equal(account.integration.secret, `••••••••${claim.clientSecret.slice(-4)}`);
    assert.equal(account.originalUser.email, 'ada@acme.example');
    assert.deepEqual(account.limits, { seats: 100, teams: 20 });
    assert.equal(account.usage.seats, 2);
    assert.ok(!JSON.stringify(account).includes(claim.clientSecret));

    // The second admin accepts later: active, but not the original user, and no new credentials.
    const bobToken = await activationLink(runtime, 'bob@acme.example');
    secrets.push(bobToken);
    const bob = await activate(runtime, bobToken);
    assert.equal(bob.page.statusCode, 200);
    assert.equal(bob.clientSecret, undefined);
    assert.match(bob.page.body, /Welcome, Bob Backup/);

    const wrong = await accessToken(runtime, claim.clientId, 'not-the-secret');
    assert.equal(wrong.statusCode, 401);
    assert.deepEqual(wrong.json(), { error: 'invalid_client', error_description: 'Client authentication failed.' });
    const unknown = await accessToken(runtime, 'msi_unknown', 'whatever');
    assert.equal(unknown.statusCode, 401);
    assert.equal(unknown.json().error, 'invalid_client');
  });

  it('refuses calls without a valid access token', async () => {
    const none = await api('GET', '/api/v1/accounts/current');
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error.code, 'unauthorized');
    assert.match(none.headers['www-authenticate'] as string, /Bearer/);
    const forged = await api('GET', '/api/v1/accounts/current', { token: 'msi1.eyJhIjoieCJ9.forged' });
    assert.equal(forged.statusCode, 401);
    const grant = await runtime.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'password' } });
    assert.equal(grant.statusCode, 400);
    assert.equal(grant.json().error, 'unsupported_grant_type');
  });

  it('resends while pending (the old link stops working) and refuses a second account once active', async () => {
    const orgId = newOrgId();
    const payload = { orgId, orgName: 'Globex', instanceUrl: 'https://globex.my.salesforce.com', admins: [{ name: 'Gina', email: 'gina@globex.example' }] };
    assert.equal((await api('POST', '/api/v1/accounts', { payload })).statusCode, 201);
    const first = await activationLink(runtime, 'gina@globex.example');
    const resent = await api('POST', '/api/v1/accounts', { payload });
    assert.equal(resent.statusCode, 200);
    assert.equal(resent.json().created, false);
    const second = await activationLink(runtime, 'gina@globex.example', 2);
    assert.notEqual(first, second);
    secrets.push(first, second);
    const old = await runtime.app.inject({ method: 'GET', url: `/activate?token=${first}` });
    assert.equal(old.statusCode, 400);
    assert.match(old.body, /not valid/);
    const { clientSecret } = await activate(runtime, second);
    assert.ok(clientSecret);
    secrets.push(clientSecret);

    const conflict = await api('POST', '/api/v1/accounts', { payload: { ...payload, admins: [{ name: 'Mallory', email: 'mallory@evil.example' }] } });
    assert.equal(conflict.statusCode, 409);
    assert.equal(conflict.json().error.code, 'account_exists');
    assert.doesNotMatch(conflict.body, /gina|Globex|msi_/i);
  });

  it('says when an activation link has expired', async () => {
    const orgId = newOrgId();
    await api('POST', '/api/v1/accounts', {
      payload: { orgId, orgName: 'Initech', instanceUrl: 'https://initech.my.salesforce.com', admins: [{ name: 'Pete', email: 'pete@initech.example' }] },
    });
    const token = await activationLink(runtime, 'pete@initech.example');
    secrets.push(token);
    await sql`update invitations set expires_at = now() - interval '1 minute' where user_id in (select id from users where email = 'pete@initech.example')`.execute(
      runtime.database.db,
    );
    const page = await runtime.app.inject({ method: 'GET', url: `/activate?token=${token}` });
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /expired/);
    const post = await activate(runtime, token);
    assert.equal(post.page.statusCode, 400);
    assert.match(post.page.body, /expired/);
  });

  it('rotates the secret: the old one works during the grace period, then stops', async () => {
    const account = await createActiveAccount(runtime);
    secrets.push(account.clientSecret, account.token);
    const rotated = await api('POST', '/api/v1/accounts/current/rotate-secret', { token: account.token });
    assert.equal(rotated.statusCode, 200, rotated.body);
    const { clientId, clientSecret, previousSecretValidUntil } = rotated.json();
    secrets.push(clientSecret);
    assert.equal(clientId, account.clientId);
    assert.notEqual(clientSecret, account.clientSecret);
    const grace = Date.parse(previousSecretValidUntil) - Date.now();
    assert.ok(grace > 59 * 60_000 && grace <= 60 * 60_000, `grace of ${grace} ms`);

    assert.equal((await accessToken(runtime, clientId, clientSecret)).statusCode, 200);
    const oldDuringGrace = await accessToken(runtime, clientId, account.clientSecret);
    assert.equal(oldDuringGrace.statusCode, 200);
    // A token from the old secret never outlives the secret.
    assert.ok(oldDuringGrace.json().expires_in <= 1800);

    const current = (await api('GET', '/api/v1/accounts/current', { token: account.token })).json();
    assert.equal(current.integration.secret, `••••••••${clientSecret.slice(-4)}`);
    assert.equal(current.integration.previousSecretValidUntil, previousSecretValidUntil);

    // The grace period ends.
    await sql`update account_secrets set expires_at = now() - interval '1 second' where expires_at is not null and client_id = ${clientId}`.execute(
      runtime.database.db,
    );
    assert.equal((await accessToken(runtime, clientId, account.clientSecret)).statusCode, 401);
    assert.equal((await accessToken(runtime, clientId, clientSecret)).statusCode, 200);
  });

  it('records every admin action in the audit log with actor, target and outcome, newest first, in pages', async () => {
    const orgId = newOrgId();
    const sender = { 'x-msi-actor': '005000000000001AAA Ada Admin' };
    const payload = {
      orgId,
      orgName: 'Audited Inc',
      instanceUrl: 'https://audited.my.salesforce.com',
      admins: [
        { name: 'Ann Audit', email: 'ann@audited.example' },
        { name: 'Ben Backup', email: 'ben@audited.example' },
      ],
    };
    assert.equal((await runtime.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: sender, payload })).statusCode, 201);
    secrets.push(await activationLink(runtime, 'ann@audited.example'));
    // Sent again while pending: the invitations are resent.
    assert.equal((await runtime.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: sender, payload })).statusCode, 200);
    const link = await activationLink(runtime, 'ann@audited.example', 2);
    const { clientId, clientSecret, claimCode } = await activate(runtime, link);
    assert.ok(clientId && clientSecret && claimCode);
    secrets.push(link, clientSecret, claimCode);
    const claimed = await api('POST', '/api/v1/accounts/claim', { payload: { claimCode, orgId } });
    assert.equal(claimed.statusCode, 200, claimed.body);
    const token = (await accessToken(runtime, clientId, clientSecret)).json().access_token as string;
    secrets.push(token);
    const auth = { authorization: `Bearer ${token}`, ...sender };
    const resent = await runtime.app.inject({ method: 'POST', url: '/api/v1/accounts/current/resend-invitation', headers: auth });
    assert.deepEqual(resent.json(), { resent: ['ben@audited.example'] });
    const rotated = await runtime.app.inject({ method: 'POST', url: '/api/v1/accounts/current/rotate-secret', headers: auth });
    assert.equal(rotated.statusCode, 200);
    secrets.push(rotated.json().clientSecret);

    const via = `005000000000001AAA Ada Admin via client:${clientId}`;
    const expected = [
      { action: 'account.secret_rotated', actor: via, target: clientId },
      { action: 'account.invitation_resent', actor: via, target: orgId },
      { action: 'account.credentials_claimed', actor: `salesforce-org:${orgId}`, target: clientId },
      { action: 'account.activated', actor: 'ann@audited.example', target: orgId },
      { action: 'account.invitation_resent', actor: `005000000000001AAA Ada Admin via salesforce-org:${orgId}`, target: orgId },
      { action: 'account.created', actor: `005000000000001AAA Ada Admin via salesforce-org:${orgId}`, target: orgId },
    ].map((e) => ({ ...e, outcome: 'success' }));

    const page1 = await api('GET', '/api/v1/audit?limit=2', { token });
    assert.equal(page1.statusCode, 200);
    assert.equal(page1.json().entries.length, 2);
    assert.ok(page1.json().nextBefore);
    const entries = [...page1.json().entries];
    for (let before = page1.json().nextBefore; before; ) {
      const page = (await api('GET', `/api/v1/audit?limit=2&before=${before}`, { token })).json();
      entries.push(...page.entries);
      before = page.nextBefore;
    }
    assert.deepEqual(
      entries.map(({ action, actor, target, outcome }: Record<string, unknown>) => ({ action, actor, target, outcome })),
      expected,
    );
    assert.deepEqual(entries[1].details, { admins: ['ben@audited.example'] });
    assert.deepEqual(entries[5].details, { admins: ['ann@audited.example', 'ben@audited.example'] });
    assert.ok(entries.every((e: { at: string }, i: number) => i === 0 || e.at <= entries[i - 1].at), 'newest first');
    const filtered = (await api('GET', '/api/v1/audit?action=account.credentials_claimed', { token })).json().entries;
    assert.deepEqual(filtered.map((e: { target: string }) => e.target), [clientId]);
    // Nothing secret in the log: not the Client Secret, the claim code or the new secret.
    assert.doesNotMatch(JSON.stringify(entries), new RegExp(`${clientSecret}|${claimCode}|${rotated.json().clientSecret}`));
  });

  it('the invitation e-mail names who sent it (X-MSI-Actor, as Apex sends it), and says so plainly without it', async () => {
    const invite = (email: string, headers: Record<string, string>) =>
      runtime.app.inject({
        method: 'POST',
        url: '/api/v1/accounts',
        headers,
        payload: { orgId: newOrgId(), orgName: 'Named Co', instanceUrl: 'https://named.my.salesforce.com', admins: [{ name: 'Nia Named', email }] },
      });
    assert.equal((await invite('nia@named.example', { 'x-msi-actor': '005000000000001AAA Grace Hopper' })).statusCode, 201);
    const named = await runtime.mailbox.waitFor((m) => m.to.includes('nia@named.example'));
    assert.match(named.text, /Grace Hopper invited you to set up Marketo Sales Insight Actions for the Salesforce org "Named Co"/);
    assert.match(named.html, /Grace Hopper invited you/);
    secrets.push(await activationLink(runtime, 'nia@named.example'));

    assert.equal((await invite('noa@named.example', {})).statusCode, 201);
    const plain = await runtime.mailbox.waitFor((m) => m.to.includes('noa@named.example'));
    assert.match(plain.text, /You have been invited to set up/);
    // A header the service does not accept names nobody.
    assert.equal((await invite('nel@named.example', { 'x-msi-actor': '<script>alert(1)</script>' })).statusCode, 201);
    const refused = await runtime.mailbox.waitFor((m) => m.to.includes('nel@named.example'));
    assert.match(refused.text, /You have been invited to set up/);
    assert.doesNotMatch(refused.html, /script/);
  });

  it('rejects bad input with clear errors', async () => {
    const bad = await api('POST', '/api/v1/accounts', {
      payload: { orgId: '001000000000001', orgName: 'X', instanceUrl: 'https://x.my.salesforce.com', admins: [{ name: 'A', email: 'a@x.example' }] },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'invalid_request');
    assert.match(bad.json().error.details.issues[0].path, /orgId/);

    const email = await api('POST', '/api/v1/accounts', {
      payload: { orgId: newOrgId(), orgName: 'X', instanceUrl: 'https://x.my.salesforce.com', admins: [{ name: 'A', email: 'not-an-address' }] },
    });
    assert.equal(email.statusCode, 400);
    assert.deepEqual(email.json().error.code, 'invalid_email');
    assert.match(email.json().error.message, /Admin 1: the e-mail address has no "@"/);

    const http = await api('POST', '/api/v1/accounts', {
      payload: { orgId: newOrgId(), orgName: 'X', instanceUrl: 'http://x.my.salesforce.com', admins: [{ name: 'A', email: 'a@x.example' }] },
    });
    assert.equal(http.json().error.code, 'invalid_instance_url');
  });

  it('slows down guessing of one client’s secret', async () => {
    const account = await createActiveAccount(runtime);
    secrets.push(account.clientSecret, account.token);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await accessToken(runtime, account.clientId, `guess-${i}`)).statusCode);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.equal(statuses[11], 429);
    // Even the right secret waits until the window has passed.
    assert.equal((await accessToken(runtime, account.clientId, account.clientSecret)).statusCode, 429);
  });
});

describe('step 1: bad input gets a clear error and creates nothing', () => {
  let runtime: TestRuntime;
  before(async () => {
    runtime = await startTestRuntime();
  });
  after(() => runtime.close());

  const create = (body: { orgId: string; orgName?: string; admins: Array<{ name: string; email: string }> }) =>
    runtime.app.inject({ method: 'POST', url: '/api/v1/accounts', payload: { orgName: 'Blank Co', instanceUrl: 'https://blank.my.salesforce.com', ...body } });
  const accountsOf = async (orgId: string) => (await runtime.database.db.selectFrom('accounts').select('id').where('org_id', '=', orgId).execute()).length;

  it('refuses blank names and text PostgreSQL cannot store in a new account, naming the field; no account, no mail', async () => {
    const cases: Array<[string, { orgName?: string; admins: Array<{ name: string; email: string }> }, string, RegExp]> = [
      ['blank org name', { orgName: '   ', admins: [{ name: 'Ann', email: 'ann@blank.example' }] }, 'body/orgName', /must not be blank/],
      ['blank admin name', { admins: [{ name: 'Ann', email: 'ann@blank.example' }, { name: ' \t ', email: 'bob@blank.example' }] }, 'body/admins/1/name', /must not be blank/],
      ['NUL in an admin name', { admins: [{ name: 'Ann\u0000', email: 'ann@blank.example' }] }, 'body/admins/0/name', /NUL/],
      ['NUL in the org name', { orgName: 'Blank\u0000Co', admins: [{ name: 'Ann', email: 'ann@blank.example' }] }, 'body/orgName', /NUL/],
      ['half an emoji in a name', { admins: [{ name: 'Ann \ud83d', email: 'ann@blank.example' }] }, 'body/admins/0/name', /surrogate/],
    ];
    for (const [what, body, path, message] of cases) {
      const orgId = newOrgId();
      const res = await create({ orgId, ...body });
      assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
      const error = res.json().error;
      assert.equal(error.code, 'invalid_request', what);
      assert.equal(error.details.issues[0].path, path, what);
      assert.match(error.message, message, what);
      assert.ok(error.message.includes(path), `${what}: the message names the field`);
      assert.equal(await accountsOf(orgId), 0, `${what}: no account`);
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(runtime.mailbox.messages.filter((m) => m.to.some((to) => to.endsWith('@blank.example'))).length, 0, 'nobody was mailed');

    // Names are stored trimmed.
    const orgId = newOrgId();
    const ok = await create({ orgId, orgName: '  Blank Co  ', admins: [{ name: '  Ann Admin ', email: 'ann@ok.example' }] });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.deepEqual(ok.json().invited, [{ name: 'Ann Admin', email: 'ann@ok.example' }]);
    const mail = await runtime.mailbox.waitFor((m) => m.to.includes('ann@ok.example'));
    assert.match(mail.text, /Hello Ann Admin,/);
    assert.match(mail.text, /"Blank Co"/);
  });

  it('answers text it cannot store in a token request in OAuth’s own error shape', async () => {
    for (const request of [
      { payload: { grant_type: 'client_credentials', client_id: 'a\u0000', client_secret: 'b' } },
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials&client_id=a%00&client_secret=b' },
      { payload: { grant_type: 'client_credentials', client_id: 'msi_x', client_secret: 'b\udc00' } },
    ]) {
      const res = await runtime.app.inject({ method: 'POST', url: '/oauth/token', ...request });
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(res.json(), { error: 'invalid_request', error_description: 'The token request is malformed.' });
      assert.equal(res.headers['cache-control'], 'no-store');
    }
    assert.doesNotMatch(runtime.logs.text, /token request failed|unhandled error/);
  });

  it('answers the activation page’s "This link is not valid" for every token it cannot take, never JSON', async () => {
    const pages = [
      runtime.app.inject({ method: 'GET', url: `/activate?token=${'a'.repeat(201)}` }),
      runtime.app.inject({ method: 'GET', url: '/activate?token=a%00b' }),
      runtime.app.inject({ method: 'GET', url: '/activate?token=x&token=y' }),
      runtime.app.inject({ method: 'POST', url: '/activate', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'token=' }),
      runtime.app.inject({ method: 'POST', url: '/activate', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${'a'.repeat(201)}` }),
      runtime.app.inject({ method: 'POST', url: '/activate', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'other=1' }),
      runtime.app.inject({ method: 'POST', url: '/activate', payload: { token: 'a\u0000' } }),
    ];
    for (const [i, response] of pages.entries()) {
      const page = await response;
      assert.equal(page.statusCode, 400, `page ${i}: ${page.body.slice(0, 200)}`);
      assert.match(String(page.headers['content-type']), /^text\/html/, `page ${i}`);
      assert.match(page.body, /<h1>This link is not valid<\/h1>/, `page ${i}`);
    }
  });

  it('refuses an audit cursor beyond any id with 400, not a database error', async () => {
    const account = await createActiveAccount(runtime);
    for (const before of ['99999999999999999999', '9007199254740992']) {
      const res = await runtime.app.inject({ method: 'GET', url: `/api/v1/audit?before=${before}`, headers: account.auth });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.code, 'invalid_request');
      assert.equal(res.json().error.details.issues[0].path, 'querystring/before');
    }
    const last = await runtime.app.inject({ method: 'GET', url: `/api/v1/audit?before=${Number.MAX_SAFE_INTEGER}`, headers: account.auth });
    assert.equal(last.statusCode, 200, last.body);
    assert.ok(last.json().entries.length > 0);
  });
});
