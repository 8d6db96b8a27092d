import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { WindowLimiter } from '../platform/rate-limit.js';
import type { AccountService } from './service.js';

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  if (status === 401) reply.header('www-authenticate', 'Basic realm="msi-actions"');
  return reply.status(status).header('cache-control', 'no-store').header('pragma', 'no-cache').send({ error, error_description: description });
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined | 'malformed' {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!match?.[1]) return 'malformed';
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return 'malformed';
  }
}

const TokenReply = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
});
const OAuthError = Type.Object({ error: Type.String(), error_description: Type.Optional(Type.String()) });

/** POST /oauth/token: the OAuth 2.0 client credentials grant (RFC 6749 §4.4) the External Credential uses. */
export function oauthRoutes(service: () => AccountService): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    // Failed attempts per client id, on top of the per-IP limit: guessing one client's secret from many addresses.
    const failures = new WindowLimiter(10, 60_000);

    app.post(
      '/oauth/token',
      {
        config: { rateLimit: { max: 60, timeWindow: 60_000 } },
        schema: {
          tags: ['oauth'],
          operationId: 'issueAccessToken',
          summary: 'Client credentials grant: a short-lived access token for the /api/v1 routes',
          consumes: ['application/x-www-form-urlencoded'],
          body: Type.Object({
            grant_type: Type.Optional(Type.String({ maxLength: 100 })),
            client_id: Type.Optional(Type.String({ maxLength: 200 })),
            client_secret: Type.Optional(Type.String({ maxLength: 500 })),
            scope: Type.Optional(Type.String({ maxLength: 500 })),
          }),
          response: { 200: TokenReply, 400: OAuthError, 401: OAuthError, 429: OAuthError, 500: OAuthError },
        },
        // Validation failures must answer in OAuth's own error shape, not the API's envelope.
        attachValidation: true,
        // So must everything that fails before the handler: the per-IP limit (its 429 would otherwise be
        // serialised through OAuthError as {"error":"[object Object]"}) and bodies that cannot be parsed.
        errorHandler: (error: FastifyError, request, reply) => {
          const status = error.statusCode ?? 500;
          if (status === 429) {
            return oauthError(reply, 429, 'slow_down', 'Too many token requests from this address. Wait a minute, then try again.');
          }
          if (status >= 400 && status < 500) return oauthError(reply, 400, 'invalid_request', 'The token request is malformed.');
          request.log.error({ err: error }, 'token request failed');
          return reply.status(500).header('cache-control', 'no-store').send({ error: 'server_error', error_description: `Something went wrong on our side. Quote request id ${request.id} when you report it.` });
        },
      },
      async (request, reply) => {
        if (request.validationError) return oauthError(reply, 400, 'invalid_request', 'The token request is malformed.');
        const body = request.body ?? {};
        if (body.grant_type !== 'client_credentials') {
          return oauthError(reply, 400, body.grant_type ? 'unsupported_grant_type' : 'invalid_request', 'Only grant_type=client_credentials is supported.');
        }
        const basic = basicCredentials(request.headers.authorization);
        if (basic === 'malformed') return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
        if (basic && (body.client_id || body.client_secret)) {
          return oauthError(reply, 400, 'invalid_request', 'Send the client credentials either in the Authorization header or in the body, not both.');
        }
        const id = basic?.id ?? body.client_id;
        const secret = basic?.secret ?? body.client_secret;
        if (!id || !secret) return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
        if (failures.isBlocked(id)) {
          reply.header('retry-after', String(failures.secondsLeft(id)));
          return oauthError(reply, 429, 'slow_down', 'Too many failed attempts for this client. Try again later.');
        }
        const issued = await service().issueToken(id, secret);
        if (!issued) {
          failures.hit(id);
          return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
        }
        return reply
          .header('cache-control', 'no-store')
          .header('pragma', 'no-cache')
          .send({ access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn });
      },
    );
  };
}
