/**
 * Delivery to Marketo: the MSI kinds as custom activity types (created and approved on first use),
 * Add Custom Activities in batches of up to 300, per-record `skipped` answers, and a search of the
 * lead's activities before anything whose earlier attempt may have landed is sent again.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../platform/database.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { MarketoClient } from '../marketo/client.js';
import type { MarketoConnections } from '../marketo/connections.js';
import { MarketoError, RETRYABLE_CODES, TOKEN_CODES } from '../marketo/errors.js';
import type { CustomActivityInput, CustomActivityType } from '../marketo/types.js';
import { ACTIVITY_KINDS, MARKETO_TYPES, type ActivityKind } from './kinds.js';
import type { ClaimedDelivery, DeliveryError, Outbox } from './outbox.js';
import { backoffMs, CallTimeout, type DeliveryTuning } from './tuning.js';

/** What the outbox holds for Marketo. */
export interface MarketoPayload {
  leadId: number;
  activityDate: string;
  primaryAttributeValue: string;
  attributes: Array<{ apiName: string; value: string | number }>;
}

const MARKER = /\(SIA-([A-Za-z0-9]+)\)$/;

/** Marketo's codes with what an admin does about them (Marketo error codes; MSI docs). */
const MARKETO_HINTS: Record<string, string> = {
  marketo_not_connected: 'Connect MSI Actions to Marketo (Settings → Admin Settings → Marketo → Connect), then retry these activities in Diagnostics.',
  '603': 'The Marketo API user’s role lacks a permission: give it Read-Write Activity and Read-Write Activity Metadata (Admin → Users & Roles → Roles), then retry.',
  '607': 'The Marketo instance used its daily API quota; delivery resumes after midnight US Central time.',
  '1004': 'The person is no longer in Marketo (deleted or merged). Check the person in Marketo; activities for the merged record must be logged again.',
  '1027': 'Marketo already has 10 custom activity types, its limit. Delete or archive unused ones in Admin → Database Management → Marketo Custom Activities, then retry.',
  '1028': 'A custom activity type MSI Actions uses has too many fields (Marketo allows 20). Remove fields added by hand in Admin → Marketo Custom Activities, then retry.',
  '1049': 'The activity’s attributes are too long for Marketo (64 KB). Shorten the subject or notes and log it again.',
};

export function marketoHint(code: string, message: string): string {
  return MARKETO_HINTS[code] ?? `Marketo refused the activity (${code}): ${message}`;
}

function definitionHash(kind: ActivityKind): string {
  const d = MARKETO_TYPES[kind];
  return createHash('sha256')
    .update(JSON.stringify([d.apiName, d.primary.apiName, d.attributes.map((a) => [a.apiName, a.dataType])]))
    .digest('hex')
    .slice(0, 16);
}

/** A thrown Marketo failure: whether Marketo may have run the call, and when to try again. */
function classify(error: unknown): { kind: 'unknown' | 'retry' | 'fix'; error: DeliveryError; retryAt?: number } {
  if (error instanceof CallTimeout) return { kind: 'unknown', error: { code: 'TIMEOUT', message: error.message } };
  if (error instanceof AppError) return { kind: 'fix', error: { code: error.code, message: error.message, hint: MARKETO_HINTS[error.code] ?? error.message } };
  if (!(error instanceof MarketoError)) return { kind: 'unknown', error: { code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) } };
  const base = { code: error.code, message: error.marketoMessage };
  // No answer, a 5xx or an unreadable answer: Marketo may have added the activities.
  if (['TIMEOUT', 'UNREACHABLE', 'UNKNOWN_HOST', 'HTTP_ERROR', 'BAD_RESPONSE'].includes(error.code)) return { kind: 'unknown', error: base };
  // A 6xx code means Marketo did not run the call.
  if (error.code === '607' || error.code === 'QUOTA_STOPPED') return { kind: 'retry', error: { ...base, hint: MARKETO_HINTS['607'] }, retryAt: error.details.retryAt };
  if (RETRYABLE_CODES.has(error.code) || TOKEN_CODES.has(error.code) || error.code === 'RETRIES_EXHAUSTED') return { kind: 'retry', error: base };
  return { kind: 'fix', error: { ...base, hint: marketoHint(error.code, error.marketoMessage) } };
}

export class MarketoDelivery {
  /** Type creation in progress per account, instance and kind: one creator per process. */
  private readonly ensuring = new Map<string, Promise<number>>();

  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    private readonly connections: () => MarketoConnections,
    private readonly log: Logger,
    private readonly tuning: DeliveryTuning,
  ) {}

  /** The custom activity type id of a kind, created, extended and approved in Marketo when needed. */
  async typeId(accountId: string, client: MarketoClient, kind: ActivityKind): Promise<number> {
    const hash = definitionHash(kind);
    const stored = await this.db
      .selectFrom('activity_marketo_types')
      .select(['type_id', 'definition_hash'])
      .where('account_id', '=', accountId)
      .where('rest_url', '=', client.restUrl)
      .where('kind', '=', kind)
      .executeTakeFirst();
    if (stored && stored.definition_hash === hash) return stored.type_id;
    const key = `${accountId}|${client.restUrl}|${kind}`;
    let pending = this.ensuring.get(key);
    if (!pending) {
      pending = this.createType(accountId, client, kind, hash).finally(() => this.ensuring.delete(key));
      this.ensuring.set(key, pending);
    }
    return pending;
  }

  /** The batch's kinds, plus every other MSI kind when some type is not set up yet. */
  private async missingKinds(accountId: string, client: MarketoClient, rows: ClaimedDelivery[]): Promise<ActivityKind[]> {
    const wanted = [...new Set(rows.map((r) => r.kind as ActivityKind))];
    const known = await this.db.selectFrom('activity_marketo_types').select('kind').where('account_id', '=', accountId).where('rest_url', '=', client.restUrl).execute();
    if (known.length >= ACTIVITY_KINDS.length) return wanted;
    return [...new Set([...wanted, ...ACTIVITY_KINDS])];
  }

  /** Forgets a type Marketo no longer knows (deleted, or changed by hand): it is ensured again. */
  private async forgetType(accountId: string, client: MarketoClient, kind: string): Promise<void> {
    await this.db.deleteFrom('activity_marketo_types').where('account_id', '=', accountId).where('rest_url', '=', client.restUrl).where('kind', '=', kind).execute();
  }

  private async createType(accountId: string, client: MarketoClient, kind: ActivityKind, hash: string): Promise<number> {
    const d = MARKETO_TYPES[kind];
    const describe = async (): Promise<CustomActivityType | null> => {
      try {
        return await client.describeCustomActivityType(d.apiName, true);
      } catch (error) {
        if (error instanceof MarketoError && error.code === '1013') return null;
        throw error;
      }
    };
    // Another process (or an earlier install on this instance) may have made it already.
    let type = await describe();
    if (!type) {
      try {
        type = await client.createCustomActivityType({
          apiName: d.apiName,
          name: d.name,
          triggerName: d.triggerName,
          filterName: d.filterName,
          description: d.description,
          primaryAttribute: { apiName: d.primary.apiName, name: d.primary.name, dataType: d.primary.dataType },
        });
      } catch (error) {
        if (!(error instanceof MarketoError && error.code === '1036')) throw error;
        type = await describe();
        if (!type) throw error;
      }
    }
    const missing = d.attributes.filter((a) => !type!.attributes.some((x) => x.apiName === a.apiName));
    if (missing.length > 0) {
      type = await client.createCustomActivityTypeAttributes(
        d.apiName,
        missing.map((a) => ({ apiName: a.apiName, name: a.name, dataType: a.dataType })),
      );
    }
    if (type.status !== 'approved') {
      try {
        type = await client.approveCustomActivityType(d.apiName);
      } catch (error) {
        // 709: nothing to approve, someone approved it meanwhile.
        if (!(error instanceof MarketoError && error.code === '709')) throw error;
      }
    }
    const row = { api_name: d.apiName, type_id: type.id, definition_hash: hash };
    await this.db
      .insertInto('activity_marketo_types')
      .values({ account_id: accountId, rest_url: client.restUrl, kind, ...row })
      .onConflict((oc) => oc.columns(['account_id', 'rest_url', 'kind']).doUpdateSet(row))
      .execute();
    this.log.info({ accountId, kind, apiName: d.apiName, typeId: type.id }, 'Marketo custom activity type ready');
    return type.id;
  }

  /**
   * Finds activities of earlier attempts in Marketo by their SIA marker: the leads' activities of
   * the MSI types since just before the earliest activity date (leadIds: at most 30 per call).
   */
  private async findExisting(client: MarketoClient, rows: Array<{ row: ClaimedDelivery; payload: MarketoPayload; typeId: number }>): Promise<Map<string, string>> {
    const byMarker = new Map(rows.map((r) => [r.row.externalId, r.row.id]));
    const found = new Map<string, string>();
    const since = new Date(Math.min(...rows.map((r) => Date.parse(r.payload.activityDate))) - 60_000);
    const typeIds = [...new Set(rows.map((r) => r.typeId))];
    const leadIds = [...new Set(rows.map((r) => r.payload.leadId))];
    const token = await client.getPagingToken(since);
    // Marketo reads at most 300 activities of any kind per call, whatever the filters, so every pass over the
    // window costs (activities since then) / 300 calls. One pass: by lead when they fit one filter (30), else
    // by activity type alone, the markers telling ours apart. It stops once every marker is found.
    const leadFilter = leadIds.length <= 30 ? leadIds : undefined;
    let next = token;
    while (found.size < byMarker.size) {
      const page = await client.getActivities({ nextPageToken: next, activityTypeIds: typeIds, ...(leadFilter ? { leadIds: leadFilter } : {}), batchSize: 300 });
      for (const a of page.result) {
        const marker = MARKER.exec(String(a.primaryAttributeValue ?? ''))?.[1];
        const id = marker ? byMarker.get(marker) : undefined;
        if (id && !found.has(id)) found.set(id, a.marketoGUID ?? String(a.id));
      }
      if (!page.moreResult || !page.nextPageToken) break;
      next = page.nextPageToken;
    }
    return found;
  }

  private async settleError(rows: ClaimedDelivery[], error: unknown): Promise<void> {
    const c = classify(error);
    const ids = rows.map((r) => r.id);
    if (c.kind === 'fix') return this.outbox.failed(ids, c.error);
    const exhausted = rows.filter((r) => r.attempts >= this.tuning.maxAttempts).map((r) => r.id);
    if (exhausted.length > 0) {
      await this.outbox.failed(exhausted, { ...c.error, hint: c.error.hint ?? `Marketo kept answering ${c.error.code} after ${this.tuning.maxAttempts} attempts; retry later from Diagnostics.` });
    }
    const rest = rows.filter((r) => r.attempts < this.tuning.maxAttempts);
    const attempts = Math.max(1, ...rest.map((r) => r.attempts));
    const delayMs = c.kind === 'unknown' ? this.tuning.settleMs : c.retryAt ? Math.max(0, c.retryAt - Date.now()) : backoffMs(this.tuning, attempts);
    await this.outbox.retry(
      rest.map((r) => r.id),
      c.error,
      { delayMs, unknown: c.kind === 'unknown' },
    );
  }

  /** Delivers one claimed batch (≤ 300); settles every row before returning. */
  async deliver(accountId: string, rows: ClaimedDelivery[]): Promise<void> {
    let client: MarketoClient;
    try {
      client = await this.connections().clientFor(accountId);
    } catch (error) {
      return this.settleError(rows, error);
    }
    const items: Array<{ row: ClaimedDelivery; payload: MarketoPayload; typeId: number }> = [];
    try {
      // Every MSI kind at once on first use: one round of type set-up instead of one per kind as they come.
      const kinds = await this.missingKinds(accountId, client, rows);
      const typeIds = new Map<string, number>(await Promise.all(kinds.map(async (kind) => [kind, await this.typeId(accountId, client, kind)] as const)));
      for (const row of rows) items.push({ row, payload: row.payload as unknown as MarketoPayload, typeId: typeIds.get(row.kind)! });
    } catch (error) {
      await this.connections().recordError(accountId, error);
      return this.settleError(rows, error);
    }

    let toSend = items;
    const unknown = items.filter((i) => i.row.outcomeUnknown);
    if (unknown.length > 0) {
      let found: Map<string, string>;
      try {
        found = await this.findExisting(client, unknown);
      } catch (error) {
        // Still unknown: only a completed search may lead to a second write.
        const c = classify(error);
        await this.outbox.retry(
          unknown.map((i) => i.row.id),
          c.error,
          { delayMs: c.kind === 'fix' ? this.tuning.settleMs : backoffMs(this.tuning, unknown[0]!.row.attempts), unknown: true },
        );
        toSend = items.filter((i) => !i.row.outcomeUnknown);
        found = new Map();
      }
      await this.outbox.delivered([...found].map(([id, remoteId]) => ({ id, remoteId })));
      toSend = toSend.filter((i) => !found.has(i.row.id));
    }
    if (toSend.length === 0) return;

    const input: CustomActivityInput[] = toSend.map((i) => ({
      leadId: i.payload.leadId,
      activityDate: i.payload.activityDate,
      activityTypeId: i.typeId,
      primaryAttributeValue: i.payload.primaryAttributeValue,
      attributes: i.payload.attributes,
    }));
    let results;
    try {
      // The time limit starts when the call goes out: a batch queued behind the instance's rate limit
      // has not reached Marketo, and timing it out there would mean a needless search before resending.
      results = await client.addCustomActivities(input, { timeoutMs: this.tuning.callTimeoutMs });
    } catch (error) {
      await this.connections().recordError(accountId, error);
      return this.settleError(
        toSend.map((i) => i.row),
        error,
      );
    }
    const delivered: Array<{ id: string; remoteId: string | null }> = [];
    const retryNow: string[] = [];
    const failures = new Map<string, { error: DeliveryError; ids: string[] }>();
    for (const [n, item] of toSend.entries()) {
      const result = results[n];
      if (result?.status === 'added') {
        delivered.push({ id: item.row.id, remoteId: result.marketoGUID ?? (result.id === undefined ? null : String(result.id)) });
        continue;
      }
      const reason = result?.errors?.[0] ?? { code: 'MISSING_RESULT', message: 'Marketo answered no result for this activity' };
      const code = String(reason.code);
      if (code === '1013' || code === '1006') {
        // The type is gone or lacks a field (changed in Marketo by hand): ensure it again and resend.
        await this.forgetType(accountId, client, item.row.kind);
        retryNow.push(item.row.id);
        continue;
      }
      const key = `${code}|${reason.message}`;
      const entry = failures.get(key) ?? { error: { code, message: reason.message, hint: marketoHint(code, reason.message) }, ids: [] };
      entry.ids.push(item.row.id);
      failures.set(key, entry);
    }
    await this.outbox.delivered(delivered);
    await this.outbox.retry(retryNow, { code: '1013', message: 'The custom activity type changed in Marketo; it is ensured again' }, { delayMs: 0, unknown: false });
    for (const { error, ids } of failures.values()) await this.outbox.failed(ids, error);
  }
}
