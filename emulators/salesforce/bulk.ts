/**
 * Bulk API 2.0 as jsforce 3 drives it. Ingest: create job → PUT CSV to `/batches` (201) → PATCH
 * `UploadComplete` → poll until `JobComplete` → successfulResults / failedResults / unprocessedrecords
 * (CSV with `sf__Id`, `sf__Created` / `sf__Error`). Query: create job → poll → `/results` pages with the
 * `Sforce-Locator` header (the string `null` on the last page, which is how jsforce knows to stop).
 * Jobs move on by time (`bulkProcessingMs`), checked when a client looks, so no timers outlive a test.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseCsv, toCsv } from './csv.js';
import { findField, isIdLookup, type FieldDef } from './schema.js';
import { sfDateTime, type SaveResult } from './org.js';
import { flatten, runQuery } from './query.js';
import { SoqlError } from './soql.js';
import { entityId, type EmulatorState, type IngestJob, type QueryJob } from './state.js';
import { callerOf, parseVersion, sfError } from './http.js';

const OPERATIONS = ['insert', 'update', 'upsert', 'delete', 'hardDelete'] as const;
const DELIMITERS: Record<string, string> = { COMMA: ',', TAB: '\t', PIPE: '|', SEMICOLON: ';', CARET: '^', BACKQUOTE: '`' };
const DEFAULT_PAGE = 50_000;

function jobError(reply: FastifyReply, status: number, errorCode: string, message: string) {
  return sfError(reply, status, errorCode, message);
}

export function registerBulkRoutes(api: FastifyInstance, state: EmulatorState) {
  const org = state.org;

  // ---- ingest ------------------------------------------------------------------------------
  api.post('/:version/jobs/ingest', async (request, reply) => {
    const version = parseVersion((request.params as { version: string }).version)!;
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    const object = body.object ? org.object(body.object) : undefined;
    if (!body.object) return jobError(reply, 400, 'INVALIDJOB', 'InvalidJob : Required field is missing: object');
    if (!object || !object.createable) return jobError(reply, 400, 'INVALIDENTITY', `InvalidEntity : Entity '${body.object}' is not supported by the Bulk API.`);
    const operation = body.operation as IngestJob['operation'];
    if (!OPERATIONS.includes(operation)) return jobError(reply, 400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${body.operation ?? ''}`);
    if (operation === 'upsert') {
      if (!body.externalIdFieldName) {
        return jobError(reply, 400, 'INVALIDJOB', 'InvalidJob : External ID was blank for Upsert. An External ID must be specified for Upsert.');
      }
      // The key must be the Id, a custom External ID field or a standard idLookup field (Email...).
      const key = findField(object, body.externalIdFieldName);
      if (!key || !isIdLookup(key)) {
        return jobError(reply, 400, 'INVALIDJOB', `InvalidJob : Field name provided, ${body.externalIdFieldName} does not match an External ID, Salesforce Id, or indexed field for ${object.name}`);
      }
    }
    if (body.contentType && body.contentType !== 'CSV') return jobError(reply, 400, 'INVALIDJOB', `InvalidJob : Invalid content type: ${body.contentType}`);
    const delimiter = body.columnDelimiter ?? 'COMMA';
    if (!(delimiter in DELIMITERS)) return jobError(reply, 400, 'INVALIDJOB', `InvalidJob : Invalid column delimiter: ${delimiter}`);
    const now = sfDateTime(Date.now());
    const job: IngestJob = {
      id: entityId(state, '750'),
      object: object.name,
      operation,
      externalIdFieldName: body.externalIdFieldName,
      state: 'Open',
      createdById: callerOf(request).id,
      createdDate: now,
      systemModstamp: now,
      apiVersion: Number(version),
      lineEnding: body.lineEnding === 'CRLF' ? 'CRLF' : 'LF',
      columnDelimiter: delimiter,
      uploads: [],
      header: [],
      successful: [],
      failed: [],
      unprocessed: [],
      processed: 0,
    };
    state.ingestJobs.set(job.id, job);
    return reply.send(ingestInfo(job, version));
  });

  api.get('/:version/jobs/ingest', async (request, reply) => {
    const version = parseVersion((request.params as { version: string }).version)!;
    for (const job of state.ingestJobs.values()) advanceIngest(state, job);
    return reply.send({ done: true, records: [...state.ingestJobs.values()].map((j) => ingestInfo(j, version)), nextRecordsUrl: null });
  });

  const ingestJob = (request: FastifyRequest, reply: FastifyReply): IngestJob | undefined => {
    const job = state.ingestJobs.get((request.params as { id: string }).id);
    if (!job) {
      notFoundJob(reply);
      return undefined;
    }
    advanceIngest(state, job);
    return job;
  };

  api.put('/:version/jobs/ingest/:id/batches', async (request, reply) => {
    const job = ingestJob(request, reply);
    if (!job) return reply;
    if (job.state !== 'Open') return jobError(reply, 409, 'INVALIDJOBSTATE', `Job state is not valid for uploading data: ${job.state}`);
    const text = typeof request.body === 'string' ? request.body : Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    job.uploads.push(text);
    return reply.status(201).send();
  });

  api.patch('/:version/jobs/ingest/:id', async (request, reply) => {
    const version = parseVersion((request.params as { version: string }).version)!;
    const job = ingestJob(request, reply);
    if (!job) return reply;
    const target = (request.body as { state?: string } | undefined)?.state;
    if (target === 'UploadComplete') {
      if (job.state !== 'Open') return jobError(reply, 409, 'INVALIDJOBSTATE', `Job state is not valid for closing: ${job.state}`);
      job.state = 'UploadComplete';
      job.startedAt = Date.now();
    } else if (target === 'Aborted') {
      if (job.state === 'JobComplete' || job.state === 'Failed') return jobError(reply, 409, 'INVALIDJOBSTATE', `Job state is not valid for aborting: ${job.state}`);
      job.state = 'Aborted';
      // Nothing of an aborted job was processed: every uploaded record is unprocessed.
      const uploaded = readUploads(job);
      job.header = uploaded.header;
      job.unprocessed = uploaded.rows;
    } else {
      return jobError(reply, 400, 'INVALIDJOBSTATE', `Invalid state: ${target ?? ''}`);
    }
    job.systemModstamp = sfDateTime(Date.now());
    return reply.send(ingestInfo(job, version));
  });

  api.get('/:version/jobs/ingest/:id', async (request, reply) => {
    const version = parseVersion((request.params as { version: string }).version)!;
    const job = ingestJob(request, reply);
    if (!job) return reply;
    return reply.send({
      ...ingestInfo(job, version),
      jobType: 'V2Ingest',
      numberRecordsProcessed: job.processed,
      numberRecordsFailed: job.failed.length,
      retries: 0,
      totalProcessingTime: job.finishedAt && job.startedAt ? job.finishedAt - job.startedAt : 0,
      apiActiveProcessingTime: 0,
      apexProcessingTime: 0,
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    });
  });

  const results = (kind: 'successful' | 'failed' | 'unprocessed') => async (request: FastifyRequest, reply: FastifyReply) => {
    const job = ingestJob(request, reply);
    if (!job) return reply;
    if (kind !== 'unprocessed' && job.state !== 'JobComplete' && job.state !== 'Failed') {
      return jobError(reply, 400, 'INVALIDJOBSTATE', 'Job is not in a valid state to retrieve results');
    }
    const delimiter = DELIMITERS[job.columnDelimiter] ?? ',';
    const eol = job.lineEnding === 'CRLF' ? '\r\n' : '\n';
    const header =
      kind === 'successful' ? ['sf__Id', 'sf__Created', ...job.header] : kind === 'failed' ? ['sf__Id', 'sf__Error', ...job.header] : job.header;
    const rows = kind === 'successful' ? job.successful : kind === 'failed' ? job.failed : job.unprocessed;
    if (header.length === 0) return reply.type('text/csv').send('');
    return reply.type('text/csv').send(toCsv(header, rows, eol, delimiter));
  };
  api.get('/:version/jobs/ingest/:id/successfulResults', results('successful'));
  api.get('/:version/jobs/ingest/:id/failedResults', results('failed'));
  api.get('/:version/jobs/ingest/:id/unprocessedrecords', results('unprocessed'));

  api.delete('/:version/jobs/ingest/:id', async (request, reply) => {
    const job = ingestJob(request, reply);
    if (!job) return reply;
    // Salesforce deletes a job in UploadComplete, JobComplete, Aborted or Failed.
    if (job.state === 'Open' || job.state === 'InProgress') {
      return jobError(reply, 409, 'INVALIDJOBSTATE', `Job state is not valid for deleting: ${job.state}`);
    }
    state.ingestJobs.delete(job.id);
    return reply.status(204).send();
  });

  // ---- query -------------------------------------------------------------------------------
  api.post('/:version/jobs/query', async (request, reply) => {
    const version = parseVersion((request.params as { version: string }).version)!;
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    const operation = body.operation ?? 'query';
    if (operation !== 'query' && operation !== 'queryAll') return jobError(reply, 400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${operation}`);
    if (!body.query) return jobError(reply, 400, 'INVALIDJOB', 'InvalidJob : Required field is missing: query');
    const delimiter = body.columnDelimiter ?? 'COMMA';
    if (!(delimiter in DELIMITERS)) return jobError(reply, 400, 'INVALIDJOB', `InvalidJob : Invalid column delimiter: ${delimiter}`);
    let result;
    try {
      result = runQuery(org, body.query, version, { includeDeleted: operation === 'queryAll' });
    } catch (error) {
      if (error instanceof SoqlError) return jobError(reply, 400, error.errorCode, error.message);
      throw error;
    }
    if (result.query.count) return jobError(reply, 400, 'INVALIDJOB', 'InvalidJob : Aggregate queries are not supported in Bulk API 2.0 query jobs: COUNT()');
    // "Bulk API 2.0 doesn't support SOQL queries that include ... GROUP BY, OFFSET, or TYPEOF clauses."
    if (result.query.offset !== undefined) return jobError(reply, 400, 'INVALIDJOB', 'InvalidJob : OFFSET is not supported in Bulk API 2.0 query jobs');
    const now = sfDateTime(Date.now());
    const job: QueryJob = {
      id: entityId(state, '750'),
      object: result.object.name,
      operation,
      query: body.query,
      state: 'UploadComplete',
      createdById: callerOf(request).id,
      createdDate: now,
      systemModstamp: now,
      apiVersion: Number(version),
      lineEnding: body.lineEnding === 'CRLF' ? 'CRLF' : 'LF',
      columnDelimiter: delimiter,
      header: result.query.fields,
      rows: result.rows.map((r) => flatten(r, result.query.fields)),
      readyAt: Date.now() + state.bulkProcessingMs,
    };
    state.queryJobs.set(job.id, job);
    return reply.send(queryInfo(job));
  });

  const queryJob = (request: FastifyRequest, reply: FastifyReply): QueryJob | undefined => {
    const job = state.queryJobs.get((request.params as { id: string }).id);
    if (!job) {
      notFoundJob(reply);
      return undefined;
    }
    if (job.state === 'UploadComplete' || job.state === 'InProgress') {
      const now = Date.now();
      job.state = now >= job.readyAt ? 'JobComplete' : now >= job.readyAt - state.bulkProcessingMs / 2 ? 'InProgress' : 'UploadComplete';
    }
    return job;
  };

  api.get('/:version/jobs/query/:id', async (request, reply) => {
    const job = queryJob(request, reply);
    if (!job) return reply;
    return reply.send({
      ...queryInfo(job),
      jobType: 'V2Query',
      numberRecordsProcessed: job.state === 'JobComplete' ? job.rows.length : 0,
      retries: 0,
      totalProcessingTime: job.state === 'JobComplete' ? state.bulkProcessingMs : 0,
    });
  });

  api.get('/:version/jobs/query/:id/results', async (request, reply) => {
    const version = parseVersion((request.params as { version: string }).version)!;
    const job = queryJob(request, reply);
    if (!job) return reply;
    if (Number(version) !== job.apiVersion) {
      return jobError(reply, 409, 'INVALIDJOB', 'Use the same API version to get query results that you used to create the query.');
    }
    if (job.state !== 'JobComplete') return jobError(reply, 400, 'INVALIDJOBSTATE', `Job is not complete: ${job.state}`);
    const q = request.query as { locator?: string; maxRecords?: string };
    const start = q.locator ? Number(Buffer.from(q.locator, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(start) || start < 0) return jobError(reply, 400, 'INVALIDLOCATOR', 'Invalid locator');
    const max = q.maxRecords ? Math.max(1, Number(q.maxRecords)) : DEFAULT_PAGE;
    const rows = job.rows.slice(start, start + max);
    const end = start + rows.length;
    const delimiter = DELIMITERS[job.columnDelimiter] ?? ',';
    return reply
      .header('sforce-locator', end < job.rows.length ? Buffer.from(String(end)).toString('base64url') : 'null')
      .header('sforce-numberofrecords', String(rows.length))
      .type('text/csv')
      .send(toCsv(job.header, rows, job.lineEnding === 'CRLF' ? '\r\n' : '\n', delimiter));
  });

  api.patch('/:version/jobs/query/:id', async (request, reply) => {
    const job = queryJob(request, reply);
    if (!job) return reply;
    if ((request.body as { state?: string } | undefined)?.state !== 'Aborted') return jobError(reply, 400, 'INVALIDJOBSTATE', 'Only Aborted can be set');
    if (job.state === 'JobComplete') return jobError(reply, 409, 'INVALIDJOBSTATE', 'Job state is not valid for aborting: JobComplete');
    job.state = 'Aborted';
    return reply.send(queryInfo(job));
  });

  api.delete('/:version/jobs/query/:id', async (request, reply) => {
    const job = queryJob(request, reply);
    if (!job) return reply;
    state.queryJobs.delete(job.id);
    return reply.status(204).send();
  });
}

function notFoundJob(reply: FastifyReply) {
  return sfError(reply, 404, 'NOT_FOUND', 'The requested resource does not exist');
}

function ingestInfo(job: IngestJob, version: string) {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: job.apiVersion,
    contentUrl: `services/data/v${version}/jobs/ingest/${job.id}/batches`,
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
  };
}

function queryInfo(job: QueryJob) {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: job.apiVersion,
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
  };
}

/** Moves an ingest job on by time and, when its turn comes, writes its rows into the org. */
function advanceIngest(state: EmulatorState, job: IngestJob) {
  if (job.state !== 'UploadComplete' && job.state !== 'InProgress') return;
  const elapsed = Date.now() - (job.startedAt ?? 0);
  if (elapsed < state.bulkProcessingMs / 2) return;
  job.state = 'InProgress';
  if (elapsed < state.bulkProcessingMs) return;
  processIngest(state, job);
  job.finishedAt = Date.now();
  job.systemModstamp = sfDateTime(job.finishedAt);
}

function processIngest(state: EmulatorState, job: IngestJob) {
  const org = state.org;
  const object = org.object(job.object)!;
  const { header, rows: data, mismatch } = readUploads(job);
  job.header = header;
  if (mismatch) {
    job.state = 'Failed';
    job.errorMessage = 'InvalidBatch : All uploads of a job must have the same column header';
    job.unprocessed = data;
    return;
  }
  const unknown = job.header.find((h) => !findField(object, h));
  if (unknown) {
    job.state = 'Failed';
    job.errorMessage = `InvalidBatch : Field name not found : ${unknown}`;
    job.unprocessed = data;
    return;
  }
  // Upsert on a field other than the Id: rows match records on that field's value.
  const keyField = job.operation === 'upsert' ? findField(object, job.externalIdFieldName ?? 'Id') : undefined;
  const byKey = keyField && keyField.type !== 'id' ? indexByField(state, object.name, keyField) : undefined;
  for (const cells of data) {
    const values: Record<string, unknown> = {};
    job.header.forEach((h, i) => {
      const cell = cells[i] ?? '';
      // Bulk API: an empty cell leaves the field alone, `#N/A` clears it.
      if (cell === '#N/A') values[h] = null;
      else if (cell !== '') values[h] = cell;
    });
    const idKey = Object.keys(values).find((k) => k.toLowerCase() === 'id');
    const id = idKey ? String(values[idKey]) : '';
    if (idKey) delete values[idKey];
    let result: SaveResult;
    let created = false;
    switch (job.operation) {
      case 'insert':
        result = org.insert(object.name, values, job.createdById);
        created = result.success;
        break;
      case 'update':
        result = id ? org.update(object.name, id, values, job.createdById) : missingId();
        break;
      case 'upsert': {
        if (!byKey || !keyField) {
          if (id) result = org.update(object.name, id, values, job.createdById);
          else {
            result = org.insert(object.name, values, job.createdById);
            created = result.success;
          }
          break;
        }
        const keyColumn = Object.keys(values).find((k) => k.toLowerCase() === keyField.name.toLowerCase());
        const key = keyColumn === undefined || values[keyColumn] === null ? '' : String(values[keyColumn]).toLowerCase();
        const matches = key === '' ? [] : (byKey.get(key) ?? []);
        if (matches.length > 1) {
          result = {
            id: null,
            success: false,
            errors: [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: `${keyField.label}: more than one record found for external id field: [${matches.join(', ')}]`, fields: [keyField.name] }],
          };
        } else if (matches.length === 1) {
          result = org.update(object.name, matches[0]!, values, job.createdById);
        } else {
          result = org.insert(object.name, values, job.createdById);
          created = result.success;
          if (result.success && key !== '') byKey.set(key, [result.id]);
        }
        break;
      }
      case 'hardDelete':
        result = id ? org.remove(object.name, id, { hard: true }) : missingId();
        break;
      default:
        result = id ? org.remove(object.name, id) : missingId();
    }
    job.processed += 1;
    if (result.success) job.successful.push([result.id, String(created), ...cells]);
    else {
      const e = result.errors[0]!;
      job.failed.push([result.id ?? '', `${e.statusCode}:${e.message}:${e.fields.join(',')} --`, ...cells]);
    }
  }
  job.state = 'JobComplete';
}

/** The uploads' header (the first upload's) and all their records; `mismatch` when an upload's header differs. */
function readUploads(job: IngestJob): { header: string[]; rows: string[][]; mismatch: boolean } {
  const delimiter = DELIMITERS[job.columnDelimiter] ?? ',';
  let header: string[] = [];
  const rows: string[][] = [];
  let mismatch = false;
  for (const upload of job.uploads) {
    const [first, ...rest] = parseCsv(upload, delimiter);
    if (!first) continue;
    if (header.length === 0) header = first;
    else if (first.join('\u0000') !== header.join('\u0000')) mismatch = true;
    rows.push(...rest);
  }
  return { header, rows, mismatch };
}

/** Ids of the live records of a type by the (case-insensitive) value of one field. */
function indexByField(state: EmulatorState, type: string, field: FieldDef): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const rec of state.org.scan(type)) {
    const v = rec[field.name];
    if (v === null || v === undefined || v === '') continue;
    const key = String(v).toLowerCase();
    const ids = index.get(key);
    if (ids) ids.push(rec.Id);
    else index.set(key, [rec.Id]);
  }
  return index;
}

function missingId(): SaveResult {
  return { id: null, success: false, errors: [{ statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] }] };
}
