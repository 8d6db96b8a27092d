/**
 * sync: the initial load of 1,500,000 people (MSI's maximum) from the Marketo emulator through the
 * whole service (API start, pg-boss jobs, bulk export windows, streaming parse, batched upserts with
 * checkpoints), on PostgreSQL and on PGlite; then an incremental run of 10,000 changes. The ceiling
 * is the same person rows inserted straight into the same database in the same run. The emulator
 * runs in a child process so it does not share the service's event loop.
 *
 *   npm run bench -- sync [--people 1500000] [--changes 10000] [--window-days 3] [--only postgres|pglite]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { printTable, progress, progressDone, writeResults } from './lib.js';

interface EmulatorInfo {
  restUrl: string;
  identityUrl: string;
  clientId: string;
  clientSecret: string;
}

type ChildMessage = { change: number } | { stats: true };

async function serve(people: number): Promise<void> {
  const { startMarketoEmulator } = await import('../../emulators/marketo/index.js');
  const emulator = await startMarketoEmulator({
    people,
    seed: 1,
    bulkProcessingMs: 0,
    dailyExportBytes: Number.MAX_SAFE_INTEGER,
    rateLimit: 1_000_000,
    dailyQuota: 10_000_000,
  });
  process.on('message', (m: ChildMessage) => {
    if ('change' in m) {
      // Every 97th person with an owner gets a new title: Data Value Change activities, as Marketo logs them.
      const ids: number[] = [];
      for (let id = 1; ids.length < m.change && id <= people; id += 97) {
        const r = emulator.db.get(id);
        if (r?.sfdcLeadOwnerId) {
          emulator.changePerson(id, { title: `Bench title ${id}` });
          ids.push(id);
        }
      }
      process.send!({ changed: ids.length });
    } else {
      // Calls by method and path (export ids folded), to see where a load's calls go.
      const byPath: Record<string, number> = {};
      for (const c of emulator.calls) {
        const key = `${c.method} ${c.path.replace(/\/export\/[^/]+\//, '/export/{id}/')}${c.code ? ` (${c.code})` : ''}`;
        byPath[key] = (byPath[key] ?? 0) + 1;
      }
      process.send!({ stats: { ...emulator.stats(), byPath } });
    }
  });
  process.send!({
    restUrl: emulator.restUrl,
    identityUrl: emulator.identityUrl,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
  } satisfies EmulatorInfo);
  process.on('disconnect', () => void emulator.close().then(() => process.exit(0)));
}

function ask<T>(child: ChildProcess, message: ChildMessage, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', on);
        resolve(m[key] as T);
      }
    };
    child.on('message', on);
    child.send(message);
  });
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

interface Backend {
  name: 'postgres' | 'pglite';
  seconds: number;
  people: number;
  peoplePerSecond: number;
  marketoCalls: number;
  peoplePerCall: number;
  peakRssMb: number;
  ceilingSeconds: number;
  ceilingPerSecond: number;
  ratioToCeiling: number;
  incremental: { changes: number; seconds: number; marketoCalls: number; applied: number };
}

async function runBackend(
  name: Backend['name'],
  info: EmulatorInfo,
  child: ChildProcess,
  people: number,
  changes: number,
  windowDays: number,
): Promise<Backend> {
  const adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (name === 'postgres') process.env.DATABASE_URL = adminUrl;
  else delete process.env.DATABASE_URL;
  const { tuneSync } = await import('../../service/src/sync/tuning.js');
  const { limiterFor } = await import('../../service/src/marketo/limiter.js');
  const { startTestRuntime } = await import('../../service/test/helpers/runtime.js');
  const { createActiveAccount } = await import('../../service/test/helpers/accounts.js');
  const { sql } = await import('kysely');
  const { personAt } = await import('../../emulators/shared/seed-people.js');
  // Marketo's real waits (status at most once a minute) would only measure the clock; the emulator finishes at once.
  tuneSync({
    windowMs: windowDays * 86_400_000,
    pollMs: 200,
    inlineWaitMs: 600_000,
    superviseMs: 5000,
    pollingIntervalSeconds: 0.5,
    workQueues: true,
  });
  limiterFor(new URL(info.restUrl).host, { maxCalls: 100, windowMs: 20_000, maxConcurrent: 5 });
  const runtime = await startTestRuntime({ LOG_LEVEL: 'warn' });
  try {
    const account = await createActiveAccount(runtime);
    const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      runtime.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: { ...account.auth, 'x-msi-actor': 'bench' },
        ...(payload ? { payload } : {}),
      });
    const connected = await api('POST', '/connections/marketo', {
      restUrl: info.restUrl,
      identityUrl: info.identityUrl,
      clientId: info.clientId,
      clientSecret: info.clientSecret,
    });
    if (connected.statusCode !== 200) throw new Error(connected.body);
    await api('PUT', '/sync/settings', { intervalSeconds: 1 });
    const status = async () => (await api('GET', '/sync/status')).json();
    const callsBefore = (await status()).marketoCallsToday as number;

    console.log(
      `\n[${name}] initial load of ${people.toLocaleString('en-US')} people (${windowDays}-day createdAt windows)`,
    );
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    const t0 = performance.now();
    const started = await api('POST', '/sync/start');
    if (started.statusCode !== 202) throw new Error(started.body);
    let s = await status();
    let last = 0;
    while (s.phase !== 'incremental') {
      if (s.phase === 'failed') throw new Error(`sync failed: ${JSON.stringify(s.run.errors)}`);
      await new Promise((r) => setTimeout(r, 250));
      s = await status();
      if (performance.now() - last > 2000) {
        last = performance.now();
        const secs = (performance.now() - t0) / 1000;
        progress(
          `[${name}] ${secs.toFixed(0)} s: read ${s.run.counts.read.toLocaleString('en-US')}, windows ${s.run.windowsDone}/${s.run.windowsPlanned}, ${Math.round(s.run.counts.read / secs).toLocaleString('en-US')} people/s, RSS ${mb(process.memoryUsage().rss)} MB`,
        );
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    progressDone();
    // Quiet the incremental runs while the ceiling is measured.
    await api('POST', '/sync/pause');
    const loadCalls = ((await status()).marketoCallsToday as number) - callsBefore;
    const emulatorStats = await ask<{ byPath: Record<string, number> }>(child, { stats: true }, 'stats');
    console.log(`[${name}] Marketo calls by path: ${JSON.stringify(emulatorStats.byPath)}`);
    if (s.run.counts.read !== people) throw new Error(`read ${s.run.counts.read} of ${people}`);
    console.log(
      `[${name}] loaded in ${seconds.toFixed(1)} s: ${s.run.counts.inserted.toLocaleString('en-US')} people with an owner, ${s.run.counts.skipped.toLocaleString('en-US')} skipped, ${loadCalls} Marketo calls, peak RSS ${mb(peak)} MB`,
    );

    // The ceiling: the same rows, built in memory, inserted with one multi-row statement per batch into a copy of the table.
    const db = runtime.database.db;
    await sql`create table bench_ceiling (like persons including all)`.execute(db);
    const columns =
      'first_name, last_name, email, phone, company, title, linkedin_url, source, sfdc_lead_id, sfdc_contact_id, sfdc_account_id, sfdc_opportunity_id, owner_id, extra, marketo_created_at, marketo_updated_at';
    const recordType = sql.raw(
      `marketo_id bigint, ${columns
        .split(', ')
        .map((c) => `${c} ${c === 'extra' ? 'jsonb' : c.startsWith('marketo_') ? 'timestamptz' : 'text'}`)
        .join(', ')}`,
    );
    const c0 = performance.now();
    let batch: unknown[] = [];
    let inserted = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await sql`insert into bench_ceiling (account_id, marketo_id, ${sql.raw(columns)}) select ${account.accountId}::uuid, * from json_to_recordset(${JSON.stringify(batch)}::json) as t(${recordType})`.execute(
        db,
      );
      inserted += batch.length;
      batch = [];
    };
    for (let i = 0; i < people; i++) {
      const p = personAt(1, i);
      if (!p.sfdcLeadOwnerId) continue;
      batch.push({
        marketo_id: p.id,
        first_name: p.firstName,
        last_name: p.lastName,
        email: p.email,
        phone: p.phone,
        company: p.company,
        title: p.title,
        linkedin_url: p.linkedInUrl,
        source: p.leadSource,
        sfdc_lead_id: p.sfdcLeadId,
        sfdc_contact_id: p.sfdcContactId,
        sfdc_account_id: p.sfdcAccountId,
        sfdc_opportunity_id: p.sfdcOpptyId,
        owner_id: p.sfdcLeadOwnerId,
        extra: {},
        marketo_created_at: p.createdAt,
        marketo_updated_at: p.updatedAt,
      });
      if (batch.length >= 5000) {
        await flush();
        if (inserted % 100_000 < 5000) progress(`[${name}] ceiling: ${inserted.toLocaleString('en-US')} rows`);
      }
    }
    await flush();
    progressDone();
    const ceilingSeconds = (performance.now() - c0) / 1000;
    await sql`drop table bench_ceiling`.execute(db);
    console.log(`[${name}] ceiling: ${inserted.toLocaleString('en-US')} rows in ${ceilingSeconds.toFixed(1)} s`);

    // Incremental: changes made in Marketo, picked up by the next runs.
    await api('POST', '/sync/resume');
    const before = await status();
    const changed = await ask<number>(child, { change: changes }, 'changed');
    const i0 = performance.now();
    let applied = 0;
    for (;;) {
      const r = await sql<{
        n: number;
      }>`select count(*)::int as n from persons where account_id = ${account.accountId} and title like 'Bench title %'`.execute(
        db,
      );
      applied = Number(r.rows[0]?.n ?? 0);
      if (applied >= changed) break;
      if (performance.now() - i0 > 300_000) break;
      progress(
        `[${name}] incremental: ${applied.toLocaleString('en-US')} of ${changed.toLocaleString('en-US')} changes applied`,
      );
      await new Promise((r) => setTimeout(r, 250));
    }
    const incSeconds = (performance.now() - i0) / 1000;
    progressDone();
    const after = await status();
    const incCalls = (after.marketoCallsToday as number) - (before.marketoCallsToday as number);
    console.log(
      `[${name}] incremental: ${applied.toLocaleString('en-US')} of ${changed.toLocaleString('en-US')} changes in ${incSeconds.toFixed(1)} s, ${incCalls} Marketo calls`,
    );
    await api('POST', '/sync/pause');
    return {
      name,
      seconds,
      people,
      peoplePerSecond: Math.round(people / seconds),
      marketoCalls: loadCalls,
      peoplePerCall: Math.round(people / Math.max(1, loadCalls)),
      peakRssMb: mb(peak),
      ceilingSeconds,
      ceilingPerSecond: Math.round(inserted / ceilingSeconds),
      // The load writes only the people with an owner; the ceiling writes exactly those rows.
      ratioToCeiling: Math.round((ceilingSeconds / seconds) * 1000) / 10,
      incremental: { changes: changed, seconds: incSeconds, marketoCalls: incCalls, applied },
    };
  } finally {
    await runtime.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '1500000' },
      changes: { type: 'string', default: '10000' },
      'window-days': { type: 'string', default: '3' },
      only: { type: 'string' },
    },
  });
  const people = Number(values.people);
  const changes = Number(values.changes);
  const windowDays = Number(values['window-days']);
  const results: Backend[] = [];
  for (const name of ['postgres', 'pglite'] as const) {
    if (values.only && values.only !== name) continue;
    // A fresh emulator per backend: the incremental changes of one must not be in the other's load.
    const child = fork(fileURLToPath(import.meta.url), ['--serve', String(people)], {
      execArgv: ['--import', 'tsx'],
      stdio: 'inherit',
    });
    const info = await new Promise<EmulatorInfo>((resolve) => child.once('message', (m) => resolve(m as EmulatorInfo)));
    try {
      results.push(await runBackend(name, info, child, people, changes, windowDays));
    } finally {
      child.disconnect();
    }
  }
  const goal = (r: Backend) => (r.name === 'postgres' ? 60 : 120);
  printTable(
    `Sync initial load, ${people.toLocaleString('en-US')} people`,
    results.map((r) => ({
      backend: r.name,
      seconds: Math.round(r.seconds * 10) / 10,
      'goal s': goal(r),
      'people/s': r.peoplePerSecond,
      'Marketo calls': r.marketoCalls,
      'people/call': r.peoplePerCall,
      'peak RSS MB': r.peakRssMb,
      'ceiling s': Math.round(r.ceilingSeconds * 10) / 10,
      'ceiling rows/s': r.ceilingPerSecond,
      '% of ceiling': r.ratioToCeiling,
      'incr. changes': r.incremental.applied,
      'incr. s': Math.round(r.incremental.seconds * 10) / 10,
      'incr. calls': r.incremental.marketoCalls,
    })),
  );
  for (const r of results) {
    const met = [
      r.seconds <= goal(r) ? 'time ok' : 'time MISSED',
      r.peoplePerCall >= 3000 ? 'calls ok' : 'calls MISSED',
      r.ratioToCeiling >= 50 ? 'ceiling ok' : 'ceiling MISSED',
      r.name === 'postgres' ? (r.peakRssMb <= 512 ? 'memory ok' : 'memory MISSED') : 'memory (no goal)',
    ];
    console.log(`${r.name}: ${met.join(', ')}`);
  }
  writeResults('sync', {
    people,
    changes,
    windowDays,
    goals: {
      postgresSeconds: 60,
      pgliteSeconds: 120,
      peoplePerCall: 3000,
      postgresPeakRssMb: 512,
      percentOfCeiling: 50,
    },
    results,
  });
  process.exit(0);
}

if (process.argv[2] === '--serve') await serve(Number(process.argv[3]));
else await main();
