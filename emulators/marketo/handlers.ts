import type { BulkExports, ExportJob } from './bulk.js';
import { ACTIVITY_CHANGE_DATA_VALUE, ACTIVITY_DELETE_LEAD, ACTIVITY_NEW_LEAD, isoSeconds, type ActivityEvent, type LeadDatabase } from './database.js';
import { DEFAULT_LEAD_FIELDS, FIELD_BY_NAME, LEAD_FIELDS, describe2Field, describeField, type FieldValue, type LeadRecord } from './fields.js';
import { ApiError, decodeToken, encodeToken, parseMarketoDate } from './protocol.js';

/** What a handler answers: the members of the JSON envelope besides requestId and success. */
export interface Answer {
  result?: unknown[];
  moreResult?: boolean;
  nextPageToken?: string;
  warnings?: unknown[];
}

export type Params = Record<string, string | string[] | undefined>;

export interface CustomAttribute {
  apiName: string;
  name: string;
  description?: string;
  dataType: string;
  isPrimary?: boolean;
}

interface CustomTypeVersion {
  name: string;
  description?: string;
  triggerName: string;
  filterName: string;
  primaryAttribute: CustomAttribute;
  attributes: CustomAttribute[];
}

export interface CustomType {
  id: number;
  apiName: string;
  createdAt: number;
  updatedAt: number;
  approved?: CustomTypeVersion;
  draft?: CustomTypeVersion;
}

export interface HandlerLimits {
  maxCustomActivityTypes: number;
  maxCustomAttributes: number;
}

const MAX_BATCH = 300;
const MAX_FILTER_MATCHES = 1000;
/** Activities (of every type) one Get Lead Activities / Lead Changes / Deleted Leads call goes through. */
const ACTIVITIES_READ_PER_CALL = 300;
const ATTRIBUTE_TYPES = new Set(['string', 'boolean', 'integer', 'float', 'link', 'email', 'currency', 'date', 'datetime', 'phone', 'text']);
const DAY_MS = 86_400_000;

function one(params: Params, name: string): string | undefined {
  const v = params[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function list(params: Params, name: string): string[] {
  const v = params[name];
  const values = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return values.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

function batchSize(params: Params): number {
  const raw = one(params, 'batchSize');
  if (raw === undefined || raw === '') return MAX_BATCH;
  const n = Number(raw);
  // Marketo documents 300 as "the max and default"; a larger value is served as 300.
  if (!Number.isInteger(n) || n < 1) throw new ApiError('1003', `Invalid value '${raw}'. Required of type 'int'`);
  return Math.min(n, MAX_BATCH);
}

function pickFields(record: LeadRecord, fields: string[]): LeadRecord {
  const out: LeadRecord = {};
  for (const f of fields) out[f] = record[f] ?? null;
  return out;
}

function checkFields(fields: string[]): void {
  for (const f of fields) if (!FIELD_BY_NAME.has(f)) throw new ApiError('1006', `Field '${f}' not found`);
}

export class Handlers {
  readonly customTypes = new Map<string, CustomType>();
  private nextCustomTypeId = 100001;

  constructor(
    private readonly db: LeadDatabase,
    private readonly bulk: BulkExports,
    private readonly limits: HandlerLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  describe(): Answer {
    return { result: LEAD_FIELDS.map(describeField) };
  }

  describe2(): Answer {
    const searchable = LEAD_FIELDS.filter((f) => f.searchable).map((f) => [f.name]);
    return { result: [{ name: 'API Lead', searchableFields: searchable, fields: LEAD_FIELDS.map(describe2Field) }] };
  }

  getLeads(params: Params): Answer {
    const filterType = one(params, 'filterType');
    if (!filterType) throw new ApiError('701', 'filterType cannot be blank');
    const values = list(params, 'filterValues');
    if (values.length === 0) throw new ApiError('701', 'filterValues cannot be blank');
    const field = FIELD_BY_NAME.get(filterType);
    if (!field || !field.searchable) throw new ApiError('1011', `Field '${filterType}' not supported`);
    if (values.length > MAX_BATCH) throw new ApiError('1003', `Too many values in filterValues, maximum is ${MAX_BATCH}`);
    const fields = list(params, 'fields');
    const wanted = fields.length > 0 ? fields : DEFAULT_LEAD_FIELDS;
    checkFields(wanted);
    const size = batchSize(params);
    const ids = new Set<number>();
    for (const v of values) {
      for (const id of this.db.findBy(filterType, field.dataType === 'integer' ? Number(v) : v)) ids.add(id);
      if (ids.size > MAX_FILTER_MATCHES) throw new ApiError('1003', 'Too many results match the filter');
    }
    const sorted = [...ids].sort((a, b) => a - b);
    let offset = 0;
    const token = one(params, 'nextPageToken');
    if (token) {
      const decoded = decodeToken('L', token);
      if (decoded === null) throw new ApiError('1003', 'Invalid value for nextPageToken');
      offset = decoded;
    }
    const page = sorted.slice(offset, offset + size);
    const result = page.map((id) => pickFields(this.db.get(id)!, wanted));
    const answer: Answer = { result };
    if (offset + size < sorted.length) {
      answer.moreResult = true;
      answer.nextPageToken = encodeToken('L', offset + size);
    }
    return answer;
  }

  syncLeads(body: Record<string, unknown>): Answer {
    const input = body.input;
    if (!Array.isArray(input) || input.length === 0) throw new ApiError('701', 'input cannot be blank');
    if (input.length > MAX_BATCH) throw new ApiError('1003', `Too many records in input, maximum is ${MAX_BATCH}`);
    const action = (body.action as string | undefined) ?? 'createOrUpdate';
    if (!['createOnly', 'updateOnly', 'createOrUpdate', 'createDuplicate'].includes(action)) {
      throw new ApiError('1003', `Invalid value '${action}' for action`);
    }
    const lookupField = (body.lookupField as string | undefined) ?? 'email';
    const lookup = FIELD_BY_NAME.get(lookupField);
    if (!lookup || !lookup.searchable) throw new ApiError('1011', `Field '${lookupField}' not supported`);
    if (lookupField === 'id' && action !== 'updateOnly') throw new ApiError('1003', "Lookup field 'id' is only allowed with action 'updateOnly'");
    const result = input.map((raw) => this.syncOne(raw as Record<string, unknown>, action, lookupField));
    return { result };
  }

  private syncOne(raw: Record<string, unknown>, action: string, lookupField: string): Record<string, unknown> {
    const skip = (code: string, message: string) => ({ status: 'skipped', reasons: [{ code, message }] });
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return skip('1003', 'Invalid data');
    // Marketo's lead id may only be sent with updateOnly, where it names the lead to update; with any
    // other action a record carrying it is skipped instead of creating a lead.
    const byId = raw.id !== undefined && raw.id !== null;
    if (byId && action !== 'updateOnly') return skip('1003', 'Invalid data');
    const fields: Partial<LeadRecord> = {};
    for (const [name, value] of Object.entries(raw)) {
      const field = FIELD_BY_NAME.get(name);
      if (!field) return skip('1006', `Field '${name}' not found`);
      if (name === 'id') continue;
      if (value !== null && typeof value === 'object') return skip('1003', `Invalid value for field '${name}'`);
      const v = value as FieldValue;
      if (field.dataType === 'email' && v !== null && (typeof v !== 'string' || !/^[\x21-\x7e]+@[\x21-\x7e]+\.[\x21-\x7e]+$/.test(v))) {
        return skip('1003', `Invalid value for field '${name}' and value '${String(v)}'`);
      }
      if (field.dataType === 'boolean' && v !== null && typeof v !== 'boolean' && v !== 'true' && v !== 'false') {
        return skip('1003', `Invalid value for field '${name}' and value '${String(v)}'`);
      }
      // Read-only and CRM-managed fields (ids, timestamps, sfdc*) are owned by Marketo and its CRM sync.
      if (field.readOnly) continue;
      fields[name] = field.dataType === 'boolean' && typeof v === 'string' ? v === 'true' : v;
    }
    if (byId) {
      const id = Number(raw.id);
      if (!Number.isInteger(id) || !this.db.get(id)) return skip('1004', 'Lead not found');
      this.db.change(id, fields);
      return { id, status: 'updated' };
    }
    const key = raw[lookupField];
    if (action === 'createDuplicate') {
      const [id] = this.db.add([fields]);
      return { id, status: 'created' };
    }
    if (key === undefined || key === null || key === '') return skip('1002', `Missing value for the required parameter '${lookupField}'`);
    const matches = this.db.findBy(lookupField, key as FieldValue);
    if (matches.length > 1) return skip('1007', 'Multiple leads match the lookup criteria');
    if (matches.length === 1) {
      if (action === 'createOnly') return skip('1005', 'Lead already exists');
      this.db.change(matches[0]!, fields);
      return { id: matches[0], status: 'updated' };
    }
    if (action === 'updateOnly') return skip('1004', 'Lead not found');
    const [id] = this.db.add([fields]);
    return { id, status: 'created' };
  }

  activityTypes(): Answer {
    const standard = [
      { id: 1, name: 'Visit Webpage', description: 'User visits a web page', primaryAttribute: { name: 'Webpage ID', dataType: 'integer' }, attributes: [{ name: 'Client IP Address', dataType: 'string' }, { name: 'Query Parameters', dataType: 'string' }, { name: 'Referrer URL', dataType: 'string' }, { name: 'User Agent', dataType: 'string' }, { name: 'Webpage URL', dataType: 'string' }] },
      { id: 2, name: 'Fill Out Form', description: 'User fills out and submits form on web page', primaryAttribute: { name: 'Webform ID', dataType: 'integer' }, attributes: [{ name: 'Client IP Address', dataType: 'string' }, { name: 'Form Fields', dataType: 'text' }, { name: 'Query Parameters', dataType: 'string' }, { name: 'Referrer URL', dataType: 'string' }, { name: 'User Agent', dataType: 'string' }, { name: 'Webpage ID', dataType: 'integer' }] },
      { id: 6, name: 'Send Email', description: 'Send Marketo Email to a person', primaryAttribute: { name: 'Mailing ID', dataType: 'integer' }, attributes: [{ name: 'Campaign Run ID', dataType: 'integer' }, { name: 'Step ID', dataType: 'integer' }] },
      { id: 7, name: 'Email Delivered', description: 'Marketo Email is delivered to a person', primaryAttribute: { name: 'Mailing ID', dataType: 'integer' }, attributes: [{ name: 'Campaign Run ID', dataType: 'integer' }, { name: 'Step ID', dataType: 'integer' }] },
      { id: 10, name: 'Open Email', description: 'User opens Marketo Email', primaryAttribute: { name: 'Mailing ID', dataType: 'integer' }, attributes: [{ name: 'Device', dataType: 'string' }, { name: 'Is Mobile Device', dataType: 'boolean' }] },
      { id: 11, name: 'Click Email', description: 'User clicks on a link in a Marketo Email', primaryAttribute: { name: 'Mailing ID', dataType: 'integer' }, attributes: [{ name: 'Link', dataType: 'string' }, { name: 'Device', dataType: 'string' }] },
      { id: ACTIVITY_NEW_LEAD, name: 'New Lead', description: 'New person', primaryAttribute: { name: 'Lead ID', dataType: 'integer' }, attributes: [{ name: 'Source Type', dataType: 'string' }, { name: 'Lead Source', dataType: 'string' }] },
      { id: ACTIVITY_CHANGE_DATA_VALUE, name: 'Change Data Value', description: 'Changed attribute value for a person', primaryAttribute: { name: 'Attribute Name', dataType: 'integer' }, attributes: [{ name: 'New Value', dataType: 'string' }, { name: 'Old Value', dataType: 'string' }, { name: 'Reason', dataType: 'string' }, { name: 'Source', dataType: 'string' }] },
      { id: ACTIVITY_DELETE_LEAD, name: 'Delete Lead', description: 'Delete person from database', primaryAttribute: { name: 'Lead ID', dataType: 'integer' }, attributes: [{ name: 'Remove from CRM', dataType: 'boolean' }] },
    ];
    const custom = [...this.customTypes.values()].filter((t) => t.approved).map((t) => ({
      id: t.id,
      name: t.approved!.name,
      apiName: t.apiName,
      description: t.approved!.description,
      primaryAttribute: { name: t.approved!.primaryAttribute.name, dataType: t.approved!.primaryAttribute.dataType, apiName: t.approved!.primaryAttribute.apiName },
      attributes: t.approved!.attributes.map((a) => ({ name: a.name, dataType: a.dataType, apiName: a.apiName })),
    }));
    return { result: [...standard, ...custom] };
  }

  pagingToken(params: Params): Answer {
    const since = one(params, 'sinceDatetime');
    if (!since) throw new ApiError('701', 'sinceDatetime cannot be blank');
    const ms = parseMarketoDate(since);
    if (Number.isNaN(ms)) throw new ApiError('704', 'Invalid date format');
    return { nextPageToken: encodeToken('A', this.db.positionAt(ms)) };
  }

  /**
   * Reads the activity stream from a paging token as Marketo does: one call goes through at most 300
   * activities of every type from the token's position, and returns those that match (at most
   * batchSize). Sparse matches give short pages with moreResult: true; when none of the activities
   * read match, the answer has no `result` member at all, only nextPageToken and moreResult (Adobe
   * KB ka-29362).
   */
  private readActivities(params: Params, accept: (a: ActivityEvent) => boolean, shape: (a: ActivityEvent) => Record<string, unknown>): Answer {
    const token = one(params, 'nextPageToken');
    if (!token) throw new ApiError('701', 'nextPageToken cannot be blank');
    const start = decodeToken('A', token);
    if (start === null) throw new ApiError('1003', 'Invalid value for nextPageToken');
    const size = batchSize(params);
    const leadIds = list(params, 'leadIds').map(Number);
    if (leadIds.length > 30) throw new ApiError('1003', 'Too many values in leadIds, maximum is 30');
    const leadFilter = leadIds.length > 0 ? new Set(leadIds) : null;
    const end = this.db.activityEnd;
    const result: Record<string, unknown>[] = [];
    let position = start;
    const scanLimit = position + ACTIVITIES_READ_PER_CALL;
    for (; position < end && result.length < size && position < scanLimit; position++) {
      const a = this.db.activityAt(position);
      if (!a || !accept(a) || (leadFilter && !leadFilter.has(a.leadId))) continue;
      result.push(shape(a));
    }
    const answer: Answer = { nextPageToken: encodeToken('A', position), moreResult: position < end };
    if (result.length > 0) answer.result = result;
    return answer;
  }

  leadChanges(params: Params): Answer {
    const fields = list(params, 'fields');
    if (fields.length === 0) throw new ApiError('701', 'fields cannot be blank');
    checkFields(fields);
    const wanted = new Set(fields);
    return this.readActivities(
      params,
      (a) => a.activityTypeId === ACTIVITY_NEW_LEAD || (a.activityTypeId === ACTIVITY_CHANGE_DATA_VALUE && (a.fields ?? []).some((f) => wanted.has(f.name))),
      (a) => ({
        id: a.id,
        marketoGUID: String(a.id),
        leadId: a.leadId,
        activityDate: isoSeconds(a.activityDate),
        activityTypeId: a.activityTypeId,
        fields: (a.fields ?? []).filter((f) => wanted.has(f.name)),
        attributes: a.attributes,
      }),
    );
  }

  activities(params: Params): Answer {
    const typeIds = list(params, 'activityTypeIds').map(Number);
    if (typeIds.length === 0) throw new ApiError('701', 'activityTypeIds cannot be blank');
    if (typeIds.length > 10) throw new ApiError('1003', 'Too many values in activityTypeIds, maximum is 10');
    const types = new Set(typeIds);
    return this.readActivities(params, (a) => types.has(a.activityTypeId), (a) => this.shapeActivity(a));
  }

  deletedLeads(params: Params): Answer {
    return this.readActivities(params, (a) => a.activityTypeId === ACTIVITY_DELETE_LEAD, (a) => this.shapeActivity(a));
  }

  private shapeActivity(a: ActivityEvent): Record<string, unknown> {
    const out: Record<string, unknown> = { id: a.id, marketoGUID: String(a.id), leadId: a.leadId, activityDate: isoSeconds(a.activityDate), activityTypeId: a.activityTypeId };
    if (a.primaryAttributeValueId !== undefined) out.primaryAttributeValueId = a.primaryAttributeValueId;
    if (a.primaryAttributeValue !== undefined) out.primaryAttributeValue = a.primaryAttributeValue;
    out.attributes = a.fields ? [...a.fields.flatMap((f) => [{ name: 'New Value', value: f.newValue }, { name: 'Old Value', value: f.oldValue }]), ...a.attributes] : a.attributes;
    return out;
  }

  // --- custom activity types ---

  private typeView(t: CustomType, version: CustomTypeVersion): Record<string, unknown> {
    return {
      id: t.id,
      apiName: t.apiName,
      name: version.name,
      description: version.description,
      triggerName: version.triggerName,
      filterName: version.filterName,
      primaryAttribute: version.primaryAttribute,
      attributes: version.attributes,
      createdAt: isoSeconds(t.createdAt),
      updatedAt: isoSeconds(t.updatedAt),
      status: t.approved && t.draft ? 'approved with draft' : t.approved ? 'approved' : 'draft',
    };
  }

  customTypesList(): Answer {
    return { result: [...this.customTypes.values()].map((t) => this.typeView(t, (t.approved ?? t.draft)!)) };
  }

  createCustomType(body: Record<string, unknown>): Answer {
    for (const required of ['apiName', 'name', 'triggerName', 'filterName', 'primaryAttribute']) {
      if (body[required] === undefined || body[required] === '') throw new ApiError('701', `${required} cannot be blank`);
    }
    const apiName = String(body.apiName);
    if (this.customTypes.has(apiName)) throw new ApiError('1036', 'Duplicate object found in input');
    if (this.customTypes.size >= this.limits.maxCustomActivityTypes) throw new ApiError('1027', 'Max Activity Type Limit Reached');
    const primary = this.attribute(body.primaryAttribute, true);
    const now = this.clock();
    const type: CustomType = {
      id: this.nextCustomTypeId++,
      apiName,
      createdAt: now,
      updatedAt: now,
      draft: {
        name: String(body.name),
        description: body.description === undefined ? undefined : String(body.description),
        triggerName: String(body.triggerName),
        filterName: String(body.filterName),
        primaryAttribute: primary,
        attributes: [],
      },
    };
    this.customTypes.set(apiName, type);
    return { result: [this.typeView(type, type.draft!)] };
  }

  private attribute(raw: unknown, isPrimary: boolean): CustomAttribute {
    if (typeof raw !== 'object' || raw === null) throw new ApiError('1003', 'Invalid attribute');
    const a = raw as Record<string, unknown>;
    if (!a.apiName || !a.name || !a.dataType) throw new ApiError('701', 'apiName, name and dataType cannot be blank');
    if (!ATTRIBUTE_TYPES.has(String(a.dataType))) throw new ApiError('1003', `Invalid dataType '${String(a.dataType)}'`);
    const out: CustomAttribute = { apiName: String(a.apiName), name: String(a.name), dataType: String(a.dataType) };
    if (a.description !== undefined) out.description = String(a.description);
    if (isPrimary) out.isPrimary = true;
    return out;
  }

  private findType(apiName: string): CustomType {
    const t = this.customTypes.get(apiName);
    if (!t) throw new ApiError('1013', 'Object not found');
    return t;
  }

  describeCustomType(apiName: string, params: Params): Answer {
    const t = this.findType(apiName);
    const draft = one(params, 'draft') === 'true';
    const version = draft ? (t.draft ?? t.approved) : (t.approved ?? t.draft);
    return { result: [this.typeView(t, version!)] };
  }

  createCustomAttributes(apiName: string, body: Record<string, unknown>): Answer {
    const t = this.findType(apiName);
    if (!Array.isArray(body.attributes) || body.attributes.length === 0) throw new ApiError('701', 'attributes cannot be blank');
    const base = t.draft ?? t.approved!;
    const attributes = [...base.attributes];
    for (const raw of body.attributes) {
      const a = this.attribute(raw, false);
      if (attributes.some((x) => x.apiName === a.apiName) || base.primaryAttribute.apiName === a.apiName) throw new ApiError('1036', 'Duplicate object found in input');
      attributes.push(a);
    }
    if (attributes.length > this.limits.maxCustomAttributes) throw new ApiError('1028', 'Max field limit reached');
    t.draft = { ...base, attributes };
    t.updatedAt = this.clock();
    return { result: [this.typeView(t, t.draft)] };
  }

  approveCustomType(apiName: string): Answer {
    const t = this.findType(apiName);
    if (!t.draft) throw new ApiError('709', 'Business Rule Violation: no draft to approve');
    t.approved = t.draft;
    t.draft = undefined;
    t.updatedAt = this.clock();
    return { result: [this.typeView(t, t.approved)] };
  }

  addCustomActivities(body: Record<string, unknown>): Answer {
    const input = body.input;
    if (!Array.isArray(input) || input.length === 0) throw new ApiError('701', 'input cannot be blank');
    if (input.length > MAX_BATCH) throw new ApiError('1003', `Too many records in input, maximum is ${MAX_BATCH}`);
    const byId = new Map<number, CustomType>();
    for (const t of this.customTypes.values()) if (t.approved) byId.set(t.id, t);
    const result = input.map((raw) => {
      const skip = (code: string, message: string) => ({ status: 'skipped', errors: [{ code, message }] });
      if (typeof raw !== 'object' || raw === null) return skip('1003', 'Invalid data');
      const r = raw as Record<string, unknown>;
      for (const required of ['leadId', 'activityDate', 'activityTypeId', 'primaryAttributeValue']) {
        if (r[required] === undefined || r[required] === null || r[required] === '') return skip('1002', `Missing value for the required parameter '${required}'`);
      }
      const type = byId.get(Number(r.activityTypeId));
      if (!type) return skip('1013', 'Object not found');
      const date = parseMarketoDate(String(r.activityDate));
      if (Number.isNaN(date)) return skip('1001', `Invalid value '${String(r.activityDate)}'. Required of type 'datetime'`);
      if (!this.db.get(Number(r.leadId))) return skip('1004', 'Lead not found');
      const attributes: ActivityEvent['attributes'] = [];
      for (const rawAttr of Array.isArray(r.attributes) ? r.attributes : []) {
        const a = rawAttr as Record<string, unknown>;
        const key = (a.apiName ?? a.name) as string | undefined;
        const def = type.approved!.attributes.find((x) => x.apiName === key || x.name === key);
        if (!def) return skip('1006', `Field '${String(key)}' not found`);
        attributes.push({ name: def.name, apiName: def.apiName, value: (a.value ?? null) as FieldValue });
      }
      const size = Buffer.byteLength(JSON.stringify(attributes));
      if (size > 65536) return skip('1049', 'Failed to Create Activity: attributes exceeded the max length of 65536 bytes');
      const event = this.db.addCustomActivity({
        leadId: Number(r.leadId),
        activityDate: date,
        activityTypeId: type.id,
        primaryAttributeValue: String(r.primaryAttributeValue),
        attributes,
      });
      return { id: event.id, marketoGUID: String(event.id), status: 'added' };
    });
    return { result };
  }

  // --- bulk lead extract ---

  createExport(body: Record<string, unknown>): Answer {
    const fields = body.fields;
    if (!Array.isArray(fields) || fields.length === 0) throw new ApiError('701', 'fields cannot be blank');
    checkFields(fields.map(String));
    const format = (body.format as string | undefined) ?? 'CSV';
    if (format !== 'CSV' && format !== 'TSV' && format !== 'SSV') throw new ApiError('1003', `Invalid value '${format}' for format`);
    const filter = body.filter as Record<string, unknown> | undefined;
    if (!filter || typeof filter !== 'object') throw new ApiError('701', 'filter cannot be blank');
    const keys = Object.keys(filter);
    if (keys.length !== 1) throw new ApiError('1003', 'Exactly one filter is required');
    const kind = keys[0]!;
    if (kind === 'smartListId' || kind === 'smartListName') throw new ApiError('1035', 'Unsupported filter type for target subscription');
    if (kind === 'staticListId' || kind === 'staticListName') throw new ApiError('1013', 'Static list not found');
    if (kind !== 'createdAt' && kind !== 'updatedAt') throw new ApiError('1003', `Invalid filter type '${kind}'`);
    const range = filter[kind] as Record<string, unknown> | undefined;
    const startMs = parseMarketoDate(String(range?.startAt ?? ''));
    const endMs = parseMarketoDate(String(range?.endAt ?? ''));
    if (Number.isNaN(startMs) || Number.isNaN(endMs)) throw new ApiError('1003', 'Invalid date range: startAt and endAt are required ISO 8601 date-times');
    if (endMs < startMs) throw new ApiError('1003', 'endAt must be after startAt');
    if (endMs - startMs > 31 * DAY_MS) throw new ApiError('1003', 'Date range exceeds the maximum of 31 days');
    if (this.bulk.quotaExceeded()) throw new ApiError('1029', 'Export daily quota exceeded');
    const job = this.bulk.create({
      format,
      fields: fields.map(String),
      columnHeaderNames: (body.columnHeaderNames as Record<string, string> | undefined) ?? {},
      filter: { field: kind, startMs, endMs },
    });
    return { result: [this.bulk.view(job)] };
  }

  private job(id: string): ExportJob {
    const job = this.bulk.jobs.get(id);
    if (!job) throw new ApiError('1003', 'Export id not found');
    return job;
  }

  enqueueExport(id: string): Answer {
    const job = this.job(id);
    this.bulk.advance();
    if (job.status === 'Queued' || job.status === 'Processing') throw new ApiError('1029', 'Job already queued');
    if (job.status !== 'Created') throw new ApiError('1003', `Job in status ${job.status} cannot be enqueued`);
    if (this.bulk.activeCount() >= this.bulk.limits.maxQueued) throw new ApiError('1029', 'Too many jobs in queue');
    if (this.bulk.quotaExceeded()) throw new ApiError('1029', 'Export daily quota exceeded');
    this.bulk.enqueue(job);
    return { result: [this.bulk.view(job, false)] };
  }

  exportStatus(id: string): Answer {
    return { result: [this.bulk.view(this.job(id))] };
  }

  cancelExport(id: string): Answer {
    const job = this.job(id);
    this.bulk.advance();
    if (job.status === 'Completed' || job.status === 'Failed') throw new ApiError('1003', `Job in status ${job.status} cannot be cancelled`);
    this.bulk.cancel(job);
    return { result: [this.bulk.view(job)] };
  }

  listExports(params: Params): Answer {
    const statuses = new Set(list(params, 'status'));
    const weekAgo = this.clock() - 7 * DAY_MS;
    const jobs = [...this.bulk.jobs.values()].filter((j) => j.createdAt >= weekAgo && (statuses.size === 0 || statuses.has(j.status)));
    return { result: jobs.slice(0, batchSize(params)).map((j) => this.bulk.view(j)) };
  }
}

