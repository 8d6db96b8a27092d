/**
 * csv-invite: a 100,000-row CSV through the invitation import on PGlite — the bare parser on the
 * same bytes (its ceiling), the preview (POST /api/v1/invitations/csv) and the commit (users,
 * teams, invitations and queued e-mails in batches). Goal: preview ≤ 1 s, commit ≤ 10 s; the
 * e-mails leave afterwards through the queue at the account's send rate.
 *
 *   node --import tsx scripts/bench/csv-invite.ts [rows]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { loadConfig } from '../../service/src/platform/config.js';
import { openDatabase } from '../../service/src/platform/database.js';
import { createRuntime } from '../../service/src/runtime.js';
import { Mailbox } from '../../service/src/sandbox/mailbox.js';
import { decodeCsvBytes, detectDelimiter, parseCsv } from '../../service/src/invitations/csv.js';
import { createActiveAccount } from '../../service/test/helpers/accounts.js';
import type { TestRuntime } from '../../service/test/helpers/runtime.js';
import { printTable, progress, progressDone, writeResults } from './lib.js';

const ROWS = Number(process.argv[2] ?? 100_000);
const PARSER_RUNS = 5;
const GOALS = { previewMs: 1000, commitMs: 10_000 };

/** A Dutch Excel export: BOM, semicolons, some quoted names, five teams, one admin in fifty. */
function makeCsv(rows: number): Buffer {
  const teams = ['Verkoop', 'Support', 'Marketing', 'Binnendienst', 'Buitendienst'];
  const lines = ['E-mailadres;Voornaam;Achternaam;Rol;Team'];
  for (let i = 0; i < rows; i += 1) {
    const last = i % 7 === 0 ? `"van der Berg; ${i}"` : `Jansen${i}`;
    lines.push(`medewerker.${i}@voorbeeld.nl;Voornaam${i};${last};${i % 50 === 0 ? 'Beheerder' : 'Gebruiker'};${teams[i % teams.length]}`);
  }
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main() {
  progress(`Generating a ${ROWS.toLocaleString('en-US')}-row CSV…`);
  const bytes = makeCsv(ROWS);
  const text = bytes.toString('utf8');
  progressDone();
  console.log(`CSV: ${ROWS.toLocaleString('en-US')} rows, ${(bytes.length / 1024 / 1024).toFixed(2)} MB (UTF-8 with BOM, semicolons)`);

  // The ceiling: decoding and parsing the same bytes with nothing else around them.
  const parserTimes: number[] = [];
  for (let run = 1; run <= PARSER_RUNS; run += 1) {
    progress(`Bare parser, run ${run}/${PARSER_RUNS}…`);
    const started = performance.now();
    const decoded = decodeCsvBytes(bytes);
    const parsed = parseCsv(decoded.text, detectDelimiter(decoded.text));
    parserTimes.push(performance.now() - started);
    if (parsed.rows.length !== ROWS + 1) throw new Error(`The parser found ${parsed.rows.length} records, expected ${ROWS + 1}`);
  }
  progressDone();
  const parserMs = median(parserTimes);

  progress('Starting the service on an in-memory PGlite…');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-bench-csv-'));
  const mailbox = await Mailbox.start({ capacity: 200 });
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', SANDBOX: 'false', PORT: '0', SMTP_URL: mailbox.url });
  const database = await openDatabase({});
  const silent = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const base = await createRuntime(config, { database, logStream: silent });
  const runtime: TestRuntime = { ...base, mailbox, dataDir, logs: Object.assign(silent, { lines: [], text: '' }) as unknown as TestRuntime['logs'] };
  try {
    const account = await createActiveAccount(runtime, { orgName: 'Bench Co' });
    // MSI's default is 100 seats; the benchmark is about 100,000 people, so the account gets room for them.
    await database.db.updateTable('accounts').set({ seat_limit: ROWS + 10 }).where('id', '=', account.accountId).execute();
    progressDone();

    progress(`Preview: POST /api/v1/invitations/csv with ${(bytes.length / 1024 / 1024).toFixed(1)} MB…`);
    const previewStarted = performance.now();
    const previewRes = await runtime.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/csv',
      headers: account.auth,
      payload: { fileName: 'medewerkers.csv', content: text },
    });
    const previewMs = performance.now() - previewStarted;
    if (previewRes.statusCode !== 200) throw new Error(`Preview failed: ${previewRes.statusCode} ${previewRes.body.slice(0, 500)}`);
    const preview = previewRes.json();
    progressDone();
    console.log(`Preview: ${previewMs.toFixed(0)} ms — ${preview.rowCount} rows, encoding ${preview.encoding}, delimiter "${preview.delimiter}", ${preview.problemCount} problems`);

    progress(`Commit: inviting ${ROWS.toLocaleString('en-US')} people…`);
    const commitStarted = performance.now();
    const commitRes = await runtime.app.inject({
      method: 'POST',
      url: `/api/v1/invitations/csv/${preview.uploadId}/commit`,
      headers: account.auth,
      payload: { mapping: preview.mapping, createMissingTeams: true },
    });
    const commitMs = performance.now() - commitStarted;
    if (commitRes.statusCode !== 200) throw new Error(`Commit failed: ${commitRes.statusCode} ${commitRes.body.slice(0, 500)}`);
    const commit = commitRes.json();
    progressDone();
    console.log(`Commit: ${commitMs.toFixed(0)} ms — ${commit.message}`);

    const [users, invitations, releaseJobs] = await Promise.all([
      database.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', account.accountId).executeTakeFirstOrThrow(),
      database.db.selectFrom('invitations').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', account.accountId).executeTakeFirstOrThrow(),
      database.executor.executeSql(`select count(*)::int as n, max(start_after) - min(start_after) as spread from pgboss.job where name = 'invitations.release'`),
    ]);
    const jobs = releaseJobs.rows[0] as { n: number; spread: { minutes?: number; hours?: number; seconds?: number } | string };
    if (commit.counts.invited !== ROWS || Number(users.n) !== ROWS + 1) {
      throw new Error(`Expected ${ROWS} invited users, got ${commit.counts.invited} (users: ${users.n})`);
    }

    // The queue, not the commit, sends: show the first e-mails arriving.
    progress('Waiting for the first invitation e-mails from the queue…');
    const firstMailStarted = performance.now();
    await mailbox.waitFor((m) => m.to.some((to) => to.startsWith('medewerker.')), 60_000);
    const firstMailMs = performance.now() - firstMailStarted;
    progressDone();

    const rows = [
      { step: 'bare parser (decode + detect + parse)', ms: parserMs, 'rows/s': Math.round(ROWS / (parserMs / 1000)), goal: '', met: '' },
      { step: 'preview (HTTP, parse, map, check, store)', ms: previewMs, 'rows/s': Math.round(ROWS / (previewMs / 1000)), goal: `≤ ${GOALS.previewMs} ms`, met: previewMs <= GOALS.previewMs ? 'yes' : 'NO' },
      { step: 'commit (users, teams, invitations, queue)', ms: commitMs, 'rows/s': Math.round(ROWS / (commitMs / 1000)), goal: `≤ ${GOALS.commitMs} ms`, met: commitMs <= GOALS.commitMs ? 'yes' : 'NO' },
    ];
    printTable(`csv-invite: ${ROWS.toLocaleString('en-US')} rows, ${(bytes.length / 1024 / 1024).toFixed(2)} MB, PGlite`, rows);
    console.log(`Parser share of the preview: ${((parserMs / previewMs) * 100).toFixed(0)} %. Invitations: ${invitations.n}; release jobs queued: ${jobs.n}; first e-mail ${firstMailMs.toFixed(0)} ms after the commit returned.`);
    writeResults('csv-invite', {
      rows: ROWS,
      bytes: bytes.length,
      database: 'pglite',
      parser: { medianMs: parserMs, runs: parserTimes, rowsPerSecond: Math.round(ROWS / (parserMs / 1000)) },
      preview: { ms: previewMs, rowsPerSecond: Math.round(ROWS / (previewMs / 1000)), goalMs: GOALS.previewMs, met: previewMs <= GOALS.previewMs },
      commit: { ms: commitMs, rowsPerSecond: Math.round(ROWS / (commitMs / 1000)), goalMs: GOALS.commitMs, met: commitMs <= GOALS.commitMs, counts: commit.counts },
      queue: { invitations: Number(invitations.n), releaseJobs: jobs.n, firstMailAfterCommitMs: firstMailMs },
    });
  } finally {
    await base.close();
    await database.close();
    await mailbox.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
