/**
 * Runs a parsed SOQL query against the org: validates every field path against the describe
 * (INVALID_FIELD / INVALID_TYPE as an org reports them), filters, sorts, pages and projects records
 * into the REST shape (`attributes`, parent relationships as nested objects).
 */
import { findField, type FieldDef, type ObjectDef } from './schema.js';
import type { Org, SfRecord } from './org.js';
import {
  invalidField,
  matches,
  orderComparator,
  parseSoql,
  referencedFields,
  SoqlError,
  type FieldValue,
  type SoqlQuery,
} from './soql.js';

export interface QueryResult {
  object: ObjectDef;
  query: SoqlQuery;
  /** Projected rows (REST shape) or, for COUNT(), empty. */
  rows: Record<string, unknown>[];
  totalSize: number;
}

interface PathStep {
  field: FieldDef;
  object: ObjectDef;
}

/** Resolves `Owner.Name` to the reference field and the parent's field; undefined when unknown. */
function resolvePath(org: Org, object: ObjectDef, path: string): PathStep[] | undefined {
  const parts = path.split('.');
  const steps: PathStep[] = [];
  let current: ObjectDef[] = [object];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    if (last) {
      const hit = current.map((o) => ({ o, f: findField(o, part) })).find((x) => x.f);
      if (!hit) return undefined;
      steps.push({ field: hit.f!, object: hit.o });
      return steps;
    }
    const lower = part.toLowerCase();
    const ref = current.flatMap((o) => o.fields.map((f) => ({ o, f }))).find((x) => x.f.relationshipName?.toLowerCase() === lower);
    if (!ref) return undefined;
    steps.push({ field: ref.f, object: ref.o });
    current = (ref.f.referenceTo ?? []).map((t) => org.object(t)).filter((o): o is ObjectDef => Boolean(o));
    if (current.length === 0) return undefined;
  }
  return steps;
}

function makeReader(org: Org, object: ObjectDef) {
  const cache = new Map<string, PathStep[]>();
  return (record: Record<string, unknown>, path: string): { value: FieldValue; type: string } => {
    let steps = cache.get(path);
    if (!steps) {
      steps = resolvePath(org, object, path) ?? [];
      cache.set(path, steps);
    }
    let rec: Record<string, unknown> | undefined = record;
    for (let i = 0; i < steps.length - 1; i++) {
      const id: unknown = rec?.[steps[i]!.field.name];
      if (typeof id !== 'string') return { value: null, type: steps.at(-1)!.field.type };
      const type = org.typeOfId(id);
      rec = type ? org.get(type, id) : undefined;
    }
    const last = steps.at(-1);
    if (!last || !rec) return { value: null, type: last?.field.type ?? 'string' };
    const value = rec[last.field.name];
    return { value: (value ?? null) as FieldValue, type: last.field.type };
  };
}

export function recordUrl(version: string, type: string, id: string) {
  return `/services/data/v${version}/sobjects/${type}/${id}`;
}

/** The REST shape of one record with the selected fields (paths keep the case the query used). */
export function project(org: Org, object: ObjectDef, record: SfRecord, fields: string[], version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: object.name, url: recordUrl(version, object.name, record.Id) } };
  for (const path of fields) {
    const steps = resolvePath(org, object, path);
    if (!steps) continue;
    if (steps.length === 1) {
      out[steps[0]!.field.name] = record[steps[0]!.field.name] ?? null;
      continue;
    }
    // Parent relationship: nested objects, null when the reference is empty.
    let target: Record<string, unknown> = out;
    let rec: Record<string, unknown> | undefined = record;
    for (let i = 0; i < steps.length - 1; i++) {
      const step = steps[i]!;
      const rel = step.field.relationshipName!;
      const id: unknown = rec?.[step.field.name];
      const type: string | undefined = typeof id === 'string' ? org.typeOfId(id) : undefined;
      rec = type && typeof id === 'string' ? org.get(type, id) : undefined;
      if (!rec || !type) {
        if (!(rel in target)) target[rel] = null;
        break;
      }
      const existing = target[rel] as Record<string, unknown> | null | undefined;
      const next: Record<string, unknown> = existing ?? { attributes: { type, url: recordUrl(version, type, String(rec.Id)) } };
      target[rel] = next;
      target = next;
      if (i === steps.length - 2) {
        const leaf = steps.at(-1)!.field.name;
        target[leaf] = rec[leaf] ?? null;
      }
    }
  }
  return out;
}

/** `includeDeleted`: queryAll, which also returns deleted records (IsDeleted = true) from the Recycle Bin. */
export function runQuery(org: Org, text: string, version: string, options: { includeDeleted?: boolean } = {}): QueryResult {
  const { query, positions } = parseSoql(text);
  const object = org.object(query.object);
  if (!object || !object.queryable) {
    const pos = text.search(new RegExp(`\\b${query.object.replace(/[^A-Za-z0-9_]/g, '')}\\b`));
    throw new SoqlError(
      'INVALID_TYPE',
      `\n${text}\n${' '.repeat(Math.max(0, pos))}^\nERROR at Row:1:Column:${pos + 1}\nsObject type '${query.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  for (const path of referencedFields(query)) {
    if (!resolvePath(org, object, path)) {
      const parts = path.split('.');
      throw invalidField(text, positions.get(path.toLowerCase()) ?? 0, parts.at(-1) ?? path, object.name);
    }
  }
  const read = makeReader(org, object);
  let records: SfRecord[] = [];
  for (const rec of org.scan(object.name, { includeDeleted: options.includeDeleted })) {
    if (!query.where || matches(query.where, rec, read)) records.push(rec);
  }
  if (query.orderBy.length > 0) records.sort(orderComparator(query.orderBy, read));
  if (query.offset) records = records.slice(query.offset);
  if (query.limit !== undefined) records = records.slice(0, query.limit);
  if (query.count) return { object, query, rows: [], totalSize: records.length };
  return { object, query, rows: records.map((r) => project(org, object, r, query.fields, version)), totalSize: records.length };
}

/** A projected row as flat CSV cells (Bulk API 2.0 query results): `Owner.Name` reads the nested object. */
export function flatten(row: Record<string, unknown>, paths: string[]): string[] {
  return paths.map((path) => {
    let v: unknown = row;
    for (const part of path.split('.')) {
      if (v === null || v === undefined || typeof v !== 'object') break;
      const key = Object.keys(v as object).find((k) => k.toLowerCase() === part.toLowerCase());
      v = key ? (v as Record<string, unknown>)[key] : undefined;
    }
    return v === null || v === undefined || typeof v === 'object' ? '' : String(v);
  });
}
