import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { personAt, salesforceId } from '../../shared/seed-people.js';
import { startMarketoEmulator, type MarketoEmulator } from '../index.js';

async function token(e: MarketoEmulator): Promise<string> {
  const r = await fetch(`${e.identityUrl}/oauth/token?grant_type=client_credentials&client_id=${e.clientId}&client_secret=${e.clientSecret}`);
  return ((await r.json()) as { access_token: string }).access_token;
}

async function get(e: MarketoEmulator, path: string, t: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const r = await fetch(`${e.url}${path}`, { ...init, headers: { Authorization: `Bearer ${t}`, ...(init.headers as Record<string, string>) } });
  const text = await r.text();
  return { status: r.status, body: r.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : { text }, headers: r.headers };
}

function errorCode(body: Record<string, unknown>): string | undefined {
  return (body.errors as Array<{ code: string }> | undefined)?.[0]?.code;
}

describe('Marketo emulator, spoken to directly', () => {
  let e: MarketoEmulator;
  let t: string;
  before(async () => {
    e = await startMarketoEmulator({ people: 400, seed: 'emu', bulkProcessingMs: 10 });
    t = await token(e);
  });
  after(() => e.close());

  it('identity: same token with a falling expires_in; query, form body and Basic all work', async () => {
    const first = (await (await fetch(`${e.identityUrl}/oauth/token?grant_type=client_credentials&client_id=${e.clientId}&client_secret=${e.clientSecret}`)).json()) as Record<string, unknown>;
    await new Promise((r) => setTimeout(r, 1100));
    const form = await fetch(`${e.identityUrl}/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&client_id=${e.clientId}&client_secret=${e.clientSecret}` });
    const second = (await form.json()) as Record<string, unknown>;
    assert.equal(form.headers.get('cache-control'), 'no-store');
    assert.equal(second.access_token, first.access_token);
    assert.ok(Number(second.expires_in) < Number(first.expires_in));
    assert.match(String(first.access_token), /^[0-9a-f-]{36}:[a-z]+$/);
    const basic = await fetch(`${e.identityUrl}/oauth/token?grant_type=client_credentials`, { headers: { Authorization: `Basic ${Buffer.from(`${e.clientId}:${e.clientSecret}`).toString('base64')}` } });
    assert.equal(basic.status, 200);
  });

  it('identity: 401 with an OAuth error body for a bad secret or unknown client', async () => {
    const bad = await fetch(`${e.identityUrl}/oauth/token?grant_type=client_credentials&client_id=${e.clientId}&client_secret=nope`);
    assert.equal(bad.status, 401);
    assert.deepEqual(await bad.json(), { error: 'invalid_client', error_description: 'Bad client credentials' });
    const unknown = await fetch(`${e.identityUrl}/oauth/token?grant_type=client_credentials&client_id=who&client_secret=x`);
    assert.equal(unknown.status, 401);
    assert.equal(((await unknown.json()) as { error: string }).error, 'unauthorized');
  });

  it('601 for an unknown token, 602 for an expired one, neither counted; HTTP 200 with success false', async () => {
    const before = e.stats().callsToday;
    const invalid = await get(e, '/rest/v1/leads/describe.json', 'nope');
    assert.equal(invalid.status, 200);
    assert.deepEqual(invalid.body.errors, [{ code: '601', message: 'Access token invalid' }]);
    assert.equal(invalid.body.success, false);
    assert.match(String(invalid.body.requestId), /^[0-9a-f]+#[0-9a-f]+$/);
    e.expireTokensNow();
    assert.equal(errorCode((await get(e, '/rest/v1/leads/describe.json', t)).body), '602');
    assert.equal(e.stats().callsToday, before);
    const fresh = await token(e);
    assert.notEqual(fresh, t);
    t = fresh;
  });

  it('605 for a wrong method, 610 for an unknown resource, 609 for bad JSON, 612 for a wrong content type', async () => {
    assert.equal(errorCode((await get(e, '/rest/v1/activities/external.json', t)).body), '605');
    assert.equal(errorCode((await get(e, '/rest/v1/nothing.json', t)).body), '610');
    assert.equal(errorCode((await get(e, '/rest/v1/leads.json', t, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' })).body), '609');
    assert.equal(errorCode((await get(e, '/rest/v1/leads.json', t, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' })).body), '612');
  });

  it('counts every call except the codes Marketo exempts (601/602/604/605/608/611), as its error-codes page says', async () => {
    const c = await startMarketoEmulator({
      people: 10,
      clients: [
        { clientId: 'all', clientSecret: 's' },
        { clientId: 'activity-only', clientSecret: 's', permissions: ['Read-Only Activity'] },
      ],
    });
    try {
      const tokenOf = async (id: string) =>
        ((await (await fetch(`${c.identityUrl}/oauth/token?grant_type=client_credentials&client_id=${id}&client_secret=s`)).json()) as { access_token: string }).access_token;
      const ct = await tokenOf('all');
      const limited = await tokenOf('activity-only');
      const delta = async (call: () => Promise<{ body: Record<string, unknown> }>) => {
        const before = c.stats().callsToday;
        const { body } = await call();
        return { code: errorCode(body), counted: c.stats().callsToday - before };
      };
      const describe = () => get(c, '/rest/v1/leads/describe.json', ct);
      // Answers the emulator reaches by itself.
      assert.deepEqual(await delta(() => get(c, '/rest/v1/leads/describe.json', 'nope')), { code: '601', counted: 0 });
      assert.deepEqual(await delta(() => get(c, '/rest/v1/activities/external.json', ct)), { code: '605', counted: 0 });
      assert.deepEqual(await delta(() => get(c, '/rest/v1/nothing.json', ct)), { code: '610', counted: 1 });
      assert.deepEqual(await delta(() => get(c, '/rest/v1/leads.json', ct, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' })), { code: '609', counted: 1 });
      assert.deepEqual(await delta(() => get(c, '/rest/v1/leads.json', ct, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' })), { code: '612', counted: 1 });
      assert.deepEqual(await delta(() => get(c, '/rest/v1/leads/describe.json', limited)), { code: '603', counted: 1 });
      assert.deepEqual(await delta(describe), { code: undefined, counted: 1 });
      // Every other code through the fault knob, with Marketo's message for it.
      const expected: Record<string, [string, number]> = {
        '601': ['Access token invalid', 0],
        '602': ['Access token expired', 0],
        '603': ['Access denied', 1],
        '604': ['Request time-out', 0],
        '605': ['HTTP Method not supported', 0],
        '608': ['API Temporarily Unavailable', 0],
        '609': ['Invalid JSON', 1],
        '610': ['Requested resource not found', 1],
        '611': ['System error', 0],
        '612': ['Invalid Content Type', 1],
        '613': ['Invalid Multipart Request', 1],
        '614': ['Invalid Subscription', 1],
        '616': ['Invalid subscription type', 1],
      };
      for (const [code, [message, counted]] of Object.entries(expected)) {
        c.failNext(1, code);
        const before = c.stats().callsToday;
        const { body, status } = await get(c, '/rest/v1/leads/describe.json', ct);
        assert.equal(status, 200);
        assert.deepEqual({ success: body.success, errors: body.errors }, { success: false, errors: [{ code, message }] }, code);
        assert.equal(c.stats().callsToday - before, counted, `${code} ${counted ? 'is' : 'is not'} counted`);
        assert.equal(c.calls.at(-1)!.counted, counted === 1);
      }
      // Exempt answers do not use up the rate limit either: 3 calls per window, yet 5 exempt answers and then 3 served.
      const fresh = await startMarketoEmulator({ people: 5, rateLimit: 3, rateWindowMs: 60_000 });
      try {
        const ft = await token(fresh);
        fresh.failNext(5, '608');
        const codes: Array<string | undefined> = [];
        for (let i = 0; i < 9; i++) codes.push(errorCode((await get(fresh, '/rest/v1/leads/describe.json', ft)).body));
        assert.deepEqual(codes, ['608', '608', '608', '608', '608', undefined, undefined, undefined, '606']);
        // A counted fault code uses up the window like a served call.
        const third = await startMarketoEmulator({ people: 5, rateLimit: 2, rateWindowMs: 60_000 });
        try {
          const tt = await token(third);
          third.failNext(2, '610');
          const more: Array<string | undefined> = [];
          for (let i = 0; i < 3; i++) more.push(errorCode((await get(third, '/rest/v1/leads/describe.json', tt)).body));
          assert.deepEqual(more, ['610', '610', '606']);
        } finally {
          await third.close();
        }
      } finally {
        await fresh.close();
      }
    } finally {
      await c.close();
    }
  });

  it('fault knob: only the calls of the given path, n times, then served again', async () => {
    e.failNext(2, '604', { path: '/rest/v1/leads.json' });
    e.failNext(1, '611', { path: /\/bulk\// });
    assert.equal(errorCode((await get(e, '/rest/v1/leads/describe.json', t)).body), undefined, 'another path is served');
    assert.equal(errorCode((await get(e, '/rest/v1/leads.json?filterType=id&filterValues=1', t)).body), '604');
    assert.equal(errorCode((await get(e, '/bulk/v1/leads/export.json', t)).body), '611');
    assert.equal(errorCode((await get(e, '/bulk/v1/leads/export.json', t)).body), undefined);
    assert.equal(errorCode((await get(e, '/rest/v1/leads.json?filterType=id&filterValues=1', t)).body), '604');
    assert.equal(errorCode((await get(e, '/rest/v1/leads.json?filterType=id&filterValues=1', t)).body), undefined);
    e.failNext(1, '608', { message: 'Service temporarily unavailable, try later' });
    assert.deepEqual((await get(e, '/rest/v1/leads/describe.json', t)).body.errors, [{ code: '608', message: 'Service temporarily unavailable, try later' }]);
    // A refused token comes first: the fault waits for a call with a valid token.
    e.failNext(1, '609');
    assert.equal(errorCode((await get(e, '/rest/v1/leads/describe.json', 'nope')).body), '601');
    assert.equal(errorCode((await get(e, '/rest/v1/leads/describe.json', t)).body), '609');
  });

  it('HTTP 414 for a URI over 8 KB (the POST ?_method=GET form then works), 413 for a body over 1 MB; neither counted', async () => {
    const before = e.stats().callsToday;
    const ids = Array.from({ length: 2000 }, (_, i) => i + 1).join(',');
    const long = await get(e, `/rest/v1/leads.json?filterType=id&filterValues=${ids}&fields=id`, t);
    assert.equal(long.status, 414);
    assert.equal(e.stats().callsToday, before);
    const big = await fetch(`${e.url}/rest/v1/leads.json`, { method: 'POST', headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ input: [{ email: 'x'.repeat(1024 * 1024) }] }) }).catch(
      (error: unknown) => error as Error,
    );
    if (big instanceof Response) assert.equal(big.status, 413);
    else assert.fail(`413 expected, got ${big.message}`);
    assert.equal(e.stats().callsToday, before);
    const form = await get(e, '/rest/v1/leads.json?_method=GET', t, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `filterType=id&filterValues=1,2,3&fields=id` });
    assert.deepEqual(form.body.result, [{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('leads.json: explicit nulls, POST ?_method=GET with a form body, 1003 beyond 1,000 matches', async () => {
    const r = await get(e, '/rest/v1/leads.json?filterType=id&filterValues=1&fields=id,middleName', t);
    assert.deepEqual(r.body.result, [{ id: 1, middleName: null }]);
    const form = await get(e, '/rest/v1/leads.json?_method=GET', t, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'filterType=id&filterValues=2,3&fields=id' });
    assert.deepEqual(form.body.result, [{ id: 2 }, { id: 3 }]);
    const big = await startMarketoEmulator({ people: 1200, seed: 1, salesforceShare: 1 });
    try {
      const bt = await token(big);
      const owners = Array.from({ length: 25 }, (_, i) => salesforceId('005', 1, i)).join(',');
      const tooMany = await get(big, `/rest/v1/leads.json?filterType=sfdcLeadOwnerId&filterValues=${owners}`, bt);
      assert.deepEqual(tooMany.body.errors, [{ code: '1003', message: 'Too many results match the filter' }]);
    } finally {
      await big.close();
    }
  });

  it('606 past the calls per window, 615 past the concurrent calls, 607 past the daily quota', async () => {
    const small = await startMarketoEmulator({ people: 10, rateLimit: 5, rateWindowMs: 300, concurrencyLimit: 2, dailyQuota: 30 });
    try {
      const st = await token(small);
      const codes: Array<string | undefined> = [];
      for (let i = 0; i < 7; i++) codes.push(errorCode((await get(small, '/rest/v1/leads/describe.json', st)).body));
      assert.deepEqual(codes, [undefined, undefined, undefined, undefined, undefined, '606', '606']);
      assert.match(((await get(small, '/rest/v1/leads/describe.json', st)).body.errors as Array<{ message: string }>)[0]!.message, /^Max rate limit '5' exceeded with in '0.3' secs$/);
      await new Promise((r) => setTimeout(r, 350));
      small.knobs.latencyMs = 100;
      const parallel = await Promise.all([1, 2, 3].map(() => get(small, '/rest/v1/leads/describe.json', st)));
      assert.deepEqual(parallel.map((p) => errorCode(p.body)).sort(), ['615', undefined, undefined].sort());
      small.knobs.latencyMs = 0;
      small.knobs.rateLimit = 1000;
      small.exhaustQuota();
      assert.deepEqual((await get(small, '/rest/v1/leads/describe.json', st)).body.errors, [{ code: '607', message: 'Daily quota reached' }]);
    } finally {
      await small.close();
    }
  });

  it('bulk: 404 plaintext before completion, then the CSV with null, Range 206 and 416', async () => {
    const create = await get(e, '/bulk/v1/leads/export/create.json', t, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fields: ['id', 'middleName', 'email'], filter: { createdAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-01-02T00:00:00Z' } } }),
    });
    const id = (create.body.result as Array<{ exportId: string }>)[0]!.exportId;
    const early = await get(e, `/bulk/v1/leads/export/${id}/file.json`, t);
    assert.equal(early.status, 404);
    assert.equal(early.headers.get('content-type'), 'text/plain;charset=UTF-8');
    await get(e, `/bulk/v1/leads/export/${id}/enqueue.json`, t, { method: 'POST' });
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 100 && status.status !== 'Completed'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = ((await get(e, `/bulk/v1/leads/export/${id}/status.json`, t)).body.result as Array<Record<string, unknown>>)[0]!;
    }
    assert.equal(status.numberOfRecords, 400);
    const file = await fetch(`${e.url}/bulk/v1/leads/export/${id}/file.json`, { headers: { Authorization: `Bearer ${t}` } });
    const text = await file.text();
    assert.equal(Number(file.headers.get('content-length')), status.fileSize);
    assert.equal(file.headers.get('accept-ranges'), 'bytes');
    assert.equal(text.split('\n')[0], 'id,middleName,email');
    assert.match(text.split('\n')[1]!, /^1,null,.+@.+$/);
    const part = await fetch(`${e.url}/bulk/v1/leads/export/${id}/file.json`, { headers: { Authorization: `Bearer ${t}`, Range: 'bytes=0-9' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 0-9/${String(status.fileSize)}`);
    assert.equal(await part.text(), text.slice(0, 10));
    const tail = await fetch(`${e.url}/bulk/v1/leads/export/${id}/file.json`, { headers: { Authorization: `Bearer ${t}`, Range: 'bytes=-5' } });
    assert.equal(await tail.text(), text.slice(-5));
    const beyond = await fetch(`${e.url}/bulk/v1/leads/export/${id}/file.json`, { headers: { Authorization: `Bearer ${t}`, Range: `bytes=${String(status.fileSize)}-` } });
    assert.equal(beyond.status, 416);
  });
});

describe('Marketo emulator: reading activities 300 at a time, as Marketo does', () => {
  let e: MarketoEmulator;
  let t: string;
  let since: string;
  before(async () => {
    // 400 people: activity positions 1..400 are their New Lead activities.
    e = await startMarketoEmulator({ people: 400, seed: 'activities' });
    t = await token(e);
    since = String((await get(e, '/rest/v1/activities/pagingtoken.json?sinceDatetime=2000-01-01T00:00:00Z', t)).body.nextPageToken);
  });
  after(() => e.close());

  it('a call goes through at most 300 activities of any type; none matching gives no result member at all (KB ka-29362)', async () => {
    e.deletePerson(10);
    const first = await get(e, `/rest/v1/activities/deletedleads.json?nextPageToken=${since}`, t);
    assert.deepEqual(Object.keys(first.body), ['requestId', 'success', 'nextPageToken', 'moreResult']);
    assert.equal(first.body.success, true);
    assert.equal(first.body.moreResult, true);
    assert.notEqual(first.body.nextPageToken, since);
    // The next 100 New Lead activities and the deletion.
    const second = await get(e, `/rest/v1/activities/deletedleads.json?nextPageToken=${String(first.body.nextPageToken)}`, t);
    assert.deepEqual((second.body.result as Array<{ leadId: number; activityTypeId: number }>).map((a) => [a.leadId, a.activityTypeId]), [[10, 37]]);
    assert.equal(second.body.moreResult, false);
    assert.ok(second.body.nextPageToken, 'activities always return a nextPageToken');
    const none = await get(e, `/rest/v1/activities.json?activityTypeIds=99999&nextPageToken=${String(second.body.nextPageToken)}`, t);
    assert.deepEqual(Object.keys(none.body), ['requestId', 'success', 'nextPageToken', 'moreResult']);
    assert.equal(none.body.moreResult, false);
  });

  it('matching activities: at most 300 of the 300 read, fewer with batchSize; leadchanges and leadIds likewise', async () => {
    const all = await get(e, `/rest/v1/activities.json?activityTypeIds=12&nextPageToken=${since}`, t);
    const ids = (all.body.result as Array<{ leadId: number }>).map((a) => a.leadId);
    assert.equal(ids.length, 299, 'positions 1..300 less the deleted person 10');
    assert.equal(ids.at(-1), 300);
    assert.equal(all.body.moreResult, true);
    const two = await get(e, `/rest/v1/activities.json?activityTypeIds=12&batchSize=2&nextPageToken=${since}`, t);
    assert.deepEqual((two.body.result as Array<{ leadId: number }>).map((a) => a.leadId), [1, 2]);
    const after2 = await get(e, `/rest/v1/activities.json?activityTypeIds=12&batchSize=2&nextPageToken=${String(two.body.nextPageToken)}`, t);
    assert.deepEqual((after2.body.result as Array<{ leadId: number }>).map((a) => a.leadId), [3, 4], 'the token resumes after the last activity returned');
    // Lead 350's New Lead activity lies past the first 300: the first call has nothing for it.
    const byLead = await get(e, `/rest/v1/activities/leadchanges.json?fields=title&leadIds=350&nextPageToken=${since}`, t);
    assert.equal(byLead.body.result, undefined);
    assert.equal(byLead.body.moreResult, true);
    const next = await get(e, `/rest/v1/activities/leadchanges.json?fields=title&leadIds=350&nextPageToken=${String(byLead.body.nextPageToken)}`, t);
    assert.deepEqual((next.body.result as Array<{ leadId: number }>).map((a) => a.leadId), [350]);
  });

  it('paging to the end reads every activity once, 300 per call', async () => {
    const fresh = await startMarketoEmulator({ people: 1000, seed: 'paging' });
    try {
      const ft = await token(fresh);
      fresh.changePerson(999, { title: 'Changed' });
      let next = String((await get(fresh, '/rest/v1/activities/pagingtoken.json?sinceDatetime=2000-01-01T00:00:00Z', ft)).body.nextPageToken);
      const seen: number[] = [];
      let calls = 0;
      for (;;) {
        const page = await get(fresh, `/rest/v1/activities.json?activityTypeIds=13&nextPageToken=${next}`, ft);
        calls++;
        for (const a of (page.body.result as Array<{ leadId: number }> | undefined) ?? []) seen.push(a.leadId);
        next = String(page.body.nextPageToken);
        if (page.body.moreResult !== true) break;
      }
      assert.deepEqual(seen, [999]);
      assert.equal(calls, 4, '1,001 activities, 300 per call');
    } finally {
      await fresh.close();
    }
  });
});

describe('Marketo emulator: Sync Leads and the lead id', () => {
  let e: MarketoEmulator;
  let t: string;
  before(async () => {
    e = await startMarketoEmulator({ people: 20, seed: 'sync-id' });
    t = await token(e);
  });
  after(() => e.close());

  const sync = async (body: unknown) =>
    (await get(e, '/rest/v1/leads.json', t, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).body.result as Array<Record<string, unknown>>;

  it('id with createOnly, createOrUpdate (the default) or createDuplicate: the record is skipped with 1003, no lead created', async () => {
    const before = e.db.get(3)!;
    for (const action of ['createOnly', 'createOrUpdate', 'createDuplicate', undefined]) {
      const result = await sync({ ...(action ? { action } : {}), input: [{ id: 3, email: `new-${action ?? 'default'}@example.org`, title: 'X' }, { email: `plain-${action ?? 'default'}@example.org` }] });
      assert.deepEqual(result[0], { status: 'skipped', reasons: [{ code: '1003', message: 'Invalid data' }] }, String(action));
      assert.equal(result[1]!.status, 'created', 'the other records are still synced');
      assert.deepEqual(e.db.findBy('email', `new-${action ?? 'default'}@example.org`), []);
    }
    assert.deepEqual(e.db.get(3), before, 'lead 3 untouched');
  });

  it('id with updateOnly names the lead to update, whatever the lookupField; an unknown id is 1004', async () => {
    assert.deepEqual(await sync({ action: 'updateOnly', input: [{ id: 4, title: 'By id' }] }), [{ id: 4, status: 'updated' }]);
    assert.equal(e.db.get(4)!.title, 'By id');
    assert.deepEqual(await sync({ action: 'updateOnly', lookupField: 'id', input: [{ id: 5, title: 'By lookupField id' }] }), [{ id: 5, status: 'updated' }]);
    assert.equal(e.db.get(5)!.title, 'By lookupField id');
    assert.deepEqual(await sync({ action: 'updateOnly', input: [{ id: 99999, title: 'Nobody' }] }), [{ status: 'skipped', reasons: [{ code: '1004', message: 'Lead not found' }] }]);
  });
});

describe('Marketo emulator: export files stored on disk (bulkFileDir)', () => {
  it('serves the same bytes as a generated file, with Range, and removes the files on close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mkto-bulk-'));
    const stored = await startMarketoEmulator({ people: 300, seed: 'files', bulkProcessingMs: 0, bulkFileDir: dir });
    const generated = await startMarketoEmulator({ people: 300, seed: 'files', bulkProcessingMs: 0 });
    try {
      const download = async (em: MarketoEmulator, range?: string) => {
        const et = await token(em);
        const post = (p: string, body?: unknown) =>
          get(em, p, et, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
        const id = ((await post('/bulk/v1/leads/export/create.json', { fields: ['id', 'email', 'title'], filter: { createdAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-01-31T00:00:00Z' } } })).body.result as Array<{ exportId: string }>)[0]!.exportId;
        await post(`/bulk/v1/leads/export/${id}/enqueue.json`);
        let job: Record<string, unknown> = {};
        for (let i = 0; i < 200 && job.status !== 'Completed'; i++) {
          await new Promise((r) => setTimeout(r, 10));
          job = ((await get(em, `/bulk/v1/leads/export/${id}/status.json`, et)).body.result as Array<Record<string, unknown>>)[0]!;
        }
        const file = await fetch(`${em.url}/bulk/v1/leads/export/${id}/file.json`, { headers: { Authorization: `Bearer ${et}`, ...(range ? { Range: range } : {}) } });
        return { job, status: file.status, text: await file.text() };
      };
      const a = await download(stored);
      const b = await download(generated);
      assert.equal(a.text, b.text);
      assert.equal(a.job.fileChecksum, `sha256:${createHash('sha256').update(a.text).digest('hex')}`);
      assert.equal(fs.readdirSync(dir).length, 1, 'written once');
      const part = await download(stored, 'bytes=100-199');
      assert.equal(part.status, 206);
      assert.equal(part.text, a.text.slice(100, 200));
    } finally {
      await stored.close();
      await generated.close();
    }
    assert.deepEqual(fs.readdirSync(dir), [], 'removed on close');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('Marketo emulator: the generated person database', () => {
  it('is deterministic and shares its Salesforce ids with the seed generator', () => {
    const a = personAt(42, 1234);
    assert.deepEqual(personAt(42, 1234), a);
    assert.notDeepEqual(personAt(43, 1234), a);
    for (let i = 0; i < 500; i++) {
      const p = personAt(42, i);
      for (const id of [p.sfdcLeadId, p.sfdcContactId, p.sfdcAccountId, p.sfdcOpptyId, p.sfdcLeadOwnerId]) if (id) assert.match(id, /^(00Q|003|001|006|005)[0-9A-Za-z]{15}$/);
      if (p.sfdcType === 'Lead') assert.ok(p.sfdcLeadId?.startsWith('00Q') && p.sfdcContactId === null);
      if (p.sfdcType === 'Contact') assert.ok(p.sfdcContactId?.startsWith('003') && p.sfdcAccountId?.startsWith('001'));
      if (p.sfdcType) assert.ok(p.sfdcLeadOwnerId?.startsWith('005'));
    }
  });

  it('serves 1,500,000 people without holding them', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const big = await startMarketoEmulator({ people: 1_500_000, seed: 9 });
    try {
      const t = await token(big);
      const r = await get(big, '/rest/v1/leads.json?filterType=id&filterValues=1,750000,1500000,1500001&fields=id,email,sfdcContactId', t);
      assert.deepEqual((r.body.result as Array<{ id: number }>).map((l) => l.id), [1, 750000, 1500000]);
      big.changePerson(1_500_000, { title: 'Last One' });
      assert.equal(big.db.get(1_500_000)!.title, 'Last One');
      assert.ok(process.memoryUsage().heapUsed - heapBefore < 50 * 1024 * 1024);
    } finally {
      await big.close();
    }
  });
});
