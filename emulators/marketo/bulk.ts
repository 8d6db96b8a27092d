import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { LeadDatabase, Overlay } from './database.js';
import { isoSeconds } from './database.js';
import type { FieldValue } from './fields.js';

/**
 * Bulk lead extract jobs. By default a job's file is never stored: it is written twice from the same
 * frozen overlay, once while "Processing" to learn its size and SHA-256, once per download, byte for
 * byte the same. With `fileDir` the processing pass also stores it there (as Marketo keeps an export's
 * file for days) and downloads are served from that file.
 */

export type ExportStatus = 'Created' | 'Queued' | 'Processing' | 'Completed' | 'Failed' | 'Cancelled';

export interface ExportJob {
  exportId: string;
  format: 'CSV' | 'TSV' | 'SSV';
  status: ExportStatus;
  fields: string[];
  columnHeaderNames: Record<string, string>;
  filter: { field: 'createdAt' | 'updatedAt'; startMs: number; endMs: number };
  createdAt: number;
  queuedAt?: number;
  startedAt?: number;
  finishedAt?: number;
  numberOfRecords?: number;
  fileSize?: number;
  fileChecksum?: string;
  /** Frozen when processing starts. */
  overlay?: Overlay;
  /** The size/checksum pass has finished. */
  written?: boolean;
  /** The stored file, when the emulator stores export files (`fileDir`). */
  filePath?: string;
  /** Day (US Central) whose export allocation the job counted against. */
  day?: string;
}

const CHUNK_ROWS = 2000;

function delimiterOf(format: ExportJob['format']): string {
  return format === 'TSV' ? '\t' : format === 'SSV' ? ' ' : ',';
}

function cell(value: FieldValue | undefined, delimiter: string): string {
  if (value === null || value === undefined || value === '') return 'null';
  const s = String(value);
  if (s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r')) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** The export file as chunks of bytes, yielding to the event loop between chunks. */
export async function* exportFile(db: LeadDatabase, job: ExportJob, stats: { rows: number } = { rows: 0 }): AsyncGenerator<Buffer> {
  const overlay = job.overlay ?? db.overlay;
  const d = delimiterOf(job.format);
  const header = job.fields.map((f) => cell(job.columnHeaderNames[f] ?? f, d)).join(d) + '\n';
  let text = header;
  let rows = 0;
  for (const id of db.idsByDate(job.filter.field, job.filter.startMs, job.filter.endMs, overlay)) {
    const record = db.get(id, overlay);
    if (!record) continue;
    let line = '';
    for (let i = 0; i < job.fields.length; i++) {
      if (i > 0) line += d;
      line += cell(record[job.fields[i]!], d);
    }
    text += line + '\n';
    stats.rows = ++rows;
    if (rows % CHUNK_ROWS === 0) {
      yield Buffer.from(text, 'utf8');
      text = '';
      await yieldToLoop();
    }
  }
  if (text) yield Buffer.from(text, 'utf8');
}

export interface BulkLimits {
  maxProcessing: number;
  maxQueued: number;
  /** Minimum time a job spends in Processing. */
  processingMs: number;
  dailyExportBytes: number;
  /** Where finished export files are stored and served from; unset: generated again per download. */
  fileDir?: string;
}

export class BulkExports {
  readonly jobs = new Map<string, ExportJob>();
  private readonly usedBytes = new Map<string, number>();

  constructor(
    private readonly db: LeadDatabase,
    readonly limits: BulkLimits,
    private readonly today: () => string,
    private readonly clock: () => number = Date.now,
  ) {}

  create(spec: Omit<ExportJob, 'exportId' | 'status' | 'createdAt'>): ExportJob {
    const job: ExportJob = { ...spec, exportId: randomUUID(), status: 'Created', createdAt: this.clock() };
    this.jobs.set(job.exportId, job);
    return job;
  }

  quotaExceeded(): boolean {
    return (this.usedBytes.get(this.today()) ?? 0) >= this.limits.dailyExportBytes;
  }

  /** Bytes exported today (US Central day), the figure the 500 MB allocation is measured in. */
  bytesToday(): number {
    return (this.usedBytes.get(this.today()) ?? 0);
  }

  activeCount(): number {
    let n = 0;
    for (const job of this.jobs.values()) if (job.status === 'Queued' || job.status === 'Processing') n++;
    return n;
  }

  enqueue(job: ExportJob): void {
    job.status = 'Queued';
    job.queuedAt = this.clock();
    // A job is answered as Queued first; it starts on the next turn, when a slot is free.
    setImmediate(() => this.advance());
  }

  cancel(job: ExportJob): void {
    job.status = 'Cancelled';
    job.overlay = undefined;
    this.advance();
  }

  /** Deletes the stored files (on close). */
  removeFiles(): void {
    for (const job of this.jobs.values()) if (job.filePath) fs.rmSync(job.filePath, { force: true });
  }

  /** Moves jobs along: finished processing → Completed, free slots → next queued job. */
  advance(): void {
    const now = this.clock();
    for (const job of this.jobs.values()) {
      if (job.status === 'Processing' && job.written && now - (job.startedAt ?? now) >= this.limits.processingMs) {
        job.status = 'Completed';
        job.finishedAt = now;
        job.day = this.today();
        this.usedBytes.set(job.day, (this.usedBytes.get(job.day) ?? 0) + (job.fileSize ?? 0));
      }
    }
    let processing = 0;
    for (const job of this.jobs.values()) if (job.status === 'Processing') processing++;
    const queued = [...this.jobs.values()].filter((j) => j.status === 'Queued').sort((a, b) => (a.queuedAt ?? 0) - (b.queuedAt ?? 0));
    for (const job of queued) {
      if (processing >= this.limits.maxProcessing) break;
      processing++;
      job.status = 'Processing';
      job.startedAt = now;
      job.overlay = this.db.freeze();
      void this.write(job);
    }
  }

  private async write(job: ExportJob): Promise<void> {
    const hash = createHash('sha256');
    let size = 0;
    const stats = { rows: 0 };
    const filePath = this.limits.fileDir ? path.join(this.limits.fileDir, `${job.exportId}.${job.format.toLowerCase()}`) : undefined;
    const out = filePath ? fs.createWriteStream(filePath) : undefined;
    try {
      for await (const chunk of exportFile(this.db, job, stats)) {
        if (job.status !== 'Processing') {
          out?.destroy();
          return;
        }
        hash.update(chunk);
        size += chunk.length;
        if (out && !out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      if (out) {
        await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
        job.filePath = filePath;
      }
      job.fileSize = size;
      job.numberOfRecords = stats.rows;
      job.fileChecksum = `sha256:${hash.digest('hex')}`;
      job.written = true;
    } catch {
      out?.destroy();
      job.status = 'Failed';
    }
    const wait = Math.max(0, this.limits.processingMs - (this.clock() - (job.startedAt ?? 0)));
    setTimeout(() => this.advance(), wait).unref();
  }

  view(job: ExportJob, advance = true): Record<string, unknown> {
    if (advance) this.advance();
    const out: Record<string, unknown> = { exportId: job.exportId, format: job.format, status: job.status, createdAt: isoSeconds(job.createdAt) };
    if (job.queuedAt !== undefined) out.queuedAt = isoSeconds(job.queuedAt);
    if (job.startedAt !== undefined) out.startedAt = isoSeconds(job.startedAt);
    if (job.finishedAt !== undefined) out.finishedAt = isoSeconds(job.finishedAt);
    if (job.status === 'Completed') {
      out.numberOfRecords = job.numberOfRecords;
      out.fileSize = job.fileSize;
      out.fileChecksum = job.fileChecksum;
    }
    return out;
  }
}
