import type { FastifyPluginAsync } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf } from '../platform/audit.js';
import type { SalesforceConnections } from './connections.js';
import { SUBJECT_PREFIX_MAX, type SalesforceCustomizations } from './customizations.js';

const errors = {
  400: { $ref: 'ErrorBody#' },
  401: { $ref: 'ErrorBody#' },
  409: { $ref: 'ErrorBody#' },
  502: { $ref: 'ErrorBody#' },
  503: { $ref: 'ErrorBody#' },
};
const secured = [{ clientCredentials: [] }];
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

const Status = Type.Object({
  status: Type.Union([Type.Literal('connected'), Type.Literal('not_connected'), Type.Literal('broken')], {
    description: 'broken: Salesforce no longer accepts the refresh token (revoked or expired); an admin must reconnect',
  }),
  orgId: Nullable(Type.String()),
  instanceUrl: Nullable(Type.String()),
  loginUrl: Nullable(Type.String()),
  userId: Nullable(Type.String({ description: 'The Salesforce user whose connection MSI Actions uses' })),
  username: Nullable(Type.String()),
  connectedBy: Nullable(Type.String({ description: 'The Salesforce username that authorized the connection' })),
  connectedAt: Nullable(DateTime),
  lastVerifiedAt: Nullable(DateTime),
  apiUsage: Nullable(
    Type.Object({
      used: Type.Integer(),
      limit: Type.Integer(),
      at: DateTime,
    }, { description: 'Daily API requests of the org, from Sforce-Limit-Info of the last call' }),
  ),
  lastError: Nullable(
    Type.Object({
      code: Type.String(),
      message: Type.String(),
      hint: Type.String({ description: 'What an admin can do about it' }),
      at: DateTime,
      reconnect: Type.Boolean({ description: 'Only a new connection cures it' }),
    }),
  ),
});

const Settings = Type.Object({
  logged: Type.Object({ emails: Type.Boolean(), calls: Type.Boolean(), reminderTasks: Type.Boolean() }),
  taskTypes: Type.Object({ email: Type.String(), call: Type.String(), reply: Type.String() }),
  subjectPrefix: Type.String(),
  leadContactPrecedence: Type.Union([Type.Literal('contact'), Type.Literal('lead')]),
  taskOwner: Type.Object({ mode: Type.Union([Type.Literal('rep'), Type.Literal('fallback_user')]), fallbackUserId: Nullable(Type.String()) }),
});

const TaskType = Type.String({ minLength: 1, maxLength: 255 });
const SettingsInput = Type.Object(
  {
    logged: Type.Optional(
      Type.Object(
        {
          emails: Type.Optional(Type.Boolean({ description: 'Log sent e-mails as Tasks' })),
          calls: Type.Optional(Type.Boolean({ description: 'Log calls as Tasks' })),
          reminderTasks: Type.Optional(Type.Boolean({ description: 'Create reminder tasks as Tasks' })),
        },
        { additionalProperties: false },
      ),
    ),
    taskTypes: Type.Optional(
      Type.Object(
        {
          email: Type.Optional(TaskType),
          call: Type.Optional(TaskType),
          reply: Type.Optional(TaskType),
        },
        { additionalProperties: false, description: 'Values of the Task Type picklist (defaults Email, Call, Reply)' },
      ),
    ),
    subjectPrefix: Type.Optional(Type.String({ maxLength: SUBJECT_PREFIX_MAX, description: `Put before every Task subject (at most ${SUBJECT_PREFIX_MAX} characters)` })),
    leadContactPrecedence: Type.Optional(
      Type.Union([Type.Literal('contact'), Type.Literal('lead')], { description: 'Which record gets the Task when a person is both a Lead and a Contact' }),
    ),
    taskOwner: Type.Optional(
      Type.Object(
        {
          mode: Type.Optional(Type.Union([Type.Literal('rep'), Type.Literal('fallback_user')])),
          fallbackUserId: Type.Optional(Nullable(Type.String({ maxLength: 18, description: 'An active Salesforce User id (005…)' }))),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'Settings left out keep their value' },
);

const Warning = Type.Object({
  code: Type.String({
    description: 'task_type_field_missing, task_type_missing, task_type_inactive or fallback_owner_inactive; pages word the warning by it',
  }),
  setting: Type.String({ description: 'The setting it is about: taskTypes, taskTypes.email|call|reply or taskOwner.fallbackUserId' }),
  value: Nullable(Type.String()),
  message: Type.String(),
  ownerName: Type.Optional(
    Nullable(
      Type.String({
        description: 'fallback_owner_inactive only: the fallback Task owner’s name in Salesforce; null when the user no longer exists',
      }),
    ),
  ),
});
const CustomizationsReply = Type.Object({
  settings: Settings,
  updatedBy: Nullable(Type.String()),
  updatedAt: Nullable(DateTime),
  salesforce: Nullable(
    Type.Object({
      checkedAt: DateTime,
      taskTypeValues: Type.Array(Type.String(), { description: 'Active values of the Task Type picklist' }),
      warnings: Type.Array(Warning),
      optionalFields: Type.Array(Type.Object({ name: Type.String(), label: Nullable(Type.String()), present: Type.Boolean() })),
      fallbackOwner: Nullable(Type.Object({ id: Type.String(), name: Type.String(), username: Type.String(), isActive: Type.Boolean() })),
    }),
  ),
  salesforceError: Nullable(Type.Object({ code: Type.String(), message: Type.String(), hint: Type.String() })),
});

export function salesforceRoutes(connections: () => SalesforceConnections, customizations: () => SalesforceCustomizations): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/connections/salesforce/authorize-url',
      {
        schema: {
          tags: ['salesforce'],
          operationId: 'getSalesforceAuthorizeUrl',
          summary: 'The Salesforce authorize URL (OAuth web server flow with PKCE) the setup page opens to connect the account',
          security: secured,
          querystring: Type.Object({
            loginUrl: Type.Optional(
              Type.String({ maxLength: 300, description: 'https://login.salesforce.com (default), https://test.salesforce.com or the org’s My Domain' }),
            ),
            returnUrl: Type.Optional(Type.String({ maxLength: 2000, description: 'The setup page to return to after connecting (a page of the org)' })),
          }),
          response: {
            200: Type.Object({
              url: Type.String(),
              loginUrl: Type.String(),
              expiresAt: Type.String({ format: 'date-time', description: 'Finish connecting before then (10 minutes)' }),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return connections().authorizeUrl(request.accountId, request.query, actorOf(request));
      },
    );

    app.get(
      '/connections/salesforce',
      {
        schema: {
          tags: ['salesforce'],
          operationId: 'getSalesforceConnection',
          summary: 'The Salesforce connection: state, who connected it, API usage and the last error',
          security: secured,
          response: { 200: Status, ...errors },
        },
      },
      async (request) => connections().status(request.accountId),
    );

    app.post(
      '/connections/salesforce/verify',
      {
        schema: {
          tags: ['salesforce'],
          operationId: 'verifySalesforceConnection',
          summary: 'Make a cheap Salesforce call now and answer the updated status',
          security: secured,
          response: { 200: Status, ...errors },
        },
      },
      async (request) => connections().verify(request.accountId),
    );

    app.delete(
      '/connections/salesforce',
      {
        schema: {
          tags: ['salesforce'],
          operationId: 'disconnectSalesforce',
          summary: 'Disconnect from Salesforce (the refresh token is revoked at Salesforce, best effort)',
          security: secured,
          response: { 200: Type.Intersect([Status, Type.Object({ tokenRevoked: Type.Boolean() })]), ...errors },
        },
      },
      async (request) => connections().disconnect(request.accountId, actorOf(request)),
    );

    app.get(
      '/connections/salesforce/customizations',
      {
        schema: {
          tags: ['salesforce'],
          operationId: 'getSalesforceCustomizations',
          summary: 'Connections & Customizations: how activities become Tasks, checked against the org’s Task describe when connected',
          security: secured,
          response: { 200: CustomizationsReply, ...errors },
        },
      },
      async (request) => customizations().get(request.accountId),
    );

    app.put(
      '/connections/salesforce/customizations',
      {
        schema: {
          tags: ['salesforce'],
          operationId: 'updateSalesforceCustomizations',
          summary: 'Save Connections & Customizations; answers warnings when the org’s Task Type picklist lacks a configured value',
          security: secured,
          body: SettingsInput,
          response: { 200: CustomizationsReply, ...errors },
        },
      },
      async (request) => customizations().update(request.accountId, request.body, actorOf(request)),
    );
  };
}
