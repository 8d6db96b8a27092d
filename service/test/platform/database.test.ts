import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { Jobs } from '../../src/platform/jobs.js';
import { migrateToLatest } from '../../src/platform/migrations.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/database.js';

describe(`database and job queue on ${onPostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
  let testDb: TestDatabase;
  let jobs: Jobs;

  before(async () => {
    testDb = await createTestDatabase();
  });
  after(async () => {
    await jobs?.stop();
    await testDb.drop();
  });

  it('applies every migration once, and a second run applies none', async () => {
    const first = await migrateToLatest(testDb.database.db);
    assert.ok(first.includes('0001_platform_service_meta'));
    const second = await migrateToLatest(testDb.database.db);
    assert.deepEqual(second, []);
    const row = await testDb.database.db.selectFrom('service_meta').select('value').where('key', '=', 'installed_at').executeTakeFirst();
    assert.ok(row && !Number.isNaN(Date.parse(row.value)));
  });

  it('rolls a failed transaction back and keeps other work going', async () => {
    const { db } = testDb.database;
    await assert.rejects(
      db.transaction().execute(async (tx) => {
        await tx.insertInto('service_meta').values({ key: 'rolled_back', value: 'x' }).execute();
        throw new Error('boom');
      }),
      /boom/,
    );
    const rows = await db.selectFrom('service_meta').select('key').where('key', '=', 'rolled_back').execute();
    assert.equal(rows.length, 0);
    // Concurrent statements while a transaction is open must neither interleave nor deadlock.
    await Promise.all([
      db.transaction().execute(async (tx) => {
        await tx.insertInto('service_meta').values({ key: 'a', value: '1' }).execute();
        await sql`select pg_sleep(0.05)`.execute(tx);
        await tx.updateTable('service_meta').set({ value: '2' }).where('key', '=', 'a').execute();
      }),
      db.insertInto('service_meta').values({ key: 'b', value: '1' }).execute(),
    ]);
    const values = await db.selectFrom('service_meta').select(['key', 'value']).where('key', 'in', ['a', 'b']).orderBy('key').execute();
    assert.deepEqual(values, [
      { key: 'a', value: '2' },
      { key: 'b', value: '1' },
    ]);
  });

  it('sends a job, works it and records it completed (pg-boss round trip)', async () => {
    jobs = new Jobs(testDb.database);
    await jobs.define({ name: 'platform.test-echo', retryLimit: 1 });
    await jobs.start();
    const seen: Array<{ message: string }> = [];
    const done = new Promise<void>((resolve) => {
      void jobs.work<{ message: string }>(
        'platform.test-echo',
        async (data) => {
          seen.push(data);
          resolve();
        },
        { pollingIntervalSeconds: 0.5 },
      );
    });
    const id = await jobs.send('platform.test-echo', { message: 'hello' });
    assert.ok(id);
    await done;
    assert.deepEqual(seen, [{ message: 'hello' }]);
    let state: string | undefined;
    for (let i = 0; i < 50 && state !== 'completed'; i += 1) {
      state = await jobs.getJobState('platform.test-echo', id);
      if (state !== 'completed') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(state, 'completed');
    assert.equal(await jobs.ping(), true);
  });

  it('enqueues inside a transaction: a rolled-back transaction leaves no job', async () => {
    const { db } = testDb.database;
    await jobs.define({ name: 'platform.test-outbox' });
    await assert.rejects(
      db.transaction().execute(async (tx) => {
        await jobs.send('platform.test-outbox', { n: 1 }, { tx });
        throw new Error('abort');
      }),
      /abort/,
    );
    let committedId: string | null = null;
    await db.transaction().execute(async (tx) => {
      committedId = await jobs.send('platform.test-outbox', { n: 2 }, { tx });
    });
    const { rows } = await testDb.database.executor.executeSql(
      `select data from pgboss.job where name = 'platform.test-outbox' order by created_on`,
    );
    assert.deepEqual(
      rows.map((r) => (r as { data: unknown }).data),
      [{ n: 2 }],
    );
    assert.ok(committedId);
  });
});

describe('the embedded database on disk', () => {
  it('belongs to one process: a second open gets a clear error, and the directory frees on close', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { openDatabase } = await import('../../src/platform/database.js');
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lock-')), 'pglite');
    const first = await openDatabase({ pgliteDir: dir });
    // A lock held by another live process (here: this test's parent) is refused.
    fs.writeFileSync(`${dir}.lock`, String(process.ppid));
    await assert.rejects(openDatabase({ pgliteDir: dir }), /Another MSI Actions process \(pid \d+\) is using the embedded database/);
    fs.writeFileSync(`${dir}.lock`, String(process.pid));
    await first.close();
    assert.equal(fs.existsSync(`${dir}.lock`), false);
    // A stale lock (its process is gone) is taken over.
    fs.writeFileSync(`${dir}.lock`, '999999');
    const second = await openDatabase({ pgliteDir: dir });
    assert.equal(await second.ping(), true);
    await second.close();
  });
});
