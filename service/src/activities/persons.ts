/**
 * Every read of the synced people goes through here, so the activities capability depends on the
 * sync's `persons` table (keyed on account and Marketo id) in one place only.
 */
import { sql } from 'kysely';
import { toId18 } from '../account/org-id.js';
import type { DbOrTx } from '../platform/database.js';

export interface Person {
  marketoId: number;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  title: string | null;
  phone: string | null;
  linkedInUrl: string | null;
  source: string | null;
  leadId: string | null;
  contactId: string | null;
  accountId: string | null;
  opportunityId: string | null;
  /** Contact wins when the person is both. */
  salesforceType: 'Lead' | 'Contact' | null;
  removedAt: Date | null;
  updatedAt: Date | null;
  /** Every synced column as the sync stores it, for the rep's view. */
  synced: Record<string, unknown>;
}

export type PersonRef = { salesforceId: string } | { marketoId: number } | { email: string };

type Row = Record<string, unknown>;

const text = (row: Row, ...names: string[]): string | null => {
  for (const n of names) {
    const v = row[n];
    if (typeof v === 'string' && v !== '') return v;
  }
  return null;
};
const date = (row: Row, name: string): Date | null => {
  const v = row[name];
  return v instanceof Date ? v : typeof v === 'string' ? new Date(v) : null;
};

function toPerson(row: Row): Person {
  const contactId = text(row, 'sfdc_contact_id', 'salesforce_contact_id');
  const leadId = text(row, 'sfdc_lead_id', 'salesforce_lead_id');
  const synced: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (k !== 'account_id') synced[k] = v instanceof Date ? v.toISOString() : typeof v === 'string' && k === 'marketo_id' ? Number(v) : v;
  return {
    marketoId: Number(row.marketo_id),
    email: text(row, 'email'),
    firstName: text(row, 'first_name'),
    lastName: text(row, 'last_name'),
    company: text(row, 'company'),
    title: text(row, 'title'),
    phone: text(row, 'phone'),
    linkedInUrl: text(row, 'linkedin_url', 'linked_in_url'),
    source: text(row, 'source', 'lead_source'),
    leadId,
    contactId,
    accountId: text(row, 'sfdc_account_id', 'salesforce_account_id'),
    opportunityId: text(row, 'sfdc_opportunity_id', 'sfdc_oppty_id', 'salesforce_opportunity_id'),
    salesforceType: row.salesforce_type === 'Contact' || row.salesforce_type === 'Lead' ? row.salesforce_type : contactId ? 'Contact' : leadId ? 'Lead' : null,
    removedAt: date(row, 'removed_at'),
    updatedAt: date(row, 'marketo_updated_at') ?? date(row, 'synced_at'),
    synced,
  };
}

/**
 * The people a reference names, synced ones first, then newest. An e-mail may name several (Marketo
 * keeps duplicates by e-mail and so does the sync); a Salesforce id names those with that Lead or
 * Contact id (15 or 18 characters).
 */
export async function findPersons(db: DbOrTx, accountId: string, ref: PersonRef): Promise<Person[]> {
  let where;
  if ('marketoId' in ref) where = sql`marketo_id = ${ref.marketoId}`;
  else if ('email' in ref) where = sql`lower(email) = ${ref.email.trim().toLowerCase()}`;
  else {
    const id = toId18(ref.salesforceId.trim());
    where = sql`(sfdc_lead_id = ${id} or sfdc_contact_id = ${id})`;
  }
  const result = await sql<Row>`
    select * from persons
    where account_id = ${accountId} and ${where}
    order by (removed_at is null) desc, marketo_updated_at desc nulls last, marketo_id
    limit 20`.execute(db);
  return result.rows.map(toPerson);
}
