import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { MarketoEmulator } from '../../../emulators/marketo/index.js';
import { nextCentralMidnight } from '../../src/marketo/central-time.js';
import { createActiveAccount, type ActiveAccount } from '../helpers/accounts.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { connectMarketo, qualifyingIds, startEmulator, syncStatus, tuneForTests, waitFor } from './helpers.js';

/** Marketo's daily bulk export allocation runs out mid-load: the load waits for the reset, says so, and then finishes. */
describe('initial load when the daily export allocation runs out', () => {
  let runtime: TestRuntime;
  let emulator: MarketoEmulator;
  let account: ActiveAccount;

  before(async () => {
    tuneForTests({ windowConcurrency: 1 });
    // Room for the first export or two of 60 people, not for the whole load.
    emulator = await startEmulator({ people: 600, seed: 9, dailyExportBytes: 12_000 });
    runtime = await startTestRuntime();
    account = await createActiveAccount(runtime);
    await connectMarketo(runtime, account, emulator);
  });
  after(async () => {
    await runtime.close();
    await emulator.close();
  });

  it('waits for the reset at midnight US Central, says why, and lands everyone once the allocation is back', async () => {
    const start = await runtime.app.inject({ method: 'POST', url: '/api/v1/sync/start', headers: account.auth });
    assert.equal(start.statusCode, 202, start.body);
    const waiting = await waitFor('the wait for the export allocation', async () => {
      const s = await syncStatus(runtime, account);
      return s.phase === 'waiting_for_quota' && s;
    });
    assert.match(waiting.run.waitReason, /daily bulk export allocation is used up/);
    assert.equal(new Date(waiting.run.waitingUntil).getTime(), nextCentralMidnight(Date.now()));
    assert.ok(waiting.run.errors.some((e: { code: string }) => e.code === '1029'), JSON.stringify(waiting.run.errors));
    assert.ok(waiting.run.counts.read < 600, 'the load stopped part-way');

    // Midnight comes: Marketo's allocation is back, and the waits are due. A window that met the
    // quota a moment before is set to wait for midnight too: those waits come due as well.
    emulator.bulk.limits.dailyExportBytes = Number.MAX_SAFE_INTEGER;
    const db = runtime.database.db;
    const midnightHasCome = async () => {
      await sql`update sync_runs set waiting_until = now() where account_id = ${account.accountId}::uuid and active and waiting_until > now()`.execute(db);
      await sql`update sync_windows set next_attempt_at = now() where account_id = ${account.accountId}::uuid and state <> 'done' and next_attempt_at > now() + interval '1 hour'`.execute(db);
    };
    const done = await waitFor(
      'the rest of the load',
      async () => {
        await midnightHasCome();
        const s = await syncStatus(runtime, account);
        return s.phase === 'incremental' && s;
      },
      60_000,
    );
    assert.equal(done.run.counts.inserted, qualifyingIds(emulator).length);
    const rows = (await sql<{ marketo_id: number }>`select marketo_id from persons where account_id = ${account.accountId}::uuid order by marketo_id`.execute(db)).rows;
    assert.deepEqual(
      rows.map((r) => Number(r.marketo_id)),
      qualifyingIds(emulator),
      'every qualifying person once',
    );
  });
});
