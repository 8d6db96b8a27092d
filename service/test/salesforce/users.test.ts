import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startMarketoEmulator, type MarketoEmulator } from '../../../emulators/marketo/index.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { salesUserAt } from '../../../emulators/shared/seed-people.js';
import { connectSalesforce } from '../activities/helpers.js';
import { activate, createActiveAccount, type ActiveAccount } from '../helpers/accounts.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { linkFor } from '../invitations/helpers.js';

const PUBLIC_URL = 'http://127.0.0.1:4998';
const CALLBACK = `${PUBLIC_URL}/connections/salesforce/callback`;
const SEED = 23;

/**
 * MSI Actions users are invited by e-mail; Apex names Salesforce users. An admin who has never logged
 * an activity is still recognised when they connect Marketo (by their Salesforce User's e-mail, read
 * through the account's Salesforce connection), so the connection can be handed over as MSI documents.
 */
describe('MSI Actions users meet their Salesforce users', () => {
  let runtime: TestRuntime;
  let salesforce: SalesforceEmulator;
  let marketo: MarketoEmulator;
  let account: ActiveAccount;
  const second = salesUserAt(SEED, 2);
  const rep = salesUserAt(SEED, 3);

  before(async () => {
    marketo = await startMarketoEmulator({ seed: SEED, people: 50 });
    salesforce = await startSalesforceEmulator({ seed: SEED, people: 50, callbackUrls: [CALLBACK], connectedApps: [{ callbackUrls: [CALLBACK], preAuthorized: true }] });
    runtime = await startTestRuntime({ PUBLIC_URL, SALESFORCE_LOGIN_URL: salesforce.url, SALESFORCE_CLIENT_ID: salesforce.clientId, SALESFORCE_CLIENT_SECRET: salesforce.clientSecret });
    // The original user is the org's Salesforce admin, invited (as step 1 does) by e-mail only.
    account = await createActiveAccount(runtime, { orgId: salesforce.org.id, instanceUrl: salesforce.url, adminEmail: salesforce.org.admin.email });
    await connectSalesforce(runtime, account, salesforce);
  });
  after(async () => {
    await runtime.close();
    await salesforce.close();
    await marketo.close();
  });

  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, actor: string, payload?: object) =>
    runtime.app.inject({ method, url: `/api/v1${url}`, headers: { ...account.auth, 'x-msi-actor': actor }, ...(payload ? { payload } : {}) });
  const connectAs = (actor: string) =>
    api('POST', '/connections/marketo', actor, { restUrl: marketo.restUrl, identityUrl: marketo.identityUrl, clientId: marketo.clientId, clientSecret: marketo.clientSecret });
  const userRow = (email: string) =>
    runtime.database.db.selectFrom('users').select(['id', 'salesforce_user_id']).where('account_id', '=', account.accountId).where('email', '=', email).executeTakeFirstOrThrow();
  const adminActor = () => `${salesforce.org.admin.id} Ada Admin`;
  const secondActor = `${second.id} ${second.firstName} ${second.lastName}`;

  it('links an admin who never logged an activity when they connect Marketo, and hands the connection over', async () => {
    for (const [email, role] of [
      [second.email, 'Admin'],
      [rep.email, 'User'],
    ] as const) {
      const invited = await api('POST', '/invitations', adminActor(), { addresses: [email], role });
      assert.equal(invited.statusCode, 200, invited.body);
      await activate(runtime, await linkFor(runtime, email));
    }
    const original = await userRow(account.adminEmail);
    assert.equal(original.salesforce_user_id, null, 'nobody is linked before anything names them');

    // The original user connects: recognised by their Salesforce User's e-mail, linked, and the owner.
    const first = await connectAs(adminActor());
    assert.equal(first.statusCode, 200, first.body);
    assert.equal((await userRow(account.adminEmail)).salesforce_user_id, salesforce.org.admin.id);
    assert.equal((await runtime.database.db.selectFrom('marketo_connections').select('connected_by_user_id').where('account_id', '=', account.accountId).executeTakeFirstOrThrow()).connected_by_user_id, original.id);
    await sql`insert into sync_runs (account_id) values (${account.accountId})`.execute(runtime.database.db);
    const protectedOriginal = await api('DELETE', `/users/${original.id}`, secondActor);
    assert.equal(protectedOriginal.statusCode, 409, protectedOriginal.body);
    assert.equal(protectedOriginal.json().error.code, 'marketo_owner_required');

    // A rep (a Salesforce user whose e-mail is a non-admin's) may not take it over.
    const byRep = await connectAs(`${rep.id} ${rep.firstName} ${rep.lastName}`);
    assert.equal(byRep.statusCode, 403, byRep.body);
    assert.equal(byRep.json().error.code, 'marketo_admin_required');

    // The second admin has never logged an activity; they connect (15-character id, as Apex's UserInfo may give) and own it now.
    const handedOver = await connectAs(`${second.id.slice(0, 15)} ${second.firstName} ${second.lastName}`);
    assert.equal(handedOver.statusCode, 200, handedOver.body);
    const secondRow = await userRow(second.email);
    assert.equal(secondRow.salesforce_user_id, second.id);
    assert.equal((await runtime.database.db.selectFrom('marketo_connections').select('connected_by_user_id').where('account_id', '=', account.accountId).executeTakeFirstOrThrow()).connected_by_user_id, secondRow.id);

    // Now the original user may go, and what they owned passes to the admin who deletes them (named by Salesforce user only).
    const removed = await api('DELETE', `/users/${original.id}`, secondActor);
    assert.equal(removed.statusCode, 200, removed.body);
    assert.equal(removed.json().transferredTo.id, secondRow.id);

    const links = await api('GET', '/audit?action=user.salesforce_linked', secondActor);
    const entries = links.json().entries as Array<{ target: string; details: { salesforceUserId: string; matchedBy: string } }>;
    assert.deepEqual(entries.map((e) => [e.target, e.details.salesforceUserId, e.details.matchedBy]).sort(), [
      [account.adminEmail, salesforce.org.admin.id, 'Salesforce user e-mail'],
      [rep.email, rep.id, 'Salesforce user e-mail'],
      [second.email, second.id, 'Salesforce user e-mail'],
    ].sort());
  });

  it('links nobody for a Salesforce user whose e-mail no MSI Actions user has, nor one already linked to another Salesforce user', async () => {
    const stranger = salesUserAt(SEED, 5);
    const byStranger = await connectAs(`${stranger.id} ${stranger.firstName} ${stranger.lastName}`);
    assert.equal(byStranger.statusCode, 200, 'an API caller with no MSI Actions user still connects, as before');
    const count = await runtime.database.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', account.accountId).where('salesforce_user_id', '=', stranger.id).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
    // The second admin is linked to their own Salesforce user; another Salesforce user with the same e-mail is not them.
    await runtime.database.db.updateTable('users').set({ salesforce_user_id: salesUserAt(SEED, 6).id }).where('account_id', '=', account.accountId).where('email', '=', second.email).execute();
    const bySecondAgain = await connectAs(secondActor);
    assert.equal(bySecondAgain.statusCode, 200);
    assert.equal((await userRow(second.email)).salesforce_user_id, salesUserAt(SEED, 6).id, 'an existing link is never overwritten');
  });
});
