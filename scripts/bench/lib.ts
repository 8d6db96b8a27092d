import fs from 'node:fs';
import path from 'node:path';

/** Prints rows as an aligned table on the terminal. */
export function printTable(title: string, rows: Array<Record<string, string | number>>) {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] ?? {});
  const cell = (v: string | number | undefined) => (typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2)) : (v ?? ''));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(cell(r[c])).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\n${title}`);
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(columns.map((c) => String(cell(row[c])))));
  console.log('');
}

/** Writes a benchmark's figures to bench-results/<name>.json, with the machine they were measured on. */
export function writeResults(name: string, results: unknown) {
  const dir = path.resolve('bench-results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({ benchmark: name, at: new Date().toISOString(), node: process.version, cpus: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency, results }, null, 2),
  );
  console.log(`Results written to ${path.relative(process.cwd(), file)}`);
}

/** One line of progress that rewrites itself on a terminal, and plain lines elsewhere. */
export function progress(message: string) {
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${message}`);
  else console.log(message);
}
export function progressDone() {
  if (process.stdout.isTTY) process.stdout.write('\n');
}
