import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { BulkRow } from '../../src/marketo/client.js';
import { MarketoError } from '../../src/marketo/errors.js';
import type { LeadExportRequest } from '../../src/marketo/types.js';
import { marketoPair } from './helpers.js';

const JANUARY: LeadExportRequest['filter'] = { createdAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-01-31T00:00:00Z' } };

describe('Marketo client: bulk lead extract against the emulator', () => {
  let pair: Awaited<ReturnType<typeof marketoPair>>;
  before(async () => {
    pair = await marketoPair({ people: 2500 });
  });
  after(() => pair.close());

  async function exportAll(request: Partial<LeadExportRequest> = {}) {
    const created = await pair.client.createLeadExport({ fields: ['id', 'firstName', 'lastName', 'email', 'company', 'title', 'sfdcLeadId'], filter: JANUARY, ...request });
    assert.equal(created.status, 'Created');
    const queued = await pair.client.enqueueLeadExport(created.exportId);
    assert.equal(queued.status, 'Queued');
    return pair.client.waitForLeadExport(created.exportId, { pollMs: 10 });
  }

  it('an enqueue resent after the first one got through answers the job’s status (queued or already done)', async () => {
    const job = await exportAll();
    assert.equal(job.status, 'Completed');
    // Marketo answers 1003 for a job past Created; a worker that crashed after enqueueing sends it again.
    const again = await pair.client.enqueueLeadExport(job.exportId);
    assert.equal(again.status, 'Completed');
  });

  it('exports, streams and verifies a file: rows in batches, null for empty values, checksum checked', async () => {
    const job = await exportAll();
    assert.equal(job.numberOfRecords, 2500);
    assert.match(job.fileChecksum!, /^sha256:[0-9a-f]{64}$/);
    const batches: BulkRow[][] = [];
    for await (const batch of pair.client.readLeadExportFile(job.exportId, { batchSize: 1000, expected: job })) batches.push(batch);
    assert.deepEqual(batches.map((b) => b.length), [1000, 1000, 500]);
    const rows = batches.flat();
    assert.deepEqual(rows.map((r) => Number(r.id)), Array.from({ length: 2500 }, (_, i) => i + 1));
    const person = pair.emulator.db.get(1)!;
    assert.equal(rows[0]!.email, person.email);
    assert.ok(rows.some((r) => r.title === null), 'empty values arrive as null');
    assert.ok(rows.some((r) => r.sfdcLeadId === null) && rows.some((r) => typeof r.sfdcLeadId === 'string'));
  });

  it('uses columnHeaderNames and quotes values that contain the delimiter', async () => {
    pair.emulator.changePerson(3, { company: 'Comma, "Quotes" & Co' });
    const job = await exportAll({ fields: ['id', 'company'], columnHeaderNames: { id: 'Marketo Id' } });
    const rows: BulkRow[] = [];
    for await (const batch of pair.client.readLeadExportFile(job.exportId, { expected: job })) rows.push(...batch);
    assert.equal(rows[2]!['Marketo Id'], '3');
    assert.equal(rows[2]!.company, 'Comma, "Quotes" & Co');
  });

  it('resumes with a Range request when the file is cut short, without losing or repeating a row', async () => {
    const job = await exportAll();
    pair.emulator.knobs.bulkFileCutAt = Math.floor(job.fileSize! / 3);
    const ids: number[] = [];
    try {
      let cuts = 0;
      for await (const batch of pair.client.readLeadExportFile(job.exportId, { batchSize: 100, expected: job })) {
        ids.push(...batch.map((r) => Number(r.id)));
        if (ids.length > 1500 && cuts++ === 0) pair.emulator.knobs.bulkFileCutAt = null;
      }
    } finally {
      pair.emulator.knobs.bulkFileCutAt = null;
    }
    assert.deepEqual(ids, Array.from({ length: 2500 }, (_, i) => i + 1));
    const ranged = pair.emulator.calls.filter((c) => c.path.endsWith('/file.json'));
    assert.ok(ranged.length >= 2);
  });

  it('fails with BULK_FILE_INCOMPLETE when the file stays short, and BULK_FILE_CHECKSUM on a wrong checksum', async () => {
    const job = await exportAll();
    pair.emulator.knobs.bulkFileCutAt = 100;
    try {
      await assert.rejects(async () => {
        for await (const _ of pair.client.readLeadExportFile(job.exportId, { expected: job, maxResumes: 0 })) void _;
      }, (e: MarketoError) => e.code === 'BULK_FILE_INCOMPLETE');
    } finally {
      pair.emulator.knobs.bulkFileCutAt = null;
    }
    await assert.rejects(async () => {
      for await (const _ of pair.client.readLeadExportFile(job.exportId, { expected: { ...job, fileChecksum: `sha256:${createHash('sha256').update('x').digest('hex')}` } })) void _;
    }, (e: MarketoError) => e.code === 'BULK_FILE_CHECKSUM');
  });

  it('rejects date ranges over 31 days (1003) and smart list filters (1035)', async () => {
    await assert.rejects(pair.client.createLeadExport({ fields: ['id'], filter: { createdAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-02-02T00:00:00Z' } } }), (e: MarketoError) => e.code === '1003');
    await assert.rejects(pair.client.createLeadExport({ fields: ['id'], filter: { smartListId: 5 } }), (e: MarketoError) => e.code === '1035');
  });

  it('runs 2 jobs at a time, queues 10 in all (1029), and cancels', async () => {
    pair.emulator.bulk.limits.processingMs = 60_000;
    try {
      const jobs = [];
      for (let i = 0; i < 11; i++) jobs.push(await pair.client.createLeadExport({ fields: ['id'], filter: JANUARY }));
      for (let i = 0; i < 10; i++) await pair.client.enqueueLeadExport(jobs[i]!.exportId);
      await assert.rejects(pair.client.enqueueLeadExport(jobs[10]!.exportId), (e: MarketoError) => e.code === '1029' && e.marketoMessage === 'Too many jobs in queue');
      await new Promise((r) => setTimeout(r, 20));
      const statuses = await Promise.all(jobs.slice(0, 10).map((j) => pair.client.getLeadExportStatus(j.exportId)));
      assert.equal(statuses.filter((s) => s.status === 'Processing').length, 2);
      assert.equal(statuses.filter((s) => s.status === 'Queued').length, 8);
      for (const j of jobs.slice(0, 10)) assert.equal((await pair.client.cancelLeadExport(j.exportId)).status, 'Cancelled');
      assert.equal((await pair.client.enqueueLeadExport(jobs[10]!.exportId)).status, 'Queued');
      await pair.client.cancelLeadExport(jobs[10]!.exportId);
      const listed = await pair.client.listLeadExports(['Cancelled']);
      assert.ok(listed.length >= 11);
    } finally {
      pair.emulator.bulk.limits.processingMs = 20;
    }
  });

  it('refuses new jobs with 1029 once the daily export allocation is used', async () => {
    pair.emulator.bulk.limits.dailyExportBytes = pair.emulator.stats().exportBytesToday;
    try {
      await assert.rejects(pair.client.createLeadExport({ fields: ['id'], filter: JANUARY }), (e: MarketoError) => e.code === '1029' && /daily quota/.test(e.message));
    } finally {
      pair.emulator.bulk.limits.dailyExportBytes = 500 * 1024 * 1024;
    }
  });
});
