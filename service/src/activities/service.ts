/**
 * Logging activities (the outbox write), the rep's views and the admin's diagnostics.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { LEAD_OR_CONTACT_ID, SALESFORCE_USER_ID, toId18 } from '../account/org-id.js';
import { recordAudit } from '../platform/audit.js';
import type { Db } from '../platform/database.js';
import { AppError, badRequest, notFound } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { DEFAULT_CUSTOMIZATIONS, type CustomizationSettings } from '../salesforce/customizations.js';
import type { SalesforceUsers } from '../salesforce/users.js';
import type { DeliveryWorker } from './delivery.js';
import { KIND_RULES, marketoValues, type ActivityAttributes, type ActivityKind } from './kinds.js';
import type { MarketoPayload } from './marketo-delivery.js';
import { findPersons, type Person, type PersonRef } from './persons.js';
import { buildTask, isLogged, taskTargets, type TaskPayload } from './salesforce-task.js';
import type { DeliveryState, DeliverySystem } from './tables.js';

export interface LogActivityInput {
  idempotencyKey: string;
  rep: { salesforceUserId: string; email?: string };
  person: { salesforceId?: string; marketoId?: number; email?: string };
  kind: ActivityKind;
  occurredAt?: string;
  attributes: ActivityAttributes;
}

export interface DeliveryView {
  id: string;
  state: DeliveryState;
  attempts: number;
  remoteId: string | null;
  deliveredAt: string | null;
  error: { code: string; message: string; hint: string | null } | null;
  nextAttemptAt: string | null;
}

export interface ActivityView {
  id: string;
  kind: ActivityKind;
  occurredAt: string;
  loggedAt: string;
  marker: string;
  person: { marketoId: number; email: string | null; name: string | null; salesforceId: string | null; salesforceType: 'Lead' | 'Contact' | null };
  rep: { userId: string | null; email: string; name: string; salesforceUserId: string | null };
  attributes: ActivityAttributes & Record<string, unknown>;
  deliveries: { marketo: DeliveryView | null; salesforce: DeliveryView | null };
}

type Rep = { id: string; email: string; name: string; status: string; salesforce_user_id: string | null; salesforceUserId: string };

interface Prepared {
  input: LogActivityInput;
  requestHash: string;
  occurredAt: Date;
  rep: Rep;
  repName: string;
  person: Person;
  externalId: string;
  marketoPayload: MarketoPayload;
  task: TaskPayload;
  skipped: { code: string; message: string } | null;
}

interface Inserted {
  id: string;
  createdAt: Date;
  marketo: string;
  salesforce: string;
}

export interface LogResult {
  activity?: ActivityView;
  created: boolean;
  error?: AppError;
}

const keyReused = (activityId?: string) =>
  new AppError(409, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different activity. Use a new key for a new activity.', activityId ? { activityId } : undefined);

const nameOf = (p: Person) => [p.firstName, p.lastName].filter(Boolean).join(' ') || null;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A random token for the SIA marker: random, so a reset database never reuses one already in Salesforce or Marketo. */
function newExternalId(): string {
  return Array.from(randomBytes(12), (b) => BASE32[b % 32]).join('');
}

function hashRequest(input: Omit<LogActivityInput, 'idempotencyKey'>): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, x]) => [k, canonical(x)]),
        )
      : v;
  return createHash('sha256').update(JSON.stringify(canonical(input))).digest('hex');
}

/** Connections & Customizations as stored, over the defaults (the settings only: no org check). */
export async function taskSettings(db: Db, accountId: string): Promise<CustomizationSettings> {
  const row = await db.selectFrom('salesforce_customizations').select('settings').where('account_id', '=', accountId).executeTakeFirst();
  const stored = (typeof row?.settings === 'string' ? JSON.parse(row.settings) : (row?.settings ?? {})) as Partial<CustomizationSettings>;
  const d = DEFAULT_CUSTOMIZATIONS;
  return {
    logged: { ...d.logged, ...stored.logged },
    taskTypes: { ...d.taskTypes, ...stored.taskTypes },
    subjectPrefix: stored.subjectPrefix ?? d.subjectPrefix,
    leadContactPrecedence: stored.leadContactPrecedence ?? d.leadContactPrecedence,
    taskOwner: { ...d.taskOwner, ...stored.taskOwner },
  };
}

export class ActivityService {
  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly worker: DeliveryWorker,
    private readonly users: () => SalesforceUsers,
  ) {}

  // ------------------------------------------------------------------ who and about whom

  /**
   * The Actions user behind a Salesforce user id. The first time, the rep is matched by e-mail (the
   * one sent, else the Salesforce User's) and linked: see SalesforceUsers.
   */
  private async rep(accountId: string, rep: LogActivityInput['rep']): Promise<Rep> {
    if (!SALESFORCE_USER_ID.test(rep.salesforceUserId)) throw badRequest('invalid_rep', 'rep.salesforceUserId must be a Salesforce User id (005…, 15 or 18 characters).');
    const sfId = toId18(rep.salesforceUserId);
    const match = await this.users().find(accountId, sfId, { email: rep.email });
    if (match.linkedElsewhere) {
      const other = match.linkedElsewhere;
      throw new AppError(409, 'rep_linked_elsewhere', `The MSI Actions user ${other.email} is already linked to another Salesforce user (${other.salesforce_user_id}).`);
    }
    const user = match.user;
    if (!user) {
      throw new AppError(404, 'rep_not_found', `No MSI Actions user belongs to Salesforce user ${sfId}${match.email ? ` (${match.email})` : ''}. Invite the rep to MSI Actions first (User Management → Invite Users).`);
    }
    if (user.status === 'deactivated') {
      throw new AppError(403, 'user_deactivated', `The MSI Actions user ${user.email} is deactivated, so activities cannot be logged for them. An admin reactivates the user in User Management.`);
    }
    return { id: user.id, email: user.email, name: user.name, status: user.status, salesforce_user_id: user.salesforce_user_id, salesforceUserId: sfId };
  }

  private personRef(person: LogActivityInput['person']): PersonRef {
    const given = [person.salesforceId, person.marketoId, person.email].filter((x) => x !== undefined);
    if (given.length !== 1) throw badRequest('invalid_person', 'Name the person by exactly one of salesforceId (Lead or Contact id), marketoId or email.');
    if (person.salesforceId !== undefined) {
      if (!LEAD_OR_CONTACT_ID.test(person.salesforceId)) throw badRequest('invalid_person', 'person.salesforceId must be a Lead (00Q…) or Contact (003…) id, 15 or 18 characters.');
      return { salesforceId: person.salesforceId };
    }
    if (person.marketoId !== undefined) return { marketoId: person.marketoId };
    return { email: person.email! };
  }

  /** The one synced person a reference names, or the clear error why not. */
  async person(accountId: string, ref: PersonRef): Promise<Person> {
    const found = await findPersons(this.db, accountId, ref);
    const what = 'marketoId' in ref ? `Marketo id ${ref.marketoId}` : 'email' in ref ? `e-mail ${ref.email}` : `Salesforce id ${ref.salesforceId}`;
    if (found.length === 0) throw new AppError(404, 'person_not_found', `No synced person has the ${what}. Only people the data sync brought from Marketo can have activities.`);
    const synced = found.filter((p) => p.removedAt === null);
    if (synced.length === 0) {
      throw new AppError(410, 'person_not_synced', `The person with the ${what} is no longer synced (removed from Marketo, or no longer has a Salesforce owner on ${found[0]!.removedAt!.toISOString().slice(0, 10)}).`, { marketoId: found[0]!.marketoId });
    }
    if ('email' in ref && synced.length > 1) {
      throw new AppError(409, 'person_ambiguous', `${synced.length} synced people share the e-mail ${ref.email} (Marketo keeps duplicates). Name the person by Marketo id or Salesforce id.`, {
        marketoIds: synced.map((p) => p.marketoId),
      });
    }
    return synced[0]!;
  }

  // ------------------------------------------------------------------ logging

  async logActivity(accountId: string, input: LogActivityInput): Promise<{ activity: ActivityView; created: boolean }> {
    const [result] = await this.logActivities(accountId, [input]);
    if (result!.error) throw result!.error;
    return { activity: result!.activity!, created: result!.created };
  }

  /**
   * Logs several activities in one transaction (each with its own idempotency key): one answer per
   * input, in order, with an error for those that cannot be logged.
   */
  async logActivities(accountId: string, inputs: LogActivityInput[]): Promise<LogResult[]> {
    const results: LogResult[] = inputs.map(() => ({ created: false }));
    const hashes = inputs.map(({ idempotencyKey: _key, ...rest }) => hashRequest(rest));
    const keys = [...new Set(inputs.map((i) => i.idempotencyKey))];
    const existing = new Map(
      (await this.db.selectFrom('activities').select(['id', 'request_hash', 'idempotency_key']).where('account_id', '=', accountId).where('idempotency_key', 'in', keys).execute()).map((r) => [r.idempotency_key, r]),
    );
    const reps = new Map<string, Promise<Rep>>();
    const settings = await taskSettings(this.db, accountId);
    const prepared: Array<{ index: number; p: Prepared }> = [];
    const first = new Map<string, number>();
    for (const [index, input] of inputs.entries()) {
      try {
        const before = existing.get(input.idempotencyKey);
        if (before) {
          if (before.request_hash !== hashes[index]) throw keyReused(before.id);
          results[index] = { activity: (await this.views(accountId, [before.id]))[0]!, created: false };
          continue;
        }
        const twin = first.get(input.idempotencyKey);
        if (twin !== undefined) {
          if (hashes[twin] !== hashes[index]) throw keyReused();
          continue; // answered from its twin below
        }
        first.set(input.idempotencyKey, index);
        const repKey = `${input.rep.salesforceUserId}|${input.rep.email ?? ''}`;
        let rep = reps.get(repKey);
        if (!rep) {
          rep = this.rep(accountId, input.rep);
          rep.catch(() => undefined);
          reps.set(repKey, rep);
        }
        prepared.push({ index, p: await this.prepare(accountId, input, hashes[index]!, await rep, settings) });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        results[index] = { created: false, error };
      }
    }
    if (prepared.length > 0) {
      const inserted = await this.insert(accountId, prepared.map((x) => x.p));
      for (const { index, p } of prepared) {
        const row = inserted.get(p.input.idempotencyKey);
        if (row) {
          results[index] = { activity: this.viewOf(p, row), created: true };
          continue;
        }
        // The same key sent at the same time by another request: that one's activity is the answer.
        const raced = await this.db.selectFrom('activities').select(['id', 'request_hash']).where('account_id', '=', accountId).where('idempotency_key', '=', p.input.idempotencyKey).executeTakeFirst();
        if (raced && raced.request_hash === p.requestHash) results[index] = { activity: (await this.views(accountId, [raced.id]))[0]!, created: false };
        else results[index] = { created: false, error: keyReused(raced?.id) };
      }
    }
    for (const [index, input] of inputs.entries()) {
      const twin = first.get(input.idempotencyKey);
      if (twin !== undefined && twin !== index && !results[index]!.error) results[index] = { ...results[twin]!, created: false };
    }
    return results;
  }

  private async prepare(accountId: string, input: LogActivityInput, requestHash: string, rep: Rep, settings: CustomizationSettings): Promise<Prepared> {
    const rule = KIND_RULES[input.kind];
    const missing = rule.required.filter((k) => input.attributes[k] === undefined || input.attributes[k] === '');
    if (missing.length > 0) throw badRequest('missing_attributes', `A ${rule.label.toLowerCase()} needs ${missing.map((m) => `attributes.${m}`).join(', ')}.`, { missing });
    const occurredAt = input.occurredAt ? new Date(input.occurredAt) : new Date();
    if (Number.isNaN(occurredAt.getTime())) throw badRequest('invalid_occurred_at', 'occurredAt must be an ISO 8601 date-time.');
    if (occurredAt.getTime() > Date.now() + 5 * 60_000) throw badRequest('invalid_occurred_at', 'occurredAt lies in the future.');
    const person = await this.person(accountId, this.personRef(input.person));
    const externalId = newExternalId();
    const repName = rep.name || rep.email;
    const marketoPayload: MarketoPayload = {
      leadId: person.marketoId,
      activityDate: occurredAt.toISOString(),
      ...marketoValues(input.kind, input.attributes, { externalId, repName, salesPersonId: String(person.marketoId) }),
    };
    const ids = { leadId: person.leadId, contactId: person.contactId, accountId: person.accountId, opportunityId: person.opportunityId };
    const { whoId } = taskTargets(ids, settings.leadContactPrecedence);
    const task = buildTask(input.kind, input.attributes, { externalId, settings, person: ids, repSalesforceUserId: rep.salesforceUserId, occurredAt });
    const skipped = !isLogged(input.kind, settings)
      ? { code: 'not_logged', message: `Connections & Customizations do not log ${input.kind === 'call' ? 'calls' : 'e-mails'} to Salesforce.` }
      : !whoId
        ? { code: 'no_salesforce_record', message: 'The person has no Salesforce Lead or Contact id.' }
        : null;
    return { input, requestHash, occurredAt, rep, repName, person, externalId, marketoPayload, task, skipped };
  }

  /** The outbox write: activities, one delivery per system, and the wake-ups, in one transaction. */
  private async insert(accountId: string, prepared: Prepared[]): Promise<Map<string, Inserted>> {
    return this.db.transaction().execute(async (tx) => {
      const rows = await tx
        .insertInto('activities')
        .values(
          prepared.map((p) => ({
            account_id: accountId,
            idempotency_key: p.input.idempotencyKey,
            request_hash: p.requestHash,
            external_id: p.externalId,
            kind: p.input.kind,
            occurred_at: p.occurredAt,
            marketo_id: p.person.marketoId,
            person_email: p.person.email,
            person_name: nameOf(p.person),
            sf_lead_id: p.person.leadId,
            sf_contact_id: p.person.contactId,
            sf_account_id: p.person.accountId,
            sf_opportunity_id: p.person.opportunityId,
            user_id: p.rep.id,
            user_email: p.rep.email,
            rep_name: p.repName,
            rep_salesforce_user_id: p.rep.salesforceUserId,
            attributes: JSON.stringify(p.input.attributes),
          })),
        )
        // The same key sent twice at once: one insert wins, the other answers with its activity.
        .onConflict((oc) => oc.columns(['account_id', 'idempotency_key']).doNothing())
        .returning(['id', 'idempotency_key', 'created_at'])
        .execute();
      const byKey = new Map(rows.map((r) => [r.idempotency_key, r]));
      const written = prepared.filter((p) => byKey.has(p.input.idempotencyKey));
      const out = new Map<string, Inserted>();
      if (written.length === 0) return out;
      const deliveries = await tx
        .insertInto('activity_deliveries')
        .values(
          written.flatMap((p) => {
            const activityId = byKey.get(p.input.idempotencyKey)!.id;
            return [
              { activity_id: activityId, account_id: accountId, system: 'marketo' as const, state: 'pending' as const, payload: JSON.stringify(p.marketoPayload) },
              {
                activity_id: activityId,
                account_id: accountId,
                system: 'salesforce' as const,
                state: p.skipped ? ('skipped' as const) : ('pending' as const),
                payload: JSON.stringify(p.task),
                error_code: p.skipped?.code ?? null,
                error_message: p.skipped?.message ?? null,
              },
            ];
          }),
        )
        .returning(['id', 'activity_id', 'system'])
        .execute();
      const ids = new Map(deliveries.map((d) => [`${d.activity_id}|${d.system}`, d.id]));
      for (const p of written) {
        const row = byKey.get(p.input.idempotencyKey)!;
        out.set(p.input.idempotencyKey, { id: row.id, createdAt: new Date(row.created_at), marketo: ids.get(`${row.id}|marketo`)!, salesforce: ids.get(`${row.id}|salesforce`)! });
      }
      await this.worker.wake(tx, accountId, written.some((p) => !p.skipped) ? ['marketo', 'salesforce'] : ['marketo']);
      return out;
    });
  }

  /** The answer for a just-logged activity, from what is in hand (nothing read back). */
  private viewOf(p: Prepared, row: Inserted): ActivityView {
    const pending = (id: string): DeliveryView => ({ id, state: 'pending', attempts: 0, remoteId: null, deliveredAt: null, error: null, nextAttemptAt: row.createdAt.toISOString() });
    return {
      id: row.id,
      kind: p.input.kind,
      occurredAt: p.occurredAt.toISOString(),
      loggedAt: row.createdAt.toISOString(),
      marker: `(SIA-${p.externalId})`,
      person: {
        marketoId: p.person.marketoId,
        email: p.person.email,
        name: nameOf(p.person),
        salesforceId: p.person.contactId ?? p.person.leadId,
        salesforceType: p.person.contactId ? 'Contact' : p.person.leadId ? 'Lead' : null,
      },
      rep: { userId: p.rep.id, email: p.rep.email, name: p.repName, salesforceUserId: p.rep.salesforceUserId },
      attributes: p.input.attributes as ActivityAttributes & Record<string, unknown>,
      deliveries: {
        marketo: pending(row.marketo),
        salesforce: p.skipped
          ? { id: row.salesforce, state: 'skipped', attempts: 0, remoteId: null, deliveredAt: null, error: { code: p.skipped.code, message: p.skipped.message, hint: null }, nextAttemptAt: null }
          : pending(row.salesforce),
      },
    };
  }

  // ------------------------------------------------------------------ views

  private async views(accountId: string, ids: string[]): Promise<ActivityView[]> {
    if (ids.length === 0) return [];
    const activities = await this.db.selectFrom('activities').selectAll().where('account_id', '=', accountId).where('id', 'in', ids).execute();
    const deliveries = await this.db
      .selectFrom('activity_deliveries')
      .select(['id', 'activity_id', 'system', 'state', 'attempts', 'remote_id', 'delivered_at', 'error_code', 'error_message', 'error_hint', 'next_attempt_at'])
      .where('account_id', '=', accountId)
      .where('activity_id', 'in', ids)
      .execute();
    const bySystem = new Map<string, DeliveryView>();
    for (const d of deliveries) {
      bySystem.set(`${d.activity_id}|${d.system}`, {
        id: d.id,
        state: d.state,
        attempts: d.attempts,
        remoteId: d.remote_id,
        deliveredAt: d.delivered_at ? new Date(d.delivered_at).toISOString() : null,
        error: d.error_code && d.state !== 'delivered' ? { code: d.error_code, message: d.error_message ?? '', hint: d.error_hint } : null,
        nextAttemptAt: d.state === 'pending' ? new Date(d.next_attempt_at).toISOString() : null,
      });
    }
    const byId = new Map(
      activities.map((a) => {
        const ids = { leadId: a.sf_lead_id, contactId: a.sf_contact_id, accountId: a.sf_account_id, opportunityId: a.sf_opportunity_id };
        const sfId = a.sf_contact_id ?? a.sf_lead_id;
        const view: ActivityView = {
          id: a.id,
          kind: a.kind as ActivityKind,
          occurredAt: new Date(a.occurred_at).toISOString(),
          loggedAt: new Date(a.created_at).toISOString(),
          marker: `(SIA-${a.external_id})`,
          person: {
            marketoId: Number(a.marketo_id),
            email: a.person_email,
            name: a.person_name,
            salesforceId: taskTargets(ids, 'contact').whoId ?? sfId,
            salesforceType: a.sf_contact_id ? 'Contact' : a.sf_lead_id ? 'Lead' : null,
          },
          rep: { userId: a.user_id, email: a.user_email, name: a.rep_name, salesforceUserId: a.rep_salesforce_user_id },
          attributes: (typeof a.attributes === 'string' ? JSON.parse(a.attributes) : a.attributes) as ActivityAttributes & Record<string, unknown>,
          deliveries: { marketo: bySystem.get(`${a.id}|marketo`) ?? null, salesforce: bySystem.get(`${a.id}|salesforce`) ?? null },
        };
        return [a.id, view];
      }),
    );
    return ids.map((id) => byId.get(id)).filter((v): v is ActivityView => v !== undefined);
  }

  async get(accountId: string, activityId: string): Promise<ActivityView> {
    const [view] = await this.views(accountId, [activityId]);
    if (!view) throw notFound('The activity');
    return view;
  }

  /** A person's activities, newest first, a page at a time. */
  /**
   * A person's activities. With `salesforceId` (Apex sends the record page's id, which Salesforce's sharing let
   * the rep open) the person must be that Lead's or Contact's: a rep reads only the activities of records they can open.
   */
  async personActivities(accountId: string, marketoId: number, page: { page: number; pageSize: number }, salesforceId?: string) {
    if (salesforceId !== undefined) {
      const ofRecord = await findPersons(this.db, accountId, { salesforceId });
      if (!ofRecord.some((p) => p.marketoId === marketoId)) {
        throw new AppError(404, 'person_not_found', `Marketo person ${marketoId} is not the synced person of Salesforce record ${salesforceId}.`);
      }
    }
    const exists = await findPersons(this.db, accountId, { marketoId });
    const any = await this.db.selectFrom('activities').select('id').where('account_id', '=', accountId).where('marketo_id', '=', marketoId).executeTakeFirst();
    if (exists.length === 0 && !any) throw notFound('The person');
    const total = await this.db.selectFrom('activities').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).where('marketo_id', '=', marketoId).executeTakeFirst();
    const rows = await this.db
      .selectFrom('activities')
      .select('id')
      .where('account_id', '=', accountId)
      .where('marketo_id', '=', marketoId)
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize)
      .execute();
    return { page: page.page, pageSize: page.pageSize, total: Number(total?.n ?? 0), activities: await this.views(accountId, rows.map((r) => r.id)) };
  }

  /** The rep's view of a person: the synced fields, Lead or Contact, and recent engagement. */
  async lookup(accountId: string, ref: PersonRef) {
    const found = await findPersons(this.db, accountId, ref);
    if (found.length === 0) throw new AppError(404, 'person_not_found', 'No synced person matches. Only people the data sync brought from Marketo are known here.');
    const since = new Date(Date.now() - 30 * 86_400_000);
    const people = [];
    for (const p of found) {
      const counts = await this.db
        .selectFrom('activities')
        .select(['kind', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('occurred_at').as('last')])
        .where('account_id', '=', accountId)
        .where('marketo_id', '=', p.marketoId)
        .where('occurred_at', '>=', since)
        .groupBy('kind')
        .execute();
      const last = await this.db.selectFrom('activities').select(['id']).where('account_id', '=', accountId).where('marketo_id', '=', p.marketoId).orderBy('occurred_at', 'desc').limit(5).execute();
      const recent = await this.views(
        accountId,
        last.map((r) => r.id),
      );
      people.push({
        marketoId: p.marketoId,
        salesforceType: p.salesforceType,
        salesforceId: p.contactId ?? p.leadId,
        synced: p.removedAt === null,
        removedAt: p.removedAt?.toISOString() ?? null,
        fields: {
          firstName: p.firstName,
          lastName: p.lastName,
          email: p.email,
          company: p.company,
          title: p.title,
          phone: p.phone,
          linkedInUrl: p.linkedInUrl,
          source: p.source,
          salesforceLeadId: p.leadId,
          salesforceContactId: p.contactId,
          salesforceAccountId: p.accountId,
          salesforceOpportunityId: p.opportunityId,
          marketoId: p.marketoId,
        },
        updatedAt: p.updatedAt?.toISOString() ?? null,
        engagement: {
          days: 30,
          total: counts.reduce((s, c) => s + Number(c.n), 0),
          byKind: Object.fromEntries(counts.map((c) => [c.kind, Number(c.n)])),
          lastActivityAt: counts.length > 0 ? new Date(Math.max(...counts.map((c) => new Date(c.last as unknown as string).getTime()))).toISOString() : null,
          recent,
        },
      });
    }
    return { people };
  }

  // ------------------------------------------------------------------ diagnostics

  async diagnostics(accountId: string, query: { system?: DeliverySystem; page: number; pageSize: number; days: number }) {
    const since = new Date(Date.now() - query.days * 86_400_000);
    let failed = this.db
      .selectFrom('activity_deliveries as d')
      .innerJoin('activities as a', 'a.id', 'd.activity_id')
      .select([
        'd.id',
        'd.system',
        'd.error_code',
        'd.error_message',
        'd.error_hint',
        'd.failed_at',
        'd.attempts',
        'a.id as activity_id',
        'a.kind',
        'a.occurred_at',
        'a.marketo_id',
        'a.person_email',
        'a.person_name',
        'a.sf_lead_id',
        'a.sf_contact_id',
        'a.user_email',
      ])
      .where('d.account_id', '=', accountId)
      .where('d.state', '=', 'failed');
    if (query.system) failed = failed.where('d.system', '=', query.system);
    const rows = await failed
      .orderBy('d.failed_at', 'desc')
      .orderBy('d.id')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute();
    const totals = await this.db
      .selectFrom('activity_deliveries')
      .select(['system', 'state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('account_id', '=', accountId)
      .groupBy(['system', 'state'])
      .execute();
    const perDay = await sql<{ day: string; system: DeliverySystem; failed: number; delivered: number }>`
      select to_char(date_trunc('day', coalesce(failed_at, delivered_at) at time zone 'UTC'), 'YYYY-MM-DD') as day, system,
             count(*) filter (where state = 'failed')::int as failed, count(*) filter (where state = 'delivered')::int as delivered
      from activity_deliveries
      where account_id = ${accountId} and state in ('failed', 'delivered') and coalesce(failed_at, delivered_at) >= ${since}
      group by 1, 2 order by 1 desc, 2`.execute(this.db);
    const retrying = await this.db
      .selectFrom('activity_deliveries')
      .select(['system', 'error_code', (eb) => eb.fn.countAll<number>().as('n')])
      .where('account_id', '=', accountId)
      .where('state', '=', 'pending')
      .where('error_code', 'is not', null)
      .groupBy(['system', 'error_code'])
      .execute();
    const summary: Record<DeliverySystem, Record<DeliveryState, number>> = {
      marketo: { pending: 0, sending: 0, delivered: 0, failed: 0, skipped: 0 },
      salesforce: { pending: 0, sending: 0, delivered: 0, failed: 0, skipped: 0 },
    };
    for (const t of totals) summary[t.system][t.state] = Number(t.n);
    return {
      summary,
      retrying: retrying.map((r) => ({ system: r.system, code: r.error_code!, count: Number(r.n) })),
      perDay: perDay.rows.map((r) => ({ day: r.day, system: r.system, failed: Number(r.failed), delivered: Number(r.delivered) })),
      page: query.page,
      pageSize: query.pageSize,
      failures: rows.map((r) => ({
        deliveryId: r.id,
        system: r.system,
        code: r.error_code ?? 'UNKNOWN',
        message: r.error_message ?? '',
        hint: r.error_hint,
        failedAt: r.failed_at ? new Date(r.failed_at).toISOString() : null,
        attempts: r.attempts,
        activity: { id: r.activity_id, kind: r.kind, occurredAt: new Date(r.occurred_at).toISOString(), repEmail: r.user_email },
        person: { marketoId: Number(r.marketo_id), email: r.person_email, name: r.person_name, salesforceId: r.sf_contact_id ?? r.sf_lead_id },
      })),
    };
  }

  /** Puts failed deliveries back in the queue (after the admin fixed the cause). */
  async retry(accountId: string, actor: string, target: { deliveryId?: string; system?: DeliverySystem }): Promise<{ retried: number }> {
    const retried = await this.db.transaction().execute(async (tx) => {
      let q = tx
        .updateTable('activity_deliveries')
        .set({ state: 'pending', next_attempt_at: new Date(), attempts: 0, failed_at: null })
        .where('account_id', '=', accountId)
        .where('state', '=', 'failed');
      if (target.deliveryId) q = q.where('id', '=', target.deliveryId);
      if (target.system) q = q.where('system', '=', target.system);
      const rows = await q.returning(['system']).execute();
      if (rows.length > 0) await this.worker.wake(tx, accountId, [...new Set(rows.map((r) => r.system))]);
      await recordAudit(tx, { accountId, actor, action: 'activities.retry', target: target.deliveryId ?? target.system ?? 'all', details: { retried: rows.length } });
      return rows.length;
    });
    return { retried };
  }

  /** The delivery exists in this account (for the retry-one route's 404). */
  async deliveryExists(accountId: string, deliveryId: string): Promise<{ state: DeliveryState } | null> {
    const row = await this.db.selectFrom('activity_deliveries').select('state').where('account_id', '=', accountId).where('id', '=', deliveryId).executeTakeFirst();
    return row ?? null;
  }
}
