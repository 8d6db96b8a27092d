import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { centralDay } from './central-time.js';
import { CsvStreamParser, type CsvValue } from './csv.js';
import { MarketoError, RETRYABLE_CODES, TOKEN_CODES, UNCOUNTED_CODES } from './errors.js';
import { limiterFor, type LimiterOptions, type LimiterState, type MarketoLimiter, type SharedLimiterStore } from './limiter.js';
import { networkError, sharedTokens, type MarketoToken, type TokenCache } from './tokens.js';
import type {
  Activity,
  ActivityType,
  CustomActivityAttribute,
  CustomActivityInput,
  CustomActivityResult,
  CustomActivityType,
  CustomActivityTypeInput,
  Lead,
  LeadChange,
  LeadDescription2,
  LeadExportJob,
  LeadExportRequest,
  LeadFieldDescription,
  Page,
  SyncLeadResult,
} from './types.js';

export interface MarketoClientOptions {
  /** REST endpoint as Marketo shows it, e.g. https://123-ABC-456.mktorest.com/rest */
  restUrl: string;
  /** Identity endpoint, e.g. https://123-ABC-456.mktorest.com/identity */
  identityUrl: string;
  clientId: string;
  clientSecret: string;
  /** Overrides of the per-instance limiter (shared by every client of the instance in this process). */
  limits?: Partial<LimiterOptions>;
  /** The configured share of the instance's limits: used when this process's limiter of the instance is created. */
  defaultLimits?: Partial<LimiterOptions>;
  /** Shares the limits with other processes (see DatabaseLimiterStore). */
  sharedLimits?: SharedLimiterStore;
  /** A limiter of its own instead of the process-wide one (tests simulating several processes). */
  limiter?: MarketoLimiter;
  /** Sends after a throttle or 5xx before giving up. */
  maxRetries?: number;
  /** Called once per call Marketo counts against the daily quota (not for 601/602/604/605/608/611, 5xx or network failures). */
  onApiCall?: (info: { day: string; path: string }) => void;
  fetch?: typeof fetch;
  clock?: () => number;
  tokens?: TokenCache;
}

/** The REST and identity endpoints of a Munchkin id (the standard hosts). */
export function endpointsForMunchkin(munchkinId: string): { restUrl: string; identityUrl: string } {
  const id = munchkinId.trim();
  return { restUrl: `https://${id}.mktorest.com/rest`, identityUrl: `https://${id}.mktorest.com/identity` };
}

interface CallOptions {
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** The call may be sent again after an HTTP 5xx (when Marketo might have run it). */
  idempotent: boolean;
  /**
   * Gives up on an answer after this long, counted from the moment the request goes out (not while
   * it waits for a limiter slot): a write still queued behind the rate limit has certainly not run.
   */
  timeoutMs?: number;
}

interface Envelope {
  requestId?: string;
  success?: boolean;
  errors?: Array<{ code: string | number; message: string }>;
  warnings?: unknown[];
  result?: unknown[];
  nextPageToken?: string;
  moreResult?: boolean;
}

export interface MarketoUsage {
  day: string;
  callsToday: number;
  limiter: LimiterState;
}

export interface BulkReadOptions {
  /** Rows per yielded batch. */
  batchSize?: number;
  /** The job's Completed status; with it the file's length and SHA-256 are checked. */
  expected?: Pick<LeadExportJob, 'fileSize' | 'fileChecksum' | 'format'>;
  /** Range-resumes after a connection cut short. */
  maxResumes?: number;
}

export type BulkRow = Record<string, CsvValue>;

const MAX_URL = 7 * 1024;

export class MarketoClient {
  readonly restUrl: string;
  readonly identityUrl: string;
  readonly bulkUrl: string;
  readonly clientId: string;
  readonly limiter: MarketoLimiter;
  private readonly clientSecret: string;
  private readonly fetch: typeof fetch;
  private readonly clock: () => number;
  private readonly tokens: TokenCache;
  private readonly maxRetries: number;
  private readonly onApiCall?: MarketoClientOptions['onApiCall'];
  private readonly counts = new Map<string, number>();

  constructor(options: MarketoClientOptions) {
    this.restUrl = options.restUrl.replace(/\/+$/, '');
    this.identityUrl = options.identityUrl.replace(/\/+$/, '');
    // Bulk endpoints hang off the host, not off /rest.
    this.bulkUrl = this.restUrl.replace(/\/rest$/, '') + '/bulk';
    this.clientId = options.clientId.trim();
    this.clientSecret = options.clientSecret.trim();
    this.fetch = options.fetch ?? fetch;
    this.clock = options.clock ?? Date.now;
    this.tokens = options.tokens ?? sharedTokens;
    this.maxRetries = options.maxRetries ?? 6;
    this.onApiCall = options.onApiCall;
    this.limiter = options.limiter ?? limiterFor(new URL(this.restUrl).host, options.limits, options.sharedLimits, options.defaultLimits);
  }

  /** The current access token (renewed when less than 60 s are left). Not counted by Marketo. */
  token(): Promise<MarketoToken> {
    return this.tokens.get(this.identityUrl, this.clientId, this.clientSecret, this.fetch, this.clock);
  }

  /** Calls this client sent today (US Central day, as Marketo counts) and the instance limiter's state. */
  usage(): MarketoUsage {
    const day = centralDay(this.clock());
    return { day, callsToday: this.counts.get(day) ?? 0, limiter: this.limiter.state() };
  }

  private count(path: string): void {
    const day = centralDay(this.clock());
    this.counts.set(day, (this.counts.get(day) ?? 0) + 1);
    this.onApiCall?.({ day, path });
  }

  /**
   * One Marketo call with everything around it: limiter slot, token, retries. A 6xx answer means
   * Marketo did not run the call, so resending it after 601/602/606/615/… never repeats work.
   */
  private async call(method: 'GET' | 'POST', url: string, options: CallOptions): Promise<Envelope> {
    let tokenRetried = false;
    let attempt = 0;
    for (;;) {
      // The token first: a slot taken while the identity call runs would reach Marketo late and skew its window.
      await this.token();
      const release = await this.limiter.acquire();
      let token: MarketoToken;
      try {
        token = await this.token();
      } catch (error) {
        release();
        throw error;
      }
      let target = url;
      const headers: Record<string, string> = { Authorization: `Bearer ${token.accessToken}`, Accept: 'application/json' };
      let body: string | undefined;
      let sendMethod = method;
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) query.set(k, String(v));
      const qs = query.toString();
      if (method === 'GET' && url.length + qs.length + 1 > MAX_URL) {
        // Long GETs go as POST with _method=GET and the parameters form-encoded, as Marketo documents.
        sendMethod = 'POST';
        target = `${url}?_method=GET`;
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        body = qs;
      } else {
        if (qs) target = `${url}?${qs}`;
        if (options.json !== undefined) {
          headers['Content-Type'] = 'application/json';
          body = JSON.stringify(options.json);
        }
      }
      let response: Response;
      let text: string;
      const signal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
      try {
        response = await this.fetch(target, { method: sendMethod, headers, body, signal });
        text = await response.text();
      } catch (error) {
        release();
        const timedOut = signal?.aborted === true;
        if (!options.idempotent || attempt >= this.maxRetries) {
          if (timedOut) throw new MarketoError('TIMEOUT', `${new URL(url).pathname} did not answer within ${options.timeoutMs} ms`, { cause: error });
          throw networkError(error, new URL(url));
        }
        await sleep(this.limiter.backoff(attempt++));
        continue;
      }
      release();
      if (response.status >= 500) {
        if (!options.idempotent || attempt >= this.maxRetries) {
          throw new MarketoError('HTTP_ERROR', `HTTP ${response.status} from ${new URL(url).pathname}`, { httpStatus: response.status });
        }
        await sleep(this.limiter.backoff(attempt++));
        continue;
      }
      let envelope: Envelope;
      try {
        envelope = JSON.parse(text) as Envelope;
      } catch {
        throw new MarketoError(response.ok ? 'BAD_RESPONSE' : 'HTTP_ERROR', `HTTP ${response.status} from ${new URL(url).pathname}: ${text.slice(0, 200)}`, { httpStatus: response.status });
      }
      const first = envelope.errors?.[0];
      const code = envelope.success === false ? String(first?.code ?? 'BAD_RESPONSE') : null;
      if (code === null || !UNCOUNTED_CODES.has(code)) this.count(new URL(url).pathname);
      if (code === null) {
        this.limiter.succeeded();
        return envelope;
      }
      const message = first?.message ?? 'Marketo reported failure without an error';
      if (TOKEN_CODES.has(code) && !tokenRetried) {
        tokenRetried = true;
        this.tokens.invalidate(this.identityUrl, this.clientId, token.accessToken);
        continue;
      }
      if (code === '607') {
        const until = this.limiter.stopForQuota();
        throw new MarketoError('607', message, { requestId: envelope.requestId, retryAt: until });
      }
      if (RETRYABLE_CODES.has(code)) {
        this.limiter.throttled(code);
        // Marketo did not run a call it refused for load, so waiting longer is always safe.
        if (attempt >= (code === '606' || code === '615' ? this.maxRetries * 2 : this.maxRetries)) throw new MarketoError(code, message, { requestId: envelope.requestId });
        await sleep(this.limiter.backoff(attempt++));
        continue;
      }
      throw new MarketoError(code, message, { requestId: envelope.requestId });
    }
  }

  private rest(path: string): string {
    return `${this.restUrl}${path}`;
  }

  // --- lead database ---

  async describe(): Promise<LeadFieldDescription[]> {
    return (await this.call('GET', this.rest('/v1/leads/describe.json'), { idempotent: true })).result as LeadFieldDescription[];
  }

  async describe2(): Promise<LeadDescription2> {
    const result = (await this.call('GET', this.rest('/v1/leads/describe2.json'), { idempotent: true })).result as LeadDescription2[];
    return result[0]!;
  }

  async getLeads(params: { filterType: string; filterValues: Array<string | number>; fields?: string[]; batchSize?: number; nextPageToken?: string }): Promise<Page<Lead>> {
    const envelope = await this.call('GET', this.rest('/v1/leads.json'), {
      idempotent: true,
      query: {
        filterType: params.filterType,
        filterValues: params.filterValues.join(','),
        fields: params.fields?.join(','),
        batchSize: params.batchSize,
        nextPageToken: params.nextPageToken,
      },
    });
    return page<Lead>(envelope);
  }

  /** Every page of a filter. */
  async *iterateLeads(params: { filterType: string; filterValues: Array<string | number>; fields?: string[]; batchSize?: number }): AsyncGenerator<Lead[]> {
    let nextPageToken: string | undefined;
    do {
      const p = await this.getLeads({ ...params, nextPageToken });
      if (p.result.length > 0) yield p.result;
      nextPageToken = p.moreResult ? p.nextPageToken : undefined;
    } while (nextPageToken);
  }

  async syncLeads(params: { input: Lead[]; action?: 'createOnly' | 'updateOnly' | 'createOrUpdate' | 'createDuplicate'; lookupField?: string }): Promise<SyncLeadResult[]> {
    const envelope = await this.call('POST', this.rest('/v1/leads.json'), {
      json: params,
      idempotent: params.action !== 'createDuplicate',
    });
    return envelope.result as SyncLeadResult[];
  }

  // --- activities ---

  async getPagingToken(since: Date | string): Promise<string> {
    const sinceDatetime = typeof since === 'string' ? since : since.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const envelope = await this.call('GET', this.rest('/v1/activities/pagingtoken.json'), { idempotent: true, query: { sinceDatetime } });
    if (!envelope.nextPageToken) throw new MarketoError('BAD_RESPONSE', 'pagingtoken.json answered without nextPageToken');
    return envelope.nextPageToken;
  }

  async getLeadChanges(params: { nextPageToken: string; fields: string[]; leadIds?: number[]; listId?: number; batchSize?: number }): Promise<Page<LeadChange>> {
    const envelope = await this.call('GET', this.rest('/v1/activities/leadchanges.json'), {
      idempotent: true,
      query: {
        nextPageToken: params.nextPageToken,
        fields: params.fields.join(','),
        leadIds: params.leadIds?.join(','),
        listId: params.listId,
        batchSize: params.batchSize,
      },
    });
    return page<LeadChange>(envelope);
  }

  async getActivities(params: { nextPageToken: string; activityTypeIds: number[]; leadIds?: number[]; listId?: number; batchSize?: number }): Promise<Page<Activity>> {
    const envelope = await this.call('GET', this.rest('/v1/activities.json'), {
      idempotent: true,
      query: {
        nextPageToken: params.nextPageToken,
        activityTypeIds: params.activityTypeIds.join(','),
        leadIds: params.leadIds?.join(','),
        listId: params.listId,
        batchSize: params.batchSize,
      },
    });
    return page<Activity>(envelope);
  }

  async getDeletedLeads(params: { nextPageToken: string; batchSize?: number }): Promise<Page<Activity>> {
    const envelope = await this.call('GET', this.rest('/v1/activities/deletedleads.json'), { idempotent: true, query: params });
    return page<Activity>(envelope);
  }

  async getActivityTypes(): Promise<ActivityType[]> {
    return (await this.call('GET', this.rest('/v1/activities/types.json'), { idempotent: true })).result as ActivityType[];
  }

  async listCustomActivityTypes(): Promise<CustomActivityType[]> {
    return (await this.call('GET', this.rest('/v1/activities/external/types.json'), { idempotent: true })).result as CustomActivityType[];
  }

  async createCustomActivityType(input: CustomActivityTypeInput): Promise<CustomActivityType> {
    const result = (await this.call('POST', this.rest('/v1/activities/external/type.json'), { json: input, idempotent: false })).result as CustomActivityType[];
    return result[0]!;
  }

  async createCustomActivityTypeAttributes(apiName: string, attributes: CustomActivityAttribute[]): Promise<CustomActivityType> {
    const path = `/v1/activities/external/type/${encodeURIComponent(apiName)}/attributes/create.json`;
    const result = (await this.call('POST', this.rest(path), { json: { attributes }, idempotent: false })).result as CustomActivityType[];
    return result[0]!;
  }

  async describeCustomActivityType(apiName: string, draft = false): Promise<CustomActivityType> {
    const path = `/v1/activities/external/type/${encodeURIComponent(apiName)}/describe.json`;
    const result = (await this.call('GET', this.rest(path), { idempotent: true, query: { draft: draft ? 'true' : undefined } })).result as CustomActivityType[];
    return result[0]!;
  }

  async approveCustomActivityType(apiName: string): Promise<CustomActivityType> {
    const path = `/v1/activities/external/type/${encodeURIComponent(apiName)}/approve.json`;
    const result = (await this.call('POST', this.rest(path), { idempotent: false })).result as CustomActivityType[];
    return result[0]!;
  }

  /**
   * Adds up to 300 activities. Not resent after an HTTP 5xx or a `TIMEOUT` (`timeoutMs`, counted from
   * sending): Marketo may have added them.
   */
  async addCustomActivities(input: CustomActivityInput[], options: { timeoutMs?: number } = {}): Promise<CustomActivityResult[]> {
    return (await this.call('POST', this.rest('/v1/activities/external.json'), { json: { input }, idempotent: false, timeoutMs: options.timeoutMs })).result as CustomActivityResult[];
  }

  // --- bulk lead extract ---

  private bulk(path: string): string {
    return `${this.bulkUrl}/v1/leads/export${path}`;
  }

  async createLeadExport(request: LeadExportRequest): Promise<LeadExportJob> {
    return ((await this.call('POST', this.bulk('/create.json'), { json: request, idempotent: true })).result as LeadExportJob[])[0]!;
  }

  async enqueueLeadExport(exportId: string): Promise<LeadExportJob> {
    try {
      return ((await this.call('POST', this.bulk(`/${encodeURIComponent(exportId)}/enqueue.json`), { idempotent: true })).result as LeadExportJob[])[0]!;
    } catch (error) {
      // A resent enqueue whose first try got through: the job is queued, which is what was asked.
      if (error instanceof MarketoError && error.code === '1029' && /already queued/i.test(error.message)) return this.getLeadExportStatus(exportId);
      // Enqueued by an earlier try whose answer was lost (a crash, a cut connection), and already
      // further along: its status is what the caller needs.
      if (error instanceof MarketoError && error.code === '1003' && /cannot be enqueued/i.test(error.message)) return this.getLeadExportStatus(exportId);
      throw error;
    }
  }

  async getLeadExportStatus(exportId: string): Promise<LeadExportJob> {
    return ((await this.call('GET', this.bulk(`/${encodeURIComponent(exportId)}/status.json`), { idempotent: true })).result as LeadExportJob[])[0]!;
  }

  async cancelLeadExport(exportId: string): Promise<LeadExportJob> {
    return ((await this.call('POST', this.bulk(`/${encodeURIComponent(exportId)}/cancel.json`), { idempotent: true })).result as LeadExportJob[])[0]!;
  }

  async listLeadExports(status?: string[]): Promise<LeadExportJob[]> {
    return (await this.call('GET', this.bulk('.json'), { idempotent: true, query: { status: status?.join(',') } })).result as LeadExportJob[];
  }

  /** Polls status until the job is Completed (returned) or Failed/Cancelled (thrown). */
  async waitForLeadExport(exportId: string, options: { pollMs?: number; timeoutMs?: number } = {}): Promise<LeadExportJob> {
    const pollMs = options.pollMs ?? 60_000;
    const deadline = this.clock() + (options.timeoutMs ?? 6 * 3600_000);
    for (;;) {
      const job = await this.getLeadExportStatus(exportId);
      if (job.status === 'Completed') return job;
      if (job.status === 'Failed' || job.status === 'Cancelled' || job.status === 'Canceled') {
        throw new MarketoError('EXPORT_FAILED', `Export ${exportId} ended ${job.status}${job.errorMsg ? `: ${job.errorMsg}` : ''}`);
      }
      if (this.clock() > deadline) throw new MarketoError('EXPORT_FAILED', `Export ${exportId} still ${job.status} after the time allowed`);
      await sleep(pollMs);
    }
  }

  /**
   * Streams a finished export's file and yields its rows in batches, never holding the file. The
   * bytes are hashed as they pass; with `expected` the length and SHA-256 are checked at the end. A
   * connection cut short is resumed with a Range request from the byte reached, so no row is lost or
   * yielded twice.
   */
  async *readLeadExportFile(exportId: string, options: BulkReadOptions = {}): AsyncGenerator<BulkRow[]> {
    const batchSize = options.batchSize ?? 1000;
    const maxResumes = options.maxResumes ?? 3;
    const delimiter = options.expected?.format === 'TSV' ? '\t' : options.expected?.format === 'SSV' ? ' ' : ',';
    const parser = new CsvStreamParser(delimiter);
    const decoder = new TextDecoder('utf-8');
    const hash = createHash('sha256');
    const url = this.bulk(`/${encodeURIComponent(exportId)}/file.json`);
    let received = 0;
    let header: string[] | null = null;
    let resumes = 0;
    let attempt = 0;
    let tokenRetried = false;
    let batch: BulkRow[] = [];
    const records: CsvValue[][] = [];
    const total = options.expected?.fileSize;

    const drain = (): BulkRow[][] => {
      const out: BulkRow[][] = [];
      for (const cells of records) {
        if (!header) {
          header = cells.map((c) => c ?? 'null');
          continue;
        }
        const row: BulkRow = {};
        for (let i = 0; i < header.length; i++) row[header[i]!] = cells[i] ?? null;
        batch.push(row);
        if (batch.length >= batchSize) {
          out.push(batch);
          batch = [];
        }
      }
      records.length = 0;
      return out;
    };

    for (;;) {
      await this.token();
      const release = await this.limiter.acquire();
      let complete = false;
      try {
        const token = await this.token();
        const headers: Record<string, string> = { Authorization: `Bearer ${token.accessToken}` };
        if (received > 0) headers.Range = `bytes=${received}-`;
        let response: Response;
        try {
          response = await this.fetch(url, { headers });
        } catch (error) {
          throw networkError(error, new URL(url));
        }
        if (response.status >= 500) {
          await response.body?.cancel();
          if (attempt >= this.maxRetries) throw new MarketoError('HTTP_ERROR', `HTTP ${response.status} reading export ${exportId}`, { httpStatus: response.status });
          release();
          await sleep(this.limiter.backoff(attempt++));
          continue;
        }
        const type = response.headers.get('content-type') ?? '';
        if (type.includes('application/json')) {
          // Token refusals and throttling arrive as the JSON envelope, not as the file.
          const envelope = (await response.json()) as Envelope;
          const code = String(envelope.errors?.[0]?.code ?? 'BAD_RESPONSE');
          const message = envelope.errors?.[0]?.message ?? 'Unexpected JSON instead of the export file';
          if (!UNCOUNTED_CODES.has(code)) this.count(new URL(url).pathname);
          // As for every other call: a new token once, then the refusal is reported.
          if (TOKEN_CODES.has(code) && !tokenRetried) {
            tokenRetried = true;
            this.tokens.invalidate(this.identityUrl, this.clientId, token.accessToken);
            release();
            continue;
          }
          if (code === '607') throw new MarketoError('607', message, { retryAt: this.limiter.stopForQuota() });
          if (RETRYABLE_CODES.has(code) && attempt < this.maxRetries * 2) {
            this.limiter.throttled(code);
            release();
            await sleep(this.limiter.backoff(attempt++));
            continue;
          }
          throw new MarketoError(code, message);
        }
        this.count(new URL(url).pathname);
        // The token was taken: a later resume (hours on) may renew it once more for itself.
        tokenRetried = false;
        if (response.status === 404) throw new MarketoError('HTTP_ERROR', `Export file ${exportId} not available: ${await response.text()}`, { httpStatus: 404 });
        if (received > 0 && response.status !== 206) throw new MarketoError('BULK_FILE_INCOMPLETE', `Range request answered HTTP ${response.status}; cannot resume at byte ${received}`);
        if (!response.ok || !response.body) throw new MarketoError('HTTP_ERROR', `HTTP ${response.status} reading export ${exportId}`, { httpStatus: response.status });
        const reader = response.body.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            hash.update(value);
            received += value.length;
            parser.push(decoder.decode(value, { stream: true }), records);
            for (const full of drain()) yield full;
          }
          complete = total === undefined || received >= total;
        } catch (error) {
          if (!(error instanceof TypeError) && !isAbort(error)) throw error;
        } finally {
          reader.releaseLock();
        }
      } finally {
        release();
      }
      if (complete) break;
      if (total === undefined || resumes >= maxResumes) {
        throw new MarketoError('BULK_FILE_INCOMPLETE', `Export file ${exportId} ended after ${received} bytes${total === undefined ? '' : ` of ${total}`}`);
      }
      resumes++;
    }
    parser.push(decoder.decode(), records);
    parser.end(records);
    for (const full of drain()) yield full;
    if (batch.length > 0) yield batch;
    if (total !== undefined && received !== total) throw new MarketoError('BULK_FILE_INCOMPLETE', `Export file ${exportId} has ${received} bytes, status said ${total}`);
    const checksum = options.expected?.fileChecksum;
    if (checksum) {
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual.toLowerCase() !== checksum.toLowerCase()) throw new MarketoError('BULK_FILE_CHECKSUM', `Export file ${exportId} checksum ${actual} does not match ${checksum}`);
    }
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || /terminated|socket|ECONNRESET/i.test(error.message));
}

function page<T>(envelope: Envelope): Page<T> {
  return { result: (envelope.result ?? []) as T[], nextPageToken: envelope.nextPageToken, moreResult: envelope.moreResult === true };
}
