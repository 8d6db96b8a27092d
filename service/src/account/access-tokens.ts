import { randomUUID } from 'node:crypto';
import type { Keys } from '../platform/crypto.js';
import type { AccessTokenVerifier, Caller } from '../platform/auth.js';

interface TokenClaims {
  /** account id */
  a: string;
  /** client id */
  c: string;
  iat: number;
  exp: number;
  jti: string;
}

const PREFIX = 'msi1';

/**
 * Short-lived signed access tokens (HMAC-SHA256). Verifying one needs no database read, so the
 * token check costs microseconds on every Apex callout.
 */
export class AccessTokens implements AccessTokenVerifier {
  /**
   * Tokens already verified, until they expire. Salesforce reuses one token for its whole life, so
   * after the first call each callout costs a map lookup instead of an HMAC.
   */
  readonly #verified = new Map<string, Caller & { exp: number }>();

  constructor(
    private readonly keys: Keys,
    private readonly ttlSeconds: number,
  ) {}

  /** Issues a token that never outlives the secret it was issued for. */
  issue(caller: Caller, secretExpiresAt: Date | null, now = Date.now()): { token: string; expiresIn: number } {
    const iat = Math.floor(now / 1000);
    let exp = iat + this.ttlSeconds;
    if (secretExpiresAt) exp = Math.min(exp, Math.floor(secretExpiresAt.getTime() / 1000));
    const claims: TokenClaims = { a: caller.accountId, c: caller.clientId, iat, exp, jti: randomUUID() };
    const body = `${PREFIX}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return { token: `${body}.${this.keys.sign(body)}`, expiresIn: Math.max(0, exp - iat) };
  }

  verify(token: string, now = Date.now()): Caller | undefined {
    const known = this.#verified.get(token);
    if (known) {
      if (known.exp * 1000 > now) return { accountId: known.accountId, clientId: known.clientId };
      this.#verified.delete(token);
      return undefined;
    }
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX || !parts[1] || !parts[2]) return undefined;
    const body = `${parts[0]}.${parts[1]}`;
    if (!this.keys.verifySignature(body, parts[2])) return undefined;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return undefined;
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return undefined;
    if (typeof claims.a !== 'string' || typeof claims.c !== 'string') return undefined;
    if (this.#verified.size >= 10_000) this.#verified.clear();
    this.#verified.set(token, { accountId: claims.a, clientId: claims.c, exp: claims.exp });
    return { accountId: claims.a, clientId: claims.c };
  }
}
