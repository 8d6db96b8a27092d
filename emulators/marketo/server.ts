import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BulkExports, exportFile } from './bulk.js';
import { LeadDatabase } from './database.js';
import type { LeadRecord } from './fields.js';
import { Handlers, type Answer, type Params } from './handlers.js';
import { ApiError, MESSAGES, UNCOUNTED_CODES, apiError, centralDayOf, requestId } from './protocol.js';

export interface MarketoClientCredentials {
  clientId: string;
  clientSecret: string;
  /** The API-only user, returned as `scope` by the identity endpoint. */
  scope?: string;
  /** The API role's permissions (Marketo's "Access API" group); all of them when not given. */
  permissions?: MarketoPermission[];
}

export type MarketoPermission = 'Read-Only Lead' | 'Read-Write Lead' | 'Read-Only Activity' | 'Read-Write Activity' | 'Read-Write Activity Metadata';

export interface MarketoEmulatorOptions {
  people?: number;
  seed?: number | string;
  /** Share of people with Salesforce records (see emulators/shared/seed-people.ts). */
  salesforceShare?: number;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  munchkinId?: string;
  clients?: MarketoClientCredentials[];
  tokenLifetimeSeconds?: number;
  rateLimit?: number;
  rateWindowMs?: number;
  concurrencyLimit?: number;
  dailyQuota?: number;
  latencyMs?: number;
  errorRate?: number;
  bulkProcessingMs?: number;
  bulkMaxProcessing?: number;
  bulkMaxQueued?: number;
  dailyExportBytes?: number;
  /**
   * Store each finished export's file in this directory and serve downloads from it (as Marketo keeps
   * export files), instead of generating the CSV again per download. Removed on close.
   */
  bulkFileDir?: string;
  maxCustomActivityTypes?: number;
  maxCustomAttributes?: number;
}

/** Settings a test may change while the emulator runs. */
export interface MarketoKnobs {
  tokenLifetimeSeconds: number;
  rateLimit: number;
  rateWindowMs: number;
  concurrencyLimit: number;
  dailyQuota: number;
  /** Added to every REST and bulk call while it counts as in flight. */
  latencyMs: number;
  /** Share (0..1) of calls answered with HTTP 500/502/503 instead of being served. */
  errorRate: number;
  /** When set, bulk file downloads are cut (socket destroyed) after this many bytes. */
  bulkFileCutAt: number | null;
}

export interface CallRecord {
  method: string;
  path: string;
  /** Marketo error code, HTTP status for HTTP-level failures, or null when served. */
  code: string | null;
  counted: boolean;
  at: number;
}

export interface MarketoEmulator {
  url: string;
  restUrl: string;
  identityUrl: string;
  munchkinId: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  knobs: MarketoKnobs;
  db: LeadDatabase;
  bulk: BulkExports;
  handlers: Handlers;
  /** Every call to /rest and /bulk, in arrival order. */
  calls: CallRecord[];
  stats(): { callsToday: number; inFlight: number; maxInFlight: number; identityCalls: number; exportBytesToday: number };
  /** The next n counted calls are answered 606 / 615. */
  burst606(n: number): void;
  burst615(n: number): void;
  /**
   * The next n calls with a valid token (only those to `path`, when given: an exact path or a
   * pattern) are answered with the response-level error `code` and Marketo's message for it,
   * instead of being run. Counted against the rate and quota unless the code is one Marketo exempts.
   */
  failNext(n: number, code: string, options?: { path?: string | RegExp; message?: string }): void;
  /** Every issued token is expired from now on (602), and the identity endpoint issues new ones. */
  expireTokensNow(): void;
  /** Uses up today's quota so that the next counted call gets 607. */
  exhaustQuota(): void;
  changePerson(id: number, fields: Partial<LeadRecord>): boolean;
  addPeople(countOrRecords: number | Array<Partial<LeadRecord>>): number[];
  deletePerson(id: number): boolean;
  close(): Promise<void>;
}

interface Token {
  clientId: string;
  expiresAt: number;
}

interface Fault {
  left: number;
  code: string;
  path?: string | RegExp;
  message?: string;
}

const IMPLIED: Record<MarketoPermission, MarketoPermission[]> = {
  'Read-Only Lead': ['Read-Only Lead', 'Read-Write Lead'],
  'Read-Write Lead': ['Read-Write Lead'],
  'Read-Only Activity': ['Read-Only Activity', 'Read-Write Activity'],
  'Read-Write Activity': ['Read-Write Activity'],
  'Read-Write Activity Metadata': ['Read-Write Activity Metadata'],
};

const MAX_URI = 8 * 1024;
const MAX_BODY = 1024 * 1024;
const MAX_BULK_BODY = 10 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(text);
  }
}

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, 'Request Entity Too Large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function formToParams(text: string, into: Params = {}): Params {
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = into[k];
    into[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return into;
}

export async function startMarketoEmulator(options: MarketoEmulatorOptions = {}): Promise<MarketoEmulator> {
  const seed = options.seed ?? 1;
  const munchkinId = options.munchkinId ?? '123-ABC-456';
  const clients = options.clients ?? [{ clientId: 'msi-sandbox-client', clientSecret: 'msi-sandbox-secret', scope: 'msi-actions-api@sandbox.example.com' }];
  const knobs: MarketoKnobs = {
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    rateLimit: options.rateLimit ?? 100,
    rateWindowMs: options.rateWindowMs ?? 20_000,
    concurrencyLimit: options.concurrencyLimit ?? 10,
    dailyQuota: options.dailyQuota ?? 50_000,
    latencyMs: options.latencyMs ?? 0,
    errorRate: options.errorRate ?? 0,
    bulkFileCutAt: null,
  };
  const db = new LeadDatabase({ seed, people: options.people ?? 1000, seedOptions: { salesforceShare: options.salesforceShare } });
  const today = () => centralDayOf(Date.now());
  const bulk = new BulkExports(
    db,
    {
      maxProcessing: options.bulkMaxProcessing ?? 2,
      maxQueued: options.bulkMaxQueued ?? 10,
      processingMs: options.bulkProcessingMs ?? 1000,
      dailyExportBytes: options.dailyExportBytes ?? 500 * 1024 * 1024,
      fileDir: options.bulkFileDir,
    },
    today,
  );
  const handlers = new Handlers(db, bulk, { maxCustomActivityTypes: options.maxCustomActivityTypes ?? 10, maxCustomAttributes: options.maxCustomAttributes ?? 20 });
  const random = mulberry(typeof seed === 'number' ? seed : seed.length * 7919);

  const tokens = new Map<string, Token>();
  const currentToken = new Map<string, string>();
  const window: number[] = [];
  const callsByDay = new Map<string, number>();
  const calls: CallRecord[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let identityCalls = 0;
  let bursts606 = 0;
  let bursts615 = 0;
  const faults: Fault[] = [];

  /** The first injected fault that applies to this path, used up by one. */
  function takeFault(path: string): Fault | null {
    const i = faults.findIndex((f) => f.left > 0 && (f.path === undefined || (typeof f.path === 'string' ? f.path === path : f.path.test(path))));
    if (i < 0) return null;
    const fault = faults[i]!;
    if (--fault.left === 0) faults.splice(i, 1);
    return fault;
  }

  /** Marketo's message for a refusal code; 606's names the limit and the window. */
  function refusalMessage(code: string): string {
    return code === '606' ? `Max rate limit '${knobs.rateLimit}' exceeded with in '${knobs.rateWindowMs / 1000}' secs` : (MESSAGES[code] ?? 'Error');
  }

  function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  function answer(res: http.ServerResponse, a: Answer): void {
    // Key order as Marketo sends it: requestId, result, success, then paging members.
    const body: Record<string, unknown> = { requestId: requestId() };
    if (a.result !== undefined) body.result = a.result;
    body.success = true;
    if (a.warnings !== undefined) body.warnings = a.warnings;
    if (a.nextPageToken !== undefined) body.nextPageToken = a.nextPageToken;
    if (a.moreResult !== undefined) body.moreResult = a.moreResult;
    json(res, 200, body);
  }

  function failure(res: http.ServerResponse, code: string, message: string): void {
    json(res, 200, { requestId: requestId(), success: false, errors: [{ code, message }] });
  }

  function issueToken(clientId: string): { token: string; remainingMs: number } {
    const now = Date.now();
    const existing = currentToken.get(clientId);
    const t = existing ? tokens.get(existing) : undefined;
    if (existing && t && t.expiresAt > now) return { token: existing, remainingMs: t.expiresAt - now };
    const token = `${randomUUID()}:ab`;
    const expiresAt = now + knobs.tokenLifetimeSeconds * 1000;
    tokens.set(token, { clientId, expiresAt });
    currentToken.set(clientId, token);
    return { token, remainingMs: expiresAt - now };
  }

  async function identity(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    identityCalls++;
    const params: Params = {};
    for (const [k, v] of url.searchParams) params[k] = v;
    if (req.method === 'POST') {
      const body = (await readBody(req, MAX_BODY)).toString('utf8');
      if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) formToParams(body, params);
    }
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      params.client_id ??= id;
      params.client_secret ??= secret;
    }
    const noStore = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
    if (params.grant_type !== 'client_credentials') {
      json(res, 400, { error: 'invalid_request', error_description: 'Missing grant type' }, noStore);
      return;
    }
    const client = clients.find((c) => c.clientId === params.client_id);
    if (!client) {
      json(res, 401, { error: 'unauthorized', error_description: `No client with requested id: ${String(params.client_id ?? '')}` }, noStore);
      return;
    }
    if (client.clientSecret !== params.client_secret) {
      json(res, 401, { error: 'invalid_client', error_description: 'Bad client credentials' }, noStore);
      return;
    }
    const { token, remainingMs } = issueToken(client.clientId);
    json(res, 200, { access_token: token, token_type: 'bearer', expires_in: Math.max(0, Math.ceil(remainingMs / 1000) - 1), scope: client.scope ?? `${client.clientId}@api.example.com` }, noStore);
  }

  function checkToken(req: http.IncomingMessage, url: URL): Token {
    const header = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const value = header?.[1] ?? url.searchParams.get('access_token');
    const token = value ? tokens.get(value.trim()) : undefined;
    if (!token) throw apiError('601');
    if (token.expiresAt <= Date.now()) throw apiError('602');
    return token;
  }

  /** Counts one call against the rate window and the day; returns the day's count before it. */
  function count(): number {
    const now = Date.now();
    while (window.length > 0 && window[0]! <= now - knobs.rateWindowMs) window.shift();
    const day = today();
    const used = callsByDay.get(day) ?? 0;
    window.push(now);
    callsByDay.set(day, used + 1);
    return used;
  }

  /** Admission as Marketo does it; the returned code is the refusal, null when admitted. */
  function admit(): string | null {
    // Refused 606/607/615 calls are not among the codes Marketo exempts, so they are counted too.
    const used = count();
    if (used >= knobs.dailyQuota) return '607';
    if (bursts615 > 0) {
      bursts615--;
      return '615';
    }
    if (inFlight >= knobs.concurrencyLimit) return '615';
    if (bursts606 > 0) {
      bursts606--;
      return '606';
    }
    if (window.length > knobs.rateLimit) return '606';
    return null;
  }

  /** The method the call asks for: POST with `?_method=GET` is a GET whose parameters are in the body. */
  function methodOf(req: http.IncomingMessage, url: URL): string {
    const method = req.method ?? 'GET';
    return method === 'POST' && url.searchParams.get('_method') === 'GET' ? 'GET' : method;
  }

  function parseParams(req: http.IncomingMessage, url: URL, isBulk: boolean, raw: Buffer): { params: Params; body: Record<string, unknown> | null } {
    const params: Params = {};
    for (const [k, v] of url.searchParams) {
      const prev = params[k];
      params[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    let body: Record<string, unknown> | null = null;
    if (req.method === 'POST') {
      const type = req.headers['content-type'] ?? '';
      const override = url.searchParams.get('_method');
      if (override === 'GET') {
        if (type.includes('application/x-www-form-urlencoded')) formToParams(raw.toString('utf8'), params);
        else if (raw.length > 0) throw apiError('612');
      } else if (raw.length > 0 || !isBulk) {
        if (!type.includes('application/json')) {
          if (raw.length === 0) body = {};
          else throw apiError('612');
        } else {
          try {
            const parsed: unknown = JSON.parse(raw.toString('utf8') || '{}');
            body = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
          } catch {
            throw apiError('609');
          }
        }
      } else {
        body = {};
      }
    }
    return { params, body };
  }

  type Route = { method: string; perm: MarketoPermission; pattern: RegExp; run: (m: RegExpExecArray, params: Params, body: Record<string, unknown>) => Answer | 'file' };
  const routes: Route[] = [
    { method: 'GET', perm: 'Read-Only Lead', pattern: /^\/rest\/v1\/leads\.json$/, run: (_m, p) => handlers.getLeads(p) },
    { method: 'POST', perm: 'Read-Write Lead', pattern: /^\/rest\/v1\/leads\.json$/, run: (_m, _p, b) => handlers.syncLeads(b) },
    { method: 'GET', perm: 'Read-Only Lead', pattern: /^\/rest\/v1\/leads\/describe\.json$/, run: () => handlers.describe() },
    { method: 'GET', perm: 'Read-Only Lead', pattern: /^\/rest\/v1\/leads\/describe2\.json$/, run: () => handlers.describe2() },
    { method: 'GET', perm: 'Read-Only Activity', pattern: /^\/rest\/v1\/activities\/types\.json$/, run: () => handlers.activityTypes() },
    { method: 'GET', perm: 'Read-Only Activity', pattern: /^\/rest\/v1\/activities\/pagingtoken\.json$/, run: (_m, p) => handlers.pagingToken(p) },
    { method: 'GET', perm: 'Read-Only Activity', pattern: /^\/rest\/v1\/activities\/leadchanges\.json$/, run: (_m, p) => handlers.leadChanges(p) },
    { method: 'GET', perm: 'Read-Only Activity', pattern: /^\/rest\/v1\/activities\.json$/, run: (_m, p) => handlers.activities(p) },
    { method: 'GET', perm: 'Read-Only Activity', pattern: /^\/rest\/v1\/activities\/deletedleads\.json$/, run: (_m, p) => handlers.deletedLeads(p) },
    { method: 'GET', perm: 'Read-Only Activity', pattern: /^\/rest\/v1\/activities\/external\/types\.json$/, run: () => handlers.customTypesList() },
    { method: 'POST', perm: 'Read-Write Activity Metadata', pattern: /^\/rest\/v1\/activities\/external\/type\.json$/, run: (_m, _p, b) => handlers.createCustomType(b) },
    { method: 'GET', perm: 'Read-Only Activity', pattern: /^\/rest\/v1\/activities\/external\/type\/([^/]+)\/describe\.json$/, run: (m, p) => handlers.describeCustomType(decodeURIComponent(m[1]!), p) },
    { method: 'POST', perm: 'Read-Write Activity Metadata', pattern: /^\/rest\/v1\/activities\/external\/type\/([^/]+)\/approve\.json$/, run: (m) => handlers.approveCustomType(decodeURIComponent(m[1]!)) },
    { method: 'POST', perm: 'Read-Write Activity Metadata', pattern: /^\/rest\/v1\/activities\/external\/type\/([^/]+)\/attributes\/create\.json$/, run: (m, _p, b) => handlers.createCustomAttributes(decodeURIComponent(m[1]!), b) },
    { method: 'POST', perm: 'Read-Write Activity', pattern: /^\/rest\/v1\/activities\/external\.json$/, run: (_m, _p, b) => handlers.addCustomActivities(b) },
    { method: 'POST', perm: 'Read-Only Lead', pattern: /^\/bulk\/v1\/leads\/export\/create\.json$/, run: (_m, _p, b) => handlers.createExport(b) },
    { method: 'POST', perm: 'Read-Only Lead', pattern: /^\/bulk\/v1\/leads\/export\/([^/]+)\/enqueue\.json$/, run: (m) => handlers.enqueueExport(m[1]!) },
    { method: 'GET', perm: 'Read-Only Lead', pattern: /^\/bulk\/v1\/leads\/export\/([^/]+)\/status\.json$/, run: (m) => handlers.exportStatus(m[1]!) },
    { method: 'POST', perm: 'Read-Only Lead', pattern: /^\/bulk\/v1\/leads\/export\/([^/]+)\/cancel\.json$/, run: (m) => handlers.cancelExport(m[1]!) },
    { method: 'GET', perm: 'Read-Only Lead', pattern: /^\/bulk\/v1\/leads\/export\/([^/]+)\/file\.json$/, run: () => 'file' },
    { method: 'GET', perm: 'Read-Only Lead', pattern: /^\/bulk\/v1\/leads\/export\.json$/, run: (_m, p) => handlers.listExports(p) },
  ];

  async function serveFile(req: http.IncomingMessage, res: http.ServerResponse, exportId: string): Promise<void> {
    bulk.advance();
    const job = bulk.jobs.get(exportId);
    if (!job || job.status !== 'Completed' || job.fileSize === undefined) {
      // Marketo answers an unknown or unfinished export's file with a plaintext 404.
      const text = job ? 'Export file not available' : 'Export id not found';
      res.writeHead(404, { 'Content-Type': 'text/plain;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    const size = job.fileSize;
    let start = 0;
    let end = size - 1;
    let status = 200;
    const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
    if (req.headers.range) {
      if (!range || (range[1] === '' && range[2] === '')) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` });
        res.end();
        return;
      }
      if (range[1] === '') {
        start = Math.max(0, size - Number(range[2]));
      } else {
        start = Number(range[1]);
        if (range[2] !== '') end = Math.min(end, Number(range[2]));
      }
      if (start > end || start >= size) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` });
        res.end();
        return;
      }
      status = 206;
    }
    const headers: Record<string, string | number> = { 'Content-Type': 'text/csv;charset=UTF-8', 'Accept-Ranges': 'bytes', 'Content-Length': end - start + 1 };
    if (status === 206) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    res.writeHead(status, headers);
    const cutAt = knobs.bulkFileCutAt;
    // A stored file is read from `start`; a generated one is generated from its first byte.
    const source: AsyncIterable<Buffer> = job.filePath ? fs.createReadStream(job.filePath, { start, end, highWaterMark: 256 * 1024 }) : exportFile(db, job);
    let offset = job.filePath ? start : 0;
    let sent = 0;
    for await (const chunk of source) {
      if (res.destroyed) return;
      const from = Math.max(0, start - offset);
      const to = Math.min(chunk.length, end - offset + 1);
      offset += chunk.length;
      if (to <= from) {
        if (offset > end) break;
        continue;
      }
      let piece = chunk.subarray(from, to);
      if (cutAt !== null && sent + piece.length > cutAt) {
        piece = piece.subarray(0, Math.max(0, cutAt - sent));
        if (piece.length > 0) res.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 20));
        res.destroy();
        return;
      }
      sent += piece.length;
      if (!res.write(piece)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
      if (offset > end) break;
    }
    res.end();
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    if (rawUrl.length > MAX_URI) throw new HttpError(414, 'Request-URI Too Long');
    const url = new URL(rawUrl, 'http://localhost');
    if (url.pathname === '/identity/oauth/token') {
      if (req.method !== 'GET' && req.method !== 'POST') throw new HttpError(405, 'Method Not Allowed');
      await identity(req, res, url);
      return;
    }
    const isBulk = url.pathname.startsWith('/bulk/');
    if (!isBulk && !url.pathname.startsWith('/rest/')) throw new HttpError(404, 'Not Found');
    const record: CallRecord = { method: req.method ?? 'GET', path: url.pathname, code: null, counted: false, at: Date.now() };
    calls.push(record);
    try {
      // HTTP-level refusals (413) come before anything is run or counted.
      const raw = req.method === 'POST' ? await readBody(req, isBulk ? MAX_BULK_BODY : MAX_BODY) : Buffer.alloc(0);
      const method = methodOf(req, url);
      // 601 / 602: not counted (exempt).
      const token = checkToken(req, url);
      const fault = takeFault(url.pathname);
      if (fault) {
        if (!UNCOUNTED_CODES.has(fault.code)) {
          record.counted = true;
          count();
        }
        throw new ApiError(fault.code, fault.message ?? refusalMessage(fault.code));
      }
      const candidates = routes.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).filter((x) => x.m !== null);
      const match = candidates.find((x) => x.r.method === method);
      // 605: not counted (exempt).
      if (candidates.length > 0 && !match) throw apiError('605');
      if (knobs.errorRate > 0 && random() < knobs.errorRate) {
        const statuses = [500, 502, 503] as const;
        const status = statuses[Math.floor(random() * statuses.length)]!;
        throw new HttpError(status, http.STATUS_CODES[status] ?? 'Error');
      }
      // Everything from here on is counted: Marketo exempts only 601/602/604/605/608/611, so 603, 609,
      // 610 and 612 use up the rate and the quota like a served call (and can meet 606/607/615 first).
      record.counted = true;
      const refused = admit();
      if (refused) throw new ApiError(refused, refusalMessage(refused));
      if (!match) throw apiError('610');
      const granted = clients.find((c) => c.clientId === token.clientId)?.permissions;
      if (granted && !IMPLIED[match.r.perm].some((p) => granted.includes(p))) throw apiError('603');
      const { params, body } = parseParams(req, url, isBulk, raw);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          inFlight--;
        }
      };
      res.once('close', release);
      res.once('finish', release);
      try {
        if (knobs.latencyMs > 0) await sleep(knobs.latencyMs);
        const result = match.r.run(match.m!, params, body ?? {});
        if (result === 'file') await serveFile(req, res, match.m![1]!);
        else answer(res, result);
      } finally {
        if (res.writableEnded || res.destroyed) {
          // released by the response events
        } else {
          release();
        }
      }
    } catch (error) {
      if (error instanceof ApiError) record.code = error.code;
      else if (error instanceof HttpError) record.code = String(error.status);
      else record.code = '611';
      throw error;
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof ApiError) failure(res, error.code, error.message);
      else if (error instanceof HttpError) {
        res.writeHead(error.status, { 'Content-Type': 'text/plain;charset=UTF-8' });
        res.end(error.text);
      } else failure(res, '611', 'System error');
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  const first = clients[0]!;

  return {
    url,
    restUrl: `${url}/rest`,
    identityUrl: `${url}/identity`,
    munchkinId,
    clientId: first.clientId,
    clientSecret: first.clientSecret,
    scope: first.scope ?? `${first.clientId}@api.example.com`,
    knobs,
    db,
    bulk,
    handlers,
    calls,
    stats: () => ({ callsToday: callsByDay.get(today()) ?? 0, inFlight, maxInFlight, identityCalls, exportBytesToday: bulk.bytesToday() }),
    burst606: (n) => {
      bursts606 += n;
    },
    burst615: (n) => {
      bursts615 += n;
    },
    failNext: (n, code, options = {}) => {
      if (n > 0) faults.push({ left: n, code: String(code), path: options.path, message: options.message });
    },
    expireTokensNow: () => {
      const now = Date.now();
      for (const t of tokens.values()) t.expiresAt = Math.min(t.expiresAt, now);
    },
    exhaustQuota: () => {
      callsByDay.set(today(), knobs.dailyQuota);
    },
    changePerson: (id, fields) => db.change(id, fields),
    addPeople: (countOrRecords) => (typeof countOrRecords === 'number' ? db.addGenerated(countOrRecords) : db.add(countOrRecords)),
    deletePerson: (id) => db.delete(id),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => bulk.removeFiles()),
  };
}
