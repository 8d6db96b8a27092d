import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { salesUserAt } from '../../../emulators/shared/seed-people.js';
import { activities } from '../../src/activities/index.js';
import { Outbox } from '../../src/activities/outbox.js';
import { salesforceConnection } from '../../src/salesforce/index.js';
import { addRep, startWorld, states, tasksByMarker, waitFor, type World } from './helpers.js';

/** A backlog past 2,000 Tasks goes through Bulk API 2.0; a job whose outcome was never recorded is read, not uploaded again. */
describe('Salesforce Bulk API 2.0 for a backlog', () => {
  let world: World;
  const rep = salesUserAt(11, 6);
  let people: number[];

  before(async () => {
    world = await startWorld({ people: 600, tuning: { leaseMs: 1500 } });
    await addRep(world.runtime, world.account, rep);
    people = (
      await world.runtime.database.db
        .selectFrom('persons')
        .select('marketo_id')
        .where('account_id', '=', world.account.accountId)
        .where((eb) => eb.or([eb('sfdc_contact_id', 'is not', null), eb('sfdc_lead_id', 'is not', null)]))
        .execute()
    ).map((r) => Number(r.marketo_id));
  });
  after(() => world?.close());

  async function logMany(prefix: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let from = 0; from < count; from += 200) {
      const batch = Array.from({ length: Math.min(200, count - from) }, (_, i) => ({
        idempotencyKey: `${prefix}-${from + i}`,
        rep: { salesforceUserId: rep.id },
        person: { marketoId: people[(from + i) % people.length] },
        kind: 'email_sent',
        attributes: { subject: `${prefix} ${from + i}, "quoted", with a comma` },
      }));
      const res = await world.runtime.app.inject({ method: 'POST', url: '/api/v1/activities/batch', headers: world.account.auth, payload: { activities: batch } });
      assert.equal(res.statusCode, 200, res.body);
      ids.push(...res.json().results.map((r: { activity: { id: string } }) => r.activity.id));
    }
    return ids;
  }

  it('sends a backlog of 2,500 as one ingest job and every Task exactly once', async () => {
    const { worker } = activities(world.runtime.context);
    worker.stop();
    await logMany('backlog', 2500);
    worker.start();
    await waitFor('delivered', async () => (await states(world.runtime, world.account.accountId))['salesforce.delivered'] === 2500, 60_000);
    const jobs = world.salesforce.requests().filter((r) => r.method === 'POST' && /\/jobs\/ingest$/.test(r.url));
    assert.equal(jobs.length, 1, 'one Bulk API 2.0 job');
    const tasks = tasksByMarker(world.salesforce);
    assert.equal(tasks.size, 2500);
    assert.ok([...tasks.values()].every((t) => t.length === 1));
    assert.match(String([...tasks.values()][0]![0]!.Subject), /"quoted", with a comma/, 'CSV quoting survives');
  });

  it('reads a finished job a dead worker left behind, and resends what sat in a never-closed one', async () => {
    const { worker } = activities(world.runtime.context);
    const db = world.runtime.database.db;
    worker.stop();
    const done = await logMany('finished-job', 3);
    const open = await logMany('open-job', 2);
    const connection = await salesforceConnection(world.runtime.context).connectionFor(world.account.accountId);
    const rows = await db.selectFrom('activity_deliveries').select(['id', 'activity_id', 'payload']).where('system', '=', 'salesforce').where('activity_id', 'in', [...done, ...open]).execute();
    const csvOf = (ids: string[]) => {
      const records = rows.filter((r) => ids.includes(r.activity_id)).map((r) => ((typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { fields: Record<string, unknown> }).fields);
      const columns = ['Subject', 'Status', 'WhoId', 'OwnerId'];
      return `${columns.join(',')}\n${records.map((f) => columns.map((c) => `"${String(f[c] ?? '').replace(/"/g, '""')}"`).join(',')).join('\n')}\n`;
    };
    const job = async (ids: string[], close: boolean) => {
      const created = await connection.requestPost<{ id: string }>('/jobs/ingest', { object: 'Task', operation: 'insert', contentType: 'CSV', lineEnding: 'LF' });
      await connection.request({ method: 'PUT', url: `/jobs/ingest/${created.id}/batches`, body: csvOf(ids), headers: { 'content-type': 'text/csv' } });
      if (close) await connection.requestPatch(`/jobs/ingest/${created.id}`, { state: 'UploadComplete' });
      const deliveryIds = rows.filter((r) => ids.includes(r.activity_id)).map((r) => r.id);
      await db.updateTable('activity_deliveries').set({ state: 'sending', bulk_job_id: created.id, lease_until: new Date(Date.now() + 1500), attempts: 1 }).where('id', 'in', deliveryIds).execute();
      return created.id;
    };
    // The dead worker uploaded both; it closed the first job, and died before closing the second.
    const finished = await job(done, true);
    const neverClosed = await job(open, false);
    worker.start();
    await waitFor(
      'settled',
      async () => (await db.selectFrom('activity_deliveries').select('state').where('system', '=', 'salesforce').where('activity_id', 'in', [...done, ...open]).where('state', '!=', 'delivered').execute()).length === 0,
      20_000,
    );
    const tasks = tasksByMarker(world.salesforce);
    for (const r of rows) {
      const subject = String(((typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { fields: { Subject: string } }).fields.Subject);
      const marker = /\(SIA-(\w+)\)$/.exec(subject)![1]!;
      assert.equal(tasks.get(marker)?.length, 1, `${subject}: exactly one Task`);
    }
    const requests = world.salesforce.requests();
    assert.ok(requests.some((r) => r.method === 'GET' && r.url.includes(`/jobs/ingest/${finished}/successfulResults`)), 'the finished job’s results were read');
    assert.ok(requests.some((r) => r.method === 'PATCH' && r.url.endsWith(`/jobs/ingest/${neverClosed}`)), 'the never-closed job was aborted');
  });
  it('two lanes that both see a bulk-sized backlog take it whole: one job, not half each', async () => {
    const { worker } = activities(world.runtime.context);
    worker.stop();
    const ids = await logMany('race', 2300);
    const outbox = new Outbox(world.runtime.database.db, { leaseMs: 60_000 });
    const claims = await Promise.all([1, 2, 3].map(() => outbox.claim(world.account.accountId, 'salesforce', 10_000, { exclusive: true })));
    const sizes = claims.map((c) => c.length).sort((a, b) => b - a);
    assert.deepEqual(sizes, [2300, 0, 0], 'one lane holds the whole backlog');
    // Back to the queue: delivered as one more job, each Task once.
    await outbox.retry(claims.flat().map((r) => r.id), { code: 'TEST', message: 'released' }, { delayMs: 0, unknown: false });
    const ingestJobs = () => world.salesforce.requests().filter((r) => r.method === 'POST' && /\/jobs\/ingest$/.test(r.url)).length;
    const before = ingestJobs();
    worker.start();
    await waitFor(
      'delivered to Salesforce',
      async () =>
        (await world.runtime.database.db.selectFrom('activity_deliveries').select('id').where('system', '=', 'salesforce').where('activity_id', 'in', ids).where('state', '=', 'delivered').execute()).length === ids.length,
      60_000,
    );
    assert.equal(ingestJobs() - before, 1, 'one more Bulk API 2.0 job');
    const tasks = tasksByMarker(world.salesforce);
    assert.equal(tasks.size, 2500 + 5 + 2300);
    const twice = [...tasks.values()].filter((t) => t.length !== 1);
    // Which activities, and when each copy was made: enough to tell which path wrote the second one.
    const described = twice.slice(0, 5).map((t) => `${String(t[0]!.Subject)} ×${t.length} at ${t.map((x) => String(x.CreatedDate)).join(', ')}`);
    assert.equal(twice.length, 0, `every Task exactly once; not so for ${twice.length}: ${described.join(' | ')}`);
  });
});
