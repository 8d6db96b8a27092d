import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { salesUserAt } from '../../../emulators/shared/seed-people.js';
import { ACTIVITY_KINDS } from '../../src/activities/index.js';
import { addRep, marketoByMarker, startWorld, states, tasksByMarker, waitFor, type World } from './helpers.js';

/**
 * How many activities go through the faults: the 10,000 (about 45 s for this file alone on
 * PGlite or PostgreSQL on two cores). ACTIVITIES_FAULT_N sets a smaller number for quick local runs.
 */
const N = Number(process.env.ACTIVITIES_FAULT_N ?? 10_000);

describe(`${N} activities through faults in both emulators: none lost, none twice`, () => {
  let world: World;
  const rep = salesUserAt(11, 4);
  let people: number[];

  before(async () => {
    world = await startWorld({ people: 1500, tuning: { callTimeoutMs: 400, settleMs: 900 } });
    await addRep(world.runtime, world.account, rep);
    const rows = await world.runtime.database.db
      .selectFrom('persons')
      .select('marketo_id')
      .where('account_id', '=', world.account.accountId)
      .where((eb) => eb.or([eb('sfdc_contact_id', 'is not', null), eb('sfdc_lead_id', 'is not', null)]))
      .execute();
    people = rows.map((r) => Number(r.marketo_id));
  });
  after(() => world?.close());

  it('delivers every activity exactly once to Marketo and to Salesforce', { timeout: 300_000 }, async () => {
    const { marketo, salesforce, runtime, account } = world;
    // Marketo: 5xx on some calls, rate (606) and concurrency (615) refusals, expired tokens.
    marketo.knobs.errorRate = 0.05;
    marketo.burst606(4);
    marketo.burst615(4);
    // Salesforce: 503s, lock errors per record, expired sessions.
    salesforce.injectFault({ errorCode: 'SERVER_UNAVAILABLE', times: 3, path: /composite|jobs\/ingest/ });
    salesforce.injectFault({ errorCode: 'UNABLE_TO_LOCK_ROW', times: 150, object: 'Task' });

    const faults = (async () => {
      await sleep(300);
      salesforce.expireAccessTokens();
      marketo.expireTokensNow();
      // Timeouts after the write: both answer after the client gave up (400 ms), then write anyway.
      marketo.knobs.latencyMs = 700;
      salesforce.setLatency(700);
      await sleep(1500);
      marketo.knobs.latencyMs = 0;
      salesforce.setLatency(0);
      await sleep(1500);
      salesforce.expireAccessTokens();
      marketo.expireTokensNow();
      salesforce.injectFault({ errorCode: 'UNABLE_TO_LOCK_ROW', times: 100, object: 'Task' });
      marketo.burst606(3);
      marketo.knobs.latencyMs = 700;
      salesforce.setLatency(700);
      await sleep(1200);
      marketo.knobs.latencyMs = 0;
      salesforce.setLatency(0);
    })();

    const started = Date.now();
    const markers = new Set<string>();
    let next = 0;
    // Logged 200 at a time through the batch route (as Apex logs a campaign step's sends).
    const lanes = Array.from({ length: 4 }, async () => {
      while (next < N) {
        const from = next;
        next = Math.min(N, next + 200);
        const batch = [];
        for (let n = from; n < next; n++) {
          batch.push({
            idempotencyKey: `fault-${n}`,
            rep: { salesforceUserId: rep.id },
            person: { marketoId: people[n % people.length] },
            kind: ACTIVITY_KINDS[n % ACTIVITY_KINDS.length]!,
            attributes: { subject: `Fault run ${n}`, link: 'https://example.com', callStatus: 'completed', campaignName: `Campaign ${n % 7}` },
          });
        }
        const res = await runtime.app.inject({ method: 'POST', url: '/api/v1/activities/batch', headers: account.auth, payload: { activities: batch } });
        assert.equal(res.statusCode, 200, res.body);
        for (const r of res.json().results) {
          assert.equal(r.status, 201, JSON.stringify(r));
          markers.add(/\(SIA-(\w+)\)/.exec(r.activity.marker)![1]!);
        }
      }
    });
    await Promise.all(lanes);
    const loggedMs = Date.now() - started;
    await faults;
    const probe = setInterval(() => {
      void states(runtime, account.accountId).then((s) => process.env.ACTIVITIES_PROBE && console.log(Date.now() - started, JSON.stringify(s)));
    }, 2000);
    const final = await waitFor(
      'every delivery settled',
      async () => {
        const s = await states(runtime, account.accountId);
        return s['marketo.delivered'] === N && s['salesforce.delivered'] === N ? s : null;
      },
      240_000,
    ).catch(async (error: unknown) => {
      const diag = await runtime.app.inject({ method: 'GET', url: '/api/v1/diagnostics?pageSize=5', headers: account.auth });
      throw new Error(`${String(error)}\n${JSON.stringify(await states(runtime, account.accountId))}\n${diag.body}`);
    });
    clearInterval(probe);
    const deliveredMs = Date.now() - started;
    assert.equal(markers.size, N);

    const tasks = tasksByMarker(salesforce);
    const inMarketo = marketoByMarker(marketo);
    const twiceSf = [...tasks.values()].filter((t) => t.length > 1).length;
    const twiceMkto = [...inMarketo.values()].filter((a) => a.length > 1).length;
    const lostSf = [...markers].filter((m) => !tasks.has(m)).length;
    const lostMkto = [...markers].filter((m) => !inMarketo.has(m)).length;
    console.log(
      JSON.stringify({ N, loggedMs, deliveredMs, states: final, marketoCalls: marketo.calls.length, salesforceRequests: salesforce.requests().length, bulkJobs: salesforce.requests().filter((r) => r.method === 'POST' && r.url.endsWith('/jobs/ingest')).length }),
    );
    assert.deepEqual({ twiceSf, twiceMkto, lostSf, lostMkto }, { twiceSf: 0, twiceMkto: 0, lostSf: 0, lostMkto: 0 });
    assert.equal(tasks.size, N, 'the org holds exactly N Tasks with markers');
    assert.equal([...inMarketo.values()].reduce((s, a) => s + a.length, 0), N, 'Marketo holds exactly N custom activities');
    // The faults really happened: retries and outcome checks were needed.
    const codes = marketo.calls.map((c) => c.code).filter(Boolean);
    assert.ok(codes.some((c) => /^5\d\d$/.test(String(c))), 'Marketo answered 5xx');
    assert.ok(codes.includes('606') && codes.includes('602'), 'Marketo refused for rate and expired tokens');
    assert.ok(marketo.calls.some((c) => c.path.endsWith('/activities.json')), 'Marketo was searched after unknown outcomes');
    assert.ok(salesforce.requests().some((r) => r.url.includes('/query') && r.url.includes('Subject')), 'Salesforce was searched after unknown outcomes');
  });
});
