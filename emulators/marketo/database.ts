import { CREATED_STEP_MS, SEED_EPOCH_MS, personAt, type SeedOptions, type SeedPerson } from '../shared/seed-people.js';
import { FIELD_BY_NAME, LEAD_FIELDS, type FieldValue, type LeadRecord } from './fields.js';

/**
 * The emulated lead database: `people` generated people (never stored; see personAt) plus small
 * overlays for what changed since start. Memory grows with the changes, not with `people`.
 */

export const ACTIVITY_NEW_LEAD = 12;
export const ACTIVITY_CHANGE_DATA_VALUE = 13;
export const ACTIVITY_DELETE_LEAD = 37;

export interface ActivityEvent {
  id: number;
  leadId: number;
  activityDate: number;
  activityTypeId: number;
  primaryAttributeValueId?: number;
  primaryAttributeValue?: FieldValue;
  fields?: Array<{ id: number; name: string; newValue: FieldValue; oldValue: FieldValue }>;
  attributes: Array<{ name?: string; apiName?: string; value: FieldValue }>;
}

/** The overlay as one unit, so a bulk export can freeze it while it writes its file. */
export interface Overlay {
  /** Full current record of every changed or added person. */
  records: Map<number, LeadRecord>;
  deleted: Set<number>;
  nextId: number;
}

// The largest supported database; the lookup index packs (30-bit hash, 22-bit index) into one double.
const MAX_PEOPLE = 1 << 22;

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function hash30(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) & 0x3fffffff;
}

export function personToRecord(p: SeedPerson): LeadRecord {
  return {
    id: p.id,
    company: p.company,
    firstName: p.firstName,
    middleName: null,
    lastName: p.lastName,
    email: p.email,
    phone: p.phone,
    mobilePhone: null,
    title: p.title,
    industry: p.industry,
    country: p.country,
    unsubscribed: false,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    leadSource: p.leadSource,
    leadStatus: p.leadStatus,
    sfdcType: p.sfdcType,
    sfdcLeadId: p.sfdcLeadId,
    sfdcContactId: p.sfdcContactId,
    sfdcAccountId: p.sfdcAccountId,
    sfdcOpptyId: p.sfdcOpptyId,
    sfdcLeadOwnerId: p.sfdcLeadOwnerId,
    linkedInUrl: p.linkedInUrl,
  };
}

export class LeadDatabase {
  readonly seed: number | string;
  readonly people: number;
  readonly seedOptions: SeedOptions;
  overlay: Overlay;
  readonly activities: ActivityEvent[] = [];
  private nextActivityId: number;
  private readonly indexes = new Map<string, Float64Array>();
  private readonly clock: () => number;

  constructor(options: { seed: number | string; people: number; seedOptions?: SeedOptions; clock?: () => number }) {
    if (options.people < 0 || options.people >= MAX_PEOPLE) throw new RangeError(`people must be 0..${MAX_PEOPLE - 1}`);
    this.seed = options.seed;
    this.people = options.people;
    this.seedOptions = options.seedOptions ?? {};
    this.clock = options.clock ?? Date.now;
    this.overlay = { records: new Map(), deleted: new Set(), nextId: options.people + 1 };
    // Activity ids above the seeded New Lead activities (id = lead id) keep one ascending order in time.
    this.nextActivityId = options.people + 1;
  }

  /** The current record of a lead, or null when it does not exist (never created or deleted). */
  get(id: number, overlay: Overlay = this.overlay): LeadRecord | null {
    if (!Number.isInteger(id) || id < 1 || id >= overlay.nextId || overlay.deleted.has(id)) return null;
    const changed = overlay.records.get(id);
    if (changed) return changed;
    if (id > this.people) return null;
    return personToRecord(personAt(this.seed, id - 1, this.seedOptions));
  }

  seedPerson(id: number): SeedPerson | null {
    return id >= 1 && id <= this.people ? personAt(this.seed, id - 1, this.seedOptions) : null;
  }

  /** Ids of existing leads whose current `field` equals `value`, ascending. */
  findBy(field: string, value: FieldValue): number[] {
    if (value === null || value === '') return [];
    if (field === 'id') {
      const id = Number(value);
      return this.get(id) ? [id] : [];
    }
    const wanted = String(value);
    const compare = field === 'email' ? (v: FieldValue) => v !== null && String(v).toLowerCase() === wanted.toLowerCase() : (v: FieldValue) => v !== null && String(v) === wanted;
    const found = new Set<number>();
    const index = this.index(field);
    const h = hash30(field === 'email' ? wanted.toLowerCase() : wanted);
    let lo = 0;
    let hi = index.length;
    const low = h * MAX_PEOPLE;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (index[mid]! < low) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < index.length && Math.floor(index[i]! / MAX_PEOPLE) === h; i++) {
      const id = (index[i]! % MAX_PEOPLE) + 1;
      const record = this.get(id);
      if (record && compare(record[field] ?? null)) found.add(id);
    }
    for (const [id, record] of this.overlay.records) {
      if (!this.overlay.deleted.has(id) && compare(record[field] ?? null)) found.add(id);
    }
    return [...found].sort((a, b) => a - b);
  }

  /** A sorted (hash, index) array over the generated people, built the first time a field is searched. */
  private index(field: string): Float64Array {
    let index = this.indexes.get(field);
    if (index) return index;
    index = new Float64Array(this.people);
    for (let i = 0; i < this.people; i++) {
      const v = personToRecord(personAt(this.seed, i, this.seedOptions))[field];
      const key = v === null || v === undefined ? 0x3fffffff : hash30(field === 'email' ? String(v).toLowerCase() : String(v));
      index[i] = key * MAX_PEOPLE + i;
    }
    index.sort();
    this.indexes.set(field, index);
    return index;
  }

  private addActivity(event: Omit<ActivityEvent, 'id' | 'activityDate'>): ActivityEvent {
    const full: ActivityEvent = { id: this.nextActivityId++, activityDate: this.clock(), ...event };
    this.activities.push(full);
    return full;
  }

  /** Activity ids are handed out in time order, so a position is just the next id to read. */
  get activityEnd(): number {
    return this.nextActivityId;
  }

  /** The first activity position at or after `ms`. */
  positionAt(ms: number): number {
    const lastSeeded = SEED_EPOCH_MS + (this.people - 1) * CREATED_STEP_MS;
    if (this.people > 0 && ms <= lastSeeded) return Math.max(1, Math.ceil((ms - SEED_EPOCH_MS) / CREATED_STEP_MS) + 1);
    const first = this.activities.find((a) => a.activityDate >= ms);
    return first ? first.id : this.nextActivityId;
  }

  /** The activity at position `id` (seeded New Lead activities are made up on demand), or null. */
  activityAt(id: number): ActivityEvent | null {
    if (id >= 1 && id <= this.people) {
      if (this.overlay.deleted.has(id)) return null;
      const p = personAt(this.seed, id - 1, this.seedOptions);
      return {
        id,
        leadId: id,
        activityDate: SEED_EPOCH_MS + (id - 1) * CREATED_STEP_MS,
        activityTypeId: ACTIVITY_NEW_LEAD,
        primaryAttributeValueId: id,
        primaryAttributeValue: `${p.firstName} ${p.lastName}`,
        attributes: [
          { name: 'Source Type', value: 'New lead' },
          { name: 'Lead Source', value: p.leadSource },
        ],
      };
    }
    const first = this.people + 1;
    return this.activities[id - first] ?? null;
  }

  /** Adds people (generated from later seed indexes when `fields` is not given). Returns their ids. */
  add(records: Array<Partial<LeadRecord>>, reason = 'Web service API'): number[] {
    const ids: number[] = [];
    for (const fields of records) {
      const id = this.overlay.nextId++;
      const now = isoSeconds(this.clock());
      const base: LeadRecord = Object.fromEntries(LEAD_FIELDS.map((f) => [f.name, null]));
      const record: LeadRecord = { ...base, unsubscribed: false, ...stripUndefined(fields), id, createdAt: now, updatedAt: now };
      this.overlay.records.set(id, record);
      const name = [record.firstName, record.lastName].filter((v) => v !== null).join(' ');
      this.addActivity({
        leadId: id,
        activityTypeId: ACTIVITY_NEW_LEAD,
        primaryAttributeValueId: id,
        primaryAttributeValue: name,
        attributes: [{ name: 'Source Type', value: reason }],
      });
      ids.push(id);
    }
    return ids;
  }

  /** Generated newcomers: the persons the seed would have at the next indexes, created now. */
  addGenerated(count: number): number[] {
    const records: Array<Partial<LeadRecord>> = [];
    for (let i = 0; i < count; i++) {
      const index = this.overlay.nextId - 1 + i;
      const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = personToRecord(personAt(this.seed, index, this.seedOptions));
      records.push(rest);
    }
    return this.add(records, 'New lead');
  }

  /** Changes fields; one Data Value Change activity per changed value, as Marketo logs them. */
  change(id: number, fields: Partial<LeadRecord>, reason = 'Web service API'): boolean {
    const current = this.get(id);
    if (!current) return false;
    const next: LeadRecord = { ...current };
    let changed = false;
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined || name === 'id') continue;
      const field = FIELD_BY_NAME.get(name);
      if (!field) throw new Error(`Field '${name}' not found`);
      const old = current[name] ?? null;
      if (old === value) continue;
      next[name] = value;
      changed = true;
      this.addActivity({
        leadId: id,
        activityTypeId: ACTIVITY_CHANGE_DATA_VALUE,
        primaryAttributeValueId: field.id,
        primaryAttributeValue: field.displayName,
        fields: [{ id: field.id, name, newValue: value, oldValue: old }],
        attributes: [
          { name: 'Reason', value: reason },
          { name: 'Source', value: reason },
        ],
      });
    }
    if (changed) {
      next.updatedAt = isoSeconds(this.clock());
      this.replaceRecord(id, next);
    }
    return true;
  }

  /** Records are replaced, never mutated, so a frozen overlay copy stays valid. */
  private replaceRecord(id: number, record: LeadRecord): void {
    this.overlay.records.set(id, record);
  }

  delete(id: number): boolean {
    const current = this.get(id);
    if (!current) return false;
    this.overlay.deleted.add(id);
    this.addActivity({
      leadId: id,
      activityTypeId: ACTIVITY_DELETE_LEAD,
      primaryAttributeValueId: id,
      primaryAttributeValue: [current.firstName, current.lastName].filter((v) => v !== null).join(' '),
      attributes: [],
    });
    return true;
  }

  addCustomActivity(event: Omit<ActivityEvent, 'id'>): ActivityEvent {
    const full: ActivityEvent = { id: this.nextActivityId++, ...event };
    this.activities.push(full);
    return full;
  }

  /** A copy that later changes do not touch (records are immutable, so the maps are enough). */
  freeze(): Overlay {
    return { records: new Map(this.overlay.records), deleted: new Set(this.overlay.deleted), nextId: this.overlay.nextId };
  }

  /** Ids of leads whose date field (createdAt | updatedAt) is in [startMs, endMs], ascending. */
  *idsByDate(field: 'createdAt' | 'updatedAt', startMs: number, endMs: number, overlay: Overlay): Generator<number> {
    const firstIndex = field === 'createdAt' ? Math.max(0, Math.ceil((startMs - SEED_EPOCH_MS) / CREATED_STEP_MS)) : 0;
    const lastIndex = field === 'createdAt' ? Math.min(this.people - 1, Math.floor((endMs - SEED_EPOCH_MS) / CREATED_STEP_MS)) : this.people - 1;
    for (let i = firstIndex; i <= lastIndex; i++) {
      const id = i + 1;
      if (overlay.deleted.has(id)) continue;
      if (overlay.records.has(id) || field === 'updatedAt') {
        const r = this.get(id, overlay);
        const t = r ? Date.parse(String(r[field])) : NaN;
        if (t >= startMs && t <= endMs) yield id;
      } else {
        yield id;
      }
    }
    for (let id = this.people + 1; id < overlay.nextId; id++) {
      const r = this.get(id, overlay);
      if (!r) continue;
      const t = Date.parse(String(r[field]));
      if (t >= startMs && t <= endMs) yield id;
    }
  }
}

function stripUndefined(fields: Partial<LeadRecord>): LeadRecord {
  const out: LeadRecord = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
}
