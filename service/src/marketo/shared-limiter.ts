import { sql, type Kysely } from 'kysely';
import type { SharedLimiterStore } from './limiter.js';

/** A crashed process's lease stops counting as in flight after this (a bulk download may be long). */
const LEASE_MS = 15 * 60_000;

/**
 * The limiter's shared half in PostgreSQL (or PGlite): one row per call in flight or in the current
 * window, per instance. An advisory transaction lock per instance makes check-and-take atomic across
 * processes; the database clock is the one clock, so process clocks may disagree. A call stays in the
 * window until `windowMs` after it *finished*: Marketo saw it somewhere between start and finish, and
 * counting from the start lets calls that arrived late at Marketo overlap the next window.
 */
export class DatabaseLimiterStore implements SharedLimiterStore {
  constructor(private readonly db: Kysely<unknown>) {}

  async tryAcquire(instance: string, limits: { maxCalls: number; windowMs: number; maxConcurrent: number }): Promise<{ leaseId: string } | { waitMs: number }> {
    return this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`marketo-limiter:${instance}`}))`.execute(tx);
      await sql`
        delete from marketo_limiter_leases
        where instance = ${instance}
          and coalesce(finished_at, expires_at) < clock_timestamp() - ${limits.windowMs} * interval '1 millisecond'`.execute(tx);
      const counts = await sql<{ recent: number; active: number }>`
        select
          count(*) filter (where coalesce(finished_at, clock_timestamp()) > clock_timestamp() - ${limits.windowMs} * interval '1 millisecond')::int as recent,
          count(*) filter (where finished_at is null and expires_at > clock_timestamp())::int as active
        from marketo_limiter_leases where instance = ${instance}`.execute(tx);
      const { recent, active } = counts.rows[0] ?? { recent: 0, active: 0 };
      if (active >= limits.maxConcurrent) return { waitMs: 20 };
      if (recent >= limits.maxCalls) {
        const oldest = await sql<{ wait_ms: number }>`
          select (extract(epoch from (coalesce(finished_at, clock_timestamp()) + ${limits.windowMs} * interval '1 millisecond' - clock_timestamp())) * 1000)::float8 as wait_ms
          from marketo_limiter_leases where instance = ${instance}
          order by coalesce(finished_at, clock_timestamp()) desc offset ${limits.maxCalls - 1} limit 1`.execute(tx);
        return { waitMs: Math.max(1, Math.ceil(Number(oldest.rows[0]?.wait_ms ?? 20))) };
      }
      const inserted = await sql<{ id: string }>`
        insert into marketo_limiter_leases (instance, started_at, expires_at)
        values (${instance}, clock_timestamp(), clock_timestamp() + ${LEASE_MS} * interval '1 millisecond')
        returning id::text as id`.execute(tx);
      return { leaseId: inserted.rows[0]!.id };
    });
  }

  async release(leaseId: string): Promise<void> {
    await sql`update marketo_limiter_leases set finished_at = clock_timestamp() where id = ${leaseId}::bigint`.execute(this.db);
  }
}
