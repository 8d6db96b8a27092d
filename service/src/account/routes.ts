import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf, salesforceActorOf } from '../platform/audit.js';
import { badRequest } from '../platform/errors.js';
import { normaliseEmail } from '../platform/email-address.js';
import { isConsistentId18, ORG_ID_PATTERN } from './org-id.js';
import type { AccountService, Inviter } from './service.js';

const errors = { 400: { $ref: 'ErrorBody#' }, 401: { $ref: 'ErrorBody#' }, 404: { $ref: 'ErrorBody#' }, 409: { $ref: 'ErrorBody#' }, 429: { $ref: 'ErrorBody#' } };
const secured = [{ clientCredentials: [] }];

const OrgId = Type.String({ pattern: ORG_ID_PATTERN, description: 'The Salesforce org id (15 or 18 characters)' });
const Admin = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), email: Type.String({ minLength: 3, maxLength: 254 }) },
  { additionalProperties: false },
);
const CreateAccountBody = Type.Object(
  {
    orgId: OrgId,
    orgName: Type.String({ minLength: 1, maxLength: 255 }),
    instanceUrl: Type.String({ minLength: 8, maxLength: 500, description: "The org's My Domain URL" }),
    admins: Type.Array(Admin, { minItems: 1, maxItems: 10, description: 'The administrators to invite; the first to accept becomes the original user' }),
  },
  { additionalProperties: false },
);
const CreateAccountReply = Type.Object({
  status: Type.Literal('pending'),
  created: Type.Boolean({ description: 'false when the pending account existed and the invitations were sent again' }),
  orgId: Type.String(),
  invited: Type.Array(Type.Object({ name: Type.String(), email: Type.String() })),
});
const Person = Type.Object({ name: Type.String(), email: Type.String() });
const ClaimReply = Type.Object({
  clientId: Type.String(),
  clientSecret: Type.String({ description: 'Shown this once; store it in the External Credential' }),
  orgId: Type.String(),
  activatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  originalUser: Type.Union([Person, Type.Null()]),
});
const AccountReply = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  orgName: Type.String(),
  instanceUrl: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('active')]),
  createdAt: Type.String({ format: 'date-time' }),
  activatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  originalUser: Type.Union([Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }), Type.Null()]),
  integration: Type.Object({
    clientId: Type.Union([Type.String(), Type.Null()]),
    secret: Type.Union([Type.String({ description: 'Masked: only the last four characters' }), Type.Null()]),
    secretCreatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    previousSecretValidUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  }),
  limits: Type.Object({ seats: Type.Integer(), teams: Type.Integer() }),
  usage: Type.Object({ seats: Type.Integer() }),
});

/** Who sends the invitation: the e-mail then says "<name> invited you" instead of "You have been invited". */
function inviterOf(request: FastifyRequest): Inviter | null {
  const actor = salesforceActorOf(request);
  return actor?.name ? { name: actor.name, actor: actor.header } : null;
}

/** A name that is only spaces passes minLength; it is refused as a schema violation would be, naming the field. */
function notBlank(value: string, path: string): string {
  const trimmed = value.trim();
  if (trimmed === '') {
    const issue = { path, message: 'must not be blank' };
    throw badRequest('invalid_request', `The request is not valid: ${path} must not be blank`, { issues: [issue] });
  }
  return trimmed;
}

function checkInstanceUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('invalid_instance_url', 'instanceUrl is not a URL.');
  }
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
    throw badRequest('invalid_instance_url', 'instanceUrl must be an https:// address of the org.');
  }
  return url.origin;
}

export function accountRoutes(service: () => AccountService): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const publicLimit = { max: 20, timeWindow: 60_000 };

    app.post(
      '/accounts',
      {
        config: { public: true, rateLimit: publicLimit },
        schema: {
          tags: ['account'],
          operationId: 'createAccount',
          summary: 'Create the Actions account of an org and invite its first admins (resends while pending)',
          description:
            'Apex names the Salesforce user who clicks *Send invitation* in `X-MSI-Actor: <user id> <name>`; the invitation e-mail then says who invited the admins, and the audit log records it.',
          body: CreateAccountBody,
          response: { 200: CreateAccountReply, 201: CreateAccountReply, ...errors },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if (!isConsistentId18(body.orgId)) throw badRequest('invalid_org_id', 'orgId is not a valid Salesforce org id.');
        const orgName = notBlank(body.orgName, 'body/orgName');
        const admins = [];
        const seen = new Set<string>();
        for (const [index, admin] of body.admins.entries()) {
          const name = notBlank(admin.name, `body/admins/${index}/name`);
          const email = normaliseEmail(admin.email);
          if (!email.ok) throw badRequest('invalid_email', `Admin ${index + 1}: the e-mail address ${email.reason}.`, { index });
          if (seen.has(email.email)) continue;
          seen.add(email.email);
          admins.push({ name, email: email.email });
        }
        const result = await service().createAccount({ ...body, orgName, instanceUrl: checkInstanceUrl(body.instanceUrl), admins, invitedBy: inviterOf(request) });
        return reply.status(result.created ? 201 : 200).send(result);
      },
    );

    app.post(
      '/accounts/claim',
      {
        config: { public: true, rateLimit: publicLimit },
        schema: {
          tags: ['account'],
          operationId: 'claimAccountCredentials',
          summary: 'Exchange the single-use claim code from the activation page for the Client ID and Secret',
          body: Type.Object(
            { claimCode: Type.String({ minLength: 10, maxLength: 200 }), orgId: Type.Optional(OrgId) },
            { additionalProperties: false },
          ),
          response: { 200: ClaimReply, ...errors },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        const result = await service().claim(request.body.claimCode.trim(), request.body.orgId);
        return { ...result, activatedAt: result.activatedAt?.toISOString() ?? null };
      },
    );

    app.get(
      '/accounts/current',
      {
        schema: {
          tags: ['account'],
          operationId: 'getCurrentAccount',
          summary: 'The caller’s account and its Integration Info',
          security: secured,
          response: { 200: AccountReply, ...errors },
        },
      },
      async (request) => service().current(request.accountId),
    );

    app.post(
      '/accounts/current/rotate-secret',
      {
        schema: {
          tags: ['account'],
          operationId: 'rotateAccountSecret',
          summary: 'Issue a new Client Secret; the old one keeps working for the grace period',
          security: secured,
          response: {
            200: Type.Object({
              clientId: Type.String(),
              clientSecret: Type.String(),
              previousSecretValidUntil: Type.String({ format: 'date-time' }),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return service().rotateSecret(request.accountId, actorOf(request));
      },
    );

    app.post(
      '/accounts/current/resend-invitation',
      {
        schema: {
          tags: ['account'],
          operationId: 'resendAdminInvitations',
          summary: 'Send the invitation again to every admin who has not accepted yet',
          security: secured,
          response: { 200: Type.Object({ resent: Type.Array(Type.String()) }), ...errors },
        },
      },
      async (request) => service().resendAdminInvitations(request.accountId, actorOf(request), inviterOf(request)?.name ?? null),
    );

    app.get(
      '/audit',
      {
        schema: {
          tags: ['account'],
          operationId: 'listAuditLog',
          summary: 'Admin actions of the account, newest first',
          security: secured,
          querystring: Type.Object({
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            // The ids are a bigserial; a client's number is exact up to 2^53 - 1.
            before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Entries older than this id (the nextBefore of the previous page)' })),
            action: Type.Optional(Type.String({ maxLength: 100 })),
          }),
          response: {
            200: Type.Object({
              entries: Type.Array(
                Type.Object({
                  id: Type.Integer(),
                  at: Type.String({ format: 'date-time' }),
                  actor: Type.String(),
                  action: Type.String(),
                  target: Type.Union([Type.String(), Type.Null()]),
                  outcome: Type.String(),
                  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
                }),
              ),
              nextBefore: Type.Union([Type.Integer(), Type.Null()]),
            }),
            ...errors,
          },
        },
      },
      async (request) => service().auditLog(request.accountId, request.query),
    );
  };
}
