import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf, salesforceActorOf } from '../platform/audit.js';
import type { MarketoConnections } from './connections.js';

const errors = { 400: { $ref: 'ErrorBody#' }, 401: { $ref: 'ErrorBody#' }, 403: { $ref: 'ErrorBody#' }, 404: { $ref: 'ErrorBody#' }, 422: { $ref: 'ErrorBody#' }, 429: { $ref: 'ErrorBody#' }, 502: { $ref: 'ErrorBody#' } };
const secured = [{ clientCredentials: [] }];
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const ConnectBody = Type.Object(
  {
    munchkinId: Type.Optional(Type.String({ maxLength: 40, description: 'e.g. 123-ABC-456 (Admin > Munchkin); spaces are trimmed' })),
    restUrl: Type.Optional(Type.String({ maxLength: 500, description: 'REST endpoint from Admin > Web Services (the manual fallback)' })),
    identityUrl: Type.Optional(Type.String({ maxLength: 500, description: 'Identity endpoint from Admin > Web Services' })),
    clientId: Type.String({ minLength: 1, maxLength: 200, description: 'Client ID of the LaunchPoint custom service' }),
    clientSecret: Type.String({ minLength: 1, maxLength: 200, description: 'Client Secret of the custom service (write-only)' }),
  },
  { additionalProperties: false },
);

const Status = Type.Object({
  connected: Type.Boolean(),
  munchkinId: Nullable(Type.String()),
  restUrl: Nullable(Type.String()),
  identityUrl: Nullable(Type.String()),
  clientId: Nullable(Type.String()),
  apiUser: Nullable(Type.String({ description: 'The Marketo API-only user (the identity scope)' })),
  connectedBy: Nullable(Type.String({ description: 'The admin who connected it and owns it' })),
  connectedAt: Nullable(Type.String({ format: 'date-time' })),
  lastVerifiedAt: Nullable(Type.String({ format: 'date-time' })),
  callsToday: Type.Integer({ description: 'Marketo API calls made for this account today (US Central day)' }),
  dailyQuota: Type.Union([Type.Integer(), Type.Null()]),
  quotaStoppedUntil: Nullable(Type.String({ format: 'date-time', description: 'Calls are stopped until then after Marketo answered 607' })),
  lastError: Type.Union([Type.Object({ code: Type.String(), message: Type.String(), at: Type.String({ format: 'date-time' }) }), Type.Null()]),
});

export function marketoRoutes(connections: () => MarketoConnections): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/connections/marketo',
      {
        schema: {
          tags: ['marketo'],
          operationId: 'connectMarketo',
          summary:
            'Connect the account to Marketo (verified first: a token, then describe); replaces and hands over an existing connection. Only an active admin may connect: a caller whose X-MSI-Actor names a non-admin user is refused (403)',
          security: secured,
          body: ConnectBody,
          response: { 200: Status, ...errors },
        },
      },
      async (request) => connections().connect(request.accountId, request.body, actorOf(request), { salesforceUserId: salesforceActorOf(request)?.salesforceUserId ?? null }),
    );

    app.get(
      '/connections/marketo',
      {
        schema: {
          tags: ['marketo'],
          operationId: 'getMarketoConnection',
          summary: 'The Marketo connection’s status, owner and API usage (never the secret)',
          security: secured,
          response: { 200: Status, ...errors },
        },
      },
      async (request) => connections().status(request.accountId),
    );

    app.delete(
      '/connections/marketo',
      {
        schema: {
          tags: ['marketo'],
          operationId: 'disconnectMarketo',
          summary: 'Disconnect Marketo (audited)',
          security: secured,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await connections().disconnect(request.accountId, actorOf(request));
        return reply.status(204).send(null);
      },
    );
  };
}
