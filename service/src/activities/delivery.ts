/**
 * Works the outbox: one pg-boss job per (account, system) drains its ready deliveries in batches,
 * a few batches in flight at once, and asks for a later job when retries wait. Logging enqueues a
 * job only when none is queued (activity_wakeups), so 100,000 activities do not mean 100,000 jobs.
 */
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../platform/database.js';
import type { Jobs } from '../platform/jobs.js';
import type { Logger } from '../platform/logger.js';
import type { MarketoDelivery } from './marketo-delivery.js';
import type { Outbox } from './outbox.js';
import type { SalesforceDelivery } from './salesforce-delivery.js';
import type { DeliverySystem } from './tables.js';
import { sleep, type DeliveryTuning } from './tuning.js';

export const DELIVERY_QUEUE = 'activities-deliver';

export interface DeliveryJob {
  accountId: string;
  system: DeliverySystem;
}

export class DeliveryWorker {
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly jobs: Jobs,
    private readonly log: Logger,
    private readonly outbox: Outbox,
    private readonly marketo: MarketoDelivery,
    private readonly salesforce: SalesforceDelivery,
    readonly tuning: DeliveryTuning,
  ) {}

  /** Asks for delivery jobs now, inside the caller's transaction; none for a system that has one queued. */
  async wake(tx: DbOrTx, accountId: string, systems: DeliverySystem[]): Promise<void> {
    const inserted = await tx
      .insertInto('activity_wakeups')
      .values(systems.map((system) => ({ account_id: accountId, system, kind: 'now' as const })))
      .onConflict((oc) => oc.doNothing())
      .returning('system')
      .execute();
    // A short delay lets a burst of activities gather into full batches.
    for (const { system } of inserted) {
      await this.jobs.send(DELIVERY_QUEUE, { accountId, system } satisfies DeliveryJob, { tx, startAfterSeconds: Math.ceil(this.tuning.lingerMs / 1000) });
    }
  }

  /** Asks for a job when the earliest retry is due, unless an earlier one is already asked for. */
  private async wakeLater(accountId: string, system: DeliverySystem, due: Date): Promise<void> {
    const changed = await sql<{ account_id: string }>`
      insert into activity_wakeups (account_id, system, kind, due_at) values (${accountId}, ${system}, 'later', ${due})
      on conflict (account_id, system, kind) do update set due_at = excluded.due_at
      where activity_wakeups.due_at > excluded.due_at or activity_wakeups.due_at < now()
      returning account_id`.execute(this.db);
    if (changed.rows.length === 0) return;
    const seconds = Math.max(0, Math.ceil((due.getTime() - Date.now()) / 1000));
    await this.jobs.send(DELIVERY_QUEUE, { accountId, system } satisfies DeliveryJob, seconds > 0 ? { startAfterSeconds: seconds } : {});
  }

  /** The job: drain, then make sure waiting retries get a job of their own. */
  async run(job: DeliveryJob): Promise<void> {
    const { accountId, system } = job;
    await this.db.deleteFrom('activity_wakeups').where('account_id', '=', accountId).where('system', '=', system).where('kind', '=', 'now').execute();
    const lanes = system === 'marketo' ? this.tuning.parallel.marketo : this.tuning.parallel.salesforce;
    const until = Date.now() + this.tuning.maxRunMs;
    const outcomes = await Promise.all(Array.from({ length: Math.max(1, lanes) }, () => this.drain(accountId, system, until)));
    // Stopping: what is left waits for the next start (its sweep finds it), not for a successor job.
    if (this.stopped) return;
    // Time is up with work left: a successor job goes to the back of the queue, behind other accounts.
    if (outcomes.includes('more')) return this.wake(this.db, accountId, [system]);
    const due = await this.outbox.nextDue(accountId, system);
    if (due) await this.wakeLater(accountId, system, due);
  }

  private async drain(accountId: string, system: DeliverySystem, until: number): Promise<'done' | 'more'> {
    const batch = system === 'marketo' ? this.tuning.marketoBatch : this.tuning.salesforceBatch;
    for (;;) {
      if (this.stopped || Date.now() > until) return 'more';
      let size = batch;
      let bulk = false;
      if (system === 'salesforce') {
        const backlog = await this.outbox.ready(accountId, system, this.tuning.bulkThreshold + 1);
        if (backlog.count > this.tuning.bulkThreshold) {
          bulk = true;
          size = this.tuning.bulkMaxRecords;
        }
      }
      if (!bulk) {
        const ready = await this.outbox.ready(accountId, system, batch);
        if (ready.count === 0) return 'done';
        const age = ready.oldest ? Date.now() - ready.oldest.getTime() : Infinity;
        if (ready.count < batch && age < this.tuning.lingerMs) {
          await sleep(this.tuning.lingerMs - age);
          continue;
        }
      }
      const rows = await this.outbox.claim(accountId, system, size, { exclusive: bulk });
      if (rows.length === 0) return 'done';
      try {
        if (system === 'marketo') await this.marketo.deliver(accountId, rows);
        else await this.salesforce.deliver(accountId, rows, bulk);
      } catch (error) {
        // A fault of ours (database, bug): the rows may or may not have gone out, so look before resending.
        this.log.error({ err: error, accountId, system }, 'activity delivery failed unexpectedly');
        await this.outbox
          .retry(
            rows.map((r) => r.id),
            { code: 'INTERNAL_ERROR', message: error instanceof Error ? error.message : String(error) },
            { delayMs: this.tuning.settleMs, unknown: true },
          )
          .catch((e: unknown) => this.log.error({ err: e }, 'could not put deliveries back; their lease will expire'));
      }
    }
  }

  /** Finds ready deliveries that no queued job covers (a lost race, a crashed worker) and wakes them. */
  async sweep(): Promise<void> {
    // A wake-up whose job never ran (lost with its queue entry) would otherwise hold its account back forever.
    await sql`delete from activity_wakeups where kind = 'now' and due_at < now() - interval '10 minutes'`.execute(this.db);
    const rows = await sql<{ account_id: string; system: DeliverySystem }>`
      select distinct d.account_id, d.system from activity_deliveries d
      where ((d.state = 'pending' and d.next_attempt_at <= now() - interval '5 seconds') or (d.state = 'sending' and d.lease_until < now()))
        and not exists (select 1 from activity_wakeups w where w.account_id = d.account_id and w.system = d.system and w.kind = 'now')
      limit 1000`.execute(this.db);
    for (const row of rows.rows) await this.wake(this.db, row.account_id, [row.system]);
  }

  start(): void {
    this.stopped = false;
    this.sweeper = setInterval(() => {
      this.sweep().catch((error: unknown) => this.log.warn({ err: error }, 'activity delivery sweep failed'));
    }, this.tuning.sweepMs);
    this.sweeper.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
  }
}
