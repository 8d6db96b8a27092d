import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely, type Selectable } from 'kysely';
import { recordAudit } from '../platform/audit.js';
import type { Db, DbOrTx } from '../platform/database.js';
import { AppError, conflict } from '../platform/errors.js';
import type { Jobs } from '../platform/jobs.js';
import type { Logger } from '../platform/logger.js';
import { nextCentralMidnight } from '../marketo/central-time.js';
import type { MarketoClient } from '../marketo/client.js';
import type { MarketoConnections } from '../marketo/connections.js';
import { MarketoError } from '../marketo/errors.js';
import type { Lead, LeadExportJob } from '../marketo/types.js';
import {
  DEFAULT_OWNER_FIELD,
  MAX_EXTRA_FIELDS,
  STANDARD_FIELDS,
  resolveFields,
  restFields,
  rowMapper,
  type FieldPlan,
  type Mapped,
} from './fields.js';
import { probeIds } from './probe.js';
import { addCounts, addToRun, emptyCounts, markRemoved, removeUnseen, writeBatch, type BatchCounts } from './store.js';
import type { ExtraField, SyncError, SyncTables } from './tables.js';
import { deletedEveryRuns, syncTuning } from './tuning.js';

export const QUEUE_PLAN = 'sync-plan';
export const QUEUE_WINDOW = 'sync-window';
export const QUEUE_INCREMENTAL = 'sync-incremental';
export const QUEUE_SUPERVISE = 'sync-supervise';

type RunRow = Selectable<SyncTables['sync_runs']>;
type WindowRow = Selectable<SyncTables['sync_windows']>;
type Sdb = Kysely<SyncTables>;

/** Another worker holds (or took over) the piece: stop without touching it. */
class LostClaim extends Error {}

const MARKETO_EPOCH_MS = Date.UTC(2006, 0, 1);
const MAX_ATTEMPTS = 8;
const KEEP_ERRORS = 20;

export interface SyncSettingsView {
  ownerField: string;
  extraFields: ExtraField[];
  intervalSeconds: number;
  updatedBy: string | null;
  updatedAt: string | null;
}

export type SyncPhase = 'not_started' | 'initial_load' | 'incremental' | 'paused' | 'waiting_for_quota' | 'failed';

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);
const sdb = (db: DbOrTx) => db as unknown as Sdb;

function errorOf(error: unknown, step: string): SyncError {
  if (error instanceof MarketoError)
    return { at: new Date().toISOString(), step, code: error.code, message: error.marketoMessage };
  if (error instanceof AppError)
    return { at: new Date().toISOString(), step, code: error.code, message: error.message };
  return {
    at: new Date().toISOString(),
    step,
    code: 'internal',
    message: error instanceof Error ? error.message : String(error),
  };
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The Data Unification field sync: an initial load split into windows (bulk export or REST id
 * ranges), each a pg-boss job any process may work, then incremental runs from a paging token.
 * Every piece of work is claimed with a conditional UPDATE and a lease; every batch commits its rows,
 * its counts and its checkpoint in one transaction that only succeeds while the claim holds, so a
 * killed or slow worker can never make a piece count twice.
 */
export class SyncEngine {
  readonly db: Sdb;
  private readonly fieldPlans = new Map<string, FieldPlan>();
  private readonly peopleCountCache = new Map<string, { key: string; at: number; costMs: number; value: { total: number; removed: number } }>();

  constructor(
    private readonly database: Db,
    private readonly jobs: Jobs,
    private readonly connections: MarketoConnections,
    private readonly log: Logger,
  ) {
    this.db = database as unknown as Sdb;
  }

  // --- settings and preview ---

  async settings(accountId: string, db: DbOrTx = this.database): Promise<SyncSettingsView> {
    const row = await sdb(db)
      .selectFrom('sync_settings')
      .selectAll()
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return {
      ownerField: row?.owner_field ?? DEFAULT_OWNER_FIELD,
      extraFields: row?.extra_fields ?? [],
      intervalSeconds: row?.interval_seconds ?? 60,
      updatedBy: row?.updated_by ?? null,
      updatedAt: iso(row?.updated_at),
    };
  }

  async updateSettings(
    accountId: string,
    input: { ownerField?: string; extraFields?: string[]; intervalSeconds?: number },
    actor: string,
  ): Promise<SyncSettingsView> {
    const current = await this.settings(accountId);
    let extraFields = current.extraFields;
    let ownerField = current.ownerField;
    if (input.extraFields !== undefined || input.ownerField !== undefined) {
      const client = await this.client(accountId);
      const byName = restFields(await client.describe());
      if (input.ownerField !== undefined) {
        if (!byName.has(input.ownerField))
          throw new AppError(
            400,
            'unknown_field',
            `This Marketo instance has no field "${input.ownerField}" to use as the owner field.`,
            { field: input.ownerField },
          );
        ownerField = input.ownerField;
      }
      if (input.extraFields !== undefined) {
        const names = [...new Set(input.extraFields.map((n) => n.trim()).filter((n) => n !== ''))];
        if (names.length > MAX_EXTRA_FIELDS)
          throw new AppError(
            400,
            'too_many_fields',
            `At most ${MAX_EXTRA_FIELDS} extra fields can be synced; ${names.length} were given.`,
            { max: MAX_EXTRA_FIELDS },
          );
        const standard = new Set(resolveFields([...byName.values()], ownerField, []).request);
        const unknown = names.filter((n) => !byName.has(n));
        if (unknown.length > 0)
          throw new AppError(
            400,
            'unknown_field',
            `This Marketo instance has no field ${unknown.map((n) => `"${n}"`).join(', ')} (see describe).`,
            { fields: unknown },
          );
        const already = names.filter((n) => standard.has(n));
        if (already.length > 0)
          throw new AppError(
            400,
            'standard_field',
            `${already.join(', ')} ${already.length === 1 ? 'is' : 'are'} already synced as standard fields.`,
            { fields: already },
          );
        extraFields = names.map((n) => ({ name: n, dataType: byName.get(n)!.dataType }));
      }
    }
    const intervalSeconds = input.intervalSeconds ?? current.intervalSeconds;
    await this.database.transaction().execute(async (tx) => {
      const values = {
        owner_field: ownerField,
        extra_fields: JSON.stringify(extraFields),
        interval_seconds: intervalSeconds,
        updated_by: actor,
        updated_at: new Date(),
      };
      await sdb(tx)
        .insertInto('sync_settings')
        .values({ account_id: accountId, ...values })
        .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
        .execute();
      await recordAudit(tx, {
        accountId,
        actor,
        action: 'sync.settings',
        details: { ownerField, extraFields: extraFields.map((e) => e.name), intervalSeconds },
      });
    });
    return this.settings(accountId);
  }

  private async client(accountId: string): Promise<MarketoClient> {
    try {
      return await this.connections.clientFor(accountId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'marketo_not_connected') {
        throw conflict(
          'marketo_not_connected',
          'Connect Marketo first (Settings → Admin Settings → Marketo → Connect): the sync reads people from Marketo.',
        );
      }
      throw error;
    }
  }

  /** What will sync, as the setup page shows it before Start sync (two Marketo calls: describe and a sample). */
  async preview(accountId: string) {
    const settings = await this.settings(accountId);
    const client = await this.client(accountId);
    const describe = await client.describe();
    const byName = restFields(describe);
    const plan = resolveFields(describe, settings.ownerField, settings.extraFields);
    const ownerKnown = byName.has(settings.ownerField);
    // A sample: the first 300 ids in one call, the first 10 with an owner (Marketo cannot list by "has an owner").
    const probe = await client.getLeads({
      filterType: 'id',
      filterValues: Array.from({ length: 300 }, (_, i) => i + 1),
      fields: plan.request,
      batchSize: 300,
    });
    const map = rowMapper(plan);
    const mapped = probe.result.map((r) => map(r));
    const qualifying = mapped.filter((m): m is Extract<Mapped, { kind: 'person' }> => m.kind === 'person');
    const synced = await this.db
      .selectFrom('sync_runs')
      .select(['load_finished_at'])
      .where('account_id', '=', accountId)
      .where('active', '=', true)
      .executeTakeFirst();
    let qualifyingCount: number | null = null;
    let countSource: 'synced' | 'unavailable' = 'unavailable';
    if (synced?.load_finished_at) {
      const c = await this.db
        .selectFrom('persons')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      qualifyingCount = Number(c?.n ?? 0);
      countSource = 'synced';
    }
    return {
      standardFields: plan.standard.map((f) => ({
        key: f.key,
        label: f.label,
        marketoField: f.marketoField,
        dataType: f.dataType,
        candidates: f.candidates,
        warning: f.warning,
        warningCode: f.warningCode,
      })),
      ownerField: {
        marketoField: settings.ownerField,
        dataType: byName.get(settings.ownerField)?.dataType ?? null,
        warning: ownerKnown
          ? null
          : `This Marketo instance has no "${settings.ownerField}" field: no person would qualify. Choose the owner field in the sync settings.`,
        warningCode: ownerKnown ? null : ('owner_field_missing' as const),
      },
      extraFields: settings.extraFields.map((e) => ({
        marketoField: e.name,
        displayName: byName.get(e.name)?.displayName ?? e.name,
        dataType: byName.get(e.name)?.dataType ?? e.dataType,
        warning: byName.has(e.name) ? null : `"${e.name}" is no longer in this Marketo instance; it will not sync.`,
        warningCode: byName.has(e.name) ? null : ('extra_field_missing' as const),
      })),
      maxExtraFields: MAX_EXTRA_FIELDS,
      availableFields: describe
        .filter((f) => f.rest?.name && !plan.request.includes(f.rest.name))
        .map((f) => ({ marketoField: f.rest!.name, displayName: f.displayName, dataType: f.dataType })),
      qualifyingCount,
      countSource,
      countNote:
        countSource === 'synced'
          ? 'People with an owner in the synced copy.'
          : 'Marketo cannot count people with an owner without reading them all; the count is known once the initial load has run.',
      sampleScanned: probe.result.length,
      sampleQualifying: qualifying.length,
      sample: qualifying.slice(0, 10).map((q) => ({
        marketoId: q.row.marketo_id,
        firstName: q.row.first_name,
        lastName: q.row.last_name,
        email: q.row.email,
        company: q.row.company,
        title: q.row.title,
        phone: q.row.phone,
        linkedinUrl: q.row.linkedin_url,
        source: q.row.source,
        salesforceLeadId: q.row.sfdc_lead_id,
        salesforceContactId: q.row.sfdc_contact_id,
        salesforceAccountId: q.row.sfdc_account_id,
        salesforceOpportunityId: q.row.sfdc_opportunity_id,
        salesforceType: q.row.sfdc_contact_id ? 'Contact' : q.row.sfdc_lead_id ? 'Lead' : null,
        ownerId: q.row.owner_id,
        extra: q.row.extra,
      })),
    };
  }

  // --- admin actions ---

  private async activeRun(db: DbOrTx, accountId: string, lock = false): Promise<RunRow | undefined> {
    let q = sdb(db).selectFrom('sync_runs').selectAll().where('account_id', '=', accountId).where('active', '=', true);
    if (lock) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async start(accountId: string, actor: string) {
    const connection = await sql<{
      present: boolean;
    }>`select exists (select 1 from marketo_connections where account_id = ${accountId}::uuid) as present`.execute(
      this.database,
    );
    if (!connection.rows[0]?.present) {
      await recordAudit(this.database, {
        accountId,
        actor,
        action: 'sync.start',
        outcome: 'failure',
        details: { reason: 'marketo_not_connected' },
      });
      throw conflict(
        'marketo_not_connected',
        'The sync cannot start until Marketo is connected (Settings → Admin Settings → Marketo → Connect): it reads people from Marketo.',
      );
    }
    await this.database.transaction().execute(async (tx) => {
      const existing = await this.activeRun(tx, accountId, true);
      if (existing)
        throw conflict(
          'sync_already_started',
          `The sync was already started by ${existing.started_by ?? 'an admin'} at ${iso(existing.started_at)}; pause, resume or resync it instead.`,
          { runId: existing.id },
        );
      await this.createRun(tx, accountId, actor, 'initial');
      await recordAudit(tx, { accountId, actor, action: 'sync.start' });
    });
    return this.status(accountId);
  }

  private async createRun(tx: DbOrTx, accountId: string, actor: string, kind: 'initial' | 'resync') {
    // Inside the transaction: PGlite has one session, so a second connection here would wait forever.
    const settings = await this.settings(accountId, tx);
    const run = await sdb(tx)
      .insertInto('sync_runs')
      .values({
        account_id: accountId,
        kind,
        started_by: actor,
        owner_field: settings.ownerField,
        extra_fields: JSON.stringify(settings.extraFields),
        fields: '[]',
        errors: '[]',
        skipped_reasons: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.jobs.send(QUEUE_PLAN, { runId: run.id }, { tx });
    await this.jobs.send(QUEUE_SUPERVISE, { runId: run.id }, { tx, startAfterSeconds: this.superviseSeconds() });
    return run.id;
  }

  async pause(accountId: string, actor: string) {
    await this.database.transaction().execute(async (tx) => {
      const run = await this.activeRun(tx, accountId, true);
      if (!run) throw conflict('sync_not_started', 'There is no sync to pause: start it first.');
      if (run.phase === 'paused') throw conflict('sync_already_paused', 'The sync is already paused.');
      if (run.phase === 'failed') throw conflict('sync_failed', 'The sync has failed; resync it to start again.');
      await sdb(tx)
        .updateTable('sync_runs')
        .set({ paused_phase: run.phase, phase: 'paused' })
        .where('id', '=', run.id)
        .execute();
      await recordAudit(tx, { accountId, actor, action: 'sync.pause', target: run.id, details: { from: run.phase } });
    });
    return this.status(accountId);
  }

  async resume(accountId: string, actor: string) {
    await this.database.transaction().execute(async (tx) => {
      const run = await this.activeRun(tx, accountId, true);
      if (!run || run.phase !== 'paused') throw conflict('sync_not_paused', 'The sync is not paused.');
      const phase = run.paused_phase === 'incremental' ? 'incremental' : 'initial_load';
      await sdb(tx)
        .updateTable('sync_runs')
        .set({
          phase,
          paused_phase: null,
          supervised_at: null,
          next_incremental_at: phase === 'incremental' ? new Date() : run.next_incremental_at,
        })
        .where('id', '=', run.id)
        .execute();
      await recordAudit(tx, { accountId, actor, action: 'sync.resume', target: run.id, details: { to: phase } });
      await this.dispatchOpen(tx, run.id, phase, true);
      await this.jobs.send(QUEUE_SUPERVISE, { runId: run.id }, { tx });
    });
    return this.status(accountId);
  }

  /** A full resync: the active run ends, a new initial load reads everyone again (upserts keep ids stable). */
  async resync(accountId: string, actor: string) {
    await this.database.transaction().execute(async (tx) => {
      const run = await this.activeRun(tx, accountId, true);
      if (!run) throw conflict('sync_not_started', 'There is no sync to redo: start it first.');
      await sdb(tx)
        .updateTable('sync_runs')
        .set({ active: false, phase: 'superseded', ended_at: new Date() })
        .where('id', '=', run.id)
        .execute();
      const id = await this.createRun(tx, accountId, actor, 'resync');
      await recordAudit(tx, { accountId, actor, action: 'sync.resync', target: id, details: { replaced: run.id } });
    });
    return this.status(accountId);
  }

  // --- status ---

  private phaseOf(run: RunRow | undefined): SyncPhase {
    if (!run) return 'not_started';
    if (run.phase === 'superseded') return 'not_started';
    if (run.phase === 'paused' || run.phase === 'failed') return run.phase;
    if (run.waiting_until && new Date(run.waiting_until).getTime() > Date.now()) return 'waiting_for_quota';
    return run.phase;
  }

  private runView(run: RunRow) {
    const now = Date.now();
    const loadStart = run.load_started_at ? new Date(run.load_started_at).getTime() : null;
    const loadEnd = run.load_finished_at ? new Date(run.load_finished_at).getTime() : null;
    const elapsed = loadStart ? ((loadEnd ?? now) - loadStart) / 1000 : 0;
    const read = Number(run.read_count);
    const rate = elapsed > 0 ? read / elapsed : 0;
    let etaSeconds: number | null = null;
    if (run.phase === 'initial_load' && !loadEnd && run.estimated_people && rate > 0)
      etaSeconds = Math.max(0, Math.round((Number(run.estimated_people) - read) / rate));
    return {
      id: run.id,
      kind: run.kind,
      phase: this.phaseOf(run),
      method: run.method,
      startedBy: run.started_by,
      startedAt: iso(run.started_at)!,
      loadStartedAt: iso(run.load_started_at),
      loadFinishedAt: iso(run.load_finished_at),
      endedAt: iso(run.ended_at),
      windowsPlanned: Number(run.windows_planned),
      windowsDone: Number(run.windows_done),
      estimatedPeople: run.estimated_people === null ? null : Number(run.estimated_people),
      counts: {
        read,
        inserted: Number(run.inserted_count),
        updated: Number(run.updated_count),
        unchanged: Number(run.unchanged_count),
        removed: Number(run.removed_count),
        skipped: Number(run.skipped_count),
        skippedReasons: run.skipped_reasons ?? {},
      },
      ratePerSecond: Math.round(rate * 10) / 10,
      etaSeconds,
      waitingUntil: run.waiting_until && new Date(run.waiting_until).getTime() > now ? iso(run.waiting_until) : null,
      waitReason: run.waiting_until && new Date(run.waiting_until).getTime() > now ? run.wait_reason : null,
      incrementalRuns: Number(run.incremental_runs),
      lastIncrementalAt: iso(run.last_incremental_at),
      lastIncrementalLagSeconds:
        run.last_incremental_lag_ms === null ? null : Math.round(Number(run.last_incremental_lag_ms) / 1000),
      lastIncrementalChanges: run.last_incremental_changes,
      nextIncrementalAt: run.phase === 'incremental' ? iso(run.next_incremental_at) : null,
      errors: [...(run.errors ?? [])].reverse().slice(0, 10),
    };
  }

  async status(accountId: string) {
    const run = await this.activeRun(this.db as unknown as Db, accountId);
    const connection = await this.connections.status(accountId);
    const persons = await this.peopleCounts(accountId, run);
    const settings = await this.settings(accountId);
    return {
      phase: this.phaseOf(run),
      marketoConnected: connection.connected,
      marketoCallsToday: connection.callsToday,
      marketoDailyQuota: connection.dailyQuota,
      intervalSeconds: settings.intervalSeconds,
      people: {
        active: Number(persons?.total ?? 0) - Number(persons?.removed ?? 0),
        removed: Number(persons?.removed ?? 0),
      },
      run: run ? this.runView(run) : null,
    };
  }

  /**
   * Active and removed people of the account. Counting 1.5 M rows takes a good part of a second, and
   * the setup page polls the status every few seconds while a load runs: the count is kept until the
   * run records a change (every write adds to the run's counters), and during an initial load reused
   * for a while (the run's own counters show the progress meanwhile).
   */
  private async peopleCounts(accountId: string, run: RunRow | undefined): Promise<{ total: number; removed: number }> {
    const key = run
      ? [run.id, run.phase, run.read_count, run.inserted_count, run.updated_count, run.removed_count, run.incremental_runs].join(':')
      : 'none';
    const now = Date.now();
    const cached = this.peopleCountCache.get(accountId);
    if (cached) {
      const age = now - cached.at;
      if (cached.key === key && age < 60_000) return cached.value;
      if (run?.phase === 'initial_load' && age < Math.max(5000, cached.costMs * 50)) return cached.value;
    }
    const started = performance.now();
    const row = await this.db
      .selectFrom('persons')
      .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.count<number>('removed_at').as('removed')])
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    const value = { total: Number(row?.total ?? 0), removed: Number(row?.removed ?? 0) };
    this.peopleCountCache.set(accountId, { key, at: now, costMs: performance.now() - started, value });
    return value;
  }

  async runs(accountId: string, limit = 50) {
    const rows = await this.db
      .selectFrom('sync_runs')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('started_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => this.runView(r));
  }

  // --- jobs: common ---

  private superviseSeconds(): number {
    return Math.max(1, Math.ceil(syncTuning.superviseMs / 1000));
  }

  private async run(runId: string, db: DbOrTx = this.database): Promise<RunRow | undefined> {
    return sdb(db).selectFrom('sync_runs').selectAll().where('id', '=', runId).executeTakeFirst();
  }

  private async recordRunError(runId: string, accountId: string, error: unknown, step: string): Promise<void> {
    const entry = errorOf(error, step);
    this.log.warn({ err: error, runId, step }, 'sync step failed');
    await sql`
      update sync_runs set errors = (
        select coalesce(jsonb_agg(e order by n), '[]'::jsonb) from (
          select e, n from jsonb_array_elements(errors || ${JSON.stringify([entry])}::jsonb) with ordinality as x(e, n)
          order by n desc limit ${KEEP_ERRORS}
        ) kept
      ) where id = ${runId}::uuid`.execute(this.database);
    await this.connections.recordError(accountId, error).catch(() => undefined);
  }

  /** After a 607 or an exhausted export allocation: everything waits for Marketo's midnight (US Central). */
  private async waitForQuota(runId: string, until: number, reason: string): Promise<void> {
    await this.db
      .updateTable('sync_runs')
      .set({ waiting_until: new Date(until), wait_reason: reason })
      .where('id', '=', runId)
      .execute();
  }

  private quotaWait(error: unknown): { until: number; reason: string } | null {
    if (error instanceof MarketoError && (error.code === '607' || error.code === 'QUOTA_STOPPED')) {
      return {
        until: error.details.retryAt ?? nextCentralMidnight(Date.now()),
        reason: 'Marketo’s daily API quota is used up; the sync continues after it resets at midnight US Central time.',
      };
    }
    if (error instanceof MarketoError && error.code === '1029' && /quota/i.test(error.message)) {
      return {
        until: nextCentralMidnight(Date.now()),
        reason:
          'Marketo’s daily bulk export allocation is used up; the initial load continues after it resets at midnight US Central time.',
      };
    }
    return null;
  }

  /** Sends a job for every open piece of the run that nobody holds (the supervisor's and resume's way of picking work up). */
  private async dispatchOpen(db: DbOrTx, runId: string, phase: string, all: boolean): Promise<void> {
    if (phase === 'initial_load') {
      const run = await sdb(db)
        .selectFrom('sync_runs')
        .select(['windows_planned', 'plan_claimed_until'])
        .where('id', '=', runId)
        .executeTakeFirst();
      if (
        run &&
        Number(run.windows_planned) === 0 &&
        (!run.plan_claimed_until || new Date(run.plan_claimed_until).getTime() < Date.now())
      ) {
        await this.jobs.send(QUEUE_PLAN, { runId }, { tx: db });
      }
      // Pieces whose holder died (lease run out), or whose job has been due for long (lost): marked
      // dispatched now, so the next beats leave them alone while the new job waits for a worker.
      const overdueMs = all ? 0 : Math.max(5 * syncTuning.superviseMs, 5000);
      const open = await sql<{ id: string }>`
        update sync_windows set claimed_by = null, claimed_until = null, next_attempt_at = now()
        where id in (
          select id from sync_windows
          where run_id = ${runId}::uuid and state not in ('done', 'replaced')
            and ((claimed_until is not null and claimed_until < now())
              or (claimed_until is null and (next_attempt_at is null or next_attempt_at <= now() - ${overdueMs} * interval '1 millisecond')))
          order by seq limit 200)
        returning id`.execute(db);
      for (const w of open.rows) await this.jobs.send(QUEUE_WINDOW, { runId, windowId: w.id }, { tx: db });
    } else if (phase === 'incremental') {
      const due = await sql<{ due: boolean }>`
        select (inc_claimed_until is null or inc_claimed_until < now())
           and (next_incremental_at is null or next_incremental_at <= now() - ${all ? 0 : syncTuning.superviseMs} * interval '1 millisecond') as due
        from sync_runs where id = ${runId}::uuid`.execute(db);
      if (due.rows[0]?.due) await this.jobs.send(QUEUE_INCREMENTAL, { runId }, { tx: db });
    }
  }

  /**
   * The run's heartbeat: resumes pieces whose worker died (lease run out), re-sends jobs that were
   * lost, and keeps itself going. A second chain of supervisors stops at its first beat.
   */
  async supervise(runId: string): Promise<void> {
    const beat = await sql<{ phase: string }>`
      update sync_runs set supervised_at = now()
      where id = ${runId}::uuid and active and phase in ('initial_load', 'incremental')
        and (supervised_at is null or supervised_at < now() - ${syncTuning.superviseMs / 2} * interval '1 millisecond')
      returning phase`.execute(this.database);
    const phase = beat.rows[0]?.phase;
    if (!phase) return;
    await this.dispatchOpen(this.database, runId, phase, false);
    await this.jobs.send(QUEUE_SUPERVISE, { runId }, { startAfterSeconds: this.superviseSeconds() });
  }

  /** On worker start: every active sync gets a supervisor beat now (a restarted process resumes at once). */
  async kick(): Promise<void> {
    const runs = await this.db
      .selectFrom('sync_runs')
      .select(['id'])
      .where('active', '=', true)
      .where('phase', 'in', ['initial_load', 'incremental'])
      .execute();
    for (const r of runs) {
      await this.db.updateTable('sync_runs').set({ supervised_at: null }).where('id', '=', r.id).execute();
      await this.jobs.send(QUEUE_SUPERVISE, { runId: r.id });
    }
  }

  // --- jobs: planning the initial load ---

  /**
   * The run's field plan. Described once per run and process, not once per window: the load's
   * fields are fixed when it is planned, and a describe per window spent a Marketo call (and a
   * place in the 100-per-20-s window) on every one of them.
   */
  private async fieldPlan(client: MarketoClient, run: RunRow, options: { fresh?: boolean } = {}): Promise<FieldPlan> {
    const key = `${run.id}|${run.owner_field}|${JSON.stringify(run.extra_fields ?? [])}`;
    let plan = options.fresh ? undefined : this.fieldPlans.get(key);
    if (!plan) {
      plan = resolveFields(await client.describe(), run.owner_field, run.extra_fields ?? []);
      // A few runs' worth: each account has one active run; old keys are simply dropped.
      if (this.fieldPlans.size >= 200) this.fieldPlans.clear();
      this.fieldPlans.set(key, plan);
    }
    return plan;
  }

  async plan(runId: string): Promise<void> {
    const me = randomUUID();
    const claimed = await sql<RunRow>`
      update sync_runs set plan_claimed_by = ${me}, plan_claimed_until = now() + ${syncTuning.leaseMs} * interval '1 millisecond'
      where id = ${runId}::uuid and active and phase = 'initial_load' and windows_planned = 0
        and (plan_claimed_until is null or plan_claimed_until < now())
      returning *`.execute(this.database);
    const run = claimed.rows[0];
    if (!run) return;
    try {
      const client = await this.connections.clientFor(run.account_id);
      const plan = await this.fieldPlan(client, run);
      const loadStart = Date.now();
      // The incremental sync reads changes from here on; the overlap covers clocks and in-flight changes.
      const token = await client.getPagingToken(new Date(loadStart - syncTuning.overlapMs));
      const probe = await probeIds(client);
      const windows: Array<{ start: number; end: number }> = [];
      // Ids start low and grow with creation time; without a person at the lowest ids the oldest is unknown, so go back to Marketo's beginning.
      const oldest =
        probe.minId !== null && probe.minId <= 300 && probe.oldestMs !== null
          ? probe.oldestMs
          : probe.oldestMs === null
            ? loadStart - syncTuning.windowMs
            : MARKETO_EPOCH_MS;
      // Windows of the configured length where the probes saw people; across a gap, one window up to the next
      // person seen (at most Marketo's 31 days), so an empty year costs twelve windows, not thousands.
      const samples = probe.samples;
      let next = 0;
      const end0 = Math.ceil(loadStart / 1000) * 1000 + 1000;
      for (let start = Math.floor(oldest / 1000) * 1000; start <= loadStart;) {
        while (next < samples.length && samples[next]! < start) next++;
        const nextSeen = next < samples.length ? Math.floor(samples[next]! / 1000) * 1000 : end0;
        const length =
          nextSeen < start + syncTuning.windowMs ? syncTuning.windowMs : Math.min(31 * 86_400_000, nextSeen - start);
        const end = Math.min(start + length, end0);
        windows.push({ start, end });
        start = end;
      }
      await this.database.transaction().execute(async (tx) => {
        const ok = await sdb(tx)
          .updateTable('sync_runs')
          .set({
            windows_planned: windows.length,
            fields: JSON.stringify(plan.request),
            estimated_people: probe.maxId !== null && probe.minId !== null ? probe.maxId - probe.minId + 1 : 0,
            load_started_at: new Date(loadStart),
            paging_token: token,
            deleted_token: token,
            plan_claimed_by: null,
            plan_claimed_until: null,
          })
          .where('id', '=', runId)
          .where('plan_claimed_by', '=', me)
          .where('windows_planned', '=', 0)
          .executeTakeFirst();
        if (Number(ok.numUpdatedRows) !== 1) throw new LostClaim();
        const rows = windows.map((w, i) => ({
          run_id: runId,
          account_id: run.account_id,
          seq: i,
          kind: 'bulk' as const,
          start_at: new Date(w.start),
          end_at: new Date(w.end - 1000),
          next_attempt_at: new Date(),
        }));
        for (let i = 0; i < rows.length; i += 500) {
          const inserted = await sdb(tx)
            .insertInto('sync_windows')
            .values(rows.slice(i, i + 500))
            .returning('id')
            .execute();
          for (const w of inserted) await this.jobs.send(QUEUE_WINDOW, { runId, windowId: w.id }, { tx });
        }
      });
      this.log.info(
        { runId, windows: windows.length, probeCalls: probe.calls, estimatedPeople: probe.maxId },
        'sync initial load planned',
      );
    } catch (error) {
      if (error instanceof LostClaim) return;
      await this.recordRunError(runId, run.account_id, error, 'plan');
      const wait = this.quotaWait(error);
      if (wait) await this.waitForQuota(runId, wait.until, wait.reason);
      // The supervisor plans again once the claim lapses.
      await sql`update sync_runs set plan_claimed_by = null, plan_claimed_until = ${new Date(wait?.until ?? Date.now() + syncTuning.pollMs)} where id = ${runId}::uuid and plan_claimed_by = ${me}`.execute(
        this.database,
      );
    }
  }

  /** Bulk extract is not available on this subscription (703 / 1035): the remaining windows become REST id ranges. */
  private async fallBackToRest(run: RunRow, maxId: number | null): Promise<void> {
    await this.database.transaction().execute(async (tx) => {
      const locked = await sdb(tx)
        .selectFrom('sync_runs')
        .select(['method', 'windows_planned'])
        .where('id', '=', run.id)
        .forUpdate()
        .executeTakeFirst();
      if (!locked || locked.method === 'rest') return;
      const replaced = await sdb(tx)
        .updateTable('sync_windows')
        .set({ state: 'replaced', claimed_by: null, claimed_until: null })
        .where('run_id', '=', run.id)
        .where('state', 'not in', ['done', 'replaced'])
        .executeTakeFirst();
      // People created after the probe are read by the incremental sync (it starts before the load began).
      const top = (maxId ?? 0) + 3000;
      const rows = [];
      let seq = Number(locked.windows_planned);
      for (let from = 1; from <= top; from += syncTuning.restWindowIds) {
        rows.push({
          run_id: run.id,
          account_id: run.account_id,
          seq: seq++,
          kind: 'rest' as const,
          from_id: from,
          to_id: Math.min(top, from + syncTuning.restWindowIds - 1),
          cursor_id: from,
          next_attempt_at: new Date(),
        });
      }
      const doneBulk = await sdb(tx)
        .selectFrom('sync_windows')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('run_id', '=', run.id)
        .where('state', '=', 'done')
        .executeTakeFirst();
      await sdb(tx)
        .updateTable('sync_runs')
        .set({ method: 'rest', windows_planned: Number(doneBulk?.n ?? 0) + rows.length, estimated_people: maxId })
        .where('id', '=', run.id)
        .execute();
      for (let i = 0; i < rows.length; i += 500) {
        const inserted = await sdb(tx)
          .insertInto('sync_windows')
          .values(rows.slice(i, i + 500))
          .returning('id')
          .execute();
        for (const w of inserted) await this.jobs.send(QUEUE_WINDOW, { runId: run.id, windowId: w.id }, { tx });
      }
      this.log.info(
        { runId: run.id, replaced: Number(replaced.numUpdatedRows), restWindows: rows.length },
        'bulk extract unavailable: initial load continues over REST id ranges',
      );
    });
  }

  // --- jobs: one window of the initial load ---

  private async claimWindow(windowId: string, me: string): Promise<WindowRow | undefined> {
    const claimed = await sql<WindowRow>`
      update sync_windows w set claimed_by = ${me}, claimed_until = now() + ${syncTuning.leaseMs} * interval '1 millisecond', claims = claims + 1
      from sync_runs r
      where w.id = ${windowId}::uuid and r.id = w.run_id and r.active and r.phase = 'initial_load'
        and (r.waiting_until is null or r.waiting_until <= now())
        and w.state not in ('done', 'replaced')
        and (w.claimed_until is null or w.claimed_until < now())
        and (w.next_attempt_at is null or w.next_attempt_at <= now())
      returning w.*`.execute(this.database);
    return claimed.rows[0];
  }

  /** Renews the claim and applies `set`, only while this worker still holds it and the run is loading. */
  private async fenced(db: DbOrTx, windowId: string, me: string, set: Record<string, unknown> = {}): Promise<void> {
    const result = await sdb(db)
      .updateTable('sync_windows')
      .set({ ...set, claimed_until: sql`now() + ${syncTuning.leaseMs} * interval '1 millisecond'` } as never)
      .where('id', '=', windowId)
      .where('claimed_by', '=', me)
      .where(
        sql<boolean>`exists (select 1 from sync_runs r where r.id = run_id and r.active and r.phase = 'initial_load')`,
      )
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new LostClaim();
  }

  /** Gives the window back, to be taken up again at `at` (by this job's successor or the supervisor). */
  private async release(windowId: string, me: string, at: number, set: Record<string, unknown> = {}): Promise<boolean> {
    const result = await sdb(this.database)
      .updateTable('sync_windows')
      .set({ ...set, claimed_by: null, claimed_until: null, next_attempt_at: new Date(at) } as never)
      .where('id', '=', windowId)
      .where('claimed_by', '=', me)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async window(runId: string, windowId: string): Promise<void> {
    const me = randomUUID();
    const w = await this.claimWindow(windowId, me);
    if (!w) return;
    const run = (await this.run(runId))!;
    try {
      const client = await this.connections.clientFor(run.account_id);
      const plan = await this.fieldPlan(client, run);
      if (w.kind === 'rest') await this.readRest(client, plan, run, w, me);
      else await this.bulkWindow(client, plan, run, w, me);
    } catch (error) {
      if (error instanceof LostClaim) return;
      if (error instanceof MarketoError && (error.code === '703' || error.code === '1035')) {
        await this.recordRunError(runId, run.account_id, error, `window ${w.seq}`);
        const probe = await probeIds(await this.connections.clientFor(run.account_id)).catch(() => null);
        await this.fallBackToRest(run, probe?.maxId ?? run.estimated_people);
        return;
      }
      await this.recordRunError(runId, run.account_id, error, `window ${w.seq}`);
      const wait = this.quotaWait(error);
      if (wait) {
        await this.waitForQuota(runId, wait.until, wait.reason);
        await this.release(w.id, me, wait.until);
        return;
      }
      const attempts = Number(w.attempts) + 1;
      const backoff = Math.min(15 * 60_000, syncTuning.pollMs * 2 ** Math.min(attempts, 6));
      await this.release(w.id, me, Date.now() + backoff, { attempts, last_error: errorOf(error, 'window').message });
      if (attempts >= MAX_ATTEMPTS) {
        await this.db
          .updateTable('sync_runs')
          .set({ phase: 'failed', ended_at: new Date() })
          .where('id', '=', runId)
          .where('phase', '=', 'initial_load')
          .execute();
        return;
      }
      await this.jobs.send(QUEUE_WINDOW, { runId, windowId }, { startAfterSeconds: Math.ceil(backoff / 1000) });
    }
  }

  private exportsOutstanding(db: DbOrTx, accountId: string) {
    return sql<{ n: number }>`
      select count(*)::int as n from sync_windows w join sync_runs r on r.id = w.run_id
      where w.account_id = ${accountId}::uuid and r.active and w.kind = 'bulk' and w.state in ('exporting', 'reading') and w.export_id is not null`.execute(
      db,
    );
  }

  private async bulkWindow(
    client: MarketoClient,
    plan: FieldPlan,
    run: RunRow,
    w: WindowRow,
    me: string,
  ): Promise<void> {
    let exportId = w.export_id;
    let status = w.export_status;
    if (w.state === 'pending' || !exportId) {
      // A place in Marketo's export queue (10 per instance, 2 of them processing): reserved under the run's lock.
      const reserved = await this.database.transaction().execute(async (tx) => {
        await sdb(tx).selectFrom('sync_runs').select('id').where('id', '=', run.id).forUpdate().executeTakeFirst();
        const outstanding = Number((await this.exportsOutstanding(tx, run.account_id)).rows[0]?.n ?? 0);
        if (outstanding >= syncTuning.maxQueuedExports) return false;
        await this.fenced(tx, w.id, me, { state: 'exporting' });
        return true;
      });
      if (!reserved) {
        await this.later(run.id, w.id, me, syncTuning.pollMs);
        return;
      }
      const created = await client.createLeadExport({
        fields: plan.request,
        format: 'CSV',
        filter: {
          createdAt: {
            startAt: isoSeconds(new Date(w.start_at!).getTime()),
            endAt: isoSeconds(new Date(w.end_at!).getTime()),
          },
        },
      });
      exportId = created.exportId;
      status = created.status;
      await this.fenced(this.database, w.id, me, { export_id: exportId, export_status: status });
    }
    const deadline = Date.now() + syncTuning.inlineWaitMs;
    // Marketo works its export queue in order, two at a time: an export still Queued waits for the
    // ones ahead, so it is asked less and less often (each status call counts against the 100 per
    // 20 s that the other windows' create, enqueue and file calls need too).
    let queuedAnswers = 0;
    for (;;) {
      if (status === 'Created') {
        try {
          status = (await client.enqueueLeadExport(exportId)).status;
        } catch (error) {
          if (error instanceof MarketoError && error.code === '1029' && /too many/i.test(error.message)) {
            // Marketo's queue is full (other integrations use it too): try again later.
            await this.later(run.id, w.id, me, syncTuning.pollMs);
            return;
          }
          throw error;
        }
        await this.fenced(this.database, w.id, me, { export_status: status });
      }
      const job: LeadExportJob =
        w.state === 'reading' && w.export_job
          ? (w.export_job as unknown as LeadExportJob)
          : await client.getLeadExportStatus(exportId);
      status = job.status;
      if (status === 'Completed' && job.numberOfRecords === 0) {
        // Nobody was created in this window (a gap in the instance's history): no file to fetch.
        await this.fenced(this.database, w.id, me, { export_status: status, export_job: JSON.stringify(job) });
        await this.finishWindow(run.id, w.id, me);
        return;
      }
      if (status === 'Completed') {
        await this.fenced(this.database, w.id, me, {
          state: 'reading',
          export_status: status,
          export_job: JSON.stringify(job),
        });
        await this.readExport(client, plan, run, w, me, job);
        return;
      }
      if (status === 'Failed' || status === 'Cancelled' || status === 'Canceled') {
        throw new MarketoError(
          'EXPORT_FAILED',
          `Export ${exportId} ended ${status}${job.errorMsg ? `: ${job.errorMsg}` : ''}`,
        );
      }
      await this.fenced(this.database, w.id, me, { export_status: status });
      queuedAnswers = status === 'Queued' ? queuedAnswers + 1 : 0;
      const wait = syncTuning.pollMs * 2 ** Math.min(queuedAnswers, 3);
      if (Date.now() + wait > deadline) {
        await this.later(run.id, w.id, me, wait);
        return;
      }
      await sleep(wait);
    }
  }

  /** Hands the window to a job that runs after `ms` (the wait costs no worker). */
  private async later(runId: string, windowId: string, me: string, ms: number): Promise<void> {
    if (await this.release(windowId, me, Date.now() + ms))
      await this.jobs.send(QUEUE_WINDOW, { runId, windowId }, { startAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) });
  }

  private async readExport(
    client: MarketoClient,
    plan: FieldPlan,
    run: RunRow,
    w: WindowRow,
    me: string,
    job: LeadExportJob,
  ): Promise<void> {
    const map = rowMapper(plan);
    let done = Number(w.rows_done);
    let skip = done;
    const source = client.readLeadExportFile(job.exportId, { batchSize: syncTuning.batchSize, expected: job });
    const rows = this.skipRows(
      source,
      () => skip,
      (n) => (skip -= n),
    );
    try {
      await this.pipeline(rows, async (batch) => {
        const mapped = batch.map((r) => map(r));
        await this.database.transaction().execute(async (tx) => {
          const counts = await writeBatch(tx, run.account_id, mapped, { removedReason: 'owner_removed', markSeenSince: this.seenSince(run) });
          await addToRun(tx, run.id, counts);
          await this.fenced(tx, w.id, me, { rows_done: done + batch.length });
        });
        done += batch.length;
      });
    } catch (error) {
      // The export's file is kept seven days; once gone, the window starts over with a new export.
      if (error instanceof MarketoError && error.details.httpStatus === 404) {
        await this.fenced(this.database, w.id, me, {
          state: 'pending',
          export_id: null,
          export_status: null,
          export_job: null,
        });
      }
      throw error;
    }
    await this.finishWindow(run.id, w.id, me);
  }

  /** Drops rows already written before a restart: the file is the same, so the first `skip` rows are. */
  private async *skipRows<T>(
    source: AsyncGenerator<T[]>,
    skip: () => number,
    skipped: (n: number) => void,
  ): AsyncGenerator<T[]> {
    for await (const batch of source) {
      const s = skip();
      if (s >= batch.length) {
        skipped(batch.length);
        continue;
      }
      if (s > 0) {
        skipped(s);
        yield batch.slice(s);
        continue;
      }
      yield batch;
    }
  }

  /** Reads the next batch while the previous one is written: the network, the parser and the database overlap. */
  private async pipeline<T>(source: AsyncGenerator<T>, write: (item: T) => Promise<void>): Promise<void> {
    let next = source.next();
    try {
      for (;;) {
        const item = await next;
        if (item.done) return;
        next = source.next();
        await write(item.value);
      }
    } catch (error) {
      next.catch(() => undefined);
      throw error;
    } finally {
      await source.return(undefined as never).catch(() => undefined);
    }
  }

  private async readRest(client: MarketoClient, plan: FieldPlan, run: RunRow, w: WindowRow, me: string): Promise<void> {
    const map = rowMapper(plan);
    let cursor = Number(w.cursor_id ?? w.from_id);
    const to = Number(w.to_id);
    let done = Number(w.rows_done);
    while (cursor <= to) {
      const last = Math.min(to, cursor + 299);
      const ids = Array.from({ length: last - cursor + 1 }, (_, i) => cursor + i);
      const page = await client.getLeads({ filterType: 'id', filterValues: ids, fields: plan.request, batchSize: 300 });
      const mapped = page.result.map((r) => map(r));
      const next = last + 1;
      await this.database.transaction().execute(async (tx) => {
        const counts = await writeBatch(tx, run.account_id, mapped, { removedReason: 'owner_removed', markSeenSince: this.seenSince(run) });
        await addToRun(tx, run.id, counts);
        await this.fenced(tx, w.id, me, { cursor_id: next, rows_done: done + page.result.length });
      });
      done += page.result.length;
      cursor = next;
    }
    await this.finishWindow(run.id, w.id, me);
  }

  /**
   * For a full resync, the moment before which a person counts as not seen by this run: every person
   * it reads is marked seen (see writeBatch), and at its end those it never saw are removed (see
   * removeUnread).
   */
  private seenSince(run: RunRow): Date | undefined {
    return run.kind === 'resync' ? new Date(run.started_at) : undefined;
  }

  /**
   * At the end of a full resync, removes the active people it never read: people deleted in Marketo while
   * nothing watched. Bulk exports' createdAt windows cover everyone from the oldest person to the run's
   * start. REST id ranges cover every id up to the highest they planned, and no further: people above it
   * (created after the probe, read by the incremental sync) are not judged.
   */
  private async removeUnread(tx: DbOrTx, run: RunRow, since: Date): Promise<number> {
    if (run.method !== 'rest') return removeUnseen(tx, run.account_id, since);
    const covered = await sdb(tx)
      .selectFrom('sync_windows')
      .select((eb) => eb.fn.max('to_id').as('top'))
      .where('run_id', '=', run.id)
      .where('kind', '=', 'rest')
      .where('state', '=', 'done')
      .executeTakeFirst();
    const top = covered?.top === null || covered?.top === undefined ? null : Number(covered.top);
    return top === null ? 0 : removeUnseen(tx, run.account_id, since, top);
  }

  private async finishWindow(runId: string, windowId: string, me: string): Promise<void> {
    await this.database.transaction().execute(async (tx) => {
      // The run's lock first (the order every batch takes too): the count below then sees every other finished window.
      await sdb(tx).selectFrom('sync_runs').select('id').where('id', '=', runId).forUpdate().executeTakeFirst();
      await this.fenced(tx, windowId, me, { state: 'done', finished_at: new Date() });
      await sdb(tx)
        .updateTable('sync_windows')
        .set({ claimed_by: null, claimed_until: null })
        .where('id', '=', windowId)
        .execute();
      const counts = await sql<{ done: number; planned: number }>`
        update sync_runs set windows_done = (select count(*) from sync_windows where run_id = ${runId}::uuid and state = 'done')
        where id = ${runId}::uuid returning windows_done as done, windows_planned as planned`.execute(tx);
      const c = counts.rows[0];
      if (!c || Number(c.done) < Number(c.planned)) return;
      const run = await this.run(runId, tx);
      const since = run ? this.seenSince(run) : undefined;
      if (run && since && run.phase === 'initial_load') {
        const removed = await this.removeUnread(tx, run, since);
        if (removed > 0) await addToRun(tx, runId, { ...emptyCounts(), removed });
      }
      // The last window: exactly one worker sees the full count, the phase switch is conditional anyway.
      const switched = await sdb(tx)
        .updateTable('sync_runs')
        .set({
          phase: 'incremental',
          load_finished_at: new Date(),
          next_incremental_at: new Date(),
          waiting_until: null,
          wait_reason: null,
        })
        .where('id', '=', runId)
        .where('phase', '=', 'initial_load')
        .executeTakeFirst();
      if (Number(switched.numUpdatedRows) === 1) await this.jobs.send(QUEUE_INCREMENTAL, { runId }, { tx });
    });
    this.log.debug({ runId, windowId }, 'sync window done');
  }

  // --- jobs: incremental ---

  async incremental(runId: string): Promise<void> {
    const me = randomUUID();
    const claimed = await sql<RunRow>`
      update sync_runs set inc_claimed_by = ${me}, inc_claimed_until = now() + ${syncTuning.leaseMs} * interval '1 millisecond'
      where id = ${runId}::uuid and active and phase = 'incremental'
        and (inc_claimed_until is null or inc_claimed_until < now())
        and (next_incremental_at is null or next_incremental_at <= now())
        and (waiting_until is null or waiting_until <= now())
      returning *`.execute(this.database);
    const run = claimed.rows[0];
    if (!run) return;
    const settings = await this.settings(run.account_id);
    const startedAt = Date.now();
    let changes = 0;
    let lagMs = 0;
    let nextAt = startedAt + settings.intervalSeconds * 1000;
    try {
      const client = await this.connections.clientFor(run.account_id);
      // Each incremental run describes again: a field renamed or removed in Marketo since shows up here.
      const plan = await this.fieldPlan(client, run, { fresh: true });
      const map = rowMapper(plan);
      const watched = plan.request.filter((f) => f !== 'id' && f !== 'createdAt' && f !== 'updatedAt');
      let token = run.paging_token!;
      let more = true;
      for (let pages = 0; more && pages < syncTuning.pagesPerRun; pages++) {
        const page = await client.getLeadChanges({ nextPageToken: token, fields: watched, batchSize: 300 });
        const ids = [...new Set(page.result.map((a) => a.leadId))];
        for (const a of page.result) lagMs = Math.max(lagMs, Date.now() - Date.parse(a.activityDate));
        const leads: Lead[] = [];
        for (let i = 0; i < ids.length; i += 300)
          leads.push(
            ...(
              await client.getLeads({
                filterType: 'id',
                filterValues: ids.slice(i, i + 300),
                fields: plan.request,
                batchSize: 300,
              })
            ).result,
          );
        const returned = new Set(leads.map((l) => Number(l.id)));
        const missing = ids.filter((id) => !returned.has(id));
        const newToken = page.nextPageToken ?? token;
        await this.database.transaction().execute(async (tx) => {
          const counts =
            ids.length > 0
              ? await writeBatch(
                  tx,
                  run.account_id,
                  leads.map((l) => map(l)),
                  { removedReason: 'owner_removed', missingIds: missing, missingReason: 'deleted' },
                )
              : emptyCounts();
          await addToRun(tx, run.id, counts);
          await this.fencedRun(tx, run.id, me, { paging_token: newToken });
        });
        changes += ids.length;
        token = newToken;
        more = page.moreResult;
      }
      if (more) nextAt = Date.now();
      // Deleted people: checked every k runs so an idle instance stays within its daily call budget.
      const every = deletedEveryRuns(settings.intervalSeconds);
      if (Number(run.incremental_runs) % every === 0) {
        let deletedToken = run.deleted_token ?? run.paging_token!;
        let moreDeleted = true;
        for (let pages = 0; moreDeleted && pages < syncTuning.pagesPerRun; pages++) {
          const page = await client.getDeletedLeads({ nextPageToken: deletedToken, batchSize: 300 });
          const ids = [...new Set(page.result.map((a) => a.leadId))];
          const newToken = page.nextPageToken ?? deletedToken;
          await this.database.transaction().execute(async (tx) => {
            const removed = await markRemoved(tx, run.account_id, ids, 'deleted_in_marketo');
            await addToRun(tx, run.id, addCounts(emptyCounts(), { ...emptyCounts(), read: ids.length, removed }));
            await this.fencedRun(tx, run.id, me, { deleted_token: newToken });
          });
          changes += ids.length;
          deletedToken = newToken;
          moreDeleted = page.moreResult;
        }
      }
    } catch (error) {
      if (error instanceof LostClaim) return;
      await this.recordRunError(runId, run.account_id, error, 'incremental');
      const wait = this.quotaWait(error);
      if (wait) {
        await this.waitForQuota(runId, wait.until, wait.reason);
        nextAt = wait.until;
      }
    }
    const finished = await sql`
      update sync_runs set inc_claimed_by = null, inc_claimed_until = null, next_incremental_at = ${new Date(nextAt)},
        incremental_runs = incremental_runs + 1, last_incremental_at = ${new Date(startedAt)},
        last_incremental_lag_ms = ${lagMs}, last_incremental_changes = ${changes}
      where id = ${runId}::uuid and inc_claimed_by = ${me}`.execute(this.database);
    if (Number(finished.numAffectedRows ?? 0) === 1) {
      await this.jobs.send(
        QUEUE_INCREMENTAL,
        { runId },
        { startAfterSeconds: Math.max(1, Math.ceil((nextAt - Date.now()) / 1000)) },
      );
    }
  }

  private async fencedRun(
    db: DbOrTx,
    runId: string,
    me: string,
    set: { paging_token?: string; deleted_token?: string },
  ): Promise<void> {
    const result = await sdb(db)
      .updateTable('sync_runs')
      .set({ ...set, inc_claimed_until: sql`now() + ${syncTuning.leaseMs} * interval '1 millisecond'` } as never)
      .where('id', '=', runId)
      .where('inc_claimed_by', '=', me)
      .where('phase', '=', 'incremental')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new LostClaim();
  }
}

export { STANDARD_FIELDS, addCounts, type BatchCounts };
