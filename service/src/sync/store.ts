import { sql } from 'kysely';
import type { DbOrTx } from '../platform/database.js';
import type { Mapped, PersonRow } from './fields.js';

export interface BatchCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
  skipped: Record<string, number>;
}

export function emptyCounts(): BatchCounts {
  return { read: 0, inserted: 0, updated: 0, unchanged: 0, removed: 0, skipped: {} };
}

export function addCounts(into: BatchCounts, more: BatchCounts): BatchCounts {
  into.read += more.read;
  into.inserted += more.inserted;
  into.updated += more.updated;
  into.unchanged += more.unchanged;
  into.removed += more.removed;
  for (const [k, v] of Object.entries(more.skipped)) into.skipped[k] = (into.skipped[k] ?? 0) + v;
  return into;
}

const COLUMNS = [
  'first_name',
  'last_name',
  'email',
  'phone',
  'company',
  'title',
  'linkedin_url',
  'source',
  'sfdc_lead_id',
  'sfdc_contact_id',
  'sfdc_account_id',
  'sfdc_opportunity_id',
  'owner_id',
  'extra',
  'marketo_created_at',
  'marketo_updated_at',
] as const;

const RECORD_TYPE = sql.raw(
  `marketo_id bigint, ${COLUMNS.map((c) => `${c} ${c === 'extra' ? 'jsonb' : c.startsWith('marketo_') ? 'timestamptz' : 'text'}`).join(', ')}`,
);
const INSERT_COLUMNS = sql.raw(`account_id, marketo_id, ${COLUMNS.join(', ')}, removed_at, removed_reason, synced_at`);
const SELECT_COLUMNS = sql.raw(`marketo_id, ${COLUMNS.join(', ')}`);
const UPDATE_SET = sql.raw(COLUMNS.map((c) => `${c} = excluded.${c}`).join(', '));
const CURRENT = sql.raw(`(${COLUMNS.map((c) => `persons.${c}`).join(', ')})`);
const INCOMING = sql.raw(`(${COLUMNS.map((c) => `excluded.${c}`).join(', ')})`);

/**
 * Writes one batch: qualifying people upserted on (account, Marketo id) in one multi-row statement
 * (rows that did not change are not touched, so a re-run of a batch writes nothing), people without
 * an owner or gone from Marketo marked removed. Idempotent: running a batch twice leaves the table
 * as running it once.
 */
export async function writeBatch(
  db: DbOrTx,
  accountId: string,
  mapped: Mapped[],
  options: {
    removedReason: string;
    missingIds?: number[];
    missingReason?: string;
    /**
     * A full resync: people of this batch last synced before this time are marked seen (synced_at)
     * even when nothing changed, so the people the resync never saw can be told apart at its end.
     */
    markSeenSince?: Date;
  },
): Promise<BatchCounts> {
  const counts = emptyCounts();
  counts.read = mapped.length;
  // The last version of a person in a batch wins; one statement cannot touch a row twice.
  const people = new Map<number, PersonRow>();
  const noOwner: number[] = [];
  for (const m of mapped) {
    if (m.kind === 'person') people.set(m.row.marketo_id, m.row);
    else if (m.kind === 'no_owner') noOwner.push(m.id);
    else counts.skipped[m.reason] = (counts.skipped[m.reason] ?? 0) + 1;
  }
  for (const id of noOwner) people.delete(id);
  if (people.size > 0) {
    // Ascending ids: two writers touching neighbouring rows lock them in one order (no deadlock).
    const rows = [...people.values()].sort((a, b) => a.marketo_id - b.marketo_id);
    if (options.markSeenSince) {
      await sql`
        update persons set synced_at = now()
        where ${thesePeople(accountId, rows.map((r) => r.marketo_id))} and synced_at < ${options.markSeenSince}`.execute(db);
    }
    const result = await sql<{ inserted: number; updated: number }>`
      with input as (
        select * from json_to_recordset(${JSON.stringify(rows)}::json) as t(${RECORD_TYPE})
      ), written as (
        insert into persons (${INSERT_COLUMNS})
        select ${accountId}::uuid, ${SELECT_COLUMNS}, null, null, now() from input
        on conflict (account_id, marketo_id) do update set ${UPDATE_SET}, removed_at = null, removed_reason = null, synced_at = excluded.synced_at
        where ${CURRENT} is distinct from ${INCOMING} or persons.removed_at is not null
        returning (xmax = 0) as inserted
      )
      select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from written`.execute(
      db,
    );
    const r = result.rows[0] ?? { inserted: 0, updated: 0 };
    counts.inserted = Number(r.inserted);
    counts.updated = Number(r.updated);
    counts.unchanged = people.size - counts.inserted - counts.updated;
  }
  if (noOwner.length > 0) {
    const removed = await markRemoved(db, accountId, noOwner, options.removedReason);
    counts.removed += removed;
    // Never synced and without an owner: not a sales person, as MSI defines it.
    if (noOwner.length - removed > 0)
      counts.skipped.no_owner = (counts.skipped.no_owner ?? 0) + noOwner.length - removed;
  }
  if (options.missingIds && options.missingIds.length > 0) {
    counts.removed += await markRemoved(db, accountId, options.missingIds, options.missingReason ?? 'deleted');
  }
  return counts;
}

/**
 * `account_id = … and marketo_id = any(ids)`, with the ids' range as well: the range makes the
 * primary-key scan cover only these ids whatever the statistics say. With `= any(array)` alone, a
 * table not analysed since it grew (no autovacuum on PGlite, or a load faster than autovacuum) was
 * scanned for the whole account on every batch: quadratic in a load.
 */
function thesePeople(accountId: string, ids: number[]) {
  let min = ids[0]!;
  let max = ids[0]!;
  for (const id of ids) {
    if (id < min) min = id;
    if (id > max) max = id;
  }
  return sql`account_id = ${accountId}::uuid and marketo_id between ${min} and ${max} and marketo_id = any(${`{${ids.join(',')}}`}::bigint[])`;
}

/** Marks people removed (kept, with when and why); returns how many left the active set now. */
export async function markRemoved(db: DbOrTx, accountId: string, ids: number[], reason: string): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await sql`
    update persons set removed_at = now(), removed_reason = ${reason}, synced_at = now()
    where ${thesePeople(accountId, ids)}
      and removed_at is null`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Adds a batch's counts to its run, atomically (several workers add to one run). */
export async function addToRun(db: DbOrTx, runId: string, counts: BatchCounts): Promise<void> {
  let reasons = sql<unknown>`skipped_reasons`;
  let skipped = 0;
  for (const [reason, n] of Object.entries(counts.skipped)) {
    if (n === 0) continue;
    skipped += n;
    reasons = sql`jsonb_set(${reasons}, ${`{${reason}}`}::text[], to_jsonb(coalesce((skipped_reasons ->> ${reason})::bigint, 0) + ${n}))`;
  }
  await sql`
    update sync_runs set
      read_count = read_count + ${counts.read},
      inserted_count = inserted_count + ${counts.inserted},
      updated_count = updated_count + ${counts.updated},
      unchanged_count = unchanged_count + ${counts.unchanged},
      removed_count = removed_count + ${counts.removed},
      skipped_count = skipped_count + ${skipped},
      skipped_reasons = ${reasons}
    where id = ${runId}::uuid`.execute(db);
}

/**
 * The end of a full resync: people still active that the resync never saw (their last sync is
 * older than the run) are no longer in Marketo, deleted while nothing watched. `upToMarketoId` bounds
 * it to the ids the run read (REST id ranges). Returns how many.
 */
export async function removeUnseen(db: DbOrTx, accountId: string, runStartedAt: Date, upToMarketoId?: number): Promise<number> {
  const result = await sql`
    update persons set removed_at = now(), removed_reason = 'deleted', synced_at = now()
    where account_id = ${accountId}::uuid and removed_at is null and synced_at < ${runStartedAt}
      ${upToMarketoId === undefined ? sql`` : sql`and marketo_id <= ${upToMarketoId}`}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
