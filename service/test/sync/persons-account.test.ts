import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createActiveAccount } from '../helpers/accounts.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

/** persons has no per-row key to accounts (see migration 0401); an account's people still go with it. */
describe('synced people belong to their account', () => {
  let runtime: TestRuntime;
  before(async () => {
    runtime = await startTestRuntime();
  });
  after(() => runtime?.close());

  it('removes an account’s people when the account is deleted, and only theirs', async () => {
    const db = runtime.database.db;
    const gone = await createActiveAccount(runtime, { orgName: 'Leaving' });
    const stays = await createActiveAccount(runtime, { orgName: 'Staying' });
    for (const [account, ids] of [
      [gone.accountId, [1, 2, 3]],
      [stays.accountId, [1, 2]],
    ] as const) {
      for (const id of ids) await sql`insert into persons (account_id, marketo_id, email, owner_id) values (${account}::uuid, ${id}, ${`p${id}@example.org`}, '005000000000001AAA')`.execute(db);
    }
    await sql`delete from accounts where id = ${gone.accountId}::uuid`.execute(db);
    const left = await sql<{ account_id: string; n: number }>`select account_id, count(*)::int as n from persons group by account_id`.execute(db);
    assert.deepEqual(
      left.rows.map((r) => [r.account_id, Number(r.n)]),
      [[stays.accountId, 2]],
    );
  });
});
