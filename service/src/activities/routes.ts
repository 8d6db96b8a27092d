import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LEAD_OR_CONTACT_ID } from '../account/org-id.js';
import { actorOf } from '../platform/audit.js';
import { badRequest, notFound } from '../platform/errors.js';
import { UuidString } from '../platform/ids.js';
import { unstorableTextError, unstorableTextIssue } from '../platform/request-text.js';
import { ACTIVITY_KINDS, CALL_STATUSES } from './kinds.js';
import type { PersonRef } from './persons.js';
import type { ActivityService } from './service.js';

const errors = {
  400: { $ref: 'ErrorBody#' },
  401: { $ref: 'ErrorBody#' },
  403: { $ref: 'ErrorBody#' },
  404: { $ref: 'ErrorBody#' },
  409: { $ref: 'ErrorBody#' },
  410: { $ref: 'ErrorBody#' },
};
const secured = [{ clientCredentials: [] }];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Url = Type.String({ maxLength: 2000 });
/** Marketo ids (leads, e-mail templates, sales campaigns) are 32-bit signed integers. */
const MARKETO_ID_MAX = 2_147_483_647;
const MarketoId = (options: { minimum: number; description?: string }) => Type.Integer({ ...options, maximum: MARKETO_ID_MAX });

const Attributes = Type.Object(
  {
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'E-mail subject or call subject (e-mail kinds need it)' })),
    templateId: Type.Optional(MarketoId({ minimum: 0 })),
    templateName: Type.Optional(Type.String({ maxLength: 255 })),
    templateUrl: Type.Optional(Url),
    campaignId: Type.Optional(MarketoId({ minimum: 0 })),
    campaignName: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Sales campaign (campaign kinds need it)' })),
    campaignUrl: Type.Optional(Url),
    link: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'The link clicked (email_clicked needs it)' })),
    callStatus: Type.Optional(Type.Union(CALL_STATUSES.map((s) => Type.Literal(s)), { description: 'call needs it' })),
    callDurationSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
    phoneNumber: Type.Optional(Type.String({ maxLength: 40 })),
    recordingUrl: Type.Optional(Url),
    answeredBy: Type.Optional(Type.String({ maxLength: 255 })),
    bounceDetails: Type.Optional(Type.String({ maxLength: 2000 })),
    bouncedEmail: Type.Optional(Type.String({ maxLength: 320 })),
    notes: Type.Optional(Type.String({ maxLength: 10_000 })),
  },
  { additionalProperties: false },
);

const LogBody = Type.Object(
  {
    idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Or the Idempotency-Key header: the same key never logs a second activity' })),
    rep: Type.Object(
      {
        salesforceUserId: Type.String({ minLength: 15, maxLength: 18, description: 'The Salesforce User who did it (005…)' }),
        email: Type.Optional(Type.String({ maxLength: 320, description: 'The rep’s e-mail, to link the Salesforce user to the MSI Actions user the first time' })),
      },
      { additionalProperties: false },
    ),
    person: Type.Object(
      {
        salesforceId: Type.Optional(Type.String({ minLength: 15, maxLength: 18, description: 'Lead (00Q…) or Contact (003…) id' })),
        marketoId: Type.Optional(MarketoId({ minimum: 1 })),
        email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
      },
      { additionalProperties: false, description: 'Exactly one of the three' },
    ),
    kind: Type.Union(ACTIVITY_KINDS.map((k) => Type.Literal(k))),
    occurredAt: Type.Optional(Type.String({ format: 'date-time' })),
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false },
);

const Delivery = Nullable(
  Type.Object({
    id: Type.String({ format: 'uuid' }),
    state: Type.Union(['pending', 'sending', 'delivered', 'failed', 'skipped'].map((s) => Type.Literal(s))),
    attempts: Type.Integer(),
    remoteId: Nullable(Type.String({ description: 'The Task id, or the Marketo activity id (marketoGUID)' })),
    deliveredAt: Nullable(Type.String({ format: 'date-time' })),
    error: Nullable(Type.Object({ code: Type.String(), message: Type.String(), hint: Nullable(Type.String()) })),
    nextAttemptAt: Nullable(Type.String({ format: 'date-time' })),
  }),
);

const Activity = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.String(),
    occurredAt: Type.String({ format: 'date-time' }),
    loggedAt: Type.String({ format: 'date-time' }),
    marker: Type.String({ description: 'The (SIA-…) marker ending the Task subject and the Marketo primary attribute' }),
    person: Type.Object({
      marketoId: Type.Integer(),
      email: Nullable(Type.String()),
      name: Nullable(Type.String()),
      salesforceId: Nullable(Type.String()),
      salesforceType: Nullable(Type.String()),
    }),
    rep: Type.Object({ userId: Nullable(Type.String()), email: Type.String(), name: Type.String(), salesforceUserId: Nullable(Type.String()) }),
    attributes: Type.Record(Type.String(), Type.Unknown()),
    deliveries: Type.Object({ marketo: Delivery, salesforce: Delivery }),
  },
  { $id: 'Activity', title: 'Activity' },
);

const System = Type.Union([Type.Literal('marketo'), Type.Literal('salesforce')]);
const Paging = {
  page: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
};

const Counts = Type.Object({ pending: Type.Integer(), sending: Type.Integer(), delivered: Type.Integer(), failed: Type.Integer(), skipped: Type.Integer() });
const Diagnostics = Type.Object({
  summary: Type.Object({ marketo: Counts, salesforce: Counts }),
  retrying: Type.Array(Type.Object({ system: Type.String(), code: Type.String(), count: Type.Integer() }), { description: 'Deliveries waiting for another attempt after a temporary error' }),
  perDay: Type.Array(Type.Object({ day: Type.String(), system: Type.String(), failed: Type.Integer(), delivered: Type.Integer() })),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  failures: Type.Array(
    Type.Object({
      deliveryId: Type.String({ format: 'uuid' }),
      system: Type.String(),
      code: Type.String({ description: 'The Salesforce or Marketo error code' }),
      message: Type.String(),
      hint: Nullable(Type.String({ description: 'What to fix (MSI diagnostics cheat sheet)' })),
      failedAt: Nullable(Type.String({ format: 'date-time' })),
      attempts: Type.Integer(),
      activity: Type.Object({ id: Type.String(), kind: Type.String(), occurredAt: Type.String(), repEmail: Type.String() }),
      person: Type.Object({ marketoId: Type.Integer(), email: Nullable(Type.String()), name: Nullable(Type.String()), salesforceId: Nullable(Type.String()) }),
    }),
  ),
});

const Retried = Type.Object({ retried: Type.Integer() });

const PersonView = Type.Object({
  marketoId: Type.Integer(),
  salesforceType: Nullable(Type.String({ description: 'Lead or Contact (Contact when both)' })),
  salesforceId: Nullable(Type.String()),
  synced: Type.Boolean({ description: 'False when the person is no longer synced' }),
  removedAt: Nullable(Type.String()),
  fields: Type.Record(Type.String(), Type.Unknown(), { description: 'Every synced field' }),
  updatedAt: Nullable(Type.String()),
  engagement: Type.Object({
    days: Type.Integer(),
    total: Type.Integer(),
    byKind: Type.Record(Type.String(), Type.Integer()),
    lastActivityAt: Nullable(Type.String()),
    recent: Type.Array(Type.Ref(Activity)),
  }),
});

export function activityRoutes(service: () => ActivityService): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Activity);

    app.post(
      '/activities',
      {
        schema: {
          tags: ['activities'],
          operationId: 'logActivity',
          summary: 'Log a sales activity for a person; it is delivered to Marketo (custom activity) and Salesforce (Task)',
          description: 'Send an Idempotency-Key header (or idempotencyKey): the same key answers the same activity (200) and never logs a second one.',
          security: secured,
          headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
          body: LogBody,
          response: { 200: Type.Ref(Activity), 201: Type.Ref(Activity), ...errors },
        },
      },
      async (request, reply) => {
        const body = request.body as Static<typeof LogBody>;
        const key = request.headers['idempotency-key'] ?? body.idempotencyKey;
        if (!key) throw badRequest('idempotency_key_required', 'Send an Idempotency-Key header (or idempotencyKey in the body) so a retried request never logs the activity twice.');
        if (body.idempotencyKey && request.headers['idempotency-key'] && body.idempotencyKey !== request.headers['idempotency-key']) {
          throw badRequest('idempotency_key_mismatch', 'The Idempotency-Key header and idempotencyKey differ.');
        }
        const { activity, created } = await service().logActivity(request.accountId, {
          idempotencyKey: key,
          rep: body.rep,
          person: body.person,
          kind: body.kind,
          occurredAt: body.occurredAt,
          attributes: body.attributes ?? {},
        });
        return reply.status(created ? 201 : 200).send(activity);
      },
    );

    app.post(
      '/activities/batch',
      {
        // Text that cannot be stored (a NUL, a lone surrogate) in one activity fails that activity, not the batch.
        config: { textCheckPerItem: 'activities' },
        schema: {
          tags: ['activities'],
          operationId: 'logActivities',
          summary: 'Log up to 200 activities at once (each with its own idempotencyKey); one answer per activity, in order',
          security: secured,
          body: Type.Object(
            {
              activities: Type.Array(Type.Composite([Type.Omit(LogBody, ['idempotencyKey']), Type.Object({ idempotencyKey: Type.String({ minLength: 1, maxLength: 200 }) })], { additionalProperties: false }), {
                minItems: 1,
                maxItems: 200,
              }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              results: Type.Array(
                Type.Object({
                  status: Type.Integer({ description: '201 logged, 200 already logged with this key, or the error status' }),
                  activity: Type.Optional(Type.Ref(Activity)),
                  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Record(Type.String(), Type.Unknown())) })),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const activities = request.body.activities;
        const refused = activities.map((a, i) => {
          const issue = unstorableTextIssue(a, `body/activities/${i}`);
          return issue ? unstorableTextError(issue) : undefined;
        });
        const logged = activities.filter((_a, i) => !refused[i]);
        const loggedResults =
          logged.length === 0
            ? []
            : await service().logActivities(
                request.accountId,
                logged.map((a) => ({ idempotencyKey: a.idempotencyKey, rep: a.rep, person: a.person, kind: a.kind, occurredAt: a.occurredAt, attributes: a.attributes ?? {} })),
              );
        let next = 0;
        const results = refused.map((error) => (error ? { created: false, error } : loggedResults[next++]!));
        return {
          results: results.map((r) =>
            r.error
              ? { status: r.error.statusCode, error: { code: r.error.code, message: r.error.message, ...(r.error.details ? { details: r.error.details } : {}) } }
              : { status: r.created ? 201 : 200, activity: r.activity },
          ),
        };
      },
    );

    app.get(
      '/activities/:activityId',
      {
        schema: {
          tags: ['activities'],
          operationId: 'getActivity',
          summary: 'One activity with the delivery state to Marketo and Salesforce',
          security: secured,
          params: Type.Object({ activityId: UuidString() }),
          response: { 200: Type.Ref(Activity), ...errors },
        },
      },
      async (request) => service().get(request.accountId, request.params.activityId),
    );

    app.get(
      '/diagnostics',
      {
        schema: {
          tags: ['activities'],
          operationId: 'getActivityDiagnostics',
          summary: 'Failed deliveries per system (code, message, fix hint, person, time), what is being retried, and counts per day',
          security: secured,
          querystring: Type.Object({ system: Type.Optional(System), days: Type.Integer({ minimum: 1, maximum: 90, default: 14 }), ...Paging }),
          response: { 200: Diagnostics, ...errors },
        },
      },
      async (request) => service().diagnostics(request.accountId, request.query),
    );

    app.post(
      '/diagnostics/retry',
      {
        schema: {
          tags: ['activities'],
          operationId: 'retryFailedDeliveries',
          summary: 'Retry every failed delivery (of one system, when given)',
          security: secured,
          body: Type.Optional(Type.Object({ system: Type.Optional(System) }, { additionalProperties: false })),
          response: { 200: Retried, ...errors },
        },
      },
      async (request) => service().retry(request.accountId, actorOf(request), { system: request.body?.system }),
    );

    app.post(
      '/diagnostics/:deliveryId/retry',
      {
        schema: {
          tags: ['activities'],
          operationId: 'retryDelivery',
          summary: 'Retry one failed delivery',
          security: secured,
          params: Type.Object({ deliveryId: UuidString() }),
          response: { 200: Retried, ...errors },
        },
      },
      async (request) => {
        const found = await service().deliveryExists(request.accountId, request.params.deliveryId);
        if (!found) throw notFound('The delivery');
        if (found.state !== 'failed') throw badRequest('delivery_not_failed', `The delivery is ${found.state}; only failed deliveries are retried by hand.`);
        return service().retry(request.accountId, actorOf(request), { deliveryId: request.params.deliveryId });
      },
    );

    app.get(
      '/persons/lookup',
      {
        schema: {
          tags: ['activities'],
          operationId: 'lookupPerson',
          summary: 'The synced person (every synced field), Lead or Contact, and recent engagement; by Salesforce id, e-mail or Marketo id',
          security: secured,
          querystring: Type.Object({
            salesforceId: Type.Optional(Type.String({ pattern: LEAD_OR_CONTACT_ID.source })),
            email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
            marketoId: Type.Optional(MarketoId({ minimum: 1 })),
          }),
          response: { 200: Type.Object({ people: Type.Array(PersonView) }), ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const given = [q.salesforceId, q.email, q.marketoId].filter((x) => x !== undefined);
        if (given.length !== 1) throw badRequest('invalid_person', 'Give exactly one of salesforceId, email or marketoId.');
        const ref: PersonRef = q.salesforceId ? { salesforceId: q.salesforceId } : q.email ? { email: q.email } : { marketoId: q.marketoId! };
        return service().lookup(request.accountId, ref);
      },
    );

    app.get(
      '/persons/:marketoId/activities',
      {
        schema: {
          tags: ['activities'],
          operationId: 'listPersonActivities',
          summary: 'A person’s activities (by Marketo id), newest first, with the delivery state to Marketo and Salesforce',
          security: secured,
          params: Type.Object({ marketoId: MarketoId({ minimum: 1 }) }),
          querystring: Type.Object({
            ...Paging,
            salesforceId: Type.Optional(
              Type.String({ pattern: LEAD_OR_CONTACT_ID.source, description: 'The record page’s Lead or Contact id: the person must be its person (else 404)' }),
            ),
          }),
          response: {
            200: Type.Object({ page: Type.Integer(), pageSize: Type.Integer(), total: Type.Integer(), activities: Type.Array(Type.Ref(Activity)) }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { salesforceId, ...page } = request.query;
        return service().personActivities(request.accountId, request.params.marketoId, page, salesforceId);
      },
    );
  };
}
