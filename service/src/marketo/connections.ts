import type { Kysely } from 'kysely';
import { recordAudit } from '../platform/audit.js';
import type { Keys } from '../platform/crypto.js';
import type { Db } from '../platform/database.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { SalesforceUsers } from '../salesforce/users.js';
import { centralDay } from './central-time.js';
import { MarketoClient, endpointsForMunchkin, type MarketoClientOptions } from './client.js';
import { MarketoError } from './errors.js';
import { DatabaseLimiterStore } from './shared-limiter.js';
import type { MarketoTables } from './tables.js';

export const MUNCHKIN_PATTERN = /^\d{3}-[A-Z]{3}-\d{3}$/;

export interface ConnectInput {
  munchkinId?: string;
  restUrl?: string;
  identityUrl?: string;
  clientId: string;
  clientSecret: string;
}

export interface ConnectionStatus {
  connected: boolean;
  munchkinId: string | null;
  restUrl: string | null;
  identityUrl: string | null;
  clientId: string | null;
  apiUser: string | null;
  connectedBy: string | null;
  connectedAt: string | null;
  lastVerifiedAt: string | null;
  /** Marketo API calls made for this account today (US Central day). */
  callsToday: number;
  dailyQuota: number | null;
  quotaStoppedUntil: string | null;
  lastError: { code: string; message: string; at: string } | null;
}

/** What the deployment configures for every Marketo instance (MARKETO_* in .env.example). */
export interface MarketoSettings {
  /** This service's share of the instance's limits. */
  callsPer20s: number;
  concurrentCalls: number;
  /** The instance's daily API quota, shown in the status next to today's calls. */
  dailyQuota: number;
}

/** Adobe's recommendation for one integration, and the most common daily allocation. */
export const DEFAULT_MARKETO_SETTINGS: MarketoSettings = { callsPer20s: 50, concurrentCalls: 5, dailyQuota: 50_000 };

/** What each failure of the verification means for the admin, and the HTTP status we answer with. */
function verificationError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (!(error instanceof MarketoError)) throw error;
  switch (error.code) {
    case 'UNKNOWN_HOST':
      return new AppError(422, 'marketo_unknown_host', 'No Marketo instance answers at that address: check the Munchkin ID or the REST and identity endpoints.', { marketo: error.code });
    case 'UNREACHABLE':
    case 'TIMEOUT':
    case 'HTTP_ERROR':
    case 'BAD_RESPONSE':
    case 'RETRIES_EXHAUSTED':
      return new AppError(502, 'marketo_unreachable', 'Marketo could not be reached or did not answer as Marketo does; try again later.', { marketo: error.code });
    case 'invalid_client':
    case 'unauthorized':
      return new AppError(422, 'marketo_bad_credentials', 'Marketo refused the Client ID or Client Secret: copy them again from Admin > LaunchPoint > View Details.', { marketo: error.code });
    case '603':
      return new AppError(422, 'marketo_permission_denied', 'The Marketo API user lacks a permission MSI Actions needs (Read-Only Lead at least): check its API role.', { marketo: error.code });
    case '607':
    case 'QUOTA_STOPPED':
      return new AppError(429, 'marketo_quota_exhausted', 'The Marketo instance has used its daily API quota; it resets at midnight US Central time.', {
        marketo: error.code,
        retryAt: error.details.retryAt ? new Date(error.details.retryAt).toISOString() : undefined,
      });
    default:
      return new AppError(502, 'marketo_error', `Marketo answered ${error.code}: ${error.marketoMessage}`, { marketo: error.code });
  }
}

function cleanUrl(raw: string, what: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError(400, 'invalid_endpoint', `${what} is not a URL.`);
  }
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) throw new AppError(400, 'invalid_endpoint', `${what} must be an https:// address.`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The account's Marketo connection: verified before it is saved, the secret sealed at rest, one per
 * account, audited. Also hands out ready clients (sharing the per-instance limiter) to the sync.
 */
export class MarketoConnections {
  private readonly db: Kysely<MarketoTables>;
  private readonly clients = new Map<string, { client: MarketoClient; key: string }>();
  private readonly pendingCounts = new Map<string, Promise<void>>();
  /** Every process on this database keeps to one share of each instance's limits together. */
  private readonly sharedLimits: DatabaseLimiterStore;

  constructor(
    private readonly database: Db,
    private readonly keys: Keys,
    private readonly log: Logger,
    private readonly clientDefaults: Partial<MarketoClientOptions> = {},
    private readonly settings: MarketoSettings = DEFAULT_MARKETO_SETTINGS,
    /** Who a Salesforce user is among the account's users (links them on first sight). */
    private readonly salesforceUsers: () => SalesforceUsers = () => new SalesforceUsers(database, log, () => null),
  ) {
    this.clientDefaults = { defaultLimits: { maxCalls: settings.callsPer20s, windowMs: 20_000, maxConcurrent: settings.concurrentCalls }, ...clientDefaults };
    this.db = database as unknown as Kysely<MarketoTables>;
    this.sharedLimits = new DatabaseLimiterStore(database as unknown as Kysely<unknown>);
  }

  private endpoints(input: ConnectInput): { munchkinId: string | null; restUrl: string; identityUrl: string } {
    const munchkin = input.munchkinId?.trim().toUpperCase() || null;
    if (munchkin !== null && !MUNCHKIN_PATTERN.test(munchkin)) throw new AppError(400, 'invalid_munchkin_id', 'A Munchkin ID looks like 123-ABC-456.');
    if (input.restUrl || input.identityUrl) {
      if (!input.restUrl || !input.identityUrl) throw new AppError(400, 'invalid_endpoint', 'Give both the REST endpoint and the identity endpoint, or only the Munchkin ID.');
      const restUrl = cleanUrl(input.restUrl, 'The REST endpoint');
      const identityUrl = cleanUrl(input.identityUrl, 'The identity endpoint');
      const fromHost = /^(\d{3}-[a-z]{3}-\d{3})\.mktorest\.com$/i.exec(new URL(restUrl).hostname)?.[1]?.toUpperCase() ?? null;
      return { munchkinId: munchkin ?? fromHost, restUrl: restUrl.endsWith('/rest') ? restUrl : `${restUrl}/rest`, identityUrl: identityUrl.endsWith('/identity') ? identityUrl : `${identityUrl}/identity` };
    }
    if (!munchkin) throw new AppError(400, 'invalid_munchkin_id', 'Give the Munchkin ID, or the REST and identity endpoints.');
    return { munchkinId: munchkin, ...endpointsForMunchkin(munchkin) };
  }

  /**
   * The MSI Actions user behind a call, when the caller (Apex's X-MSI-Actor) names a Salesforce user
   * that is one (linked before, or matched now by the Salesforce User's e-mail). Only an active admin
   * may connect Marketo: the connection is owned by whoever connects.
   */
  private async connectingUser(accountId: string, salesforceUserId: string | null | undefined): Promise<string | null> {
    if (!salesforceUserId) return null;
    const { user } = await this.salesforceUsers().find(accountId, salesforceUserId);
    if (!user) return null;
    if (user.role !== 'Admin' || user.status !== 'active') {
      throw new AppError(403, 'marketo_admin_required', `Only an active admin can connect Marketo, and ${user.email} is ${user.status === 'active' ? 'not an admin' : `${user.status}`}: the connection is owned by the admin who connects it.`, {
        userId: user.id,
      });
    }
    return user.id;
  }

  /** Verifies (token, then describe) and saves; a second connect by another admin hands the connection over. */
  async connect(accountId: string, input: ConnectInput, actor: string, caller: { salesforceUserId?: string | null } = {}): Promise<ConnectionStatus> {
    const clientId = input.clientId.trim();
    const clientSecret = input.clientSecret.trim();
    if (!clientId || !clientSecret) throw new AppError(400, 'invalid_credentials', 'The Client ID and Client Secret are required.');
    const ownerUserId = await this.connectingUser(accountId, caller.salesforceUserId);
    const endpoints = this.endpoints(input);
    const client = new MarketoClient({ sharedLimits: this.sharedLimits, ...this.clientDefaults, ...endpoints, clientId, clientSecret, maxRetries: 2, onApiCall: ({ day }) => this.countCall(accountId, day) });
    let apiUser: string;
    try {
      const token = await client.token();
      apiUser = token.scope;
      const fields = await client.describe();
      if (!fields.some((f) => f.rest?.name === 'email')) throw new AppError(502, 'marketo_error', 'Marketo described no lead fields; is this a Marketo REST endpoint?');
    } catch (error) {
      const appError = verificationError(error);
      await recordAudit(this.database, {
        accountId,
        actor,
        action: 'marketo.connect',
        target: endpoints.munchkinId ?? endpoints.restUrl,
        outcome: 'failure',
        details: { code: appError.code, clientId },
      });
      throw appError;
    }
    const previous = await this.db.selectFrom('marketo_connections').select(['connected_by', 'connected_by_user_id', 'client_id']).where('account_id', '=', accountId).executeTakeFirst();
    const now = new Date();
    await this.database.transaction().execute(async (tx) => {
      const t = tx as unknown as Kysely<MarketoTables>;
      const row = {
        munchkin_id: endpoints.munchkinId,
        rest_url: endpoints.restUrl,
        identity_url: endpoints.identityUrl,
        client_id: clientId,
        client_secret_sealed: this.keys.encrypt(clientSecret),
        api_user: apiUser,
        connected_by: actor,
        connected_by_user_id: ownerUserId,
        connected_at: now,
        last_verified_at: now,
        quota_stopped_until: null,
        last_error_code: null,
        last_error_message: null,
        last_error_at: null,
        daily_quota: this.settings.dailyQuota,
      };
      await t
        .insertInto('marketo_connections')
        .values({ account_id: accountId, ...row })
        .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
        .execute();
      await recordAudit(tx, {
        accountId,
        actor,
        action: 'marketo.connect',
        target: endpoints.munchkinId ?? endpoints.restUrl,
        details: {
          clientId,
          apiUser,
          restUrl: endpoints.restUrl,
          ownerUserId,
          ...(previous ? { replaced: { connectedBy: previous.connected_by, ownerUserId: previous.connected_by_user_id, clientId: previous.client_id } } : {}),
        },
      });
    });
    this.clients.delete(accountId);
    return this.status(accountId);
  }

  async status(accountId: string): Promise<ConnectionStatus> {
    await this.pendingCounts.get(accountId);
    const row = await this.db.selectFrom('marketo_connections').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    const today = await this.db
      .selectFrom('marketo_api_calls')
      .select('calls')
      .where('account_id', '=', accountId)
      .where('day', '=', centralDay(Date.now()))
      .executeTakeFirst();
    const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
    const stopped = row?.quota_stopped_until && new Date(row.quota_stopped_until).getTime() > Date.now() ? iso(row.quota_stopped_until) : null;
    return {
      connected: row !== undefined,
      munchkinId: row?.munchkin_id ?? null,
      restUrl: row?.rest_url ?? null,
      identityUrl: row?.identity_url ?? null,
      clientId: row?.client_id ?? null,
      apiUser: row?.api_user ?? null,
      connectedBy: row?.connected_by ?? null,
      connectedAt: iso(row?.connected_at),
      lastVerifiedAt: iso(row?.last_verified_at),
      callsToday: today?.calls ?? 0,
      // The configured quota (MARKETO_DAILY_QUOTA) as this process knows it, also after a change of it.
      dailyQuota: row ? this.settings.dailyQuota : null,
      quotaStoppedUntil: stopped,
      lastError: row?.last_error_code && row.last_error_at ? { code: row.last_error_code, message: row.last_error_message ?? '', at: iso(row.last_error_at)! } : null,
    };
  }

  /**
   * The connection's owner, for user management to protect: who connected it (the audit actor) and,
   * when that caller was linked to an MSI Actions user, that user's id. Null when not connected.
   */
  async owner(accountId: string): Promise<{ connectedBy: string; userId: string | null } | null> {
    const row = await this.db.selectFrom('marketo_connections').select(['connected_by', 'connected_by_user_id']).where('account_id', '=', accountId).executeTakeFirst();
    return row ? { connectedBy: row.connected_by, userId: row.connected_by_user_id } : null;
  }

  async disconnect(accountId: string, actor: string): Promise<void> {
    await this.database.transaction().execute(async (tx) => {
      const t = tx as unknown as Kysely<MarketoTables>;
      const removed = await t.deleteFrom('marketo_connections').where('account_id', '=', accountId).returning(['munchkin_id', 'rest_url', 'client_id', 'connected_by']).executeTakeFirst();
      if (!removed) throw new AppError(404, 'not_found', 'There is no Marketo connection to remove.');
      await recordAudit(tx, {
        accountId,
        actor,
        action: 'marketo.disconnect',
        target: removed.munchkin_id ?? removed.rest_url,
        details: { clientId: removed.client_id, connectedBy: removed.connected_by },
      });
    });
    this.clients.delete(accountId);
  }

  /**
   * A client for the account's connection, counting its calls per day in the database and recording
   * a 607 stop so every process (and the status) sees it. Throws 404 when not connected.
   */
  async clientFor(accountId: string): Promise<MarketoClient> {
    const row = await this.db.selectFrom('marketo_connections').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    if (!row) throw new AppError(404, 'marketo_not_connected', 'The account has no Marketo connection.');
    const key = `${row.rest_url}|${row.client_id}|${row.client_secret_sealed}`;
    const cached = this.clients.get(accountId);
    let client = cached?.key === key ? cached.client : undefined;
    if (!client) {
      client = new MarketoClient({
        sharedLimits: this.sharedLimits,
        ...this.clientDefaults,
        restUrl: row.rest_url,
        identityUrl: row.identity_url,
        clientId: row.client_id,
        clientSecret: this.keys.decrypt(row.client_secret_sealed),
        onApiCall: ({ day }) => this.countCall(accountId, day),
      });
      this.clients.set(accountId, { client, key });
    }
    if (row.quota_stopped_until) client.limiter.stopUntil(new Date(row.quota_stopped_until).getTime());
    return client;
  }

  /** Records what a sync or logging run learnt about the connection (a 607 stop, an error). */
  async recordError(accountId: string, error: unknown): Promise<void> {
    if (!(error instanceof MarketoError)) return;
    const stopped = error.code === '607' || error.code === 'QUOTA_STOPPED' ? error.details.retryAt : undefined;
    await this.db
      .updateTable('marketo_connections')
      .set({
        last_error_code: error.code,
        last_error_message: error.marketoMessage,
        last_error_at: new Date(),
        ...(stopped ? { quota_stopped_until: new Date(stopped) } : {}),
      })
      .where('account_id', '=', accountId)
      .execute();
  }

  /** Calls are counted in order per account, without holding up the Marketo call itself. */
  private countCall(accountId: string, day: string): void {
    const previous = this.pendingCounts.get(accountId) ?? Promise.resolve();
    const next = previous
      .then(() =>
        this.db
          .insertInto('marketo_api_calls')
          .values({ account_id: accountId, day, calls: 1 })
          .onConflict((oc) => oc.columns(['account_id', 'day']).doUpdateSet((eb) => ({ calls: eb('marketo_api_calls.calls', '+', 1) })))
          .execute(),
      )
      .then(
        () => undefined,
        (error: unknown) => this.log.warn({ err: error, accountId }, 'could not count a Marketo API call'),
      );
    this.pendingCounts.set(accountId, next);
  }
}
