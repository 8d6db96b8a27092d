import { MarketoError } from './errors.js';

export interface MarketoToken {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  /** The API-only user that owns the custom service. */
  scope: string;
  /** Marketo gave this token back when asked early: it issues no new one before this one expires. */
  final?: boolean;
}

/** A token is renewed when less than this is left, so no call goes out with a token about to lapse. */
export const REFRESH_MARGIN_MS = 60_000;

/**
 * One access token per (identity URL, client id) in the process, as Adobe advises ("use the Client Id
 * as a key to manage each token independently"); concurrent callers share one identity request.
 */
export class TokenCache {
  private readonly tokens = new Map<string, MarketoToken>();
  private readonly pending = new Map<string, Promise<MarketoToken>>();

  async get(identityUrl: string, clientId: string, clientSecret: string, fetchImpl: typeof fetch, clock: () => number): Promise<MarketoToken> {
    const key = `${identityUrl}|${clientId}`;
    const current = this.tokens.get(key);
    const now = clock();
    if (current && (current.expiresAt - now > REFRESH_MARGIN_MS || (current.final && current.expiresAt > now))) return current;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = requestToken(identityUrl, clientId, clientSecret, fetchImpl, clock).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    const token = await pending;
    // Asked early, Marketo answers with the same token and its remaining life; asking again each call
    // until it lapses would only add identity calls, so it is used to the end (a 602 then renews it).
    if (current && token.accessToken === current.accessToken) token.final = true;
    this.tokens.set(key, token);
    return token;
  }

  /** Forgets a token Marketo refused (601/602), unless another caller already replaced it. */
  invalidate(identityUrl: string, clientId: string, accessToken: string): void {
    const key = `${identityUrl}|${clientId}`;
    if (this.tokens.get(key)?.accessToken === accessToken) this.tokens.delete(key);
  }
}

export const sharedTokens = new TokenCache();

export async function requestToken(identityUrl: string, clientId: string, clientSecret: string, fetchImpl: typeof fetch, clock: () => number): Promise<MarketoToken> {
  const url = new URL(`${identityUrl.replace(/\/+$/, '')}/oauth/token`);
  url.searchParams.set('grant_type', 'client_credentials');
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('client_secret', clientSecret);
  const started = clock();
  let response: Response;
  try {
    response = await fetchImpl(url, { method: 'GET', headers: { Accept: 'application/json' } });
  } catch (error) {
    throw networkError(error, url);
  }
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new MarketoError('BAD_RESPONSE', `Identity endpoint answered HTTP ${response.status} without JSON`, { httpStatus: response.status });
  }
  if (!response.ok || typeof body.access_token !== 'string') {
    const code = typeof body.error === 'string' ? body.error : 'HTTP_ERROR';
    const description = typeof body.error_description === 'string' ? body.error_description : `HTTP ${response.status}`;
    throw new MarketoError(code, description, { httpStatus: response.status });
  }
  const expiresIn = Number(body.expires_in ?? 0);
  return { accessToken: body.access_token, expiresAt: started + expiresIn * 1000, scope: typeof body.scope === 'string' ? body.scope : '' };
}

/** Tells an unknown host from a host that does not answer. */
export function networkError(error: unknown, url: URL): MarketoError {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new MarketoError('UNKNOWN_HOST', `Unknown host ${url.host}`, { cause: error });
  return new MarketoError('UNREACHABLE', `Marketo at ${url.host} is unreachable (${code ?? String(error)})`, { cause: error });
}
