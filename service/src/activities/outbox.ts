/**
 * The outbox rows' life: claimed in batches (SKIP LOCKED, so any number of workers share them),
 * then delivered, kept for a retry (with the reason) or failed with the code and the fix hint.
 */
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../platform/database.js';
import type { DeliverySystem } from './tables.js';
import type { DeliveryTuning } from './tuning.js';

export interface ClaimedDelivery {
  id: string;
  activityId: string;
  accountId: string;
  kind: string;
  externalId: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
  attempts: number;
  /** The previous attempt may have written: look before writing. */
  outcomeUnknown: boolean;
  bulkJobId: string | null;
}

export interface DeliveryError {
  code: string;
  message: string;
  hint?: string | null;
}

export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly tuning: Pick<DeliveryTuning, 'leaseMs'>,
  ) {}

  /** How many are ready, counted up to `cap` (cheap on a long backlog), and since when the oldest waits. */
  async ready(accountId: string, system: DeliverySystem, cap: number): Promise<{ count: number; oldest: Date | null }> {
    const result = await sql<{ count: number; oldest: Date | null }>`
      select count(*)::int as count, min(next_attempt_at) as oldest from (
        select next_attempt_at from activity_deliveries
        where account_id = ${accountId} and system = ${system}
          and ((state = 'pending' and next_attempt_at <= now()) or (state = 'sending' and lease_until < now()))
        limit ${cap}
      ) r`.execute(this.db);
    const row = result.rows[0];
    return { count: Number(row?.count ?? 0), oldest: row?.oldest ? new Date(row.oldest) : null };
  }

  /**
   * Takes up to `limit` ready rows. A row still `sending` after its lease belonged to a worker that
   * died mid-call: its outcome is unknown, so it is claimed with outcome_unknown set.
   */
  async claim(accountId: string, system: DeliverySystem, limit: number, options: { exclusive?: boolean } = {}): Promise<ClaimedDelivery[]> {
    if (options.exclusive) {
      // Two lanes (or two workers) that both saw a bulk-sized backlog would otherwise split it between
      // them (skip locked hands each the rows the other has not locked yet): two Bulk API jobs for one
      // backlog. One bulk claim per (account, system) at a time; the next one sees only what is left.
      return this.db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${`activities:${accountId}:${system}`}))`.execute(tx);
        return this.claimIn(tx, accountId, system, limit);
      });
    }
    return this.claimIn(this.db, accountId, system, limit);
  }

  private async claimIn(db: DbOrTx, accountId: string, system: DeliverySystem, limit: number): Promise<ClaimedDelivery[]> {
    const result = await sql<{
      id: string;
      activity_id: string;
      account_id: string;
      payload: Record<string, unknown> | string;
      attempts: number;
      outcome_unknown: boolean;
      bulk_job_id: string | null;
    }>`
      update activity_deliveries d
      set state = 'sending',
          attempts = d.attempts + 1,
          last_attempt_at = now(),
          lease_until = now() + ${`${this.tuning.leaseMs} milliseconds`}::interval,
          outcome_unknown = d.outcome_unknown or d.state = 'sending'
      where d.id in (
        select id from activity_deliveries
        where account_id = ${accountId} and system = ${system}
          and ((state = 'pending' and next_attempt_at <= now()) or (state = 'sending' and lease_until < now()))
        order by next_attempt_at, id
        limit ${limit}
        for update skip locked
      )
      returning d.id, d.activity_id, d.account_id, d.payload, d.attempts, d.outcome_unknown, d.bulk_job_id`.execute(db);
    if (result.rows.length === 0) return [];
    const activities = await db
      .selectFrom('activities')
      .select(['id', 'kind', 'external_id', 'occurred_at'])
      .where(
        'id',
        'in',
        result.rows.map((r) => r.activity_id),
      )
      .execute();
    const byId = new Map(activities.map((a) => [a.id, a]));
    return result.rows
      .map((r) => {
        const a = byId.get(r.activity_id)!;
        return {
          id: r.id,
          activityId: r.activity_id,
          accountId: r.account_id,
          kind: a.kind,
          externalId: a.external_id,
          occurredAt: new Date(a.occurred_at),
          payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload,
          attempts: r.attempts,
          outcomeUnknown: r.outcome_unknown,
          bulkJobId: r.bulk_job_id,
        };
      })
      .sort((x, y) => x.occurredAt.getTime() - y.occurredAt.getTime() || x.id.localeCompare(y.id));
  }

  async delivered(items: Array<{ id: string; remoteId: string | null }>): Promise<void> {
    if (items.length === 0) return;
    const values = sql.join(items.map((i) => sql`(${i.id}::uuid, ${i.remoteId}::text)`));
    await sql`
      update activity_deliveries d
      set state = 'delivered', remote_id = v.remote_id, delivered_at = now(), lease_until = null, outcome_unknown = false,
          bulk_job_id = null, error_code = null, error_message = null, error_hint = null, failed_at = null
      from (values ${values}) as v(id, remote_id)
      where d.id = v.id`.execute(this.db);
  }

  /** Back to pending for another attempt after `delayMs`, remembering why. */
  async retry(ids: string[], error: DeliveryError, options: { delayMs: number; unknown: boolean }): Promise<void> {
    if (ids.length === 0) return;
    await sql`
      update activity_deliveries
      set state = 'pending', lease_until = null,
          next_attempt_at = now() + ${`${Math.max(0, Math.round(options.delayMs))} milliseconds`}::interval,
          outcome_unknown = outcome_unknown or ${options.unknown},
          error_code = ${error.code}, error_message = ${error.message.slice(0, 2000)}, error_hint = ${error.hint ?? null}
      where id in (${sql.join(ids)})`.execute(this.db);
  }

  /** Kept as failed: an admin fixes the cause (the hint says how) and retries from diagnostics. */
  async failed(ids: string[], error: DeliveryError): Promise<void> {
    if (ids.length === 0) return;
    await sql`
      update activity_deliveries
      set state = 'failed', lease_until = null, failed_at = now(), outcome_unknown = false, bulk_job_id = null,
          error_code = ${error.code}, error_message = ${error.message.slice(0, 2000)}, error_hint = ${error.hint ?? null}
      where id in (${sql.join(ids)})`.execute(this.db);
  }

  /** Changes what a retry sends (for example the fallback owner after an inactive one). */
  async replacePayload(id: string, payload: Record<string, unknown>): Promise<void> {
    await this.db.updateTable('activity_deliveries').set({ payload: JSON.stringify(payload) }).where('id', '=', id).execute();
  }

  async setBulkJob(ids: string[], jobId: string | null): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('activity_deliveries').set({ bulk_job_id: jobId }).where('id', 'in', ids).execute();
  }

  /** When the earliest waiting retry of (account, system) is due, if any. */
  async nextDue(accountId: string, system: DeliverySystem): Promise<Date | null> {
    const row = await this.db
      .selectFrom('activity_deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('due'))
      .where('account_id', '=', accountId)
      .where('system', '=', system)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return row?.due ? new Date(row.due as unknown as string) : null;
  }
}
