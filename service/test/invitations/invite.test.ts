import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { activate, createActiveAccount, type ActiveAccount } from '../helpers/accounts.js';
import { apiOf, eventually, linkFor, mailsTo } from './helpers.js';
import { splitAddresses, type InvitationService } from '../../src/invitations/service.js';

describe('step 5: invite users by e-mail', () => {
  let runtime: TestRuntime;
  let account: ActiveAccount;
  let api: ReturnType<typeof apiOf>;
  before(async () => {
    runtime = await startTestRuntime();
    account = await createActiveAccount(runtime, { orgName: 'Invite Co' });
    api = apiOf(runtime, account);
    // Tests send as fast as the mail server takes it; the pacing test sets its own rate.
    (runtime.context.services.invitations as InvitationService).rate = { batchSize: 1000, intervalSeconds: 1 };
  });
  after(() => runtime.close());

  it('invites many addresses typed into the box: normalised, de-duplicated, each with its outcome and a confirmation', async () => {
    const sales = await api('POST', '/teams', { name: 'Sales' });
    assert.equal(sales.statusCode, 201, sales.body);
    const res = await api('POST', '/invitations', {
      addresses: ` Piet@Example.com, jan@example.com;\nJAN@example.com  "Kees de Vries" <kees@Bücher.example>\nnot-an-address, ${account.adminEmail}`,
      teams: ['sales'],
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    const byEmail = Object.fromEntries(body.results.map((r: { email: string | null; address: string }) => [r.email ?? r.address, r]));
    assert.equal(byEmail['piet@example.com'].outcome, 'invited');
    assert.equal(byEmail['jan@example.com'].outcome, 'invited');
    assert.equal(byEmail['kees@xn--bcher-kva.example'].outcome, 'invited', 'internationalised domain in its ASCII form');
    assert.equal(byEmail['not-an-address'].outcome, 'invalid');
    assert.match(byEmail['not-an-address'].reason, /has no "@"/);
    assert.deepEqual(byEmail['not-an-address'].reasons, [{ code: 'email_no_at', message: byEmail['not-an-address'].reason, params: {} }]);
    assert.deepEqual(byEmail['piet@example.com'].reasons, []);
    assert.equal(byEmail[account.adminEmail].outcome, 'already_member');
    assert.equal(body.duplicates, 1);
    assert.deepEqual(body.counts, { invited: 3, resent: 0, already_member: 1, invalid: 1, refused: 0, duplicate: 0 });
    assert.equal(
      body.message,
      '3 people were invited; the invitation e-mails are on their way. 1 person is already a member. 1 address is not valid.',
    );

    // The e-mail, read back from the SMTP server; the link makes the user active.
    const mail = await runtime.mailbox.waitFor((m) => m.to.includes('piet@example.com'));
    assert.equal(mail.subject, 'You’re invited to MSI Actions for Invite Co'.replace('’', "'"));
    assert.match(mail.text, /Ada Admin invited you to MSI Actions/);
    assert.match(mail.text, /as a user/);
    assert.match(mail.text, /expires on/);
    const users = (await api('GET', '/users?search=example.com&pageSize=200')).json();
    const piet = users.users.find((u: { email: string }) => u.email === 'piet@example.com');
    assert.equal(piet.status, 'invited');
    assert.equal(piet.role, 'User');
    assert.deepEqual(piet.teams.map((t: { name: string }) => t.name), ['Everyone', 'Sales']);
    assert.ok(piet.invitation.sentAt);
    const expires = new Date(piet.invitation.expiresAt).getTime() - Date.now();
    assert.ok(expires > 6.9 * 86_400_000 && expires <= 7 * 86_400_000, 'the link lasts 7 days');

    const token = await linkFor(runtime, 'piet@example.com');
    const accepted = await activate(runtime, token);
    assert.equal(accepted.page.statusCode, 200);
    assert.equal(accepted.clientSecret, undefined, 'a later user gets no credentials');
    const again = await activate(runtime, token);
    assert.equal(again.page.statusCode, 400, 'the link works once');
    const active = (await api('GET', `/users/${piet.id}`)).json();
    assert.equal(active.status, 'active');
    assert.equal(active.invitation, null);
  });

  it('accepts an array, a role and team ids; a second invitation is a resend with a new link and the old one dies', async () => {
    const team = (await api('POST', '/teams', { name: 'Marketing' })).json();
    const first = await api('POST', '/invitations', { addresses: ['ria@example.com'], role: 'Admin', teams: [team.id] });
    assert.equal(first.json().results[0].outcome, 'invited');
    const oldToken = await linkFor(runtime, 'ria@example.com');
    const mail = mailsTo(runtime, 'ria@example.com')[0];
    assert.match(mail?.text ?? '', /as an administrator/);

    const second = await api('POST', '/invitations', { addresses: 'ria@example.com' });
    assert.equal(second.json().results[0].outcome, 'resent');
    assert.match(second.json().message, /^1 person who was already invited got a new invitation e-mail\.$/);
    const newToken = await linkFor(runtime, 'ria@example.com', 1);
    assert.notEqual(newToken, oldToken);
    const dead = await runtime.app.inject({ method: 'GET', url: `/activate?token=${oldToken}` });
    assert.equal(dead.statusCode, 400);

    // The resend endpoint does the same for one user.
    const ria = (await api('GET', '/users?search=ria@')).json().users[0];
    assert.equal(ria.role, 'Admin');
    const resent = await api('POST', `/users/${ria.id}/invitation`);
    assert.equal(resent.statusCode, 200, resent.body);
    assert.equal(resent.json().outcome, 'resent');
    const third = await linkFor(runtime, 'ria@example.com', 2);
    assert.notEqual(third, newToken);
  });

  it('invited again with a role or teams, someone who has not accepted gets them (and an e-mail naming the new role); without a role they keep theirs', async () => {
    const support = await api('POST', '/teams', { name: 'Support' });
    assert.equal(support.statusCode, 201, support.body);
    const first = await api('POST', '/invitations', { addresses: 'rolf@example.com' });
    assert.equal(first.json().results[0].outcome, 'invited');
    await linkFor(runtime, 'rolf@example.com');
    assert.match(mailsTo(runtime, 'rolf@example.com')[0]?.text ?? '', /as a user/);

    const again = await api('POST', '/invitations', { addresses: 'rolf@example.com', role: 'Admin', teams: ['support'] });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().results[0].outcome, 'resent');
    let rolf = (await api('GET', '/users?search=rolf@')).json().users[0];
    assert.equal(rolf.role, 'Admin', 'the new role is applied');
    assert.deepEqual(rolf.teams.map((t: { name: string }) => t.name), ['Everyone', 'Support']);
    assert.equal(rolf.status, 'invited');
    await linkFor(runtime, 'rolf@example.com', 1);
    assert.match(mailsTo(runtime, 'rolf@example.com')[1]?.text ?? '', /as an administrator/);

    // Leaving the role out is not a demotion.
    const third = await api('POST', '/invitations', { addresses: ['rolf@example.com'] });
    assert.equal(third.json().results[0].outcome, 'resent');
    rolf = (await api('GET', '/users?search=rolf@')).json().users[0];
    assert.equal(rolf.role, 'Admin');
    const back = await api('POST', '/invitations', { addresses: 'rolf@example.com', role: 'User' });
    assert.equal(back.json().results[0].outcome, 'resent');
    assert.equal((await api('GET', '/users?search=rolf@')).json().users[0].role, 'User');
  });

  it('reads "Last, First" <address> forms pasted from a mail client: the comma inside the quotes separates nothing', async () => {
    assert.deepEqual(splitAddresses('"Doe, John" <john@x.example>, jane@x.example'), ['john@x.example', 'jane@x.example']);
    assert.deepEqual(splitAddresses('"Roe; Rick" <rick@x.example>;"Poe, \\"Ed\\"" <ed@x.example>\n<ann@x.example>'), ['rick@x.example', 'ed@x.example', 'ann@x.example']);
    assert.deepEqual(splitAddresses('"Doe, John" john@x.example, jane@x.example'), ['john@x.example', 'jane@x.example']);
    // A quote left open is an ordinary character: it cannot swallow the rest of the box.
    assert.deepEqual(splitAddresses('"Doe <john@x.example>, jane@x.example'), ['john@x.example', 'jane@x.example']);
    assert.deepEqual(splitAddresses('a@x.example, "b@x.example'), ['a@x.example', '"b@x.example']);

    const res = await api('POST', '/invitations', { addresses: '"Doe, John" <john@split.example>, jane@split.example' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      res.json().results.map((r: { address: string; outcome: string }) => [r.address, r.outcome]),
      [
        ['john@split.example', 'invited'],
        ['jane@split.example', 'invited'],
      ],
    );
    assert.equal(res.json().counts.invalid, 0);
  });

  it('revokes an invitation: the link stops working and the seat is free again', async () => {
    await api('POST', '/invitations', { addresses: 'oops@example.com' });
    const token = await linkFor(runtime, 'oops@example.com');
    const user = (await api('GET', '/users?search=oops')).json().users[0];
    const before = (await api('GET', '/users')).json().seats.used;
    const revoked = await api('DELETE', `/users/${user.id}/invitation`);
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json().revoked, true);
    assert.equal((await api('GET', '/users')).json().seats.used, before - 1);
    const page = await runtime.app.inject({ method: 'GET', url: `/activate?token=${token}` });
    assert.equal(page.statusCode, 400);
    assert.equal((await api('GET', `/users/${user.id}`)).statusCode, 404);
    const admin = (await api('GET', '/users?role=Admin&status=active')).json().users[0];
    const notOpen = await api('DELETE', `/users/${admin.id}/invitation`);
    assert.equal(notOpen.statusCode, 409);
    assert.equal(notOpen.json().error.code, 'invitation_accepted');
    const audit = (await api('GET', '/audit?action=invitation.revoked')).json();
    assert.equal(audit.entries[0].target, 'oops@example.com');
  });

  it('refuses addresses beyond the seat limit, reports unknown teams and empty input clearly', async () => {
    const seats = (await api('GET', '/users')).json().seats;
    const free = seats.limit - seats.used;
    const addresses = Array.from({ length: free + 2 }, (_, i) => `seat${i}@example.com`);
    const res = await api('POST', '/invitations', { addresses });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.counts.invited, free);
    assert.equal(body.counts.refused, 2);
    assert.match(body.results.at(-1).reason, /no free seat \(limit 100\)/);
    assert.deepEqual(
      body.results.at(-1).reasons.map((r: { code: string; params: object }) => [r.code, r.params]),
      [['seat_limit', { limit: 100 }]],
    );
    assert.match(body.message, /2 people were not invited: the account has no free seats left \(limit 100\)\./);
    assert.equal((await api('GET', '/users')).json().seats.available, 0);

    const unknown = await api('POST', '/invitations', { addresses: 'x@example.com', teams: ['Nope'] });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().error.code, 'unknown_team');
    const empty = await api('POST', '/invitations', { addresses: ' ,; ' });
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.json().error.code, 'no_addresses');
    const badRole = await api('POST', '/invitations', { addresses: 'x@example.com', role: 'Owner' });
    assert.equal(badRole.statusCode, 400);

    // Free the seats again for the next tests.
    for (const u of (await api('GET', '/users?search=seat&pageSize=200')).json().users) await api('DELETE', `/users/${u.id}/invitation`);
  });

  it('shows a permanent delivery failure (5xx) on the user’s row; a temporary one (4xx) is retried and delivered', async () => {
    // The rejections below are for these messages, not for ones still on their way from earlier tests.
    await eventually(async () => {
      const busy = await runtime.database.executor.executeSql(
        `select count(*)::int as n from pgboss.job where name in ('account.send-invitation', 'invitations.release') and state in ('created', 'active', 'retry') and start_after <= now()`,
      );
      return (busy.rows[0] as { n: number }).n === 0 ? true : undefined;
    }, 90_000);
    runtime.mailbox.rejectNext.push({ code: 550, message: 'No such mailbox' });
    await api('POST', '/invitations', { addresses: 'bounce@example.com' });
    const failed = await eventually(async () => {
      const u = (await api('GET', '/users?search=bounce')).json().users[0];
      return u?.invitationError ? u : undefined;
    });
    assert.match(failed.invitationError, /550|No such mailbox/);

    runtime.mailbox.rejectNext.push({ code: 451, message: 'Greylisted' });
    await api('POST', '/invitations', { addresses: 'grey@example.com' });
    await eventually(async () => {
      const u = (await api('GET', '/users?search=grey')).json().users[0];
      return u?.invitation?.lastError ? u : undefined;
    });
    // pg-boss retries with backoff; bring the retry forward instead of waiting for it.
    await runtime.database.executor.executeSql(`update pgboss.job set start_after = now() where name = 'account.send-invitation' and state = 'retry'`);
    await runtime.mailbox.waitFor((m) => m.to.includes('grey@example.com'), 60_000);
  });

  it('spaces the e-mails of one account at its send rate instead of handing them all to SMTP at once', async () => {
    const service = runtime.context.services.invitations as { rate: { batchSize: number; intervalSeconds: number } };
    const saved = { ...service.rate };
    service.rate = { batchSize: 2, intervalSeconds: 60 };
    try {
      const paced = await createActiveAccount(runtime, { orgName: 'Paced Co' });
      const res = await apiOf(runtime, paced)('POST', '/invitations', { addresses: ['p1@paced.example', 'p2@paced.example', 'p3@paced.example', 'p4@paced.example', 'p5@paced.example'] });
      assert.equal(res.json().counts.invited, 5);
      const release = await runtime.database.executor.executeSql(
        `select data from pgboss.job where name = 'invitations.release' and data->>'accountId' = $1`,
        [paced.accountId],
      );
      assert.equal(release.rows.length, 1, 'one release job for a small request');
      const ids = (release.rows[0] as { data: { invitationIds: string[]; spacingMs: number } }).data;
      assert.equal(ids.invitationIds.length, 5);
      assert.equal(ids.spacingMs, 30_000);
      // Released, each e-mail is due at its own moment: 2 per minute.
      const sends = await eventually(async () => {
        const rows = await runtime.database.executor.executeSql(
          `select extract(epoch from (start_after - created_on))::int as delay from pgboss.job
           where name = 'account.send-invitation' and data->>'invitationId' = any($1::text[]) order by start_after`,
          [ids.invitationIds],
        );
        return rows.rows.length === 5 ? (rows.rows as Array<{ delay: number }>).map((r) => r.delay) : undefined;
      });
      assert.deepEqual(sends, [0, 30, 60, 90, 120]);
      // The next request of the same account queues behind them.
      await apiOf(runtime, paced)('POST', '/invitations', { addresses: 'p6@paced.example' });
      const later = await runtime.database.executor.executeSql(
        `select extract(epoch from (start_after - now()))::int as delay from pgboss.job where name = 'invitations.release' and data->>'accountId' = $1 order by start_after desc limit 1`,
        [paced.accountId],
      );
      assert.ok((later.rows[0] as { delay: number }).delay >= 140, 'behind the account’s earlier e-mails');
      await runtime.mailbox.waitFor((m) => m.to.includes('p1@paced.example'), 60_000);
      assert.equal(mailsTo(runtime, 'p2@paced.example').length, 0, 'the second e-mail waits for its turn');
    } finally {
      service.rate = saved;
    }
  });
});
