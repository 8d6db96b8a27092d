import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * What the External Credential and the Named Credential do for Apex on the platform, per browser: the
 * console keeps the Client ID and Secret of this browser's org here, on the server, behind an httpOnly
 * cookie, and fetches the access tokens from POST /oauth/token itself. The browser's code never sees the
 * secret of a claim or a rotation, as Apex never does.
 */
export interface ConsoleCredentials {
  clientId: string;
  clientSecret: string;
  accessToken?: string;
  /** Epoch ms after which the token is fetched again. */
  tokenExpiresAt?: number;
}

interface Session extends ConsoleCredentials {
  lastUsed: number;
}

export const SESSION_COOKIE = 'msi_console';
/** An unused session is forgotten after this long; the admin then pastes or claims the credentials again. */
const IDLE_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 1000;
/** Fetch a new token this long before the old one ends, so a call never leaves with a token about to expire. */
const TOKEN_MARGIN_MS = 30_000;

export class TokenError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: unknown,
  ) {
    super('The console could not get an access token with the stored credentials');
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class ConsoleSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly secureCookie: boolean) {}

  /** The credentials of the request's browser, if it stored any. */
  credentials(request: FastifyRequest): ConsoleCredentials | undefined {
    const id = cookieValue(request.headers.cookie, SESSION_COOKIE);
    const session = id ? this.sessions.get(id) : undefined;
    if (!session) return undefined;
    if (Date.now() - session.lastUsed > IDLE_MS) {
      this.sessions.delete(id!);
      return undefined;
    }
    session.lastUsed = Date.now();
    return session;
  }

  /** Stores the credentials for this browser: in its session, or a new one. A new secret drops the old token. */
  store(request: FastifyRequest, reply: FastifyReply, credentials: { clientId: string; clientSecret: string }) {
    const known = cookieValue(request.headers.cookie, SESSION_COOKIE);
    const existing = known ? this.sessions.get(known) : undefined;
    if (existing) {
      Object.assign(existing, { clientId: credentials.clientId, clientSecret: credentials.clientSecret, lastUsed: Date.now() });
      delete existing.accessToken;
      delete existing.tokenExpiresAt;
      return;
    }
    this.prune();
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { clientId: credentials.clientId, clientSecret: credentials.clientSecret, lastUsed: Date.now() });
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax${this.secureCookie ? '; Secure' : ''}; Max-Age=${IDLE_MS / 1000}`,
    );
  }

  /**
   * A valid access token for the credentials: the cached one, or a new one from the service's own token
   * endpoint (the client credentials grant the External Credential uses).
   */
  async accessToken(app: FastifyInstance, credentials: ConsoleCredentials, renew = false): Promise<string> {
    if (!renew && credentials.accessToken && (credentials.tokenExpiresAt ?? 0) > Date.now()) return credentials.accessToken;
    const basic = Buffer.from(`${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`).toString('base64');
    const answer = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      payload: 'grant_type=client_credentials',
    });
    const body = answer.json() as { access_token?: string; expires_in?: number };
    if (answer.statusCode !== 200 || !body.access_token) throw new TokenError(answer.statusCode, body);
    credentials.accessToken = body.access_token;
    credentials.tokenExpiresAt = Date.now() + (body.expires_in ?? 60) * 1000 - TOKEN_MARGIN_MS;
    return body.access_token;
  }

  private prune() {
    const now = Date.now();
    for (const [id, session] of this.sessions) if (now - session.lastUsed > IDLE_MS) this.sessions.delete(id);
    // Oldest first (Map keeps insertion order): a flood of sessions cannot grow memory without bound.
    while (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
  }
}
