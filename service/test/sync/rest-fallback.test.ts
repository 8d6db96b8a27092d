import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { MarketoEmulator } from '../../../emulators/marketo/index.js';
import { ACTIVITY_DELETE_LEAD } from '../../../emulators/marketo/database.js';
import { limiterFor } from '../../src/marketo/limiter.js';
import { createActiveAccount, type ActiveAccount } from '../helpers/accounts.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { connectMarketo, qualifyingIds, startEmulator, syncStatus, tuneForTests, waitFor } from './helpers.js';

/**
 * A subscription without bulk extract: a proxy in front of the emulator answers the export's create
 * with 1035, as Marketo does for a filter the subscription lacks; everything else passes through.
 */
describe('initial load without bulk extract (1035): REST paging over id ranges', () => {
  let runtime: TestRuntime;
  let emulator: MarketoEmulator;
  let proxy: http.Server;
  let account: ActiveAccount;

  before(async () => {
    tuneForTests();
    emulator = await startEmulator({ people: 600, seed: 5 });
    proxy = http.createServer((req, res) => {
      if (req.url?.startsWith('/bulk/v1/leads/export/create.json')) {
        req.resume();
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            requestId: 'x#1',
            success: false,
            errors: [{ code: '1035', message: 'Unsupported filter type for target subscription' }],
          }),
        );
        return;
      }
      const upstream = http.request(
        `${emulator.url}${req.url}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    limiterFor(new URL(url).host, {
      maxCalls: 80,
      windowMs: 2000,
      maxConcurrent: 5,
      backoffBaseMs: 10,
      backoffMaxMs: 200,
    });
    runtime = await startTestRuntime();
    account = await createActiveAccount(runtime);
    await connectMarketo(runtime, account, {
      restUrl: `${url}/rest`,
      identityUrl: `${url}/identity`,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    });
  });
  after(async () => {
    await runtime.close();
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await emulator.close();
  });

  it('falls back to REST id ranges, lands every qualifying person once and says why', async () => {
    const start = await runtime.app.inject({ method: 'POST', url: '/api/v1/sync/start', headers: account.auth });
    assert.equal(start.statusCode, 202, start.body);
    const status = await waitFor('the REST initial load', async () => {
      const s = await syncStatus(runtime, account);
      return s.phase === 'incremental' && s;
    });
    assert.equal(status.run.method, 'rest');
    assert.ok(
      status.run.errors.some((e: { code: string }) => e.code === '1035'),
      JSON.stringify(status.run.errors),
    );
    assert.equal(status.run.counts.read, 600);
    const rows = (
      await sql<{
        marketo_id: number;
      }>`select marketo_id from persons where account_id = ${account.accountId} order by marketo_id`.execute(
        runtime.database.db,
      )
    ).rows;
    assert.deepEqual(
      rows.map((r) => Number(r.marketo_id)),
      qualifyingIds(emulator),
    );
  });

  it('a full resync over REST id ranges removes people deleted in Marketo while nothing watched, and nobody else', async () => {
    const before = await syncStatus(runtime, account);
    const gone = qualifyingIds(emulator)[5]!;
    emulator.deletePerson(gone);
    // Deleted so long ago that Marketo no longer lists it among deleted leads (it keeps 90 days).
    const at = emulator.db.activities.findIndex((a) => a.leadId === gone && a.activityTypeId === ACTIVITY_DELETE_LEAD);
    emulator.db.activities.splice(at, 1);
    const resync = await runtime.app.inject({ method: 'POST', url: '/api/v1/sync/resync', headers: account.auth });
    assert.equal(resync.statusCode, 202, resync.body);
    const done = await waitFor('the REST resync', async () => {
      const s = await syncStatus(runtime, account);
      return s.phase === 'incremental' && s.run.id !== before.run.id && s;
    });
    assert.equal(done.run.method, 'rest');
    const row = (await sql<{ removed_at: Date | null; removed_reason: string | null }>`select removed_at, removed_reason from persons where account_id = ${account.accountId} and marketo_id = ${gone}`.execute(runtime.database.db)).rows[0]!;
    assert.ok(row.removed_at, 'no longer active');
    assert.equal(row.removed_reason, 'deleted');
    assert.equal(done.run.counts.removed, 1);
    assert.equal(done.run.counts.updated, 0, 'the others were read, not rewritten');
    assert.equal(done.people.active, qualifyingIds(emulator).length);
    const active = (await sql<{ marketo_id: number }>`select marketo_id from persons where account_id = ${account.accountId} and removed_at is null order by marketo_id`.execute(runtime.database.db)).rows;
    assert.deepEqual(
      active.map((r) => Number(r.marketo_id)),
      qualifyingIds(emulator),
    );
  });
});
