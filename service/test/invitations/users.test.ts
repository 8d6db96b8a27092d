import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { activate, createActiveAccount, type ActiveAccount } from '../helpers/accounts.js';
import { apiOf, linkFor } from './helpers.js';
import type { InvitationService } from '../../src/invitations/service.js';
import type { MemberService } from '../../src/invitations/members.js';
import { syncHasStarted } from '../../src/invitations/original-user.js';
import { isTeamNameTaken } from '../../src/invitations/team-names.js';
import { startMarketoEmulator, type MarketoEmulator } from '../../../emulators/marketo/index.js';

type User = { id: string; email: string; role: string; status: string; original: boolean; teams: Array<{ id: string; name: string }> };

describe('step 5: user and team management', () => {
  let runtime: TestRuntime;
  let account: ActiveAccount;
  let api: ReturnType<typeof apiOf>;
  before(async () => {
    runtime = await startTestRuntime();
    account = await createActiveAccount(runtime, { orgName: 'Manage Co' });
    api = apiOf(runtime, account);
    (runtime.context.services.invitations as InvitationService).rate = { batchSize: 1000, intervalSeconds: 1 };
  });
  after(() => runtime.close());

  const find = async (email: string): Promise<User> => (await api('GET', `/users?search=${encodeURIComponent(email)}`)).json().users[0];
  const invite = async (emails: string[], extra: object = {}) => {
    const res = await api('POST', '/invitations', { addresses: emails, ...extra });
    assert.equal(res.statusCode, 200, res.body);
  };
  const join = async (email: string, nth = 0) => {
    const { page } = await activate(runtime, await linkFor(runtime, email, nth));
    assert.equal(page.statusCode, 200);
  };

  it('lists users with search, filters and pages, and counts seats against the limit', async () => {
    await api('POST', '/teams', { name: 'Field Sales' });
    await invite(['u1@list.example', 'u2@list.example', 'u3@list.example'], { teams: ['Field Sales'] });
    await invite(['boss@list.example'], { role: 'Admin' });
    await join('u1@list.example');
    const all = (await api('GET', '/users?pageSize=2')).json();
    assert.equal(all.total, 5);
    assert.equal(all.users.length, 2);
    assert.deepEqual(all.seats, { limit: 100, used: 5, available: 95 });
    const page3 = (await api('GET', '/users?pageSize=2&page=3')).json();
    assert.equal(page3.users.length, 1);
    assert.equal((await api('GET', '/users?search=LIST.example')).json().total, 4);
    assert.equal((await api('GET', '/users?search=%25')).json().total, 0, 'LIKE wildcards are searched for literally');
    assert.deepEqual(
      (await api('GET', '/users?status=active&search=list')).json().users.map((u: User) => u.email),
      ['u1@list.example'],
    );
    assert.deepEqual(
      (await api('GET', '/users?role=Admin')).json().users.map((u: User) => u.email).sort(),
      [account.adminEmail, 'boss@list.example'].sort(),
    );
    const team = (await api('GET', '/teams')).json().teams.find((t: { name: string }) => t.name === 'Field Sales');
    assert.equal((await api('GET', `/users?team=${team.id}`)).json().total, 3);
    const members = (await api('GET', `/teams/${team.id}/members?pageSize=2`)).json();
    assert.equal(members.total, 3);
    assert.equal(members.users.length, 2);
    assert.equal(members.team.name, 'Field Sales');
    const bad = await api('GET', '/users?status=gone');
    assert.equal(bad.statusCode, 400);
  });

  it('changes roles, keeping at least one active admin', async () => {
    const u1 = await find('u1@list.example');
    const promoted = await api('PATCH', `/users/${u1.id}`, { role: 'Admin' });
    assert.equal(promoted.statusCode, 200, promoted.body);
    assert.equal(promoted.json().role, 'Admin');
    const demoted = await api('PATCH', `/users/${u1.id}`, { role: 'User' });
    assert.equal(demoted.json().role, 'User');
    const admin = await find(account.adminEmail);
    const last = await api('PATCH', `/users/${admin.id}`, { role: 'User' });
    assert.equal(last.statusCode, 409);
    assert.equal(last.json().error.code, 'last_admin');
    const audit = (await api('GET', '/audit?action=user.role_changed')).json().entries;
    assert.deepEqual(audit[0].details, { from: 'Admin', to: 'User' });
    assert.equal(audit[0].target, 'u1@list.example');
    assert.match(audit[0].actor, /^005000000000001AAA Ada Admin via client:msi_/);
  });

  it('adds users to teams and removes them, but never from Everyone', async () => {
    const u2 = await find('u2@list.example');
    const apac = (await api('POST', '/teams', { name: 'APAC' })).json();
    const added = await api('POST', `/users/${u2.id}/teams`, { teams: [apac.id, 'field sales'] });
    assert.equal(added.statusCode, 200, added.body);
    assert.deepEqual(added.json().teams.map((t: { name: string }) => t.name), ['Everyone', 'APAC', 'Field Sales']);
    const removed = await api('DELETE', `/users/${u2.id}/teams/${apac.id}`);
    assert.deepEqual(removed.json().teams.map((t: { name: string }) => t.name), ['Everyone', 'Field Sales']);
    const everyone = added.json().teams[0];
    const refused = await api('DELETE', `/users/${u2.id}/teams/${everyone.id}`);
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'everyone_team');
    const notMember = await api('DELETE', `/users/${u2.id}/teams/${apac.id}`);
    assert.equal(notMember.statusCode, 404);
    const unknown = await api('POST', `/users/${u2.id}/teams`, { teams: ['Nowhere'] });
    assert.equal(unknown.json().error.code, 'unknown_team');
  });

  it('deactivates and reactivates: seats are freed and taken again; the link of a deactivated invitee dies', async () => {
    const u1 = await find('u1@list.example');
    const off = await api('POST', `/users/${u1.id}/deactivate`);
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json().status, 'deactivated');
    assert.ok(off.json().deactivatedAt);
    const seats = (await api('GET', '/users')).json().seats.used;
    const on = await api('POST', `/users/${u1.id}/reactivate`);
    assert.equal(on.json().status, 'active', 'someone who had accepted is active again at once');
    assert.equal((await api('GET', '/users')).json().seats.used, seats + 1);

    // An invitee who never accepted: deactivating kills the link; reactivating sends a new one.
    const u3 = await find('u3@list.example');
    const oldToken = await linkFor(runtime, 'u3@list.example');
    await api('POST', `/users/${u3.id}/deactivate`);
    assert.equal((await runtime.app.inject({ method: 'GET', url: `/activate?token=${oldToken}` })).statusCode, 400);
    const again = await api('POST', `/invitations`, { addresses: 'u3@list.example' });
    assert.equal(again.json().results[0].outcome, 'already_member');
    assert.match(again.json().results[0].reason, /deactivated/);
    const back = await api('POST', `/users/${u3.id}/reactivate`);
    assert.equal(back.json().status, 'invited');
    await join('u3@list.example', 1);
    assert.equal((await find('u3@list.example')).status, 'active');

    // Reactivation needs a free seat.
    await api('POST', `/users/${u3.id}/deactivate`);
    await runtime.database.db.updateTable('accounts').set({ seat_limit: (await api('GET', '/users')).json().seats.used }).where('id', '=', account.accountId).execute();
    const full = await api('POST', `/users/${u3.id}/reactivate`);
    assert.equal(full.statusCode, 409);
    assert.equal(full.json().error.code, 'seat_limit_reached');
    await runtime.database.db.updateTable('accounts').set({ seat_limit: 100 }).where('id', '=', account.accountId).execute();
    const actions = (await api('GET', '/audit?limit=200')).json().entries.map((e: { action: string }) => e.action);
    for (const action of ['user.deactivated', 'user.reactivated', 'user.teams_added', 'user.team_removed', 'team.created']) assert.ok(actions.includes(action), action);
  });

  it('deletes a user: what they owned passes to the deleting admin, and the transfer is recorded', async () => {
    const members = runtime.context.services.members as MemberService;
    const moved: Array<{ fromUserId: string; toUserId: string }> = [];
    members.registerOwnershipTransfer('templates', async (_tx, input) => {
      moved.push(input);
      return 3;
    });
    const admin = await find(account.adminEmail);
    // The caller's Salesforce user is this admin.
    await runtime.database.db.updateTable('users').set({ salesforce_user_id: '005000000000001AAA' }).where('id', '=', admin.id).execute();
    const boss = await find('boss@list.example');
    await join('boss@list.example');
    const u2 = await find('u2@list.example');
    const res = await api('DELETE', `/users/${u2.id}`);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { deleted: true, userId: u2.id, email: 'u2@list.example', transferredTo: { id: admin.id, email: account.adminEmail }, items: { templates: 3 } });
    assert.deepEqual(moved, [{ accountId: account.accountId, fromUserId: u2.id, toUserId: admin.id }]);
    const record = await runtime.database.db.selectFrom('user_ownership_transfers').selectAll().where('from_user_id', '=', u2.id).executeTakeFirstOrThrow();
    assert.equal(record.to_email, account.adminEmail);
    assert.equal(record.from_email, 'u2@list.example');
    assert.equal((await api('GET', `/users/${u2.id}`)).statusCode, 404);

    // Or to a named admin.
    const u1 = await find('u1@list.example');
    const named = await api('DELETE', `/users/${u1.id}?transferTo=${boss.id}`);
    assert.equal(named.json().transferredTo.email, 'boss@list.example');
    const notAdmin = await find('u3@list.example');
    const wrong = await api('DELETE', `/users/${boss.id}?transferTo=${notAdmin.id}`);
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json().error.code, 'invalid_transfer_target');
    const audit = (await api('GET', '/audit?action=user.deleted')).json().entries;
    assert.equal(audit.length, 2);
    assert.deepEqual(audit[1].details, { transferredTo: account.adminEmail, items: { templates: 3 } });
  });

  it('the original-user rule: once a sync has been started the original user cannot be deactivated or deleted', async () => {
    const original = await find(account.adminEmail);
    assert.equal(original.original, true);
    const boss = await find('boss@list.example');
    assert.equal(boss.status, 'active');
    assert.equal(await syncHasStarted(runtime.database.db, account.accountId), false, 'no sync_runs table yet: no sync has started');

    // The sync capability's table, as far as this rule needs it: one row per started run.
    await sql`create table if not exists sync_runs (id uuid primary key default gen_random_uuid(), account_id uuid not null)`.execute(runtime.database.db);
    assert.equal(await syncHasStarted(runtime.database.db, account.accountId), false, 'the table exists but this account never synced');
    await sql`insert into sync_runs (account_id) values (${account.accountId})`.execute(runtime.database.db);
    assert.equal(await syncHasStarted(runtime.database.db, account.accountId), true);

    for (const [method, url] of [
      ['POST', `/users/${original.id}/deactivate`],
      ['DELETE', `/users/${original.id}`],
    ] as const) {
      const res = await api(method, url);
      assert.equal(res.statusCode, 409, res.body);
      const error = res.json().error;
      assert.equal(error.code, 'original_user_required');
      assert.match(error.message, /original user of this account and the data sync has been started/);
      assert.match(error.message, /First have another admin connect Marketo/);
      assert.equal(error.details.reason, 'sync_started');
    }
    assert.equal((await find(account.adminEmail)).status, 'active');
    // Other users are not affected by the rule.
    const other = await createActiveAccount(runtime, { orgName: 'No Sync Co' });
    const otherApi = apiOf(runtime, other);
    (await otherApi('POST', '/invitations', { addresses: 'second@nosync.example', role: 'Admin' })).json();
    await join('second@nosync.example');
    const first = (await otherApi('GET', `/users?search=${encodeURIComponent(other.adminEmail)}`)).json().users[0];
    const deleted = await otherApi('DELETE', `/users/${first.id}`);
    assert.equal(deleted.statusCode, 200, 'before a sync the original user may go');
    const current = (await otherApi('GET', '/accounts/current')).json();
    assert.equal(current.originalUser, null);
  });

  it('team names compare as the database compares them (Turkish İ, Greek final Σ): a duplicate is a 409, another spelling finds the team, never a 500', async () => {
    const teamNames = async () => (await api('GET', '/teams')).json().teams.map((t: { name: string }) => t.name);
    // JavaScript lower-cases these differently from the database's lower(), which the unique index uses.
    const ik = await api('POST', '/teams', { name: 'İK' });
    assert.equal(ik.statusCode, 201, ik.body);
    const again = await api('POST', '/teams', { name: 'İK' });
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json().error.code, 'team_exists');
    assert.equal((await api('POST', '/teams', { name: 'ΠΩΛΗΣΕΙΣ' })).statusCode, 201);
    const greek = await api('POST', '/teams', { name: 'ΠΩΛΗΣΕΙΣ' });
    assert.equal(greek.statusCode, 409, greek.body);
    assert.equal(greek.json().error.code, 'team_exists');

    const other = (await api('POST', '/teams', { name: 'Other' })).json();
    const renamed = await api('PATCH', `/teams/${other.id}`, { name: 'İK' });
    assert.equal(renamed.statusCode, 409, renamed.body);
    assert.equal(renamed.json().error.code, 'team_exists');
    assert.equal((await teamNames()).filter((n: string) => n === 'İK').length, 1, 'nothing renamed');
    assert.ok((await teamNames()).includes('Other'));

    // Another spelling of the name, as the database lower-cases it, is that team.
    const db = runtime.database.db;
    const { rows } = await sql<{ spelling: string }>`select lower('İK') as spelling`.execute(db);
    const spelling = rows[0]!.spelling;
    const invited = await api('POST', '/invitations', { addresses: 'ik1@teams.example', teams: [spelling] });
    assert.equal(invited.statusCode, 200, invited.body);
    assert.deepEqual((await find('ik1@teams.example')).teams.map((t) => t.name), ['Everyone', 'İK']);
    const user = await find('ik1@teams.example');
    const added = await api('POST', `/users/${user.id}/teams`, { teams: ['πωλησεισ'] });
    assert.equal(added.statusCode, 200, added.body);
    assert.deepEqual(added.json().teams.map((t: { name: string }) => t.name).sort(), ['Everyone', 'ΠΩΛΗΣΕΙΣ', 'İK'].sort());

    // The safety net: should a duplicate still reach the unique index, it is a 409 as well.
    const duplicate = await db.insertInto('teams').values({ account_id: account.accountId, name: 'İK' }).execute().then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(isTeamNameTaken(duplicate), 'the index refuses it, and the error is recognised');
    const members = runtime.context.services.members as unknown as { assertFreeName: () => Promise<void> };
    const check = members.assertFreeName;
    members.assertFreeName = async () => undefined;
    try {
      const created = await api('POST', '/teams', { name: 'İK' });
      assert.equal(created.statusCode, 409, created.body);
      assert.equal(created.json().error.code, 'team_exists');
      const rename = await api('PATCH', `/teams/${other.id}`, { name: 'ΠΩΛΗΣΕΙΣ' });
      assert.equal(rename.statusCode, 409, rename.body);
      assert.equal(rename.json().error.code, 'team_exists');
    } finally {
      members.assertFreeName = check;
    }
    assert.equal((await teamNames()).filter((n: string) => n === 'İK').length, 1);
    assert.doesNotMatch(runtime.logs.text, /unhandled error/);
    await api('DELETE', `/teams/${other.id}`);
  });

  it('refuses ids PostgreSQL cannot read, pages beyond any list and text it cannot store with 400, never a 500', async () => {
    const urn = 'urn:uuid:00000000-0000-0000-0000-000000000000';
    const everyone = (await api('GET', '/teams')).json().teams[0];
    const before = (await api('GET', '/teams')).json().count;
    for (const [url, path] of [
      [`/users/${urn}`, 'params/userId'],
      [`/teams/${urn}/members`, 'params/teamId'],
      [`/users?team=${urn}`, 'querystring/team'],
      ['/users?search=a%00b', 'querystring/search'],
      ['/users?page=99999999999999999999', 'querystring/page'],
      [`/teams/${everyone.id}/members?page=1000001`, 'querystring/page'],
    ] as const) {
      const res = await api('GET', url);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.equal(res.json().error.code, 'invalid_request', url);
      assert.equal(res.json().error.details.issues[0].path, path, url);
    }
    assert.equal((await api('GET', '/users?page=1000000')).statusCode, 200, 'the largest page is still a page');
    for (const name of ['a\u0000b', 'Team \ud83d']) {
      const res = await api('POST', '/teams', { name });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.details.issues[0].path, 'body/name');
    }
    const renamed = await api('PATCH', `/teams/${everyone.id}`, { name: 'x\u0000' });
    assert.equal(renamed.statusCode, 400);
    assert.equal((await api('GET', '/teams')).json().count, before, 'no team was created');
    assert.doesNotMatch(runtime.logs.text, /unhandled error/);
  });

  it('teams: create, rename, delete, within the limit; Everyone stays', async () => {
    const list = (await api('GET', '/teams')).json();
    assert.equal(list.limit, 20);
    assert.equal(list.teams[0].name, 'Everyone');
    assert.equal(list.teams[0].everyone, true);
    const dup = await api('POST', '/teams', { name: '  field   SALES ' });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().error.code, 'team_exists');
    const blank = await api('POST', '/teams', { name: '   ' });
    assert.equal(blank.statusCode, 400);

    const emea = (await api('POST', '/teams', { name: 'EMEA' })).json();
    const renamed = await api('PATCH', `/teams/${emea.id}`, { name: 'Europe' });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json().name, 'Europe');
    const everyone = list.teams[0];
    assert.equal((await api('PATCH', `/teams/${everyone.id}`, { name: 'All' })).json().error.code, 'everyone_team');
    assert.equal((await api('DELETE', `/teams/${everyone.id}`)).json().error.code, 'everyone_team');
    const gone = await api('DELETE', `/teams/${emea.id}`);
    assert.equal(gone.statusCode, 200);
    assert.equal((await api('GET', `/teams/${emea.id}/members`)).statusCode, 404);

    let count = (await api('GET', '/teams')).json().count;
    while (count < 20) {
      const res = await api('POST', '/teams', { name: `Team ${count}` });
      assert.equal(res.statusCode, 201, res.body);
      count += 1;
    }
    const over = await api('POST', '/teams', { name: 'One too many' });
    assert.equal(over.statusCode, 409);
    assert.equal(over.json().error.code, 'team_limit_reached');
    // CSV imports respect the limit too.
    const preview = (await api('POST', '/invitations/csv', { fileName: 't.csv', content: 'email,team\nnewteam@list.example,Brand New\n' })).json();
    const commit = (await api('POST', `/invitations/csv/${preview.uploadId}/commit`, { mapping: preview.mapping, createMissingTeams: true })).json();
    assert.equal(commit.rows[0].outcome, 'invited');
    assert.match(commit.rows[0].reason, /was not created: the account has reached its limit of 20 teams/);
    const actions = (await api('GET', '/audit?limit=200')).json().entries.map((e: { action: string }) => e.action);
    for (const action of ['team.created', 'team.renamed', 'team.deleted']) assert.ok(actions.includes(action), action);
  });
});

describe('the original-user rule after a hand-over: the Marketo connection’s owner is protected, and only an admin can connect', () => {
  let runtime: TestRuntime;
  let account: ActiveAccount;
  let api: ReturnType<typeof apiOf>;
  let marketo: MarketoEmulator;
  before(async () => {
    runtime = await startTestRuntime();
    marketo = await startMarketoEmulator({ people: 20 });
    account = await createActiveAccount(runtime, { orgName: 'Hand Over Co' });
    api = apiOf(runtime, account);
    (runtime.context.services.invitations as InvitationService).rate = { batchSize: 1000, intervalSeconds: 1 };
  });
  after(async () => {
    await marketo.close();
    await runtime.close();
  });

  const find = async (email: string): Promise<User> => (await api('GET', `/users?search=${encodeURIComponent(email)}`)).json().users[0];
  const join = async (email: string) => {
    const { page } = await activate(runtime, await linkFor(runtime, email));
    assert.equal(page.statusCode, 200);
  };
  /** The first call naming a Salesforce user links it to the user with its e-mail (SalesforceUsers); no Salesforce org here, so done directly. */
  const link = (userId: string, salesforceUserId: string) => sql`update users set salesforce_user_id = ${salesforceUserId} where id = ${userId}`.execute(runtime.database.db);
  const connectAs = (actor: string) =>
    runtime.app.inject({
      method: 'POST',
      url: '/api/v1/connections/marketo',
      headers: { ...account.auth, 'x-msi-actor': actor },
      payload: { restUrl: marketo.restUrl, identityUrl: marketo.identityUrl, clientId: marketo.clientId, clientSecret: marketo.clientSecret },
    });

  it('hands the connection over when another admin connects; then the original user may go and the new owner may not', async () => {
    assert.equal((await api('POST', '/invitations', { addresses: ['second@handover.example'], role: 'Admin' })).statusCode, 200);
    assert.equal((await api('POST', '/invitations', { addresses: ['rep@handover.example'] })).statusCode, 200);
    await join('second@handover.example');
    await join('rep@handover.example');
    const original = await find(account.adminEmail);
    const second = await find('second@handover.example');
    const rep = await find('rep@handover.example');
    assert.equal(original.original, true);
    assert.equal(second.role, 'Admin');
    assert.equal(rep.role, 'User');
    await link(original.id, '005000000000010AAA');
    await link(second.id, '005000000000020AAA');
    await link(rep.id, '005000000000030AAA');

    // The original user connects Marketo and starts the sync (the sync capability's table: one row per started run).
    assert.equal((await connectAs('005000000000010AAA Olga Original')).statusCode, 200);
    await sql`insert into sync_runs (account_id) values (${account.accountId})`.execute(runtime.database.db);
    assert.equal(await syncHasStarted(runtime.database.db, account.accountId), true);
    for (const [method, url] of [
      ['POST', `/users/${original.id}/deactivate`],
      ['DELETE', `/users/${original.id}`],
    ] as const) {
      const res = await api(method, url);
      assert.equal(res.statusCode, 409, res.body);
      assert.equal(res.json().error.code, 'marketo_owner_required');
      assert.match(res.json().error.message, /owns the Marketo connection the data sync runs on.*First have another admin connect Marketo/);
    }

    // A caller not linked to any user (the API client alone) connects: no hand-over, the original user stays protected.
    assert.equal((await connectAs('005000000000099AAA Someone Unlinked')).statusCode, 200);
    const unlinked = await api('DELETE', `/users/${original.id}`);
    assert.equal(unlinked.statusCode, 409);
    assert.equal(unlinked.json().error.code, 'original_user_required');

    // A non-admin may not connect (nor take the connection over); the connection is unchanged.
    const byRep = await connectAs('005000000000030AAA Rob Rep');
    assert.equal(byRep.statusCode, 403, byRep.body);
    assert.equal(byRep.json().error.code, 'marketo_admin_required');
    assert.match(byRep.json().error.message, /Only an active admin can connect Marketo, and rep@handover\.example is not an admin/);
    assert.match((await runtime.app.inject({ method: 'GET', url: '/api/v1/connections/marketo', headers: account.auth })).json().connectedBy, /Someone Unlinked/);

    // Another admin connects (named by the 15-character form of their id): the connection is theirs now.
    const bySecond = await connectAs('005000000000020 Sam Second');
    assert.equal(bySecond.statusCode, 200, bySecond.body);
    assert.match(bySecond.json().connectedBy, /Sam Second/);
    const secondGone = await api('DELETE', `/users/${second.id}`);
    assert.equal(secondGone.statusCode, 409, 'the new owner is protected now');
    assert.equal(secondGone.json().error.code, 'marketo_owner_required');
    assert.equal((await api('POST', `/users/${second.id}/deactivate`)).statusCode, 409);

    // ... and the first may be removed.
    const deactivated = await api('POST', `/users/${original.id}/deactivate`);
    assert.equal(deactivated.statusCode, 200, deactivated.body);
    assert.equal(deactivated.json().status, 'deactivated');
    // A deactivated admin cannot take the connection back.
    const byDeactivated = await connectAs('005000000000010AAA Olga Original');
    assert.equal(byDeactivated.statusCode, 403);
    assert.match(byDeactivated.json().error.message, /is deactivated: the connection is owned by the admin who connects it/);
    const removed = await api('DELETE', `/users/${original.id}?transferTo=${second.id}`);
    assert.equal(removed.statusCode, 200, removed.body);
    assert.equal(removed.json().transferredTo.id, second.id);
    assert.equal((await api('GET', '/accounts/current')).json().originalUser, null);
    const audit = (await api('GET', '/audit?action=marketo.connect')).json().entries as Array<{ outcome: string; details?: { ownerUserId?: string | null } }>;
    assert.ok(audit.some((e) => e.outcome === 'success' && e.details?.ownerUserId === second.id));
  });
});
