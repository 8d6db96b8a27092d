/**
 * The seeded org: Users, Accounts, Leads, Contacts and Opportunities come on demand from the shared
 * person generator (`emulators/shared/seed-people.ts`, the same ids the Marketo emulator holds for the
 * same seed); records created or changed through the API live in an overlay, so a seed of 1,500,000
 * people costs nothing until asked for. Tasks exist only in the overlay.
 */
import {
  accountAt,
  personAt,
  salesforceId,
  salesUserAt,
  SALES_USER_COUNT,
  SEED_EPOCH_MS,
  type SeedPerson,
} from '../shared/seed-people.js';
import { idCounter, keyPrefixes, to18 } from './ids.js';
import { buildSchema, findField, type FieldDef, type ObjectDef, type SchemaOptions } from './schema.js';

export type SfRecord = Record<string, unknown> & { Id: string };

export interface OrgUser {
  id: string;
  username: string;
  /** The password the login page accepts (the sandbox shows it; tests use it). */
  password: string;
  firstName: string;
  lastName: string;
  email: string;
  title: string;
  isAdmin: boolean;
  isActive: boolean;
  /** The profile's "API Enabled" permission (MSI docs: needed to connect). */
  apiEnabled: boolean;
}

export interface OrgOptions extends SchemaOptions {
  seed: number | string;
  /** How many people of the shared generator exist (Marketo holds the same ones). Default 1,000. */
  people?: number;
  /** Share of people that exist in Salesforce (passed to the generator). Default 0.7. */
  salesforceShare?: number;
  /** Password of every seeded user. Default `sandbox-password`. */
  password?: string;
  /** My Domain part of the usernames. Default `msi-sandbox.example.com`. */
  usernameDomain?: string;
}

/** A per-record failure as Salesforce reports it in SaveResults (`statusCode`, not `errorCode`). */
export interface DmlError {
  statusCode: string;
  message: string;
  fields: string[];
}

export type SaveResult = { id: string; success: true; errors: [] } | { id: string | null; success: false; errors: DmlError[] };

export interface ValidationRule {
  object: string;
  /** Shown as the error message, as an admin writes it in the rule. */
  message: string;
  /** The field the error is shown on (empty: the top of the page). */
  field?: string;
  /** True when the record is NOT valid (Salesforce rules fire on true). */
  failsWhen: (record: SfRecord) => boolean;
}

/** Hook for one-shot faults on record writes (UNABLE_TO_LOCK_ROW and the like). */
export type RecordFaultHook = (object: string, record: SfRecord) => DmlError | undefined;

const CREATED_BASE = 100_000_000;

/** Salesforce's datetime form in JSON: `2024-01-01T00:00:00.000+0000`. */
export function sfDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

function fromIso(iso: string): string {
  return sfDateTime(Date.parse(iso));
}

const LEAD_STATUS: Record<string, string> = {
  Open: 'Open - Not Contacted',
  Working: 'Working - Contacted',
  Nurturing: 'Working - Contacted',
  Qualified: 'Working - Contacted',
  Unqualified: 'Closed - Not Converted',
};
const STAGES = ['Prospecting', 'Qualification', 'Needs Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won'];

export class Org {
  readonly seed: number | string;
  readonly id: string;
  readonly people: number;
  readonly schema: Map<string, ObjectDef>;
  readonly users: OrgUser[];
  readonly validationRules: ValidationRule[] = [];
  recordFaults: RecordFaultHook = () => undefined;
  private readonly share: number;
  private overlay = new Map<string, Map<string, SfRecord | null>>();
  private created = 0;
  private accountIndexes: number[] | undefined;
  private readonly pod: string;

  constructor(options: OrgOptions) {
    this.seed = options.seed;
    this.people = options.people ?? 1000;
    this.share = options.salesforceShare ?? 0.7;
    this.schema = buildSchema(options);
    this.id = salesforceId(keyPrefixes.Organization, this.seed, 0);
    this.pod = this.id.slice(3, 5);
    const password = options.password ?? 'sandbox-password';
    const domain = options.usernameDomain ?? 'msi-sandbox.example.com';
    // The admin sits after the sales users in the 005 numbering, so it never takes a rep's id.
    const admin: OrgUser = {
      id: salesforceId(keyPrefixes.User, this.seed, SALES_USER_COUNT),
      username: `admin@${domain}`,
      password,
      firstName: 'Ada',
      lastName: 'Admin',
      email: `admin@${domain}`,
      title: 'Salesforce Administrator',
      isAdmin: true,
      isActive: true,
      apiEnabled: true,
    };
    const reps: OrgUser[] = [];
    for (let i = 0; i < SALES_USER_COUNT; i++) {
      const u = salesUserAt(this.seed, i);
      reps.push({
        id: u.id,
        username: `${u.email.split('@')[0]}@${domain}`,
        password,
        firstName: u.firstName,
        lastName: u.lastName,
        email: u.email,
        title: 'Account Executive',
        isAdmin: false,
        isActive: true,
        apiEnabled: true,
      });
    }
    this.users = [admin, ...reps];
  }

  get admin(): OrgUser {
    return this.users[0]!;
  }

  object(name: string): ObjectDef | undefined {
    return this.schema.get(name.toLowerCase());
  }

  user(id: string): OrgUser | undefined {
    const full = to18(id);
    return this.users.find((u) => u.id === full);
  }

  userByUsername(username: string): OrgUser | undefined {
    const lower = username.trim().toLowerCase();
    return this.users.find((u) => u.username.toLowerCase() === lower);
  }

  // ---- generated records -------------------------------------------------------------------

  private person(index: number): SeedPerson {
    return personAt(this.seed, index, { salesforceShare: this.share });
  }

  private userRecord(u: OrgUser): SfRecord {
    const at = sfDateTime(SEED_EPOCH_MS - 86_400_000);
    return {
      Id: u.id,
      Username: u.username,
      FirstName: u.firstName,
      LastName: u.lastName,
      Name: `${u.firstName} ${u.lastName}`,
      Email: u.email,
      Title: u.title,
      IsActive: u.isActive,
      UserType: 'Standard',
      ProfileId: salesforceId('00e', this.seed, u.isAdmin ? 0 : 1),
      CreatedDate: at,
      CreatedById: this.admin.id,
      LastModifiedDate: at,
      LastModifiedById: this.admin.id,
      SystemModstamp: at,
    };
  }

  private base(createdIso: string, updatedIso: string) {
    return {
      IsDeleted: false,
      CreatedDate: fromIso(createdIso),
      CreatedById: this.admin.id,
      LastModifiedDate: fromIso(updatedIso),
      LastModifiedById: this.admin.id,
      SystemModstamp: fromIso(updatedIso),
    };
  }

  private leadRecord(p: SeedPerson): SfRecord {
    return {
      Id: p.sfdcLeadId!,
      FirstName: p.firstName,
      LastName: p.lastName,
      Name: `${p.firstName} ${p.lastName}`,
      Email: p.email,
      Company: p.company,
      Title: p.title,
      Phone: p.phone,
      Status: LEAD_STATUS[p.leadStatus] ?? 'Open - Not Contacted',
      LeadSource: p.leadSource,
      IsConverted: false,
      ConvertedContactId: null,
      ConvertedAccountId: null,
      OwnerId: p.sfdcLeadOwnerId!,
      ...this.base(p.createdAt, p.updatedAt),
    };
  }

  private contactRecord(p: SeedPerson): SfRecord {
    return {
      Id: p.sfdcContactId!,
      FirstName: p.firstName,
      LastName: p.lastName,
      Name: `${p.firstName} ${p.lastName}`,
      Email: p.email,
      Title: p.title,
      Phone: p.phone,
      AccountId: p.sfdcAccountId,
      OwnerId: p.sfdcLeadOwnerId!,
      ...this.base(p.createdAt, p.updatedAt),
    };
  }

  private opportunityRecord(p: SeedPerson): SfRecord {
    const stage = STAGES[p.index % STAGES.length]!;
    const close = new Date(Date.parse(p.createdAt) + 90 * 86_400_000).toISOString().slice(0, 10);
    return {
      Id: p.sfdcOpptyId!,
      Name: `${p.company} - ${p.lastName}`,
      AccountId: p.sfdcAccountId,
      StageName: stage,
      CloseDate: close,
      Amount: 5000 + (p.index % 40) * 2500,
      OwnerId: p.sfdcLeadOwnerId!,
      ...this.base(p.createdAt, p.updatedAt),
    };
  }

  private accountRecord(companyIndex: number): SfRecord {
    const a = accountAt(this.seed, companyIndex);
    const at = new Date(SEED_EPOCH_MS - 30 * 86_400_000).toISOString();
    return {
      Id: a.id,
      Name: a.name,
      Website: `https://www.${a.domain}`,
      Industry: a.industry,
      BillingCountry: a.country,
      NumberOfEmployees: 10 + (companyIndex % 500) * 20,
      OwnerId: salesUserAt(this.seed, companyIndex % SALES_USER_COUNT).id,
      ...this.base(at, at),
    };
  }

  /** The companies that have at least one Contact in this org (their Accounts exist). */
  private accounts(): number[] {
    if (!this.accountIndexes) {
      const set = new Set<number>();
      for (let i = 0; i < this.people; i++) {
        const p = this.person(i);
        if (p.sfdcType === 'Contact') set.add(p.companyIndex);
      }
      this.accountIndexes = [...set].sort((a, b) => a - b);
    }
    return this.accountIndexes;
  }

  /** The generated (not overlaid) record with this id, if the seed has one. */
  private generated(type: string, id: string): SfRecord | undefined {
    if (id.slice(3, 5) !== this.pod) return undefined;
    const counter = idCounter(id);
    if (counter === undefined || counter < 1) return undefined;
    const n = counter - 1;
    switch (type) {
      case 'User':
        return this.users.find((u) => u.id === id) ? this.userRecord(this.user(id)!) : undefined;
      case 'Account':
        return this.accounts().includes(n) ? this.accountRecord(n) : undefined;
      case 'Lead':
      case 'Contact':
      case 'Opportunity': {
        if (n >= this.people) return undefined;
        const p = this.person(n);
        if (type === 'Lead' && p.sfdcLeadId === id) return this.leadRecord(p);
        if (type === 'Contact' && p.sfdcContactId === id) return this.contactRecord(p);
        if (type === 'Opportunity' && p.sfdcOpptyId === id) return this.opportunityRecord(p);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private *generatedAll(type: string): Generator<SfRecord> {
    switch (type) {
      case 'User':
        for (const u of this.users) yield this.userRecord(u);
        return;
      case 'Account':
        for (const i of this.accounts()) yield this.accountRecord(i);
        return;
      case 'Lead':
      case 'Contact':
      case 'Opportunity':
        for (let i = 0; i < this.people; i++) {
          const p = this.person(i);
          if (type === 'Lead' && p.sfdcLeadId) yield this.leadRecord(p);
          else if (type === 'Contact' && p.sfdcContactId) yield this.contactRecord(p);
          else if (type === 'Opportunity' && p.sfdcOpptyId) yield this.opportunityRecord(p);
        }
        return;
      default:
        return;
    }
  }

  // ---- reading -----------------------------------------------------------------------------

  /** The sObject type an id belongs to, from its key prefix. */
  typeOfId(id: string): string | undefined {
    const prefix = id.slice(0, 3);
    for (const o of this.schema.values()) if (o.keyPrefix === prefix) return o.name;
    return undefined;
  }

  get(type: string, id: string): SfRecord | undefined {
    const full = to18(id);
    if (!full) return undefined;
    const object = this.object(type);
    if (!object || full.slice(0, 3) !== object.keyPrefix) return undefined;
    const over = this.overlay.get(object.name)?.get(full);
    if (over === null || over?.IsDeleted === true) return undefined;
    if (over) return over;
    if (object.name === 'User') {
      const u = this.user(full);
      return u ? this.userRecord(u) : undefined;
    }
    return this.generated(object.name, full);
  }

  /**
   * Every record of a type: generated ones (with their overlaid changes), then created ones. Deleted
   * records (in the Recycle Bin, IsDeleted = true) only with `includeDeleted`, as queryAll reads them.
   */
  *scan(type: string, options: { includeDeleted?: boolean } = {}): Generator<SfRecord> {
    const object = this.object(type);
    if (!object) return;
    const over = this.overlay.get(object.name);
    const seen = new Set<string>();
    const wanted = (rec: SfRecord) => options.includeDeleted === true || rec.IsDeleted !== true;
    for (const rec of this.generatedAll(object.name)) {
      const o = over?.get(rec.Id);
      if (o === null) continue;
      seen.add(rec.Id);
      const current = o ?? rec;
      if (wanted(current)) yield current;
    }
    if (over) {
      for (const [id, rec] of over) if (rec && !seen.has(id) && wanted(rec)) yield rec;
    }
  }

  // ---- writing -----------------------------------------------------------------------------

  private put(type: string, record: SfRecord | null, id: string) {
    let map = this.overlay.get(type);
    if (!map) {
      map = new Map();
      this.overlay.set(type, map);
    }
    map.set(id, record);
  }

  /** A copy of the overlay to roll back to (records are replaced, never mutated, so this is cheap). */
  snapshot(): Map<string, Map<string, SfRecord | null>> {
    return new Map([...this.overlay].map(([k, v]) => [k, new Map(v)]));
  }

  restore(snapshot: Map<string, Map<string, SfRecord | null>>) {
    this.overlay = snapshot;
  }

  private newId(object: ObjectDef): string {
    this.created += 1;
    return salesforceId(object.keyPrefix, this.seed, CREATED_BASE + this.created);
  }

  /** Checks the values a client sent against the describe; returns the first problem. */
  private checkValues(object: ObjectDef, values: Record<string, unknown>, forInsert: boolean): { fields: Record<string, unknown>; error?: DmlError } {
    const out: Record<string, unknown> = {};
    const notWritable: string[] = [];
    for (const [name, value] of Object.entries(values)) {
      if (name === 'attributes') continue;
      const def = findField(object, name);
      if (!def) {
        return { fields: out, error: { statusCode: 'INVALID_FIELD', message: `No such column '${name}' on sobject of type ${object.name}`, fields: [] } };
      }
      if (def.name === 'Id') continue;
      if (forInsert ? !def.createable : !def.updateable) {
        notWritable.push(def.name);
        continue;
      }
      const problem = this.checkValue(object, def, value);
      if (problem) return { fields: out, error: problem };
      out[def.name] = normalizeValue(def, value);
    }
    if (notWritable.length > 0) {
      return {
        fields: out,
        error: {
          statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
          message: `Unable to create/update fields: ${notWritable.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          fields: notWritable,
        },
      };
    }
    return { fields: out };
  }

  private checkValue(object: ObjectDef, def: FieldDef, value: unknown): DmlError | undefined {
    if (value === null || value === undefined || value === '') return undefined;
    if (def.type === 'reference') {
      const id = typeof value === 'string' ? to18(value) : undefined;
      const label = def.label;
      if (!id) return { statusCode: 'MALFORMED_ID', message: `${label}: id value of incorrect type: ${String(value)}`, fields: [def.name] };
      const target = this.typeOfId(id);
      if (def.referenceTo?.includes('Profile')) return undefined;
      if (!target || !def.referenceTo?.includes(target)) {
        return { statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `${label}: id value of incorrect type: ${String(value)}`, fields: [def.name] };
      }
      const rec = this.get(target, id);
      if (!rec) return { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: `invalid cross reference id`, fields: [] };
      if (target === 'User' && rec.IsActive === false) {
        return {
          statusCode: 'INACTIVE_OWNER_OR_USER',
          message: `operation performed with inactive user [${id}] as owner of ${object.name.toLowerCase()}`,
          fields: [],
        };
      }
      return undefined;
    }
    if (def.length && typeof value === 'string' && value.length > def.length && def.type !== 'picklist') {
      return {
        statusCode: 'STRING_TOO_LONG',
        message: `${def.label}: data value too large: ${value.slice(0, 40)} (max length=${def.length})`,
        fields: [def.name],
      };
    }
    if (def.type === 'date' && (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value))) {
      return { statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD', message: `${def.label}: value not of required type: ${String(value)}`, fields: [def.name] };
    }
    if ((def.type === 'int' || def.type === 'double' || def.type === 'currency') && Number.isNaN(Number(value))) {
      return { statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD', message: `${def.label}: value not of required type: ${String(value)}`, fields: [def.name] };
    }
    return undefined;
  }

  private finish(object: ObjectDef, record: SfRecord): DmlError | undefined {
    const missing = object.fields
      .filter((f) => !f.nillable && !f.defaultedOnCreate && f.createable && (record[f.name] === null || record[f.name] === undefined || record[f.name] === ''))
      .map((f) => f.name);
    if (missing.length > 0) {
      return { statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing };
    }
    for (const rule of this.validationRules) {
      if (rule.object.toLowerCase() === object.name.toLowerCase() && rule.failsWhen(record)) {
        return { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: rule.message, fields: rule.field ? [rule.field] : [] };
      }
    }
    return this.recordFaults(object.name, record);
  }

  insert(type: string, values: Record<string, unknown>, actorId: string): SaveResult {
    const object = this.object(type);
    if (!object || !object.createable) {
      return { id: null, success: false, errors: [{ statusCode: 'INVALID_TYPE', message: `sObject type '${type}' is not supported.`, fields: [] }] };
    }
    const { fields, error } = this.checkValues(object, values, true);
    if (error) return { id: null, success: false, errors: [error] };
    const now = sfDateTime(Date.now());
    const record: SfRecord = { Id: '' };
    for (const f of object.fields) record[f.name] = f.type === 'boolean' ? false : null;
    const defaults: Record<string, unknown> = {};
    for (const f of object.fields) {
      const def = f.picklistValues?.find((p) => p.defaultValue);
      if (def) defaults[f.name] = def.value;
    }
    if (object.name === 'Task') defaults.TaskSubtype = 'Task';
    Object.assign(record, defaults, fields, {
      IsDeleted: false,
      CreatedDate: now,
      CreatedById: actorId,
      LastModifiedDate: now,
      LastModifiedById: actorId,
      SystemModstamp: now,
    });
    if ('OwnerId' in record && !record.OwnerId) record.OwnerId = actorId;
    derive(object, record);
    const problem = this.finish(object, record);
    if (problem) return { id: null, success: false, errors: [problem] };
    record.Id = this.newId(object);
    this.put(object.name, record, record.Id);
    return { id: record.Id, success: true, errors: [] };
  }

  update(type: string, id: string, values: Record<string, unknown>, actorId: string): SaveResult {
    const object = this.object(type);
    const current = object ? this.get(object.name, id) : undefined;
    if (!object || !current) {
      return { id: null, success: false, errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] }] };
    }
    const { fields, error } = this.checkValues(object, values, false);
    if (error) return { id: current.Id, success: false, errors: [error] };
    const now = sfDateTime(Date.now());
    const record: SfRecord = { ...current, ...fields, LastModifiedDate: now, LastModifiedById: actorId, SystemModstamp: now };
    derive(object, record);
    const problem = this.finish(object, record);
    if (problem) return { id: current.Id, success: false, errors: [problem] };
    this.put(object.name, record, record.Id);
    return { id: record.Id, success: true, errors: [] };
  }

  /** Deletes a record into the Recycle Bin, or for good with `hard` (Bulk API hardDelete). */
  remove(type: string, id: string, options: { hard?: boolean } = {}): SaveResult {
    const object = this.object(type);
    const current = object ? this.get(object.name, id) : undefined;
    if (!object || !current) {
      return { id: null, success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] };
    }
    if (options.hard) {
      this.put(object.name, null, current.Id);
      return { id: current.Id, success: true, errors: [] };
    }
    // Deleted records stay in the Recycle Bin: gone for every read but queryAll.
    const now = sfDateTime(Date.now());
    this.put(object.name, { ...current, IsDeleted: true, LastModifiedDate: now, SystemModstamp: now }, current.Id);
    return { id: current.Id, success: true, errors: [] };
  }
}

function normalizeValue(def: FieldDef, value: unknown): unknown {
  if (value === '' || value === undefined) return null;
  if (value === null) return null;
  switch (def.type) {
    case 'boolean':
      return value === true || String(value).toLowerCase() === 'true';
    case 'int':
      return Math.trunc(Number(value));
    case 'double':
    case 'currency':
      return Number(value);
    case 'reference':
      return to18(String(value));
    case 'datetime':
      return sfDateTime(Date.parse(String(value)));
    default:
      return String(value);
  }
}

/** Fields Salesforce computes from others. */
function derive(object: ObjectDef, record: SfRecord) {
  if ('Name' in record && (object.name === 'Lead' || object.name === 'Contact')) {
    record.Name = [record.FirstName, record.LastName].filter(Boolean).join(' ');
  }
  if (object.name === 'Task') record.IsClosed = record.Status === 'Completed';
}
