import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextCentralMidnight } from '../../src/marketo/central-time.js';
import { MarketoError } from '../../src/marketo/errors.js';
import { marketoPair, served } from './helpers.js';

describe('Marketo client: tokens, limits and faults against the emulator', () => {
  it('renews an expired token mid-run (602) once per expiry, and reads every page exactly once', async () => {
    const pair = await marketoPair({ people: 600 });
    try {
      const ids = Array.from({ length: 300 }, (_, i) => i + 1);
      const seen: number[] = [];
      let pages = 0;
      for await (const batch of pair.client.iterateLeads({ filterType: 'id', filterValues: ids, fields: ['id'], batchSize: 20 })) {
        seen.push(...batch.map((l) => Number(l.id)));
        if (++pages % 5 === 0) pair.emulator.expireTokensNow();
      }
      assert.deepEqual(seen, ids);
      const refused = pair.emulator.calls.filter((c) => c.code === '602').length;
      assert.equal(refused, 2, 'one 602 per expiry (the 15th page ends the run)');
      assert.equal(pair.emulator.stats().identityCalls, 3);
      assert.equal(served(pair.emulator, 'GET', '/rest/v1/leads.json'), 15);
      assert.equal(pair.client.usage().callsToday, pair.emulator.stats().callsToday, 'the client counts what Marketo counts');
    } finally {
      await pair.close();
    }
  });

  it('refreshes a token with less than 60 s left before using it', async () => {
    const pair = await marketoPair({ tokenLifetimeSeconds: 61 });
    try {
      const first = await pair.client.token();
      await new Promise((r) => setTimeout(r, 1100));
      await pair.client.describe();
      assert.equal(pair.emulator.stats().identityCalls, 2, 'asked again because < 60 s were left');
      assert.ok(first.accessToken);
    } finally {
      await pair.close();
    }
  });

  it('retries once on an invalid token (601) and then reports it', async () => {
    const pair = await marketoPair();
    try {
      const token = await pair.client.token();
      token.accessToken = 'forged:ab';
      const fields = await pair.client.describe();
      assert.ok(fields.length > 10);
      assert.equal(pair.emulator.calls.filter((c) => c.code === '601').length, 1);
    } finally {
      await pair.close();
    }
  });

  it('rides out a 606 burst and a 615 burst: every sync batch is served exactly once', async () => {
    const pair = await marketoPair({ rateWindowMs: 500 }, { limits: { windowMs: 500 } });
    try {
      pair.emulator.burst606(4);
      pair.emulator.burst615(3);
      const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 25 }, (_, i) => ({ email: `burst${b}-${i}@example.org`, firstName: `B${b}` })));
      const results = await Promise.all(batches.map((input) => pair.client.syncLeads({ input })));
      assert.equal(results.flat().filter((r) => r.status === 'created').length, 200);
      assert.equal(pair.emulator.calls.filter((c) => c.code === '606').length, 4);
      assert.equal(pair.emulator.calls.filter((c) => c.code === '615').length, 3);
      assert.equal(served(pair.emulator, 'POST', '/rest/v1/leads.json'), 8, 'no batch lost or repeated');
      const created = await pair.client.getLeads({ filterType: 'email', filterValues: ['burst3-7@example.org'] });
      assert.equal(created.result.length, 1);
    } finally {
      await pair.close();
    }
  });

  it('when its share is set above Marketo’s limits, real 606s and 615s are retried and nothing is lost', async () => {
    const pair = await marketoPair({ rateLimit: 30, rateWindowMs: 500, concurrencyLimit: 3, latencyMs: 15 }, { limits: { maxCalls: 1000, windowMs: 500, maxConcurrent: 8, backoffBaseMs: 20, backoffMaxMs: 300 } });
    try {
      const ids = Array.from({ length: 60 }, (_, i) => i + 1);
      const found = await Promise.all(ids.map((id) => pair.client.getLeads({ filterType: 'id', filterValues: [id], fields: ['id'] })));
      assert.deepEqual(found.map((p) => Number(p.result[0]!.id)), ids);
      const codes = new Set(pair.emulator.calls.map((c) => c.code));
      assert.ok(codes.has('606') || codes.has('615'), 'the emulator did refuse some calls');
      assert.equal(served(pair.emulator, 'GET', '/rest/v1/leads.json'), 60);
    } finally {
      await pair.close();
    }
  });

  it('keeps to its own share: at most 5 in flight and 50 per window by default', async () => {
    const pair = await marketoPair({ latencyMs: 10 });
    try {
      const started = Date.now();
      await Promise.all(Array.from({ length: 60 }, (_, i) => pair.client.getLeads({ filterType: 'id', filterValues: [i + 1] })));
      assert.ok(pair.emulator.stats().maxInFlight <= 5);
      assert.ok(Date.now() - started >= 1900, 'the 51st call waited for the 2 s window');
      assert.ok(!pair.emulator.calls.some((c) => c.code === '606' || c.code === '615'));
    } finally {
      await pair.close();
    }
  });

  it('retries HTTP 5xx for reads but not for non-idempotent writes', async () => {
    const pair = await marketoPair({ errorRate: 0.3, seed: 3 });
    try {
      for (let i = 0; i < 20; i++) assert.equal((await pair.client.getLeads({ filterType: 'id', filterValues: [i + 1] })).result.length, 1);
      assert.ok(pair.emulator.calls.some((c) => c.code !== null && c.code.startsWith('5')));
      pair.emulator.knobs.errorRate = 1;
      await assert.rejects(
        pair.client.addCustomActivities([{ leadId: 1, activityDate: new Date().toISOString(), activityTypeId: 100001, primaryAttributeValue: 'x' }]),
        (e: MarketoError) => e.code === 'HTTP_ERROR' && (e.details.httpStatus ?? 0) >= 500,
      );
      assert.equal(pair.emulator.calls.filter((c) => c.path === '/rest/v1/activities/external.json').length, 1, 'sent once');
    } finally {
      await pair.close();
    }
  });

  it('times a write from when it is sent, not while it waits for a slot; a late answer is TIMEOUT, sent once', async () => {
    const pair = await marketoPair({ latencyMs: 300 }, { limits: { maxConcurrent: 1 } });
    try {
      const activity = () => [{ leadId: 1, activityDate: new Date().toISOString(), activityTypeId: 100001, primaryAttributeValue: 'x' }];
      // Three writes, one slot: the last waits ~600 ms for its turn, longer than its 500 ms limit.
      const answers = await Promise.all([1, 2, 3].map(() => pair.client.addCustomActivities(activity(), { timeoutMs: 500 })));
      assert.equal(answers.length, 3, 'none timed out while queued');
      pair.emulator.knobs.latencyMs = 1500;
      const before = pair.emulator.calls.filter((c) => c.path === '/rest/v1/activities/external.json').length;
      await assert.rejects(pair.client.addCustomActivities(activity(), { timeoutMs: 300 }), (e: MarketoError) => e.code === 'TIMEOUT');
      assert.equal(pair.emulator.calls.filter((c) => c.path === '/rest/v1/activities/external.json').length - before, 1, 'not sent again: it may have been added');
    } finally {
      await pair.close();
    }
  });

  it('stops every call to the instance after 607 until midnight US Central, and says so', async () => {
    const pair = await marketoPair({ dailyQuota: 5 });
    try {
      for (let i = 0; i < 5; i++) await pair.client.describe();
      await assert.rejects(pair.client.describe(), (e: MarketoError) => e.code === '607' && e.details.retryAt === nextCentralMidnight(Date.now()));
      const before = pair.emulator.calls.length;
      await assert.rejects(pair.client.getLeads({ filterType: 'id', filterValues: [1] }), (e: MarketoError) => e.code === 'QUOTA_STOPPED');
      assert.equal(pair.emulator.calls.length, before, 'nothing was sent');
      const usage = pair.client.usage();
      assert.equal(usage.callsToday, 6);
      assert.equal(usage.limiter.quotaStoppedUntil, nextCentralMidnight(Date.now()));
      pair.client.limiter.resume();
    } finally {
      await pair.close();
    }
  });

  for (const code of ['604', '608', '611'] as const) {
    it(`retries ${code} with backoff: the sync lands exactly once, nothing is lost or repeated, and the call is not counted`, async () => {
      const pair = await marketoPair({}, { limits: { backoffBaseMs: 40, backoffMaxMs: 400 } });
      try {
        const email = `retry-${code}@example.org`;
        pair.emulator.failNext(3, code, { path: '/rest/v1/leads.json' });
        const started = Date.now();
        // createDuplicate is not idempotent: only a 6xx (never run) may be sent again.
        const result = await pair.client.syncLeads({ input: [{ email, firstName: 'Once' }], action: 'createDuplicate' });
        const waited = Date.now() - started;
        assert.equal(result.length, 1);
        assert.equal(result[0]!.status, 'created');
        const sent = pair.emulator.calls.filter((c) => c.method === 'POST' && c.path === '/rest/v1/leads.json');
        assert.deepEqual(sent.map((c) => c.code), [code, code, code, null], 'three refusals, then served once');
        // Backoff 40·2^n with half jitter: at least 20 + 40 + 80 ms between the four sends.
        assert.ok(waited >= 140, `backed off (${waited} ms)`);
        for (let i = 1; i < sent.length; i++) assert.ok(sent[i]!.at - sent[i - 1]!.at >= 15, 'each retry waited');
        const found = await pair.client.getLeads({ filterType: 'email', filterValues: [email], fields: ['id', 'firstName'] });
        assert.equal(found.result.length, 1, 'one lead, not four');
        assert.equal(pair.client.usage().callsToday, pair.emulator.stats().callsToday, `the client counts what Marketo counts (${code} exempt)`);
        assert.equal(pair.emulator.stats().callsToday, 2, 'the served sync and the lookup');
      } finally {
        await pair.close();
      }
    });
  }

  it('gives up on a 604/608/611 that persists after maxRetries, with Marketo’s code and message', async () => {
    const pair = await marketoPair({}, { maxRetries: 2 });
    try {
      pair.emulator.failNext(10, '608');
      await assert.rejects(pair.client.describe(), (e: MarketoError) => e.code === '608' && e.marketoMessage === 'API Temporarily Unavailable');
      assert.equal(pair.emulator.calls.length, 3, 'the first send and two retries');
    } finally {
      await pair.close();
    }
  });

  it('reports 605/609/610/612 (and 603, 613, 614, 616) at once as clear errors: sent once, never retried, counted as Marketo counts', async () => {
    const pair = await marketoPair();
    try {
      const cases: Array<[string, string]> = [
        ['603', 'Access denied'],
        ['605', 'HTTP Method not supported'],
        ['609', 'Invalid JSON'],
        ['610', 'Requested resource not found'],
        ['612', 'Invalid Content Type'],
        ['613', 'Invalid Multipart Request'],
        ['614', 'Invalid Subscription'],
        ['616', 'Invalid subscription type'],
      ];
      for (const [code, message] of cases) {
        const before = pair.emulator.calls.length;
        pair.emulator.failNext(1, code, { path: '/rest/v1/leads.json' });
        await assert.rejects(pair.client.syncLeads({ input: [{ email: `clear-${code}@example.org` }] }), (e: MarketoError) => {
          assert.ok(e instanceof MarketoError);
          assert.equal(e.code, code);
          assert.equal(e.marketoMessage, message);
          assert.equal(e.message, `${code}: ${message}`);
          assert.match(e.details.requestId ?? '', /^[0-9a-f]+#[0-9a-f]+$/);
          return true;
        });
        assert.equal(pair.emulator.calls.length - before, 1, `${code} sent once`);
      }
      assert.equal((await pair.client.getLeads({ filterType: 'email', filterValues: cases.map(([c]) => `clear-${c}@example.org`) })).result.length, 0, 'none ran');
      assert.equal(pair.client.usage().callsToday, pair.emulator.stats().callsToday, 'the client counts what Marketo counts (605 exempt, the others not)');
      // The same codes as the emulator reaches them by itself, through the client's own requests.
      const limited = await marketoPair({ clients: [{ clientId: 'ro', clientSecret: 'ro', permissions: ['Read-Only Lead'] }] }, { clientId: 'ro', clientSecret: 'ro' });
      try {
        await assert.rejects(limited.client.syncLeads({ input: [{ email: 'ro@example.org' }] }), (e: MarketoError) => e.code === '603' && e.marketoMessage === 'Access denied');
        await assert.rejects(limited.client.getActivityTypes(), (e: MarketoError) => e.code === '603');
        assert.deepEqual(limited.emulator.calls.map((c) => [c.code, c.counted]), [['603', true], ['603', true]], 'each sent once, and counted');
        assert.equal(limited.client.usage().callsToday, 2);
      } finally {
        await limited.close();
      }
    } finally {
      await pair.close();
    }
  });

  it('a 601 that persists after the one token renewal is reported, not retried forever; the file read does the same', async () => {
    const pair = await marketoPair({ people: 50 });
    try {
      // Three refusals in a row: a client that retried more than once would get past two.
      pair.emulator.failNext(3, '601', { path: '/rest/v1/leads/describe.json' });
      await assert.rejects(pair.client.describe(), (e: MarketoError) => e.code === '601' && e.marketoMessage === 'Access token invalid');
      assert.equal(pair.emulator.calls.filter((c) => c.path === '/rest/v1/leads/describe.json').length, 2, 'sent, renewed once, sent again, reported');
      assert.equal(pair.emulator.stats().identityCalls, 2, 'one renewal');

      const job = await pair.client.createLeadExport({ fields: ['id', 'email'], filter: { createdAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-01-31T00:00:00Z' } } });
      await pair.client.enqueueLeadExport(job.exportId);
      const done = await pair.client.waitForLeadExport(job.exportId, { pollMs: 10 });
      const file = `/bulk/v1/leads/export/${job.exportId}/file.json`;
      pair.emulator.failNext(3, '602', { path: file });
      const identityBefore = pair.emulator.stats().identityCalls;
      await assert.rejects(
        (async () => {
          for await (const batch of pair.client.readLeadExportFile(job.exportId, { expected: done })) assert.fail(`no rows expected, got ${batch.length}`);
        })(),
        (e: MarketoError) => e.code === '602' && e.marketoMessage === 'Access token expired',
      );
      assert.equal(pair.emulator.calls.filter((c) => c.path === file).length, 2, 'the file: sent, renewed once, sent again, reported (not maxRetries times)');
      assert.equal(pair.emulator.stats().identityCalls - identityBefore, 1);

      // The refusals left (one of each), then a good answer: the next call and the next read renew once and succeed.
      assert.ok((await pair.client.describe()).length > 10);
      let rows = 0;
      for await (const batch of pair.client.readLeadExportFile(job.exportId, { expected: done })) rows += batch.length;
      assert.equal(rows, 50);
    } finally {
      await pair.close();
    }
  });

  it('HTTP 414: a GET whose URI would pass 8 KB goes as POST ?_method=GET and is served; HTTP 413 is reported once, unretried', async () => {
    const pair = await marketoPair({ people: 400 });
    try {
      const ids = Array.from({ length: 300 }, (_, i) => `lookup-${String(i).padStart(4, '0')}-${'x'.repeat(20)}@example.org`);
      const page = await pair.client.getLeads({ filterType: 'email', filterValues: ids, fields: ['id'] });
      assert.deepEqual(page.result, []);
      const sent = pair.emulator.calls.at(-1)!;
      assert.deepEqual([sent.method, sent.path, sent.code], ['POST', '/rest/v1/leads.json', null], 'sent in the POST form, not refused 414');
      const before = pair.emulator.calls.length;
      const huge = Array.from({ length: 300 }, (_, i) => ({ email: `big${i}@example.org`, title: 'x'.repeat(4000) }));
      await assert.rejects(pair.client.syncLeads({ input: huge }), (e: MarketoError) => e.code === 'HTTP_ERROR' && e.details.httpStatus === 413 && /413/.test(e.message));
      assert.equal(pair.emulator.calls.length - before, 1, 'sent once: resending the same body cannot help');
      assert.equal(pair.client.usage().callsToday, pair.emulator.stats().callsToday, '413 counted by neither');
    } finally {
      await pair.close();
    }
  });

  it('computes midnight US Central across daylight saving', () => {
    assert.equal(new Date(nextCentralMidnight(Date.parse('2026-07-01T12:00:00Z'))).toISOString(), '2026-07-02T05:00:00.000Z');
    assert.equal(new Date(nextCentralMidnight(Date.parse('2026-01-15T03:00:00Z'))).toISOString(), '2026-01-15T06:00:00.000Z');
    assert.equal(new Date(nextCentralMidnight(Date.parse('2026-11-01T04:59:00Z'))).toISOString(), '2026-11-01T05:00:00.000Z');
    assert.equal(new Date(nextCentralMidnight(Date.parse('2026-11-01T12:00:00Z'))).toISOString(), '2026-11-02T06:00:00.000Z');
  });
});
