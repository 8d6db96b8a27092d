import type { LeadFieldDescription } from '../marketo/types.js';
import type { ExtraField } from './tables.js';

/** The persons column each of MSI's 13 standard fields lands in. */
export type PersonColumn =
  | 'first_name'
  | 'last_name'
  | 'sfdc_contact_id'
  | 'sfdc_lead_id'
  | 'sfdc_account_id'
  | 'sfdc_opportunity_id'
  | 'marketo_id'
  | 'company'
  | 'title'
  | 'email'
  | 'phone'
  | 'linkedin_url'
  | 'source';

export interface StandardField {
  key: string;
  label: string;
  column: PersonColumn;
  /** Marketo REST names that carry it, most usual first; the instance's describe decides which one exists. */
  candidates: string[];
  /** Fallback: a display name pattern, for instances where the field is custom (LinkedIn URL has no standard name). */
  displayName?: RegExp;
}

/** MSI's field sync set (B.4: "First name … Source", 13 fields; users cannot change it). */
export const STANDARD_FIELDS: readonly StandardField[] = [
  { key: 'firstName', label: 'First name', column: 'first_name', candidates: ['firstName'] },
  { key: 'lastName', label: 'Last name', column: 'last_name', candidates: ['lastName'] },
  {
    key: 'salesforceContactId',
    label: 'Salesforce contact ID',
    column: 'sfdc_contact_id',
    candidates: ['sfdcContactId'],
  },
  { key: 'salesforceLeadId', label: 'Salesforce lead ID', column: 'sfdc_lead_id', candidates: ['sfdcLeadId'] },
  {
    key: 'salesforceAccountId',
    label: 'Salesforce account ID',
    column: 'sfdc_account_id',
    candidates: ['sfdcAccountId'],
  },
  {
    key: 'salesforceOpportunityId',
    label: 'Salesforce opportunity ID',
    column: 'sfdc_opportunity_id',
    candidates: ['sfdcOpptyId', 'sfdcOpportunityId'],
  },
  { key: 'marketoId', label: 'Marketo ID', column: 'marketo_id', candidates: ['id'] },
  { key: 'company', label: 'Company', column: 'company', candidates: ['company'] },
  { key: 'title', label: 'Title', column: 'title', candidates: ['title'] },
  { key: 'email', label: 'Email', column: 'email', candidates: ['email'] },
  { key: 'phone', label: 'Phone number', column: 'phone', candidates: ['phone', 'mainPhone'] },
  {
    key: 'linkedinUrl',
    label: 'LinkedIn URL',
    column: 'linkedin_url',
    candidates: ['linkedInUrl', 'linkedinUrl', 'linkedInProfileUrl', 'linkedInProfileURL'],
    displayName: /linked\s*in.*(url|profile)/i,
  },
  { key: 'source', label: 'Source', column: 'source', candidates: ['leadSource', 'source'] },
];

export const DEFAULT_OWNER_FIELD = 'sfdcLeadOwnerId';
export const MAX_EXTRA_FIELDS = 20;

export interface ResolvedField {
  key: string;
  label: string;
  column: PersonColumn;
  marketoField: string | null;
  dataType: string | null;
  /** The Marketo names looked for (the standard field's candidates). */
  candidates: string[];
  warning: string | null;
  /** `standard_field_missing` with the warning, so a page can word it in its own language; null without. */
  warningCode: 'standard_field_missing' | null;
}

/** Where this instance keeps everything the sync reads: what the export and the REST calls ask for. */
export interface FieldPlan {
  standard: ResolvedField[];
  ownerField: string;
  extras: ExtraField[];
  /** Every Marketo field requested, without duplicates. */
  request: string[];
}

export function restFields(describe: LeadFieldDescription[]): Map<string, LeadFieldDescription> {
  const map = new Map<string, LeadFieldDescription>();
  for (const f of describe) if (f.rest?.name) map.set(f.rest.name, f);
  return map;
}

export function resolveFields(describe: LeadFieldDescription[], ownerField: string, extras: ExtraField[]): FieldPlan {
  const byName = restFields(describe);
  const standard = STANDARD_FIELDS.map((s): ResolvedField => {
    let found = s.candidates.map((c) => byName.get(c)).find((f) => f !== undefined);
    if (!found && s.displayName) found = describe.find((f) => f.rest?.name && s.displayName!.test(f.displayName));
    return {
      key: s.key,
      label: s.label,
      column: s.column,
      marketoField: found?.rest?.name ?? null,
      dataType: found?.dataType ?? null,
      candidates: [...s.candidates],
      warning: found
        ? null
        : `This Marketo instance has no ${s.label} field (looked for ${s.candidates.join(', ')}); the column stays empty.`,
      warningCode: found ? null : 'standard_field_missing',
    };
  });
  const request = new Set<string>(['id', 'createdAt', 'updatedAt']);
  for (const f of standard) if (f.marketoField) request.add(f.marketoField);
  if (byName.has(ownerField)) request.add(ownerField);
  for (const e of extras) if (byName.has(e.name)) request.add(e.name);
  return { standard, ownerField, extras: extras.filter((e) => byName.has(e.name)), request: [...request] };
}

type Raw = string | number | boolean | null | undefined;

function text(v: Raw): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v);
  return s === '' ? null : s;
}

/** An extra field's value typed as describe says (bulk files carry only text). */
export function typed(value: Raw, dataType: string): unknown {
  const s = text(value);
  if (s === null) return null;
  switch (dataType) {
    case 'integer': {
      const n = Number(s);
      return Number.isSafeInteger(n) ? n : s;
    }
    case 'float':
    case 'currency':
    case 'percent':
    case 'score': {
      const n = Number(s);
      return Number.isFinite(n) ? n : s;
    }
    case 'boolean':
      return s === 'true' || s === '1' ? true : s === 'false' || s === '0' ? false : s;
    default:
      return s;
  }
}

function isoOrNull(v: Raw): string | null {
  const s = text(v);
  if (s === null) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** A person row as the upsert takes it (JSON for json_to_recordset). */
export interface PersonRow {
  marketo_id: number;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  title: string | null;
  linkedin_url: string | null;
  source: string | null;
  sfdc_lead_id: string | null;
  sfdc_contact_id: string | null;
  sfdc_account_id: string | null;
  sfdc_opportunity_id: string | null;
  owner_id: string | null;
  extra: Record<string, unknown>;
  marketo_created_at: string | null;
  marketo_updated_at: string | null;
}

export type Mapped =
  { kind: 'person'; row: PersonRow } | { kind: 'no_owner'; id: number } | { kind: 'invalid'; reason: string };

/** Compiles the mapping once per batch source, so a 1.5 M-row load does no per-row lookups. */
export function rowMapper(plan: FieldPlan): (record: Record<string, Raw>) => Mapped {
  const col = (c: PersonColumn) => plan.standard.find((s) => s.column === c)?.marketoField ?? null;
  const f = {
    first: col('first_name'),
    last: col('last_name'),
    email: col('email'),
    phone: col('phone'),
    company: col('company'),
    title: col('title'),
    linkedin: col('linkedin_url'),
    source: col('source'),
    lead: col('sfdc_lead_id'),
    contact: col('sfdc_contact_id'),
    account: col('sfdc_account_id'),
    oppty: col('sfdc_opportunity_id'),
  };
  const get = (r: Record<string, Raw>, name: string | null) => (name === null ? null : text(r[name]));
  const owner = plan.ownerField;
  const extras = plan.extras;
  return (r) => {
    const id = Number(r.id);
    if (!Number.isSafeInteger(id) || id <= 0) return { kind: 'invalid', reason: 'invalid_marketo_id' };
    const ownerId = text(r[owner]);
    if (ownerId === null) return { kind: 'no_owner', id };
    const extra: Record<string, unknown> = {};
    for (const e of extras) extra[e.name] = typed(r[e.name], e.dataType);
    return {
      kind: 'person',
      row: {
        marketo_id: id,
        first_name: get(r, f.first),
        last_name: get(r, f.last),
        email: get(r, f.email),
        phone: get(r, f.phone),
        company: get(r, f.company),
        title: get(r, f.title),
        linkedin_url: get(r, f.linkedin),
        source: get(r, f.source),
        sfdc_lead_id: get(r, f.lead),
        sfdc_contact_id: get(r, f.contact),
        sfdc_account_id: get(r, f.account),
        sfdc_opportunity_id: get(r, f.oppty),
        owner_id: ownerId,
        extra,
        marketo_created_at: isoOrNull(r.createdAt),
        marketo_updated_at: isoOrNull(r.updatedAt),
      },
    };
  };
}
