/**
 * The REST API under `/services/data`: versions, query/queryMore, describe, sObject rows,
 * sObject Collections and Composite, with Salesforce's envelopes, status codes and error bodies
 * (`[{ message, errorCode, fields }]`), the per-call API usage count and its `Sforce-Limit-Info` header.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { to18 } from './ids.js';
import type { SaveResult } from './org.js';
import { bearerUser } from './oauth.js';
import { project, runQuery } from './query.js';
import { describeGlobalEntry, describeObject } from './schema.js';
import { SoqlError } from './soql.js';
import { entityId, type EmulatorState } from './state.js';
import { registerBulkRoutes } from './bulk.js';
import { callerOf, callers, MAX_VERSION, MIN_VERSION, notFound, parseVersion, sfError } from './http.js';

const RELEASES: Record<number, string> = { 62: "Winter '25", 61: "Summer '24", 60: "Spring '24", 59: "Winter '24", 58: "Summer '23" };
const QUERY_BATCH = 2000;
const CURSOR_TTL_MS = 15 * 60 * 1000;
const ROLLED_BACK = 'Record rolled back because not all records were valid and the request was using AllOrNone header';
const HALTED = 'The transaction was rolled back since another operation in the same transaction failed.';


function saveResultBody(result: SaveResult, forCreate: boolean) {
  if (result.success) return result;
  return forCreate ? { success: false, errors: result.errors } : { id: result.id ?? undefined, success: false, errors: result.errors };
}

export function registerRestRoutes(app: FastifyInstance, state: EmulatorState) {
  const org = state.org;

  app.get('/services/data', async (_request, reply) => versions(reply));
  app.get('/services/data/', async (_request, reply) => versions(reply));
  function versions(reply: FastifyReply) {
    const out = [];
    for (let n = MIN_VERSION; n <= MAX_VERSION; n++) {
      out.push({ label: RELEASES[n] ?? `API ${n}`, url: `/services/data/v${n}.0`, version: `${n}.0` });
    }
    return reply.send(out);
  }

  app.register(
    async (api) => {
      api.addHook('preHandler', async (request, reply) => {
        const params = request.params as { version?: string };
        if (!parseVersion(params.version)) return notFound(reply);
        const auth = bearerUser(state, request);
        if (!auth) return sfError(reply, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
        if (!auth.user.apiEnabled) return sfError(reply, 403, 'API_CURRENTLY_DISABLED', 'API is disabled for this User');
        callers.set(request, auth.user);
        // Composite sub-requests are part of one call: no second count, no second fault.
        if (request.headers['x-sfemu-internal'] === state.internalSecret) return;
        const fault = state.requestFaults.find(
          (f) => f.remaining > 0 && (!f.method || f.method === request.method) && (!f.path || f.path.test(request.url)),
        );
        if (fault) {
          fault.remaining -= 1;
          state.requestFaults = state.requestFaults.filter((f) => f.remaining > 0);
          return sfError(reply, fault.status, fault.errorCode, fault.message);
        }
        if (state.apiUsage.used >= state.apiUsage.limit) {
          return sfError(reply, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
        }
        state.apiUsage.used += 1;
      });
      api.addHook('onSend', async (request, reply, payload) => {
        if (callers.has(request)) reply.header('sforce-limit-info', `api-usage=${state.apiUsage.used}/${state.apiUsage.limit}`);
        return payload;
      });

      api.get('/:version', async (request, reply) => {
        const base = `/services/data/${(request.params as { version: string }).version}`;
        return reply.send({
          sobjects: `${base}/sobjects`,
          query: `${base}/query`,
          queryAll: `${base}/queryAll`,
          composite: `${base}/composite`,
          jobs: `${base}/jobs`,
          limits: `${base}/limits`,
        });
      });

      api.get('/:version/limits', async (_request, reply) =>
        reply.send({
          DailyApiRequests: { Max: state.apiUsage.limit, Remaining: Math.max(0, state.apiUsage.limit - state.apiUsage.used) },
          DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 - state.queryJobs.size },
        }),
      );

      // ---- query ------------------------------------------------------------------------------
      const query = async (request: FastifyRequest, reply: FastifyReply, includeDeleted: boolean) => {
        const version = parseVersion((request.params as { version: string }).version)!;
        const q = (request.query as { q?: string }).q;
        if (!q) return sfError(reply, 400, 'MALFORMED_QUERY', 'A query string has to be specified');
        let result;
        try {
          result = runQuery(org, q, version, { includeDeleted });
        } catch (error) {
          if (error instanceof SoqlError) return sfError(reply, 400, error.errorCode, error.message);
          throw error;
        }
        if (result.query.count) return reply.send({ totalSize: result.totalSize, done: true, records: [] });
        const batch = batchSize(request);
        if (result.rows.length <= batch) return reply.send({ totalSize: result.totalSize, done: true, records: result.rows });
        const locator = entityId(state, '01g');
        state.cursors.set(locator, { rows: result.rows, version, expiresAt: Date.now() + CURSOR_TTL_MS });
        return reply.send({
          totalSize: result.totalSize,
          done: false,
          nextRecordsUrl: `/services/data/v${version}/query/${locator}-${batch}`,
          records: result.rows.slice(0, batch),
        });
      };
      api.get('/:version/query', async (request, reply) => query(request, reply, false));
      api.get('/:version/queryAll', async (request, reply) => query(request, reply, true));
      const queryMore = async (request: FastifyRequest, reply: FastifyReply) => {
        const { version, locator } = request.params as { version: string; locator: string };
        const m = /^(\w{18})-(\d+)$/.exec(locator);
        const cursor = m ? state.cursors.get(m[1]!) : undefined;
        if (!m || !cursor || cursor.expiresAt < Date.now()) {
          return sfError(reply, 400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
        }
        const start = Number(m[2]);
        const batch = batchSize(request);
        const rows = cursor.rows.slice(start, start + batch);
        const end = start + rows.length;
        const done = end >= cursor.rows.length;
        if (done) state.cursors.delete(m[1]!);
        return reply.send({
          totalSize: cursor.rows.length,
          done,
          ...(done ? {} : { nextRecordsUrl: `/services/data/${version}/query/${m[1]}-${end}` }),
          records: rows,
        });
      };
      api.get('/:version/query/:locator', queryMore);
      api.get('/:version/queryAll/:locator', queryMore);

      // ---- describe and rows ------------------------------------------------------------------
      api.get('/:version/sobjects', async (request, reply) => {
        const base = `/services/data/${(request.params as { version: string }).version}`;
        return reply.send({ encoding: 'UTF-8', maxBatchSize: 200, sobjects: [...org.schema.values()].map((o) => describeGlobalEntry(o, base)) });
      });
      api.get('/:version/sobjects/:type', async (request, reply) => {
        const { version, type } = request.params as { version: string; type: string };
        const object = org.object(type);
        if (!object) return notFound(reply);
        return reply.send({ objectDescribe: describeGlobalEntry(object, `/services/data/${version}`), recentItems: [] });
      });
      api.get('/:version/sobjects/:type/describe', async (request, reply) => {
        const { version, type } = request.params as { version: string; type: string };
        const object = org.object(type);
        if (!object) return notFound(reply);
        return reply.send(describeObject(object, `/services/data/${version}`));
      });
      api.post('/:version/sobjects/:type', async (request, reply) => {
        const { type } = request.params as { type: string };
        const object = org.object(type);
        if (!object) return notFound(reply);
        const body = request.body;
        if (!body || typeof body !== 'object' || Array.isArray(body)) return sfError(reply, 400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
        const result = org.insert(object.name, body as Record<string, unknown>, callerOf(request).id);
        if (!result.success) return reply.status(400).send(result.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })));
        const version = (request.params as { version: string }).version;
        return reply.status(201).header('location', `/services/data/${version}/sobjects/${object.name}/${result.id}`).send(result);
      });
      api.get('/:version/sobjects/:type/:id', async (request, reply) => {
        const { version, type, id } = request.params as { version: string; type: string; id: string };
        const object = org.object(type);
        const record = object ? org.get(object.name, id) : undefined;
        if (!object || !record) return notFound(reply);
        const fieldsParam = (request.query as { fields?: string }).fields;
        const fields = fieldsParam ? fieldsParam.split(',').map((f) => f.trim()).filter(Boolean) : object.fields.map((f) => f.name);
        const unknown = fields.find((f) => !object.fields.some((d) => d.name.toLowerCase() === f.toLowerCase()));
        if (unknown) return sfError(reply, 400, 'INVALID_FIELD', `No such column '${unknown}' on sobject of type ${object.name}`);
        return reply.send(project(org, object, record, fields, parseVersion(version)!));
      });
      api.patch('/:version/sobjects/:type/:id', async (request, reply) => {
        const { type, id } = request.params as { type: string; id: string };
        const object = org.object(type);
        if (!object || !org.get(object.name, id)) return notFound(reply);
        const result = org.update(object.name, id, (request.body ?? {}) as Record<string, unknown>, callerOf(request).id);
        if (!result.success) return reply.status(400).send(result.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })));
        return reply.status(204).send();
      });
      api.delete('/:version/sobjects/:type/:id', async (request, reply) => {
        const { type, id } = request.params as { type: string; id: string };
        const object = org.object(type);
        if (!object || !org.get(object.name, id)) return notFound(reply);
        org.remove(object.name, id);
        return reply.status(204).send();
      });

      // ---- sObject Collections ----------------------------------------------------------------
      const collection = (request: FastifyRequest, reply: FastifyReply, mode: 'create' | 'update') => {
        const body = request.body as { allOrNone?: boolean; records?: Record<string, unknown>[] } | undefined;
        const records = body?.records;
        if (!Array.isArray(records)) return sfError(reply, 400, 'JSON_PARSER_ERROR', "The request body must contain a 'records' array");
        if (records.length > 200) {
          return sfError(reply, 400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
        }
        const allOrNone = body?.allOrNone === true;
        const snapshot = allOrNone ? org.snapshot() : undefined;
        const results: SaveResult[] = records.map((rec) => {
          const type = (rec.attributes as { type?: string } | undefined)?.type;
          if (!type || !org.object(type)) {
            return { id: null, success: false, errors: [{ statusCode: 'INVALID_TYPE', message: `sObject type '${type ?? ''}' is not supported.`, fields: [] }] };
          }
          if (mode === 'create') {
            if (rec.Id) return { id: null, success: false, errors: [{ statusCode: 'INVALID_FIELD', message: 'cannot specify Id in an insert call', fields: [] }] };
            return org.insert(type, rec, callerOf(request).id);
          }
          const id = typeof rec.Id === 'string' ? to18(rec.Id) : undefined;
          if (!id) return { id: null, success: false, errors: [{ statusCode: 'MALFORMED_ID', message: `malformed id ${String(rec.Id ?? '')}`, fields: ['Id'] }] };
          return org.update(type, id, rec, callerOf(request).id);
        });
        if (snapshot && results.some((r) => !r.success)) {
          org.restore(snapshot);
          return reply.send(
            results.map((r) =>
              r.success
                ? { id: mode === 'update' ? r.id : undefined, success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: ROLLED_BACK, fields: [] }] }
                : saveResultBody(r, mode === 'create'),
            ),
          );
        }
        return reply.send(results.map((r) => saveResultBody(r, mode === 'create')));
      };
      api.post('/:version/composite/sobjects', async (request, reply) => collection(request, reply, 'create'));
      api.patch('/:version/composite/sobjects', async (request, reply) => collection(request, reply, 'update'));
      api.delete('/:version/composite/sobjects', async (request, reply) => {
        const q = request.query as { ids?: string; allOrNone?: string };
        const ids = (q.ids ?? '').split(',').filter(Boolean);
        if (ids.length > 200) return sfError(reply, 400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
        const snapshot = q.allOrNone === 'true' ? org.snapshot() : undefined;
        const results = ids.map((id): SaveResult => {
          const type = org.typeOfId(id);
          return type ? org.remove(type, id) : { id, success: false, errors: [{ statusCode: 'MALFORMED_ID', message: `malformed id ${id}`, fields: [] }] };
        });
        if (snapshot && results.some((r) => !r.success)) {
          org.restore(snapshot);
          return reply.send(results.map((r) => (r.success ? { id: r.id, success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: ROLLED_BACK, fields: [] }] } : r)));
        }
        return reply.send(results);
      });

      // ---- Composite --------------------------------------------------------------------------
      api.post('/:version/composite', async (request, reply) => {
        const body = request.body as
          | { allOrNone?: boolean; compositeRequest?: { method: string; url: string; referenceId: string; body?: unknown; httpHeaders?: Record<string, string> }[] }
          | undefined;
        const subs = body?.compositeRequest;
        if (!Array.isArray(subs) || subs.length === 0) return sfError(reply, 400, 'JSON_PARSER_ERROR', "The request body must contain a 'compositeRequest' array");
        if (subs.length > 25) return sfError(reply, 400, 'LIMIT_EXCEEDED', 'Maximum number of subrequests exceeded: 25');
        const allOrNone = body?.allOrNone === true;
        const snapshot = allOrNone ? org.snapshot() : undefined;
        const results: { body: unknown; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string }[] = [];
        const byRef = new Map<string, { body: unknown; ok: boolean }>();
        let failed = false;
        for (const sub of subs) {
          if (failed && allOrNone) {
            results.push({ body: [{ errorCode: 'PROCESSING_HALTED', message: HALTED }], httpHeaders: {}, httpStatusCode: 400, referenceId: sub.referenceId });
            continue;
          }
          let unresolved: string | undefined;
          const resolve = (text: string) =>
            text.replace(/@\{([A-Za-z0-9_]+)\.([^}]+)\}/g, (_all, ref: string, path: string) => {
              const prior = byRef.get(ref);
              const value = prior?.ok ? readPath(prior.body, path) : undefined;
              if (value === undefined) {
                unresolved = ref;
                return '';
              }
              return String(value);
            });
          const url = resolve(sub.url);
          const payload = sub.body === undefined ? undefined : resolve(JSON.stringify(sub.body));
          if (unresolved) {
            results.push({
              body: [{ errorCode: 'PROCESSING_HALTED', message: `Invalid reference specified. No value for ${unresolved} found. Provided referenceId ('${unresolved}') has an error.` }],
              httpHeaders: {},
              httpStatusCode: 400,
              referenceId: sub.referenceId,
            });
            failed = true;
            continue;
          }
          if (!url.startsWith('/services/data/')) {
            results.push({ body: [{ errorCode: 'INVALID_INPUT', message: `The URL ${url} is not supported in a composite request` }], httpHeaders: {}, httpStatusCode: 400, referenceId: sub.referenceId });
            failed = true;
            continue;
          }
          const res = await app.inject({
            method: sub.method as 'GET',
            url,
            payload,
            headers: {
              ...(sub.httpHeaders ?? {}),
              authorization: request.headers.authorization ?? '',
              'content-type': 'application/json',
              'x-sfemu-internal': state.internalSecret,
            },
          });
          const parsed = res.body ? safeJson(res.body) : null;
          const ok = res.statusCode < 400;
          if (!ok) failed = true;
          byRef.set(sub.referenceId, { body: parsed, ok });
          results.push({
            body: parsed,
            httpHeaders: res.headers.location ? { Location: String(res.headers.location) } : {},
            httpStatusCode: res.statusCode,
            referenceId: sub.referenceId,
          });
        }
        if (snapshot && failed) {
          org.restore(snapshot);
          for (const r of results) {
            if (r.httpStatusCode < 400) Object.assign(r, { body: [{ errorCode: 'PROCESSING_HALTED', message: HALTED }], httpHeaders: {}, httpStatusCode: 400 });
          }
        }
        return reply.send({ compositeResponse: results });
      });

      registerBulkRoutes(api, state);
    },
    { prefix: '/services/data' },
  );
}

function batchSize(request: FastifyRequest): number {
  const header = String(request.headers['sforce-query-options'] ?? '');
  const m = /batchSize=(\d+)/i.exec(header);
  // Salesforce honours 200..2000 and treats the value as a hint.
  return m ? Math.min(QUERY_BATCH, Math.max(200, Number(m[1]))) : QUERY_BATCH;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `id`, `records[0].Id` style paths into an earlier sub-response. */
function readPath(body: unknown, path: string): unknown {
  let v: unknown = body;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}
