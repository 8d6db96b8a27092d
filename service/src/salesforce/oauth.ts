/**
 * The OAuth 2.0 web server flow with PKCE against Salesforce (login.salesforce.com,
 * test.salesforce.com or a My Domain): build the authorize URL, exchange the code through jsforce's
 * OAuth2, and read who connected. The code verifier and state are the caller's to keep until the
 * callback (they must not travel in the URL).
 */
import crypto from 'node:crypto';
import jsforce from 'jsforce';
import { createSalesforceClient, type SalesforceUserInfo } from './client.js';

export interface OAuthClientConfig {
  loginUrl: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
}

export interface AuthorizeRequest {
  url: string;
  state: string;
  codeVerifier: string;
  codeChallenge: string;
}

/** 43..128 characters from the unreserved set (RFC 7636); 64 random bytes give 86. */
export function createCodeVerifier(): string {
  return crypto.randomBytes(64).toString('base64url');
}

export function codeChallengeFor(verifier: string): string {
  return crypto.createHash('sha256').update(verifier).digest('base64url');
}

export function buildAuthorizeUrl(
  config: OAuthClientConfig,
  options: { state?: string; scope?: string; prompt?: string; loginHint?: string } = {},
): AuthorizeRequest {
  const codeVerifier = createCodeVerifier();
  const codeChallenge = codeChallengeFor(codeVerifier);
  const state = options.state ?? crypto.randomBytes(24).toString('base64url');
  const oauth2 = new jsforce.OAuth2({ loginUrl: config.loginUrl.replace(/\/+$/, ''), clientId: config.clientId, redirectUri: config.redirectUri });
  const url = oauth2.getAuthorizationUrl({
    scope: options.scope ?? 'api refresh_token id',
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    ...(options.prompt ? { prompt: options.prompt } : {}),
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
  });
  return { url, state, codeVerifier, codeChallenge };
}

export interface ExchangedTokens {
  accessToken: string;
  refreshToken?: string;
  instanceUrl: string;
  /** The identity URL `https://login.salesforce.com/id/<orgId>/<userId>`. */
  idUrl: string;
  orgId: string;
  userId: string;
  scope?: string;
  issuedAt?: string;
}

export async function exchangeCode(config: OAuthClientConfig, code: string, codeVerifier: string): Promise<ExchangedTokens> {
  const oauth2 = new jsforce.OAuth2({
    loginUrl: config.loginUrl.replace(/\/+$/, ''),
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: config.redirectUri,
  });
  const res = (await oauth2.requestToken(code, { code_verifier: codeVerifier })) as unknown as Record<string, string | undefined>;
  const idUrl = res.id ?? '';
  const [orgId, userId] = idUrl.split('/').slice(-2);
  if (!res.access_token || !res.instance_url || !orgId || !userId) {
    throw new Error('Salesforce token response is missing access_token, instance_url or id');
  }
  return {
    accessToken: res.access_token,
    refreshToken: res.refresh_token,
    instanceUrl: res.instance_url,
    idUrl,
    orgId,
    userId,
    scope: res.scope,
    issuedAt: res.issued_at,
  };
}

/** Who connected: org id, user id and username from userinfo, read with the new tokens. */
export async function readConnectedUser(config: OAuthClientConfig, tokens: ExchangedTokens): Promise<SalesforceUserInfo> {
  const client = createSalesforceClient({
    instanceUrl: tokens.instanceUrl,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    loginUrl: config.loginUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
  });
  return client.userInfo();
}
