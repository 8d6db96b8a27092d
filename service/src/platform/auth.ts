import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

/** What a verified access token says about its caller. */
export interface Caller {
  accountId: string;
  clientId: string;
}

/**
 * Verifies access tokens; the account capability provides it as `services.accessTokens`. Synchronous
 * on purpose: it runs on every /api/v1 call, and a signed token needs no I/O to check.
 */
export interface AccessTokenVerifier {
  verify(token: string): Caller | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's account: every query of an `/api/v1` route is scoped to it. */
    accountId: string;
    caller: Caller | undefined;
  }
  interface FastifyContextConfig {
    /** A route under `/api/v1` that needs no Bearer token (account creation, claim). */
    public?: boolean;
  }
}

export const unauthorized = (message: string) => new AppError(401, 'unauthorized', message);

/**
 * Checks `Authorization: Bearer <token>` (unless the route is public) and records the caller on the
 * request; answers the error to fail the request with, or undefined.
 */
export function bearerTokenError(request: FastifyRequest, reply: FastifyReply, verifier: AccessTokenVerifier | undefined): AppError | undefined {
  if (request.routeOptions.config?.public) return undefined;
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) {
    reply.header('www-authenticate', 'Bearer realm="msi-actions"');
    return unauthorized('This call needs an access token: send Authorization: Bearer <token> from POST /oauth/token.');
  }
  const caller = verifier?.verify(match[1]);
  if (!caller) {
    reply.header('www-authenticate', 'Bearer realm="msi-actions", error="invalid_token"');
    return unauthorized('The access token is invalid or has expired. Request a new one from POST /oauth/token.');
  }
  request.caller = caller;
  request.accountId = caller.accountId;
  return undefined;
}

/** The request properties the checks above fill in. */
export function decorateCaller(app: FastifyInstance) {
  app.decorateRequest('accountId', '');
  app.decorateRequest('caller', undefined);
}
