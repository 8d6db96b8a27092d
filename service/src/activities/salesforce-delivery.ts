/**
 * Delivery to Salesforce: one Task per activity through sObject Collections (≤ 200 per call), or a
 * Bulk API 2.0 ingest job when an account's backlog passes 2,000. Before anything whose earlier
 * attempt may have landed is sent again, Salesforce is asked for Tasks with its exact subject (the
 * subject ends in the activity's SIA marker), or the bulk job it went into is read.
 */
import type { Connection } from 'jsforce';
import type { Logger } from '../platform/logger.js';
import { classifySalesforceError, salesforceErrorCode } from '../salesforce/errors.js';
import { SalesforceConnectionError, type SalesforceConnections } from '../salesforce/connections.js';
import type { ClaimedDelivery, DeliveryError, Outbox } from './outbox.js';
import type { TaskPayload, TaskValue } from './salesforce-task.js';
import { backoffMs, CallTimeout, sleep, withTimeout, type DeliveryTuning } from './tuning.js';

interface SaveResult {
  id?: string | null;
  success: boolean;
  errors?: Array<{ statusCode?: string; message?: string; fields?: string[] }>;
}

interface IngestJob {
  id: string;
  state: 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  numberRecordsProcessed?: number;
  errorMessage?: string;
}

const NETWORK = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR_\w+|CALL_TIMEOUT|SERVER_UNAVAILABLE|ERROR_HTTP_5\d\d)$/;

/** A request that failed this way may still have been carried out by Salesforce. */
function mayHaveWritten(error: unknown, code: string): boolean {
  if (error instanceof CallTimeout) return true;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return NETWORK.test(code) || (typeof cause === 'string' && NETWORK.test(cause));
}

const soqlString = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function csvCell(value: TaskValue | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export class SalesforceDelivery {
  /** Task fields of each account's org (for the optional MSI fields), read at most hourly. */
  private readonly taskFields = new Map<string, { fields: Set<string>; at: number }>();

  constructor(
    private readonly outbox: Outbox,
    private readonly connections: () => SalesforceConnections,
    private readonly log: Logger,
    private readonly tuning: DeliveryTuning,
  ) {}

  private async fieldsOf(accountId: string, connection: Connection): Promise<Set<string>> {
    const cached = this.taskFields.get(accountId);
    if (cached && Date.now() - cached.at < 60 * 60_000) return cached.fields;
    const describe = await withTimeout(connection.sobject('Task').describe(), this.tuning.callTimeoutMs, 'Salesforce Task describe');
    const fields = new Set(describe.fields.filter((f) => f.createable).map((f) => f.name.toLowerCase()));
    this.taskFields.set(accountId, { fields, at: Date.now() });
    return fields;
  }

  /** The record sent: the frozen fields, plus those optional MSI fields the org has. */
  private record(payload: TaskPayload, fields: Set<string>): Record<string, TaskValue> {
    const out: Record<string, TaskValue> = {};
    for (const [k, v] of Object.entries(payload.fields)) if (v !== null) out[k] = v;
    for (const [k, v] of Object.entries(payload.extras)) if (v !== null && fields.has(k.toLowerCase())) out[k] = v;
    return out;
  }

  private async settleError(rows: ClaimedDelivery[], error: unknown): Promise<void> {
    const ids = rows.map((r) => r.id);
    if (error instanceof SalesforceConnectionError) return this.outbox.failed(ids, { code: error.code, message: error.message, hint: error.message });
    const c = classifySalesforceError(error);
    const unknown = mayHaveWritten(error, c.code);
    if (c.action === 'fix' && !unknown) return this.outbox.failed(ids, { code: c.code, message: c.message, hint: c.hint });
    const exhausted = rows.filter((r) => r.attempts >= this.tuning.maxAttempts);
    await this.outbox.failed(
      exhausted.map((r) => r.id),
      { code: c.code, message: c.message, hint: `Salesforce kept answering ${c.code} after ${this.tuning.maxAttempts} attempts; retry from Diagnostics once Salesforce answers again.` },
    );
    const rest = rows.filter((r) => r.attempts < this.tuning.maxAttempts);
    const attempts = Math.max(1, ...rest.map((r) => r.attempts));
    // The daily API limit frees up slowly: Salesforce's own wait, not the short backoff.
    const delayMs = unknown ? this.tuning.settleMs : c.code === 'REQUEST_LIMIT_EXCEEDED' && c.action === 'retry' ? c.retryAfterMs : backoffMs(this.tuning, attempts);
    await this.outbox.retry(
      rest.map((r) => r.id),
      { code: c.code, message: c.message },
      { delayMs, unknown },
    );
  }

  /** Tasks that already exist with these rows' subjects (each ends in its own SIA marker). */
  private async findExisting(connection: Connection, rows: ClaimedDelivery[]): Promise<Map<string, string>> {
    const bySubject = new Map(rows.map((r) => [String((r.payload as unknown as TaskPayload).fields.Subject), r.id]));
    const found = new Map<string, string>();
    const subjects = [...bySubject.keys()];
    // Short query texts keep the GET URL well within Salesforce's limits.
    for (let i = 0; i < subjects.length; ) {
      const chunk: string[] = [];
      let length = 0;
      while (i < subjects.length && (chunk.length === 0 || length + subjects[i]!.length < 4000)) {
        length += subjects[i]!.length + 4;
        chunk.push(subjects[i++]!);
      }
      const soql = `SELECT Id, Subject FROM Task WHERE Subject IN (${chunk.map(soqlString).join(', ')})`;
      const query = connection.query<{ Id: string; Subject: string }>(soql, { autoFetch: true, maxFetch: 10_000 });
      const result = await withTimeout(Promise.resolve(query.execute()), this.tuning.callTimeoutMs, 'Salesforce query');
      for (const task of result.records) {
        const id = bySubject.get(task.Subject);
        if (id && !found.has(id)) found.set(id, task.Id);
      }
    }
    return found;
  }

  /** Delivers a claimed batch (≤ 200, or a bulk batch); settles every row before returning. */
  async deliver(accountId: string, rows: ClaimedDelivery[], bulk: boolean): Promise<void> {
    let connection: Connection;
    let fields: Set<string>;
    try {
      connection = await this.connections().connectionFor(accountId);
      fields = await this.fieldsOf(accountId, connection);
    } catch (error) {
      return this.settleError(rows, error);
    }
    let pending = rows;
    const inJobs = rows.filter((r) => r.bulkJobId !== null);
    if (inJobs.length > 0) {
      for (const jobId of new Set(inJobs.map((r) => r.bulkJobId!))) {
        await this.resolveJob(connection, jobId, inJobs.filter((r) => r.bulkJobId === jobId));
      }
      pending = pending.filter((r) => r.bulkJobId === null);
    }
    const unknown = pending.filter((r) => r.outcomeUnknown);
    if (unknown.length > 0) {
      try {
        const found = await this.findExisting(connection, unknown);
        await this.outbox.delivered([...found].map(([id, remoteId]) => ({ id, remoteId })));
        pending = pending.filter((r) => !found.has(r.id));
      } catch (error) {
        // Still unknown: only a completed search may lead to a second write.
        await this.outbox.retry(
          unknown.map((r) => r.id),
          { code: salesforceErrorCode(error).code, message: salesforceErrorCode(error).message },
          { delayMs: backoffMs(this.tuning, unknown[0]!.attempts), unknown: true },
        );
        pending = pending.filter((r) => !r.outcomeUnknown);
      }
    }
    if (pending.length === 0) return;
    if (bulk && pending.length > this.tuning.salesforceBatch) return this.sendBulk(connection, pending, fields);
    for (let i = 0; i < pending.length; i += this.tuning.salesforceBatch) await this.sendCollection(connection, pending.slice(i, i + this.tuning.salesforceBatch), fields);
  }

  private async sendCollection(connection: Connection, rows: ClaimedDelivery[], fields: Set<string>): Promise<void> {
    const records = rows.map((r) => ({ attributes: { type: 'Task' }, ...this.record(r.payload as unknown as TaskPayload, fields) }));
    let results: SaveResult[];
    try {
      results = await withTimeout(connection.requestPost<SaveResult[]>('/composite/sobjects', { allOrNone: false, records }), this.tuning.callTimeoutMs, 'Salesforce sObject Collections');
    } catch (error) {
      return this.settleError(rows, error);
    }
    await this.settleResults(
      rows.map((row, n) => ({ row, result: results[n] })),
      false,
    );
  }

  /** Per-record answers (Collections SaveResults or bulk result rows) into delivered, retry or failed. */
  private async settleResults(items: Array<{ row: ClaimedDelivery; result: SaveResult | undefined }>, missingMayHaveWritten: boolean): Promise<void> {
    const delivered: Array<{ id: string; remoteId: string | null }> = [];
    const failures = new Map<string, { error: DeliveryError; ids: string[] }>();
    const retries = new Map<string, { error: DeliveryError; rows: ClaimedDelivery[]; unknown: boolean }>();
    for (const { row, result } of items) {
      if (result?.success && result.id) {
        delivered.push({ id: row.id, remoteId: result.id });
        continue;
      }
      if (!result) {
        const key = missingMayHaveWritten ? 'unknown' : 'unprocessed';
        const entry = retries.get(key) ?? { error: { code: 'UNPROCESSED', message: 'Salesforce did not process this record' }, rows: [], unknown: missingMayHaveWritten };
        entry.rows.push(row);
        retries.set(key, entry);
        continue;
      }
      const first = result.errors?.[0] ?? { statusCode: 'UNKNOWN', message: 'Salesforce did not save the Task' };
      const c = classifySalesforceError({ statusCode: first.statusCode, message: first.message, fields: first.fields ?? [] });
      const payload = row.payload as unknown as TaskPayload;
      const fallback = typeof payload.fallbackOwnerId === 'string' ? payload.fallbackOwnerId : null;
      if (c.code === 'INACTIVE_OWNER_OR_USER' && fallback && payload.fields.OwnerId !== fallback) {
        // The rep's Salesforce user is inactive: the fallback owner from Customizations takes the Task.
        await this.outbox.replacePayload(row.id, { ...payload, fields: { ...payload.fields, OwnerId: fallback } });
        const entry = retries.get('owner') ?? { error: { code: c.code, message: c.message }, rows: [], unknown: false };
        entry.rows.push(row);
        retries.set('owner', entry);
        continue;
      }
      if (c.action === 'retry' && row.attempts < this.tuning.maxAttempts) {
        const entry = retries.get(c.code) ?? { error: { code: c.code, message: c.message }, rows: [], unknown: false };
        entry.rows.push(row);
        retries.set(c.code, entry);
        continue;
      }
      const hint = c.action === 'fix' ? c.hint : `Salesforce kept answering ${c.code}; retry from Diagnostics.`;
      const key = `${c.code}|${c.message}`;
      const entry = failures.get(key) ?? { error: { code: c.code, message: c.message, hint }, ids: [] };
      entry.ids.push(row.id);
      failures.set(key, entry);
    }
    await this.outbox.delivered(delivered);
    for (const [key, { error, rows, unknown }] of retries) {
      const delayMs = unknown ? this.tuning.settleMs : key === 'owner' || key === 'unprocessed' ? 0 : backoffMs(this.tuning, Math.max(...rows.map((r) => r.attempts)));
      await this.outbox.retry(
        rows.map((r) => r.id),
        error,
        { delayMs, unknown },
      );
    }
    for (const { error, ids } of failures.values()) await this.outbox.failed(ids, error);
  }

  // ------------------------------------------------------------------ Bulk API 2.0

  private async sendBulk(connection: Connection, rows: ClaimedDelivery[], fields: Set<string>): Promise<void> {
    const records = rows.map((r) => this.record(r.payload as unknown as TaskPayload, fields));
    const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
    const csv = [columns.join(','), ...records.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
    let job: IngestJob;
    try {
      job = await withTimeout(
        connection.requestPost<IngestJob>('/jobs/ingest', { object: 'Task', operation: 'insert', contentType: 'CSV', lineEnding: 'LF', columnDelimiter: 'COMMA' }),
        this.tuning.callTimeoutMs,
        'Salesforce Bulk API 2.0 job',
      );
    } catch (error) {
      // A job that may exist holds no data yet: nothing can have been written.
      const { code, message } = salesforceErrorCode(error);
      if (error instanceof CallTimeout || NETWORK.test(code)) {
        return this.outbox.retry(
          rows.map((r) => r.id),
          { code, message },
          { delayMs: backoffMs(this.tuning, rows[0]!.attempts), unknown: false },
        );
      }
      return this.settleError(rows, error);
    }
    // Recorded before the data goes up: after a crash the next attempt reads this job, never uploads again.
    await this.outbox.setBulkJob(
      rows.map((r) => r.id),
      job.id,
    );
    try {
      await withTimeout(
        connection.request({ method: 'PUT', url: `/jobs/ingest/${job.id}/batches`, body: csv, headers: { 'content-type': 'text/csv' } }),
        this.tuning.callTimeoutMs,
        'Salesforce Bulk API 2.0 upload',
      );
      await withTimeout(connection.requestPatch(`/jobs/ingest/${job.id}`, { state: 'UploadComplete' }), this.tuning.callTimeoutMs, 'Salesforce Bulk API 2.0 close');
    } catch (error) {
      this.log.warn({ err: error, jobId: job.id }, 'Bulk API 2.0 upload did not complete; the job is read on the next attempt');
      return this.outbox.retry(
        rows.map((r) => r.id),
        { code: salesforceErrorCode(error).code, message: salesforceErrorCode(error).message },
        { delayMs: backoffMs(this.tuning, rows[0]!.attempts), unknown: true },
      );
    }
    await this.resolveJob(connection, job.id, rows);
  }

  /**
   * Reads a bulk job the rows went into: waits for it to finish, then settles each row from the
   * result files (matched by subject). An upload that never closed is aborted and sent again.
   */
  private async resolveJob(connection: Connection, jobId: string, rows: ClaimedDelivery[]): Promise<void> {
    const ids = rows.map((r) => r.id);
    let job: IngestJob;
    const deadline = Date.now() + this.tuning.bulkWaitMs;
    let wait = 100;
    try {
      for (;;) {
        job = await withTimeout(connection.request<IngestJob>(`/jobs/ingest/${jobId}`), this.tuning.callTimeoutMs, 'Salesforce Bulk API 2.0 job status');
        if (job.state === 'JobComplete' || job.state === 'Failed') break;
        if (job.state === 'Aborted') {
          // An aborted job has no result files. Nothing processed: nothing was created, send again.
          // Otherwise some Tasks may exist (aborted mid-run): searched for before anything is resent.
          const processed = Number(job.numberRecordsProcessed ?? 0);
          await this.outbox.setBulkJob(ids, null);
          return this.outbox.retry(
            ids,
            { code: 'BULK_JOB_ABORTED', message: `Bulk job ${jobId} was aborted after ${processed} records; sent again` },
            processed === 0 ? { delayMs: 0, unknown: false } : { delayMs: this.tuning.settleMs, unknown: true },
          );
        }
        if (job.state === 'Open') {
          // Never closed as far as Salesforce has told us. A close that timed out on our side may
          // still land before the abort does, and then the job runs: so the job is aborted and read
          // again, and its processed count says whether anything can exist.
          await withTimeout(connection.requestPatch(`/jobs/ingest/${jobId}`, { state: 'Aborted' }), this.tuning.callTimeoutMs, 'Salesforce Bulk API 2.0 abort');
          continue;
        }
        if (Date.now() > deadline) {
          return this.outbox.retry(ids, { code: 'BULK_JOB_IN_PROGRESS', message: `Bulk job ${jobId} is still ${job.state}` }, { delayMs: 30_000, unknown: true });
        }
        await sleep(wait);
        wait = Math.min(this.tuning.bulkPollMaxMs, wait * 2);
      }
      const read = async (kind: 'successfulResults' | 'failedResults') =>
        (await withTimeout(connection.request<Record<string, string>[] | string>(`/jobs/ingest/${jobId}/${kind}`), this.tuning.callTimeoutMs, 'Salesforce Bulk API 2.0 results')) || [];
      const successful = await read('successfulResults');
      const failed = await read('failedResults');
      const bySubject = new Map<string, SaveResult>();
      for (const r of Array.isArray(successful) ? successful : []) bySubject.set(r.Subject ?? '', { id: r.sf__Id, success: true });
      for (const r of Array.isArray(failed) ? failed : []) {
        // sf__Error is "CODE:message:fields".
        const [code, ...rest] = String(r.sf__Error ?? '').split(':');
        bySubject.set(r.Subject ?? '', { success: false, errors: [{ statusCode: code || 'UNKNOWN', message: rest.join(':').replace(/:--$/, '') || String(r.sf__Error) }] });
      }
      await this.outbox.setBulkJob(ids, null);
      await this.settleResults(
        rows.map((row) => ({ row, result: bySubject.get(String((row.payload as unknown as TaskPayload).fields.Subject)) })),
        job.state !== 'JobComplete',
      );
    } catch (error) {
      const { code, message } = salesforceErrorCode(error);
      await this.outbox.retry(ids, { code, message }, { delayMs: backoffMs(this.tuning, rows[0]!.attempts), unknown: true });
    }
  }
}
