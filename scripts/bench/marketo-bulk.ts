/**
 * marketo-bulk: streaming a bulk lead export of 1,500,000 people (the MSI maximum) from the Marketo
 * emulator through the client's CSV parser, versus reading the same bytes with no parsing (the
 * ceiling), in one run. The emulator runs in a child process so it does not share our event loop.
 *
 * A fair comparison: the emulator writes the export file to disk once (bulkFileDir, as Marketo stores
 * an export's file) and serves both variants those same bytes from it, so neither waits on CSV being
 * generated in the other process. The variants alternate for --rounds rounds and the medians are
 * reported; the main figure is the reader's own CPU time per person (what parsing costs, whatever the
 * machine's load), next to wall-clock people/s, peak RSS and the ratio.
 *
 *   npm run bench -- marketo-bulk [--people 1500000] [--rounds 3]
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const FIELDS = ['id', 'firstName', 'lastName', 'email', 'company', 'title', 'phone', 'linkedInUrl', 'leadSource', 'sfdcLeadId', 'sfdcContactId', 'sfdcAccountId', 'sfdcOpptyId', 'sfdcLeadOwnerId'];

interface EmulatorInfo {
  restUrl: string;
  identityUrl: string;
  clientId: string;
  clientSecret: string;
}

async function serve(people: number): Promise<void> {
  const { startMarketoEmulator } = await import('../../emulators/marketo/index.js');
  const bulkFileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marketo-bulk-bench-'));
  const emulator = await startMarketoEmulator({
    people,
    seed: 1,
    bulkProcessingMs: 0,
    bulkFileDir,
    dailyExportBytes: Number.MAX_SAFE_INTEGER,
    rateLimit: 1_000_000,
    dailyQuota: 10_000_000,
  });
  const info: EmulatorInfo = { restUrl: emulator.restUrl, identityUrl: emulator.identityUrl, clientId: emulator.clientId, clientSecret: emulator.clientSecret };
  process.send!(info);
  process.on('disconnect', () =>
    void emulator.close().then(() => {
      fs.rmSync(bulkFileDir, { recursive: true, force: true });
      process.exit(0);
    }),
  );
}

function progress(message: string): void {
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${message}`);
  else console.log(message);
}

function progressDone(): void {
  if (process.stdout.isTTY) process.stdout.write('\n');
}

/** Samples this process's RSS while `run` works; returns the peak. */
async function withPeakRss<T>(run: () => Promise<T>): Promise<{ value: T; peakRss: number; cpuSeconds: number }> {
  let peak = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const value = await run();
    peak = Math.max(peak, process.memoryUsage().rss);
    const used = process.cpuUsage(cpu);
    return { value, peakRss: peak, cpuSeconds: (used.user + used.system) / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { people: { type: 'string', default: '1500000' }, rounds: { type: 'string', default: '3' } } });
  const people = Number(values.people);
  const rounds = Math.max(1, Number(values.rounds));
  const { MarketoClient } = await import('../../service/src/marketo/client.js');

  const child = fork(fileURLToPath(import.meta.url), ['--serve', String(people)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const info = await new Promise<EmulatorInfo>((resolve) => child.once('message', (m) => resolve(m as EmulatorInfo)));
  try {
    const client = new MarketoClient({ ...info, limits: { maxCalls: 1000, maxConcurrent: 5 } });
    console.log(`Marketo bulk export benchmark: ${people.toLocaleString('en-US')} people, ${FIELDS.length} fields`);
    const created = await client.createLeadExport({ fields: FIELDS, filter: { createdAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-01-31T00:00:00Z' } } });
    await client.enqueueLeadExport(created.exportId);
    const started = Date.now();
    let job = await client.getLeadExportStatus(created.exportId);
    while (job.status !== 'Completed') {
      if (job.status === 'Failed' || job.status === 'Cancelled') throw new Error(`export ${job.status}`);
      progress(`emulator writing the export file (size and checksum): ${job.status}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
      await new Promise((r) => setTimeout(r, 500));
      job = await client.getLeadExportStatus(created.exportId);
    }
    progressDone();
    console.log(`export ready: ${job.numberOfRecords?.toLocaleString('en-US')} records, ${mb(job.fileSize ?? 0)} MB, ${job.fileChecksum}`);

    const fileUrl = `${client.bulkUrl}/v1/leads/export/${created.exportId}/file.json`;
    const rawRead = () =>
      withPeakRss(async () => {
        const t0 = performance.now();
        const token = await client.token();
        const response = await fetch(fileUrl, { headers: { Authorization: `Bearer ${token.accessToken}` } });
        const reader = response.body!.getReader();
        let bytes = 0;
        let lines = 0;
        let last = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          bytes += value.length;
          // Counting newlines is the least a reader must do to know how many people went by.
          for (let i = value.indexOf(10); i >= 0; i = value.indexOf(10, i + 1)) lines++;
          if (performance.now() - last > 500) {
            last = performance.now();
            progress(`raw read: ${mb(bytes)} MB, ${(lines - 1).toLocaleString('en-US')} people`);
          }
        }
        progressDone();
        return { seconds: (performance.now() - t0) / 1000, bytes, rows: lines - 1, withOwner: 0 };
      });
    const parsedRead = () =>
      withPeakRss(async () => {
        const t0 = performance.now();
        let rows = 0;
        let last = 0;
        let withOwner = 0;
        for await (const batch of client.readLeadExportFile(created.exportId, { batchSize: 1000, expected: job })) {
          rows += batch.length;
          for (const row of batch) if (row.sfdcLeadOwnerId !== null) withOwner++;
          if (performance.now() - last > 500) {
            last = performance.now();
            progress(`client parser: ${rows.toLocaleString('en-US')} people`);
          }
        }
        progressDone();
        return { seconds: (performance.now() - t0) / 1000, bytes: job.fileSize ?? 0, rows, withOwner };
      });

    type Run = Awaited<ReturnType<typeof rawRead>>;
    const raws: Run[] = [];
    const parseds: Run[] = [];
    // Warm-up: one untimed raw read brings the stored file into the page cache for both variants.
    progress('warm-up read of the stored file');
    await rawRead();
    for (let round = 1; round <= rounds; round++) {
      // Alternating keeps a change of machine load from falling on one variant only.
      const order = round % 2 === 1 ? (['raw', 'parsed'] as const) : (['parsed', 'raw'] as const);
      for (const variant of order) {
        const run = variant === 'raw' ? await rawRead() : await parsedRead();
        if (run.value.rows !== people) throw new Error(`expected ${people} rows, ${variant} read ${run.value.rows}`);
        (variant === 'raw' ? raws : parseds).push(run);
        console.log(`round ${round}/${rounds} ${variant.padEnd(6)}: ${run.value.seconds.toFixed(2)} s, ${Math.round(people / run.value.seconds).toLocaleString('en-US')} people/s, CPU ${run.cpuSeconds.toFixed(2)} s`);
      }
    }
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };
    const fileBytes = raws[0]!.value.bytes;
    const summary = (name: string, runs: Run[]) => {
      const seconds = median(runs.map((r) => r.value.seconds));
      const cpu = median(runs.map((r) => r.cpuSeconds));
      return {
        run: name,
        people,
        'median s': seconds,
        'people/s': Math.round(people / seconds),
        'MB/s': mb(fileBytes) / seconds,
        'CPU µs/person': (cpu / people) * 1e6,
        'spread s': Math.max(...runs.map((r) => r.value.seconds)) - Math.min(...runs.map((r) => r.value.seconds)),
        'peak RSS MB': mb(Math.max(...runs.map((r) => r.peakRss))),
      };
    };
    const rows = [summary('raw bytes (ceiling)', raws), summary('client parser + sha256', parseds)];
    const ratio = rows[0]!['median s'] / rows[1]!['median s'];
    const cpuRatio = rows[0]!['CPU µs/person'] / rows[1]!['CPU µs/person'];
    const columns = Object.keys(rows[0]!);
    const cell = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2)) : v);
    const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(cell(r[c as keyof typeof r])).length)));
    const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ');
    console.log(`\nMarketo bulk export, ${people.toLocaleString('en-US')} people, ${mb(fileBytes)} MB, served from the file the emulator stored; medians of ${rounds} alternating rounds`);
    console.log(line(columns));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    for (const r of rows) console.log(line(columns.map((c) => String(cell(r[c as keyof typeof r])))));
    console.log(`\nparser throughput / raw throughput (wall clock): ${(ratio * 100).toFixed(1)} %`);
    console.log(`reader CPU per person: raw ${rows[0]!['CPU µs/person'].toFixed(2)} µs, parser ${rows[1]!['CPU µs/person'].toFixed(2)} µs (raw / parser: ${(cpuRatio * 100).toFixed(1)} %)`);
    const withOwner = parseds[0]!.value.withOwner;
    console.log(`people with a Salesforce owner (what the MSI sync keeps): ${withOwner.toLocaleString('en-US')}`);

    const dir = path.resolve('bench-results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'marketo-bulk.json');
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          benchmark: 'marketo-bulk',
          at: new Date().toISOString(),
          node: process.version,
          cpus: os.cpus().length,
          results: {
            people,
            fileBytes,
            fields: FIELDS,
            rounds,
            source: 'stored export file (bulkFileDir)',
            runs: rows,
            ratio,
            cpuRatio,
            perRound: { raw: raws.map((r) => ({ seconds: r.value.seconds, cpuSeconds: r.cpuSeconds, peakRss: r.peakRss })), parsed: parseds.map((r) => ({ seconds: r.value.seconds, cpuSeconds: r.cpuSeconds, peakRss: r.peakRss })) },
            withOwner,
          },
        },
        null,
        2,
      ),
    );
    console.log(`Results written to ${path.relative(process.cwd(), file)}`);
  } finally {
    child.disconnect();
  }
}

if (process.argv[2] === '--serve') await serve(Number(process.argv[3]));
else await main();
