/**
 * The service's only door to Salesforce: a jsforce 3 Connection built from stored credentials.
 * jsforce refreshes the access token by itself on a 401 (refresh_token grant); `onRefresh` hands the
 * new token back so the caller can store it. API usage comes from the `Sforce-Limit-Info` header
 * jsforce records after each call.
 */
import jsforce, { type Connection } from 'jsforce';

export const SALESFORCE_API_VERSION = '62.0';

export interface SalesforceCredentials {
  instanceUrl: string;
  accessToken?: string;
  refreshToken?: string;
  /** Where OAuth lives: https://login.salesforce.com, https://test.salesforce.com or a My Domain. */
  loginUrl: string;
  clientId: string;
  clientSecret?: string;
  redirectUri?: string;
  version?: string;
}

export interface RefreshedToken {
  accessToken: string;
  instanceUrl: string;
  issuedAt?: string;
}

export interface SalesforceClientOptions extends SalesforceCredentials {
  /** Called after jsforce refreshed the access token; store the new one here. */
  onRefresh?: (token: RefreshedToken) => void | Promise<void>;
  /** Called when a refresh could not be stored (onRefresh threw): the token is still used in memory. */
  onRefreshStoreError?: (error: unknown) => void;
}

export interface ApiUsage {
  used: number;
  limit: number;
}

export interface SalesforceClient {
  connection: Connection;
  /** The last `Sforce-Limit-Info: api-usage=N/M` seen, if any call has been made. */
  apiUsage(): ApiUsage | undefined;
  /** The OpenID Connect userinfo of the connected user. */
  userInfo(): Promise<SalesforceUserInfo>;
}

export interface SalesforceUserInfo {
  orgId: string;
  userId: string;
  username: string;
  displayName?: string;
  email?: string;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function createSalesforceClient(options: SalesforceClientOptions): SalesforceClient {
  const connection = new jsforce.Connection({
    instanceUrl: trimSlash(options.instanceUrl),
    loginUrl: trimSlash(options.loginUrl),
    accessToken: options.accessToken,
    refreshToken: options.refreshToken,
    version: options.version ?? SALESFORCE_API_VERSION,
    oauth2: {
      loginUrl: trimSlash(options.loginUrl),
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      redirectUri: options.redirectUri,
    },
  });
  connection.on('refresh', (accessToken: string, response?: { instance_url?: string; issued_at?: string }) => {
    if (!options.onRefresh) return;
    const token: RefreshedToken = {
      accessToken,
      instanceUrl: response?.instance_url ?? connection.instanceUrl,
      issuedAt: response?.issued_at,
    };
    // An event listener cannot make jsforce wait; a failed store is reported, never thrown into jsforce.
    Promise.resolve()
      .then(() => options.onRefresh!(token))
      .catch((error: unknown) => options.onRefreshStoreError?.(error));
  });
  return {
    connection,
    apiUsage() {
      const usage = connection.limitInfo?.apiUsage;
      return usage ? { used: usage.used, limit: usage.limit } : undefined;
    },
    userInfo: () => readUserInfo(connection, options.loginUrl),
  };
}

/** Reads `/services/oauth2/userinfo` through jsforce (so a stale token is refreshed first). */
export async function readUserInfo(connection: Connection, loginUrl?: string): Promise<SalesforceUserInfo> {
  // userinfo lives on the login host and on the instance (My Domain) alike; the instance is always reachable.
  const base = trimSlash(connection.instanceUrl || loginUrl || '');
  const body = await connection.request<Record<string, unknown>>({ method: 'GET', url: `${base}/services/oauth2/userinfo` });
  const orgId = String(body.organization_id ?? '');
  const userId = String(body.user_id ?? '');
  if (!orgId || !userId) throw new Error('Salesforce userinfo did not include organization_id and user_id');
  return {
    orgId,
    userId,
    username: String(body.preferred_username ?? ''),
    displayName: typeof body.name === 'string' ? body.name : undefined,
    email: typeof body.email === 'string' ? body.email : undefined,
  };
}
