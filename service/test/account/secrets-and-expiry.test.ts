import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../../src/platform/config.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { Mailbox } from '../../src/sandbox/mailbox.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { LogCapture, startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { accessToken, activate, activationLink, createActiveAccount, newOrgId } from '../helpers/accounts.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * Client secrets are kept only as slow hashes; the master key that seals the secret for the claim and
 * signs access tokens is generated once into DATA_DIR (mode 0600) and used again after a restart.
 */
describe('secrets at rest and the generated key', () => {
  let testDb: TestDatabase;
  let mailbox: Mailbox;
  const dataDirs: string[] = [];
  const running: Runtime[] = [];

  /** The service as `npm start` builds it, on a given DATA_DIR and the one database of this file. */
  async function start(dataDir: string): Promise<Runtime & { mailbox: Mailbox }> {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'info', SANDBOX: 'false', PORT: '0', SMTP_URL: mailbox.url });
    const runtime = await createRuntime(config, { database: testDb.database, logStream: new LogCapture() });
    running.push(runtime);
    return Object.assign(runtime, { mailbox });
  }
  const newDataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-keys-'));
    dataDirs.push(dir);
    return dir;
  };

  before(async () => {
    testDb = await createTestDatabase();
    mailbox = await Mailbox.start();
  });
  after(async () => {
    for (const runtime of running.splice(0)) await runtime.close().catch(() => undefined);
    await testDb.drop();
    await mailbox.close();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores the Client Secret only as an scrypt hash, and the key once under DATA_DIR (0600), reused after a restart', async () => {
    const dataDir = newDataDir();
    const first = await start(dataDir);
    const keyFile = path.join(dataDir, 'keys', 'master.key');
    assert.ok(fs.existsSync(keyFile), 'the key is generated on first start');
    const stat = fs.statSync(keyFile);
    assert.equal(stat.mode & 0o777, 0o600, `key file mode ${(stat.mode & 0o777).toString(8)}`);
    assert.equal(fs.statSync(path.dirname(keyFile)).mode & 0o777, 0o700);
    const key = fs.readFileSync(keyFile, 'utf8');
    assert.equal(Buffer.from(key.trim(), 'base64').length, 32);

    // Create and activate an account on the first process; keep the claim code for after the restart.
    const orgId = newOrgId();
    const created = await first.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      payload: { orgId, orgName: 'Keyed', instanceUrl: 'https://keyed.my.salesforce.com', admins: [{ name: 'Kay', email: 'kay@keyed.example' }] },
    });
    assert.equal(created.statusCode, 201, created.body);
    const withMailbox = first as unknown as TestRuntime;
    const { clientId, clientSecret, claimCode } = await activate(withMailbox, await activationLink(withMailbox, 'kay@keyed.example'));
    assert.ok(clientId && clientSecret && claimCode);
    const tokenBefore = (await accessToken(withMailbox, clientId, clientSecret)).json().access_token as string;

    const stored = await first.database.db.selectFrom('account_secrets').selectAll().where('client_id', '=', clientId).execute();
    assert.equal(stored.length, 1);
    const [scheme, salt, hash] = stored[0]!.secret_hash.split('$');
    assert.equal(scheme, 'scrypt');
    assert.ok(salt && salt.length >= 20 && hash && hash.length >= 40, stored[0]!.secret_hash);
    assert.ok(!stored[0]!.secret_hash.includes(clientSecret), 'the hash does not contain the secret');
    assert.equal(stored[0]!.secret_hint, clientSecret.slice(-4), 'only the last four characters are kept in clear');
    const row = JSON.stringify(stored[0]);
    assert.ok(!row.includes(clientSecret) && !row.includes(Buffer.from(clientSecret).toString('base64')), 'nothing in the row is the secret');
    // Until claimed, the secret waits for the setup page sealed (AES-GCM), never in clear.
    const sealed = await first.database.db.selectFrom('claim_codes').select('secret_sealed').where('client_id', '=', clientId).executeTakeFirstOrThrow();
    assert.match(sealed.secret_sealed, /^v1\./);
    assert.ok(!sealed.secret_sealed.includes(clientSecret));

    await first.close();
    running.splice(running.indexOf(first), 1);

    // The restart: the same DATA_DIR, the same key file, untouched.
    const second = await start(dataDir);
    assert.equal(fs.readFileSync(keyFile, 'utf8'), key);
    assert.equal(fs.statSync(keyFile).ino, stat.ino);
    assert.equal(fs.readdirSync(path.dirname(keyFile)).length, 1);
    // What the first process sealed and signed still opens: the claim and the token issued before.
    const claimed = await second.app.inject({ method: 'POST', url: '/api/v1/accounts/claim', payload: { claimCode, orgId } });
    assert.equal(claimed.statusCode, 200, claimed.body);
    assert.equal(claimed.json().clientSecret, clientSecret);
    const current = await second.app.inject({ method: 'GET', url: '/api/v1/accounts/current', headers: { authorization: `Bearer ${tokenBefore}` } });
    assert.equal(current.statusCode, 200, current.body);

    // A rotated secret is hashed the same way.
    const rotated = await second.app.inject({ method: 'POST', url: '/api/v1/accounts/current/rotate-secret', headers: { authorization: `Bearer ${tokenBefore}` } });
    assert.equal(rotated.statusCode, 200, rotated.body);
    const hashes = await second.database.db.selectFrom('account_secrets').select('secret_hash').where('client_id', '=', clientId).execute();
    assert.equal(hashes.length, 2);
    for (const { secret_hash } of hashes) {
      assert.match(secret_hash, /^scrypt\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
      assert.ok(!secret_hash.includes(rotated.json().clientSecret));
    }
    await second.close();
    running.splice(running.indexOf(second), 1);

    // A process with another DATA_DIR has another key: the token of this one means nothing to it.
    const stranger = await start(newDataDir());
    const refused = await stranger.app.inject({ method: 'GET', url: '/api/v1/accounts/current', headers: { authorization: `Bearer ${tokenBefore}` } });
    assert.equal(refused.statusCode, 401);
  });
});

describe('configured and fixed expiries: secret grace, claim code, activation link', () => {
  let runtime: TestRuntime;
  before(async () => {
    // Not the default of 60 minutes.
    runtime = await startTestRuntime({ SECRET_GRACE_MINUTES: '5' });
  });
  after(() => runtime.close());

  it('SECRET_GRACE_MINUTES=5: the old secret works for 5 minutes after a rotation, its tokens end with it, then it stops', async () => {
    const account = await createActiveAccount(runtime);
    const rotated = await runtime.app.inject({ method: 'POST', url: '/api/v1/accounts/current/rotate-secret', headers: account.auth });
    assert.equal(rotated.statusCode, 200, rotated.body);
    const { clientSecret, previousSecretValidUntil } = rotated.json();
    const grace = Date.parse(previousSecretValidUntil) - Date.now();
    assert.ok(grace > 4.9 * MINUTE && grace <= 5 * MINUTE, `grace of ${grace} ms`);
    const current = (await runtime.app.inject({ method: 'GET', url: '/api/v1/accounts/current', headers: account.auth })).json();
    assert.equal(current.integration.previousSecretValidUntil, previousSecretValidUntil);

    const old = await accessToken(runtime, account.clientId, account.clientSecret);
    assert.equal(old.statusCode, 200, old.body);
    // A token from the old secret lives no longer than the old secret: 5 minutes, not the 30 of a token.
    const expiresIn = old.json().expires_in as number;
    assert.ok(expiresIn > 290 && expiresIn <= 300, `expires_in ${expiresIn}`);
    const fresh = await accessToken(runtime, account.clientId, clientSecret);
    assert.equal(fresh.json().expires_in, 1800);

    // Five minutes pass (the service reads the end of the grace from the database).
    await sql`update account_secrets set expires_at = expires_at - interval '5 minutes' where client_id = ${account.clientId} and expires_at is not null`.execute(runtime.database.db);
    assert.equal((await accessToken(runtime, account.clientId, account.clientSecret)).statusCode, 401);
    assert.equal((await accessToken(runtime, account.clientId, clientSecret)).statusCode, 200);
  });

  /** A fresh pending account's activation, up to the claim code. */
  async function activated(name: string) {
    const orgId = newOrgId();
    const email = `${name}@expiry.example`;
    const created = await runtime.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      payload: { orgId, orgName: `Expiry ${name}`, instanceUrl: 'https://expiry.my.salesforce.com', admins: [{ name, email }] },
    });
    assert.equal(created.statusCode, 201, created.body);
    const at = Date.now();
    const result = await activate(runtime, await activationLink(runtime, email));
    assert.ok(result.claimCode && result.clientId);
    return { orgId, at, ...result, claimCode: result.claimCode, clientId: result.clientId };
  }
  const claim = (claimCode: string, orgId: string) => runtime.app.inject({ method: 'POST', url: '/api/v1/accounts/claim', payload: { claimCode, orgId } });
  const age = (clientId: string, interval: string) =>
    sql`update claim_codes set expires_at = expires_at - ${interval}::interval where client_id = ${clientId}`.execute(runtime.database.db);

  it('a claim code works for 10 minutes after activation, then no more', async () => {
    const early = await activated('early');
    const row = await runtime.database.db.selectFrom('claim_codes').select('expires_at').where('client_id', '=', early.clientId).executeTakeFirstOrThrow();
    const lifetime = row.expires_at.getTime() - early.at;
    assert.ok(lifetime > 9.9 * MINUTE && lifetime <= 10 * MINUTE + 5000, `claim code lifetime ${lifetime} ms`);
    assert.match(early.page.body, /within 10 minutes/);
    // Nine minutes and a half later it still works.
    await age(early.clientId, '9 minutes 30 seconds');
    assert.equal((await claim(early.claimCode, early.orgId)).statusCode, 200);

    // Ten minutes later it does not, and the answer says why and what to do.
    const late = await activated('late');
    await age(late.clientId, '10 minutes');
    const refused = await claim(late.claimCode, late.orgId);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error.code, 'invalid_claim_code');
    assert.match(refused.json().error.message, /for 10 minutes/);
    assert.match(refused.json().error.message, /Paste the Client ID and Secret/);
  });

  it('an activation link expires 7 days after it was sent, as the e-mail says', async () => {
    const email = 'week@expiry.example';
    const created = await runtime.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      payload: { orgId: newOrgId(), orgName: 'Expiry week', instanceUrl: 'https://expiry.my.salesforce.com', admins: [{ name: 'Week', email }] },
    });
    assert.equal(created.statusCode, 201);
    const token = await activationLink(runtime, email);
    const mail = runtime.mailbox.messages.find((m) => m.to.includes(email))!;
    const invitation = await runtime.database.db
      .selectFrom('invitations as i')
      .innerJoin('users as u', 'u.id', 'i.user_id')
      .select(['i.expires_at', 'i.sent_at'])
      .where('u.email', '=', email)
      .executeTakeFirstOrThrow();
    const lifetime = invitation.expires_at!.getTime() - invitation.sent_at!.getTime();
    assert.ok(Math.abs(lifetime - 7 * DAY) < 5000, `link lifetime ${lifetime} ms`);
    assert.ok(Math.abs(invitation.expires_at!.getTime() - (Date.now() + 7 * DAY)) < MINUTE);
    // The e-mail names the same moment.
    const said = /expires on ([^.]+GMT)/.exec(mail.text)?.[1];
    assert.ok(said, mail.text);
    assert.equal(Date.parse(said), Math.floor(invitation.expires_at!.getTime() / 1000) * 1000);

    const shift = (interval: string) =>
      sql`update invitations set expires_at = expires_at - ${interval}::interval where user_id in (select id from users where email = ${email})`.execute(runtime.database.db);
    // A minute before the seven days are over, the link still opens the activation page.
    await shift('6 days 23 hours 59 minutes');
    const stillValid = await runtime.app.inject({ method: 'GET', url: `/activate?token=${token}` });
    assert.equal(stillValid.statusCode, 200);
    assert.match(stillValid.body, /Activate the account/);
    // Once they are over, it says so.
    await shift('2 minutes');
    const expired = await runtime.app.inject({ method: 'GET', url: `/activate?token=${token}` });
    assert.equal(expired.statusCode, 400);
    assert.match(expired.body, /Invitation links work for 7 days/);
    const tooLate = await activate(runtime, token);
    assert.equal(tooLate.page.statusCode, 400);
    assert.match(tooLate.page.body, /expired/);
  });
});
