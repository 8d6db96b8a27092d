/**
 * activities: 100,000 activities logged (POST /api/v1/activities/batch, 200 at a time) and delivered
 * to both emulators: one Marketo custom activity and one Salesforce Task each. Prints activities/s
 * and API calls per 1,000 activities per system. Goal: ≤ 4 Marketo and ≤ 6 Salesforce calls per 1,000.
 * The Marketo emulator keeps Marketo's own limits (100 calls per 20 s, 10 at once); the database is
 * PGlite, or PostgreSQL when DATABASE_URL is set.
 *
 *   node --import tsx scripts/bench/activities.ts [activities] [people]
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { salesUserAt } from '../../emulators/shared/seed-people.js';
import { ACTIVITY_KINDS } from '../../service/src/activities/index.js';
import { limiterFor } from '../../service/src/marketo/limiter.js';
import { addRep, marketoByMarker, startWorld, tasksByMarker } from '../../service/test/activities/helpers.js';
import { printTable, progress, progressDone, writeResults } from './lib.js';

const TOTAL = Number(process.argv[2] ?? 100_000);
const PEOPLE = Number(process.argv[3] ?? 5000);
const GOALS = { marketoPer1000: 4, salesforcePer1000: 6 };
const BATCH = 200;
const LANES = 4;

async function main() {
  progress(`Starting both emulators (${PEOPLE.toLocaleString('en-US')} people, one seed) and the service…`);
  const world = await startWorld({
    seed: 23,
    people: PEOPLE,
    // Marketo's real window: 100 calls per 20 seconds.
    marketo: { rateWindowMs: 20_000, latencyMs: 20 },
    salesforce: { latencyMs: 20, bulkProcessingMs: 500 },
    // Production waits, except a linger long enough to fill Marketo's batches of 300.
    tuning: { lingerMs: 1000, retryBaseMs: 1000, settleMs: 30_000, callTimeoutMs: 60_000, sweepMs: 5000, bulkPollMaxMs: 1000 },
  });
  // The client's share of the instance: most of Marketo's 100 calls per 20 s (no other integration here).
  limiterFor(new URL(world.marketo.restUrl).host, { maxCalls: 90, windowMs: 20_000, maxConcurrent: 8, backoffBaseMs: 500, backoffMaxMs: 20_000 });
  const { runtime, account, marketo, salesforce } = world;
  try {
    const rep = salesUserAt(23, 1);
    await addRep(runtime, account, rep);
    const people = (
      await runtime.database.db
        .selectFrom('persons')
        .select('marketo_id')
        .where('account_id', '=', account.accountId)
        .where((eb) => eb.or([eb('sfdc_contact_id', 'is not', null), eb('sfdc_lead_id', 'is not', null)]))
        .execute()
    ).map((r) => Number(r.marketo_id));
    const marketoBefore = marketo.calls.length;
    const identityBefore = marketo.stats().identityCalls;
    const sfApi = () => salesforce.requests().filter((r) => r.url.startsWith('/services/data/')).length;
    const sfBefore = sfApi();
    progressDone();
    console.log(`${people.length.toLocaleString('en-US')} synced people; logging ${TOTAL.toLocaleString('en-US')} activities, ${BATCH} per request, ${LANES} requests at a time, ${runtime.database.kind}`);

    const started = performance.now();
    let next = 0;
    let logged = 0;
    let loggedMs = 0;
    const counts = async () => {
      const rows = await runtime.database.db
        .selectFrom('activity_deliveries')
        .select(['system', (eb) => eb.fn.countAll<number>().as('n')])
        .where('account_id', '=', account.accountId)
        .where('state', '=', 'delivered')
        .groupBy('system')
        .execute();
      const by = Object.fromEntries(rows.map((r) => [r.system, Number(r.n)]));
      return { marketo: by.marketo ?? 0, salesforce: by.salesforce ?? 0 };
    };
    let done = false;
    const reporter = (async () => {
      while (!done) {
        await sleep(2000);
        const c = await counts();
        const s = (performance.now() - started) / 1000;
        progress(`${s.toFixed(0)} s: logged ${logged.toLocaleString('en-US')}, delivered Marketo ${c.marketo.toLocaleString('en-US')}, Salesforce ${c.salesforce.toLocaleString('en-US')}`);
        if (c.marketo === TOTAL && c.salesforce === TOTAL) done = true;
      }
    })();
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        while (next < TOTAL) {
          const from = next;
          next = Math.min(TOTAL, next + BATCH);
          const batch = [];
          for (let n = from; n < next; n++) {
            batch.push({
              idempotencyKey: `bench-${n}`,
              rep: { salesforceUserId: rep.id },
              person: { marketoId: people[n % people.length] },
              kind: ACTIVITY_KINDS[n % ACTIVITY_KINDS.length]!,
              attributes: { subject: `Benchmark ${n}`, templateName: 'Intro', link: 'https://example.com/p', callStatus: 'completed', callDurationSeconds: 60, campaignName: `Campaign ${n % 20}` },
            });
          }
          const res = await runtime.app.inject({ method: 'POST', url: '/api/v1/activities/batch', headers: account.auth, payload: { activities: batch } });
          if (res.statusCode !== 200) throw new Error(`Logging failed: ${res.statusCode} ${res.body.slice(0, 300)}`);
          logged += batch.length;
        }
      }),
    );
    loggedMs = performance.now() - started;
    await reporter;
    const deliveredMs = performance.now() - started;
    progressDone();

    const failed = await runtime.database.db.selectFrom('activity_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'failed').executeTakeFirstOrThrow();
    const tasks = tasksByMarker(salesforce);
    const inMarketo = marketoByMarker(marketo);
    const twice = [...tasks.values()].filter((t) => t.length > 1).length + [...inMarketo.values()].filter((a) => a.length > 1).length;
    if (tasks.size !== TOTAL || inMarketo.size !== TOTAL || twice > 0 || Number(failed.n) > 0) {
      throw new Error(`Expected ${TOTAL} of each: Tasks ${tasks.size}, Marketo ${inMarketo.size}, twice ${twice}, failed ${failed.n}`);
    }
    const marketoCalls = marketo.calls.length - marketoBefore;
    const marketoAdds = marketo.calls.slice(marketoBefore).filter((c) => c.path.endsWith('/activities/external.json')).length;
    const refusals: Record<string, number> = {};
    const paths: Record<string, number> = {};
    for (const c of marketo.calls.slice(marketoBefore)) {
      if (c.code) refusals[c.code] = (refusals[c.code] ?? 0) + 1;
      const key = `${c.method} ${c.path.replace(/\/type\/[^/]+\//, '/type/{apiName}/')}`;
      paths[key] = (paths[key] ?? 0) + 1;
    }
    const sfCalls = sfApi() - sfBefore;
    const sfRequests = salesforce.requests().slice(0);
    const bulkJobs = sfRequests.filter((r) => r.method === 'POST' && /\/jobs\/ingest$/.test(r.url)).length;
    const collections = sfRequests.filter((r) => r.method === 'POST' && r.url.endsWith('/composite/sobjects')).length;
    const per1000 = (calls: number) => (calls / TOTAL) * 1000;
    const seconds = deliveredMs / 1000;
    const rows = [
      { system: 'Marketo', 'activities/s': TOTAL / seconds, 'API calls': marketoCalls, 'calls per 1,000': per1000(marketoCalls), goal: `≤ ${GOALS.marketoPer1000}`, met: per1000(marketoCalls) <= GOALS.marketoPer1000 ? 'yes' : 'NO' },
      { system: 'Salesforce', 'activities/s': TOTAL / seconds, 'API calls': sfCalls, 'calls per 1,000': per1000(sfCalls), goal: `≤ ${GOALS.salesforcePer1000}`, met: per1000(sfCalls) <= GOALS.salesforcePer1000 ? 'yes' : 'NO' },
    ];
    printTable(`activities: ${TOTAL.toLocaleString('en-US')} activities to both emulators (${runtime.database.kind})`, rows);
    console.log(
      `Logged in ${(loggedMs / 1000).toFixed(1)} s (${Math.round(TOTAL / (loggedMs / 1000))}/s); all delivered after ${seconds.toFixed(1)} s. ` +
        `Marketo: ${marketoAdds} Add Custom Activities calls, ${marketo.stats().identityCalls - identityBefore} identity calls (not counted by Marketo). ` +
        `Marketo calls by path: ${JSON.stringify(paths)}; refusals by code: ${JSON.stringify(refusals)}. Salesforce: ${bulkJobs} Bulk API 2.0 jobs, ${collections} sObject Collections calls. Exactly one of each per activity, none failed.`,
    );
    writeResults('activities', {
      activities: TOTAL,
      people: people.length,
      database: runtime.database.kind,
      loggedMs,
      deliveredMs,
      activitiesPerSecond: TOTAL / seconds,
      marketo: { calls: marketoCalls, addCustomActivitiesCalls: marketoAdds, byPath: paths, refusals, identityCalls: marketo.stats().identityCalls - identityBefore, per1000: per1000(marketoCalls), goal: GOALS.marketoPer1000, met: per1000(marketoCalls) <= GOALS.marketoPer1000 },
      salesforce: { calls: sfCalls, bulkJobs, collectionsCalls: collections, per1000: per1000(sfCalls), goal: GOALS.salesforcePer1000, met: per1000(sfCalls) <= GOALS.salesforcePer1000 },
      emulators: { marketoRateLimit: '100 calls / 20 s', marketoLatencyMs: 20, salesforceLatencyMs: 20, salesforceBulkProcessingMs: 500 },
    });
  } finally {
    await world.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
