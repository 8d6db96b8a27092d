import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

/** What a verified access token says about its caller. */
export interface Caller {
  accountId: string;
  clientId: string;
}

/** Verifies access tokens; the account capability provides it as `services.accessTokens`. */
export interface AccessTokenVerifier {
  verify(token: string): Promise<Caller | undefined>;
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

/** Requires `Authorization: Bearer <token>` on every route of this scope unless it is public. */
export function requireBearerToken(app: FastifyInstance, verifier: () => AccessTokenVerifier | undefined) {
  app.decorateRequest('accountId', '');
  app.decorateRequest('caller', undefined);
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (request.routeOptions.config?.public) return;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) {
      reply.header('www-authenticate', 'Bearer realm="msi-actions"');
      throw unauthorized('This call needs an access token: send Authorization: Bearer <token> from POST /oauth/token.');
    }
    const caller = await verifier()?.verify(match[1]);
    if (!caller) {
      reply.header('www-authenticate', 'Bearer realm="msi-actions", error="invalid_token"');
      throw unauthorized('The access token is invalid or has expired. Request a new one from POST /oauth/token.');
    }
    request.caller = caller;
    request.accountId = caller.accountId;
  });
}
