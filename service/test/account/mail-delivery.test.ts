import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { newOrgId } from '../helpers/accounts.js';

describe('invitation e-mail delivery', () => {
  let runtime: TestRuntime;
  before(async () => {
    runtime = await startTestRuntime();
  });
  after(() => runtime.close());

  const create = (email: string) =>
    runtime.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      payload: { orgId: newOrgId(), orgName: 'Mail Co', instanceUrl: 'https://mail.my.salesforce.com', admins: [{ name: 'M', email }] },
    });

  const waitForUser = async (email: string, done: (row: { invitation_error: string | null; last_error: string | null }) => boolean) => {
    for (let i = 0; i < 100; i += 1) {
      const row = await runtime.database.db
        .selectFrom('users as u')
        .innerJoin('invitations as i', 'i.user_id', 'u.id')
        .select(['u.invitation_error', 'i.last_error'])
        .where('u.email', '=', email)
        .executeTakeFirst();
      if (row && done(row)) return row;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('timed out');
  };

  it('shows a permanent refusal (5xx) on the user’s row and does not retry it', async () => {
    runtime.mailbox.rejectNext.push({ code: 550, message: 'Mailbox unavailable' });
    await create('gone@mail.example');
    const row = await waitForUser('gone@mail.example', (r) => r.invitation_error !== null);
    assert.match(row.invitation_error ?? '', /550|Mailbox unavailable/);
    assert.equal(runtime.mailbox.messages.filter((m) => m.to.includes('gone@mail.example')).length, 0);
  });

  it('retries a temporary failure (4xx) and delivers', async () => {
    runtime.mailbox.rejectNext.push({ code: 451, message: 'Try again later' });
    await create('later@mail.example');
    await waitForUser('later@mail.example', (r) => r.last_error !== null);
    // pg-boss retries with backoff; bring the retry forward instead of waiting for it (once the failed
    // attempt has been recorded as a retry).
    for (let i = 0; i < 100; i += 1) {
      const moved = await runtime.database.executor.executeSql(
        `update pgboss.job set start_after = now() where name = 'account.send-invitation' and state = 'retry'`,
      );
      if ((moved.rowCount ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const mail = await runtime.mailbox.waitFor((m) => m.to.includes('later@mail.example'), 20_000);
    assert.match(mail.subject, /Activate MSI Actions/);
    const row = await waitForUser('later@mail.example', () => true);
    assert.equal(row.invitation_error, null);
  });
});
