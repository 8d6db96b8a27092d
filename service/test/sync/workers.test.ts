import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { MarketoEmulator } from '../../../emulators/marketo/index.js';
import { createActiveAccount, type ActiveAccount } from '../helpers/accounts.js';
import { onPostgres } from '../helpers/database.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import {
  TEST_TUNING,
  connectMarketo,
  qualifyingIds,
  startEmulator,
  syncStatus,
  tuneForTests,
  waitFor,
} from './helpers.js';

const skip = onPostgres
  ? false
  : 'several worker processes share one database only on PostgreSQL (set DATABASE_URL); PGlite belongs to one process';
const here = path.dirname(fileURLToPath(import.meta.url));
const PEOPLE = 3000;

describe('the sync across worker processes (PostgreSQL)', { skip }, () => {
  let runtime: TestRuntime;
  let databaseUrl: string;
  const key = randomBytes(32).toString('base64');
  const children = new Set<ChildProcess>();
  const emulators: MarketoEmulator[] = [];

  before(async () => {
    // This process works the other queues (invitation mail) but leaves the sync to the children.
    tuneForTests({ batchSize: 40, workQueues: false });
    runtime = await startTestRuntime({ ENCRYPTION_KEY: key });
    const name = (await sql<{ db: string }>`select current_database() as db`.execute(runtime.database.db)).rows[0]!.db;
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await runtime.close();
    for (const e of emulators) await e.close();
  });

  function worker(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'worker-child.ts')], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        ENCRYPTION_KEY: key,
        SYNC_TUNING: JSON.stringify({ ...TEST_TUNING, batchSize: 40 }),
        MARKETO_HOSTS: emulators.map((e) => new URL(e.restUrl).host).join(','),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve(child);
      });
      child.on('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
    });
  }

  async function account(): Promise<{ account: ActiveAccount; emulator: MarketoEmulator }> {
    const emulator = await startEmulator({ people: PEOPLE, seed: 21 });
    emulators.push(emulator);
    const a = await createActiveAccount(runtime);
    await connectMarketo(runtime, a, emulator);
    return { account: a, emulator };
  }

  const start = async (a: ActiveAccount) => {
    const res = await runtime.app.inject({ method: 'POST', url: '/api/v1/sync/start', headers: a.auth });
    assert.equal(res.statusCode, 202, res.body);
  };
  const loaded = (a: ActiveAccount, ms = 60_000) =>
    waitFor(
      'the initial load',
      async () => {
        const s = await syncStatus(runtime, a);
        assert.notEqual(s.phase, 'failed', JSON.stringify(s.run?.errors));
        return s.phase === 'incremental' && s;
      },
      ms,
    );
  const table = async (a: ActiveAccount) =>
    (
      await sql<Record<string, unknown>>`
        select marketo_id, first_name, last_name, email, phone, company, title, linkedin_url, source, sfdc_lead_id, sfdc_contact_id,
               sfdc_account_id, sfdc_opportunity_id, owner_id, salesforce_type, extra, marketo_created_at, marketo_updated_at, removed_at, removed_reason
        from persons where account_id = ${a.accountId} order by marketo_id`.execute(runtime.database.db)
    ).rows;

  let clean: Array<Record<string, unknown>> = [];

  it('two workers finish one sync together, with no piece done twice', async () => {
    const { account: a, emulator } = await account();
    const workers = [await worker(), await worker()];
    await start(a);
    const status = await loaded(a);
    const expected = qualifyingIds(emulator);
    clean = await table(a);
    assert.deepEqual(
      clean.map((r) => Number(r.marketo_id)),
      expected,
    );
    // Every batch adds its counts in the transaction of its checkpoint: a piece done twice would show here.
    assert.equal(status.run.counts.read, PEOPLE);
    assert.equal(status.run.counts.inserted, expected.length);
    assert.equal(status.run.counts.updated + status.run.counts.unchanged, 0);
    const windows = (
      await sql<{
        rows_done: number;
        state: string;
      }>`select rows_done, state from sync_windows where run_id = ${status.run.id}`.execute(runtime.database.db)
    ).rows;
    assert.ok(windows.length >= 40, `${windows.length} windows`);
    assert.ok(windows.every((w) => w.state === 'done'));
    assert.equal(
      windows.reduce((n, w) => n + Number(w.rows_done), 0),
      PEOPLE,
    );
    for (const w of workers) w.kill('SIGTERM');
  });

  it('a worker SIGKILLed mid-load several times resumes where it stopped; the table equals a clean run', async () => {
    const { account: a } = await account();
    await start(a);
    let kills = 0;
    for (; kills < 4; kills++) {
      const child = await worker();
      // Long enough to be inside a window's file, short enough to stop it there.
      await sleep(700 + kills * 300);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const s = await syncStatus(runtime, a);
      if (s.phase === 'incremental') break;
    }
    const resumedFrom = (await syncStatus(runtime, a)).run.counts.read;
    assert.ok(kills >= 2, 'the load was interrupted at least twice');
    assert.ok(resumedFrom < PEOPLE, `killed mid-load (had read ${resumedFrom})`);
    await worker();
    const status = await loaded(a);
    assert.equal(status.run.counts.read, PEOPLE, 'no batch counted twice across the kills');
    assert.equal(status.run.counts.updated + status.run.counts.unchanged, 0, 'no batch written twice');
    assert.deepEqual(await table(a), clean, 'the same table as the uninterrupted run');
  });
});
