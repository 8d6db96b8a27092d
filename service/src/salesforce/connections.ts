/**
 * The account's Salesforce API connection (setup step 2): the OAuth web server flow with PKCE, the
 * org check, the sealed refresh token, its status and API usage, and ready jsforce Connections for
 * the other capabilities. A revoked or expired refresh token marks the connection broken: only a new
 * OAuth consent by an admin can cure it.
 */
import { randomUUID } from 'node:crypto';
import jsforce, { type Connection } from 'jsforce';
import { sql, type Selectable } from 'kysely';
import { toId18 } from '../account/org-id.js';
import { recordAudit } from '../platform/audit.js';
import { randomSecret, tokenHash, type Keys } from '../platform/crypto.js';
import type { Db } from '../platform/database.js';
import { AppError, badRequest } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { createSalesforceClient, SALESFORCE_API_VERSION, type ApiUsage, type RefreshedToken } from './client.js';
import { classifySalesforceError, type SalesforceErrorClass } from './errors.js';
import { buildAuthorizeUrl, exchangeCode, readConnectedUser, type OAuthClientConfig } from './oauth.js';
import type { SalesforceTables } from './tables.js';

/** The path of the OAuth callback; the connected app's callback URL is PUBLIC_URL + this. */
export const CALLBACK_PATH = '/connections/salesforce/callback';
/** The API name of the package's setup tab, where the admin returns after connecting. */
export const SETUP_TAB_PATH = '/lightning/n/MSI_Actions_Setup';
export const DEFAULT_LOGIN_URL = 'https://login.salesforce.com';
const STATE_MINUTES = 10;
const REVOKE_TIMEOUT_MS = 5_000;

/** The connected app the service authorizes with, and where Salesforce sends the admin back. */
export interface SalesforceApp {
  clientId: string;
  clientSecret?: string;
  /** The login host offered when the admin picks none (SALESFORCE_LOGIN_URL or the emulator). */
  defaultLoginUrl: string;
  redirectUri: string;
}

export type ConnectionState = 'connected' | 'not_connected' | 'broken';

export interface SalesforceConnectionStatus {
  status: ConnectionState;
  orgId: string | null;
  instanceUrl: string | null;
  loginUrl: string | null;
  userId: string | null;
  username: string | null;
  connectedBy: string | null;
  connectedAt: string | null;
  lastVerifiedAt: string | null;
  apiUsage: { used: number; limit: number; at: string } | null;
  lastError: { code: string; message: string; hint: string; at: string; reconnect: boolean } | null;
}

export type CallbackOutcome =
  | { kind: 'connected'; reconnected: boolean; orgId: string; username: string; instanceUrl: string; returnUrl: string }
  | { kind: 'failed'; status: number; title: string; message: string; returnUrl: string | null };

type ConnectionRow = Selectable<SalesforceTables['salesforce_connections']>;

/** Raised to other capabilities when the account has no usable Salesforce connection. */
export class SalesforceConnectionError extends AppError {
  constructor(code: 'salesforce_not_connected' | 'salesforce_connection_broken', message: string, details?: Record<string, unknown>) {
    super(409, code, message, details);
    this.name = 'SalesforceConnectionError';
  }
}

const RECONNECT_MESSAGE =
  'The Salesforce connection was revoked or has expired (AUTHENTICATION_FAILURE / EXPIRED_ACCESS). An admin must reconnect: MSI Actions Setup → Connect to Salesforce → Connect → Allow.';

/**
 * Errors that say something about the connection itself (its token, its user, the org's API) rather
 * than about one record or one query: these become the connection's last error.
 */
const CONNECTION_LEVEL = new Set([
  'INVALID_GRANT',
  'INVALID_SESSION_ID',
  'INACTIVE_USER',
  'API_CURRENTLY_DISABLED',
  'API_DISABLED_FOR_ORG',
  'REQUEST_LIMIT_EXCEEDED',
  'SERVER_UNAVAILABLE',
]);
const NETWORK = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR_\w+|ERROR_HTTP_5\d\d)$/;

function isConnectionLevel(c: SalesforceErrorClass, error: unknown): boolean {
  if (c.action === 'fix' && c.reconnect) return true;
  if (CONNECTION_LEVEL.has(c.code) || NETWORK.test(c.code)) return true;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof cause === 'string' && NETWORK.test(cause);
}

function hintOf(c: SalesforceErrorClass): string {
  if (c.action === 'fix') return c.reconnect ? RECONNECT_MESSAGE : c.hint;
  switch (c.code) {
    case 'REQUEST_LIMIT_EXCEEDED':
      return "The org has used its daily Salesforce API requests (Setup → Company Information → API Requests, Last 24 Hours). MSI Actions waits and tries again; raise the org's limit if this keeps happening.";
    case 'SERVER_UNAVAILABLE':
      return 'Salesforce was unavailable (maintenance or an outage, see status.salesforce.com). MSI Actions tries again by itself.';
    default:
      return 'Salesforce could not be reached. MSI Actions tries again by itself; if this lasts, check status.salesforce.com and the network between the service and Salesforce.';
  }
}

/**
 * The login host of one authorization. Only Salesforce's own login hosts, a My Domain or the
 * configured one: the token exchange sends the connected app's secret there.
 */
export function checkLoginUrl(raw: string | undefined, app: Pick<SalesforceApp, 'defaultLoginUrl'>): string {
  const fallback = new URL(app.defaultLoginUrl).origin;
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw badRequest('invalid_login_url', 'loginUrl is not a URL: use login.salesforce.com, test.salesforce.com or your My Domain (https://yourdomain.my.salesforce.com).');
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw badRequest('invalid_login_url', 'loginUrl must be only the login host: https://login.salesforce.com, https://test.salesforce.com or https://yourdomain.my.salesforce.com, without a path.');
  }
  if (url.origin === fallback) return fallback;
  const host = url.hostname.toLowerCase();
  const salesforceHost =
    host === 'login.salesforce.com' || host === 'test.salesforce.com' || host.endsWith('.my.salesforce.com') || host.endsWith('.my.salesforce.mil');
  if (url.protocol !== 'https:' || !salesforceHost || url.port !== '') {
    throw badRequest(
      'invalid_login_url',
      'loginUrl must be https://login.salesforce.com (production), https://test.salesforce.com (sandbox) or your My Domain (https://yourdomain.my.salesforce.com).',
    );
  }
  return url.origin;
}

/**
 * Where the callback page sends the admin back to: the org's Salesforce, or this service (the local
 * console). Anything else would make the callback an open redirect.
 */
export function checkReturnUrl(raw: string | undefined, allowedOrigins: string[]): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badRequest('invalid_return_url', 'returnUrl is not a URL.');
  }
  const host = url.hostname.toLowerCase();
  const salesforce = ['.salesforce.com', '.force.com', '.salesforce-setup.com', '.salesforce.mil', '.force.mil'].some((suffix) => host.endsWith(suffix));
  const allowed = allowedOrigins.includes(url.origin) || (url.protocol === 'https:' && salesforce && !url.username && !url.password);
  if (!allowed) {
    throw badRequest('invalid_return_url', "returnUrl must be a page of the org's Salesforce (for example its MSI Actions Setup tab) or of this service.");
  }
  return url.toString();
}

function iso(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}

/** Salesforce's own words for the OAuth errors an admin can cause on the authorize page. */
function authorizeErrorMessage(error: string, description: string | undefined): string {
  switch (error) {
    case 'access_denied':
      return 'Access was not allowed, so MSI Actions is not connected. Click Connect again and choose Allow on the Salesforce page.';
    case 'OAUTH_APP_BLOCKED':
    case 'OAUTH_APP_ACCESS_DENIED':
      return 'The connected app of MSI Actions is blocked or not allowed for your user in this org. In Setup → Connected Apps OAuth Usage (or Manage Connected Apps), unblock it or give your profile access, then connect again.';
    case 'OAUTH_EC_APP_NOT_FOUND':
    case 'invalid_client_id':
      return 'Salesforce does not know the connected app of MSI Actions. The service operator must check SALESFORCE_CLIENT_ID (the Consumer Key).';
    case 'redirect_uri_mismatch':
      return `The connected app's callback URL does not match this service. The service operator must set the callback URL of the connected app to the service's ${CALLBACK_PATH} address.`;
    default:
      return `Salesforce did not allow the connection (${error}${description ? `: ${description}` : ''}). Click Connect to try again.`;
  }
}

function exchangeErrorMessage(error: unknown): string {
  const c = classifySalesforceError(error);
  switch (c.code) {
    case 'INVALID_GRANT':
      return 'Salesforce did not accept the authorization (it was already used, has expired, or your user cannot use the connected app). Click Connect to try again.';
    case 'INVALID_CLIENT':
    case 'INVALID_CLIENT_ID':
      return 'Salesforce refused the connected app credentials. The service operator must check SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET.';
    case 'REDIRECT_URI_MISMATCH':
      return authorizeErrorMessage('redirect_uri_mismatch', undefined);
    default:
      return c.action === 'retry'
        ? 'Salesforce could not be reached to finish the connection. Wait a moment and click Connect again.'
        : `Salesforce refused the connection (${c.code}). ${c.hint}`;
  }
}

export class SalesforceConnections {
  /** Writes made on the side of Salesforce calls (refreshed token, usage, last error); see `settle`. */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly keys: Keys,
    private readonly log: Logger,
    /** The connected app, read at use: the sandbox's emulator starts after this service is made. */
    private readonly resolveApp: () => SalesforceApp | undefined,
    private readonly publicUrl: string,
  ) {}

  private app(): SalesforceApp {
    const app = this.resolveApp();
    if (!app) {
      throw new AppError(
        503,
        'salesforce_not_configured',
        'This service has no Salesforce connected app: the operator must set SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET (or run the sandbox).',
      );
    }
    return app;
  }

  private oauthConfig(loginUrl: string): OAuthClientConfig {
    const app = this.app();
    return { loginUrl, clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: app.redirectUri };
  }

  /** Waits for the writes made on the side of Salesforce calls (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch((error: unknown) => this.log.error({ err: error }, 'storing Salesforce connection state failed'));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async row(accountId: string): Promise<ConnectionRow | undefined> {
    return this.db.selectFrom('salesforce_connections').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  }

  /** The URL the setup page opens: Salesforce's authorize page, PKCE S256, a state bound to the account. */
  async authorizeUrl(accountId: string, input: { loginUrl?: string; returnUrl?: string }, actor: string): Promise<{ url: string; expiresAt: string; loginUrl: string }> {
    const app = this.app();
    const loginUrl = checkLoginUrl(input.loginUrl, app);
    const account = await this.db.selectFrom('accounts').select(['instance_url']).where('id', '=', accountId).executeTakeFirstOrThrow();
    const connection = await this.row(accountId);
    const origins = [new URL(this.publicUrl).origin, new URL(account.instance_url).origin, ...(connection ? [new URL(connection.instance_url).origin] : [])];
    const returnUrl = checkReturnUrl(input.returnUrl, origins);
    const request = buildAuthorizeUrl(this.oauthConfig(loginUrl), { state: randomSecret(32) });
    const expiresAt = new Date(Date.now() + STATE_MINUTES * 60_000);
    await this.db.transaction().execute(async (tx) => {
      // Leftovers of abandoned attempts go with the next one.
      await tx.deleteFrom('salesforce_oauth_states').where('account_id', '=', accountId).where('expires_at', '<', new Date()).execute();
      await tx
        .insertInto('salesforce_oauth_states')
        .values({
          state_hash: tokenHash(request.state),
          account_id: accountId,
          verifier_sealed: this.keys.encrypt(request.codeVerifier),
          login_url: loginUrl,
          return_url: returnUrl,
          actor,
          expires_at: expiresAt,
        })
        .execute();
    });
    return { url: request.url, expiresAt: expiresAt.toISOString(), loginUrl };
  }

  /** The OAuth callback: exchange the code, check the org, store the connection. Never throws for Salesforce's answers. */
  async completeAuthorization(params: { state?: string; code?: string; error?: string; error_description?: string }): Promise<CallbackOutcome> {
    const failed = (status: number, title: string, message: string, returnUrl: string | null = null): CallbackOutcome => ({ kind: 'failed', status, title, message, returnUrl });
    if (!params.state) return failed(400, 'This connection link is not valid', 'Start the connection again from the MSI Actions Setup page in Salesforce.');
    const hash = tokenHash(params.state);
    // Single use: the first callback with this state takes it, a replay finds it used.
    const pending = await this.db
      .updateTable('salesforce_oauth_states')
      .set({ used_at: sql`now()` })
      .where('state_hash', '=', hash)
      .where('used_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!pending) {
      const used = await this.db.selectFrom('salesforce_oauth_states').select('state_hash').where('state_hash', '=', hash).executeTakeFirst();
      return used
        ? failed(400, 'This connection link was already used', 'Each Connect click works once. Check the connection on the MSI Actions Setup page, or click Connect again.')
        : failed(400, 'This connection link is not valid', 'Start the connection again from the MSI Actions Setup page in Salesforce.');
    }
    const account = await this.db.selectFrom('accounts').select(['id', 'org_id', 'instance_url']).where('id', '=', pending.account_id).executeTakeFirstOrThrow();
    const returnUrl = pending.return_url ?? `${account.instance_url.replace(/\/+$/, '')}${SETUP_TAB_PATH}`;
    const audit = (outcome: 'success' | 'failure', action: string, details: Record<string, unknown>) =>
      recordAudit(this.db, { accountId: account.id, actor: pending.actor, action, target: account.org_id, outcome, details });

    if (pending.expires_at.getTime() <= Date.now()) {
      return failed(400, 'This connection link has expired', `Connecting must be finished within ${STATE_MINUTES} minutes. Click Connect again.`, returnUrl);
    }
    if (params.error) {
      await audit('failure', 'salesforce.connect', { error: params.error });
      return failed(params.error === 'access_denied' ? 403 : 400, 'Not connected to Salesforce', authorizeErrorMessage(params.error, params.error_description), returnUrl);
    }
    if (!params.code) return failed(400, 'This connection link is not valid', 'Salesforce sent no authorization code. Click Connect again.', returnUrl);

    const config = this.oauthConfig(pending.login_url);
    let tokens;
    let user;
    try {
      tokens = await exchangeCode(config, params.code, this.keys.decrypt(pending.verifier_sealed));
      user = await readConnectedUser(config, tokens);
    } catch (error) {
      const c = classifySalesforceError(error);
      this.log.warn({ code: c.code, accountId: account.id }, 'Salesforce authorization could not be completed');
      await audit('failure', 'salesforce.connect', { error: c.code });
      return failed(502, 'Not connected to Salesforce', exchangeErrorMessage(error), returnUrl);
    }
    const orgId = toId18(user.orgId);
    if (orgId !== account.org_id) {
      // The tokens belong to another org: give them back rather than keep them anywhere.
      await this.revoke(pending.login_url, tokens.refreshToken ?? tokens.accessToken);
      await audit('failure', 'salesforce.connect', { error: 'org_mismatch', orgId, username: user.username });
      return failed(
        409,
        'This is a different Salesforce org',
        `You logged in to the org ${orgId} as ${user.username}, but this MSI Actions account belongs to the org ${account.org_id}. Log out of Salesforce (or use a private window), log in to the org where MSI Actions is installed, and click Connect again. For a sandbox org choose test.salesforce.com or its My Domain.`,
        returnUrl,
      );
    }
    if (!tokens.refreshToken) {
      await this.revoke(pending.login_url, tokens.accessToken);
      await audit('failure', 'salesforce.connect', { error: 'no_refresh_token', username: user.username });
      return failed(
        502,
        'Salesforce gave no refresh token',
        'Without a refresh token the connection would stop within hours. The connected app must allow the scope "Perform requests at any time (refresh_token, offline_access)"; then click Connect again.',
        returnUrl,
      );
    }

    const previous = await this.row(account.id);
    const values = {
      connection_id: randomUUID(),
      status: 'connected' as const,
      login_url: pending.login_url,
      instance_url: tokens.instanceUrl.replace(/\/+$/, ''),
      org_id: orgId,
      user_id: user.userId,
      username: user.username,
      refresh_token_sealed: this.keys.encrypt(tokens.refreshToken),
      access_token_sealed: this.keys.encrypt(tokens.accessToken),
      scope: tokens.scope ?? null,
      connected_by: user.username,
      connected_at: new Date(),
      last_verified_at: new Date(),
      api_used: null,
      api_limit: null,
      api_usage_at: null,
      last_error_code: null,
      last_error_message: null,
      last_error_hint: null,
      last_error_at: null,
    };
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('salesforce_connections')
        .values({ account_id: account.id, ...values })
        .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
        .execute();
      await recordAudit(tx, {
        accountId: account.id,
        actor: pending.actor,
        action: previous ? 'salesforce.reconnect' : 'salesforce.connect',
        target: orgId,
        details: { username: user.username, instanceUrl: values.instance_url, loginUrl: pending.login_url, ...(previous ? { previousUsername: previous.username } : {}) },
      });
    });
    if (previous) {
      // The old refresh token is no longer used by anyone: give it back (best effort).
      try {
        await this.revoke(previous.login_url, this.keys.decrypt(previous.refresh_token_sealed));
      } catch (error) {
        this.log.warn({ err: error }, 'could not read the previous Salesforce refresh token to revoke it');
      }
    }
    return { kind: 'connected', reconnected: Boolean(previous), orgId, username: user.username, instanceUrl: values.instance_url, returnUrl };
  }

  /** Revokes a token at Salesforce; best effort (a failure leaves a token Salesforce ends on its own terms). */
  private async revoke(loginUrl: string, token: string): Promise<boolean> {
    try {
      const oauth2 = new jsforce.OAuth2({ loginUrl, clientId: this.app().clientId });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('revoke timed out')), REVOKE_TIMEOUT_MS);
      });
      try {
        await Promise.race([oauth2.revokeToken(token), timeout]);
      } finally {
        clearTimeout(timer);
      }
      return true;
    } catch (error) {
      this.log.warn({ code: classifySalesforceError(error).code }, 'revoking a Salesforce token failed');
      return false;
    }
  }

  async status(accountId: string): Promise<SalesforceConnectionStatus> {
    const row = await this.row(accountId);
    if (!row) {
      return {
        status: 'not_connected',
        orgId: null,
        instanceUrl: null,
        loginUrl: null,
        userId: null,
        username: null,
        connectedBy: null,
        connectedAt: null,
        lastVerifiedAt: null,
        apiUsage: null,
        lastError: null,
      };
    }
    return {
      status: row.status,
      orgId: row.org_id,
      instanceUrl: row.instance_url,
      loginUrl: row.login_url,
      userId: row.user_id,
      username: row.username,
      connectedBy: row.connected_by,
      connectedAt: iso(row.connected_at),
      lastVerifiedAt: iso(row.last_verified_at),
      apiUsage: row.api_used !== null && row.api_limit !== null && row.api_usage_at ? { used: row.api_used, limit: row.api_limit, at: row.api_usage_at.toISOString() } : null,
      lastError:
        row.last_error_code && row.last_error_at
          ? {
              code: row.last_error_code,
              message: row.last_error_message ?? '',
              hint: row.last_error_hint ?? '',
              at: row.last_error_at.toISOString(),
              reconnect: row.status === 'broken',
            }
          : null,
    };
  }

  /**
   * A jsforce Connection for the account, for other capabilities. The access token refreshes by
   * itself (and is stored); usage and connection-level errors are recorded as calls are made.
   */
  async connectionFor(accountId: string): Promise<Connection> {
    const row = await this.row(accountId);
    if (!row) {
      throw new SalesforceConnectionError('salesforce_not_connected', 'The account is not connected to Salesforce. An admin connects it on the MSI Actions Setup page (Connect to Salesforce).');
    }
    if (row.status === 'broken') {
      throw new SalesforceConnectionError('salesforce_connection_broken', row.last_error_hint ?? RECONNECT_MESSAGE, { reason: row.last_error_code });
    }
    return this.open(row);
  }

  private open(row: ConnectionRow): Connection {
    const app = this.app();
    const target = { accountId: row.account_id, connectionId: row.connection_id };
    const client = createSalesforceClient({
      instanceUrl: row.instance_url,
      accessToken: row.access_token_sealed ? this.keys.decrypt(row.access_token_sealed) : undefined,
      refreshToken: this.keys.decrypt(row.refresh_token_sealed),
      loginUrl: row.login_url,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUri: app.redirectUri,
      version: SALESFORCE_API_VERSION,
      onRefresh: (token) => this.track(this.storeAccessToken(target, token)),
      onRefreshStoreError: (error) => this.log.error({ err: error }, 'storing the refreshed Salesforce access token failed'),
    });
    const connection = client.connection;
    const request = connection.request.bind(connection);
    // Every REST call of jsforce goes through request(); watch its outcome without changing what the caller gets.
    connection.request = ((...args: Parameters<typeof request>) => {
      const call = request(...args);
      call.then(
        () => {
          const usage = client.apiUsage();
          if (usage) this.track(this.storeUsage(target, usage));
        },
        (error: unknown) => this.track(this.noteError(target, error)),
      );
      return call;
    }) as typeof connection.request;
    return connection;
  }

  private async storeAccessToken(target: { accountId: string; connectionId: string }, token: RefreshedToken): Promise<void> {
    await this.db
      .updateTable('salesforce_connections')
      .set({ access_token_sealed: this.keys.encrypt(token.accessToken), instance_url: token.instanceUrl.replace(/\/+$/, '') })
      .where('account_id', '=', target.accountId)
      .where('connection_id', '=', target.connectionId)
      .execute();
  }

  private async storeUsage(target: { accountId: string; connectionId: string }, usage: ApiUsage, at = new Date()): Promise<void> {
    await this.db
      .updateTable('salesforce_connections')
      .set({ api_used: usage.used, api_limit: usage.limit, api_usage_at: at })
      .where('account_id', '=', target.accountId)
      .where('connection_id', '=', target.connectionId)
      // Calls finish out of order; an older count must not overwrite a newer one.
      .where((eb) => eb.or([eb('api_usage_at', 'is', null), eb('api_usage_at', '<=', at)]))
      .execute();
  }

  /** Records an error of a call; a revoked refresh token breaks the connection (audited once). */
  private async noteError(target: { accountId: string; connectionId: string }, error: unknown, always = false): Promise<void> {
    const c = classifySalesforceError(error);
    if (!always && !isConnectionLevel(c, error)) return;
    const reconnect = c.action === 'fix' && c.reconnect;
    const fields = { last_error_code: c.code, last_error_message: c.message.slice(0, 1000), last_error_hint: hintOf(c), last_error_at: new Date() };
    if (!reconnect) {
      await this.db.updateTable('salesforce_connections').set(fields).where('account_id', '=', target.accountId).where('connection_id', '=', target.connectionId).execute();
      return;
    }
    await this.db.transaction().execute(async (tx) => {
      const broke = await tx
        .updateTable('salesforce_connections')
        .set({ ...fields, status: 'broken', access_token_sealed: null })
        .where('account_id', '=', target.accountId)
        .where('connection_id', '=', target.connectionId)
        .where('status', '=', 'connected')
        .returning(['org_id', 'username'])
        .executeTakeFirst();
      if (broke) {
        await recordAudit(tx, {
          accountId: target.accountId,
          actor: 'system',
          action: 'salesforce.connection_broken',
          target: broke.org_id,
          outcome: 'failure',
          details: { code: c.code, username: broke.username },
        });
      }
    });
  }

  /** A cheap call (the API's resource list, then userinfo) that refreshes the status; answers the new status. */
  async verify(accountId: string): Promise<SalesforceConnectionStatus> {
    const row = await this.row(accountId);
    if (!row) throw new SalesforceConnectionError('salesforce_not_connected', 'The account is not connected to Salesforce: connect it first.');
    const target = { accountId, connectionId: row.connection_id };
    // A broken connection is tried too: if Salesforce accepts the token again, it is no longer broken.
    const connection = this.open(row);
    try {
      await connection.request(`/services/data/v${SALESFORCE_API_VERSION}`);
      const userinfo = await connection.request<Record<string, unknown>>(`${connection.instanceUrl}/services/oauth2/userinfo`);
      await this.settle();
      await this.db
        .updateTable('salesforce_connections')
        .set({
          status: 'connected',
          last_verified_at: new Date(),
          username: typeof userinfo.preferred_username === 'string' ? userinfo.preferred_username : row.username,
          last_error_code: null,
          last_error_message: null,
          last_error_hint: null,
          last_error_at: null,
        })
        .where('account_id', '=', accountId)
        .where('connection_id', '=', row.connection_id)
        .execute();
    } catch (error) {
      await this.settle();
      await this.noteError(target, error, true);
    }
    return this.status(accountId);
  }

  /** Disconnects: the refresh token is revoked at Salesforce (best effort) and forgotten here. */
  async disconnect(accountId: string, actor: string): Promise<SalesforceConnectionStatus & { tokenRevoked: boolean }> {
    const row = await this.row(accountId);
    if (!row) return { ...(await this.status(accountId)), tokenRevoked: false };
    let token: string | undefined;
    try {
      token = this.keys.decrypt(row.refresh_token_sealed);
    } catch (error) {
      this.log.warn({ err: error }, 'could not read the Salesforce refresh token to revoke it');
    }
    const tokenRevoked = token ? await this.revoke(row.login_url, token) : false;
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('salesforce_connections').where('account_id', '=', accountId).execute();
      await recordAudit(tx, {
        accountId,
        actor,
        action: 'salesforce.disconnect',
        target: row.org_id,
        details: { username: row.username, tokenRevoked },
      });
    });
    return { ...(await this.status(accountId)), tokenRevoked };
  }
}
