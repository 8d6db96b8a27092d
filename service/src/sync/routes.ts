import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf } from '../platform/audit.js';
import type { SyncEngine } from './engine.js';
import { MAX_EXTRA_FIELDS } from './fields.js';

const errors = {
  400: { $ref: 'ErrorBody#' },
  401: { $ref: 'ErrorBody#' },
  404: { $ref: 'ErrorBody#' },
  409: { $ref: 'ErrorBody#' },
  429: { $ref: 'ErrorBody#' },
  502: { $ref: 'ErrorBody#' },
};
const secured = [{ clientCredentials: [] }];
const NullableString = (options: Parameters<typeof Type.String>[0] = {}) =>
  Type.Union([Type.String(options), Type.Null()]);
const NullableInteger = () => Type.Union([Type.Integer(), Type.Null()]);
const Phase = Type.Union(
  ['not_started', 'initial_load', 'incremental', 'paused', 'waiting_for_quota', 'failed'].map((p) => Type.Literal(p)),
);

const Settings = Type.Object({
  ownerField: Type.String({
    description: 'The Marketo field whose value makes a person a sales person (default sfdcLeadOwnerId)',
  }),
  extraFields: Type.Array(Type.Object({ name: Type.String(), dataType: Type.String() }), {
    maxItems: MAX_EXTRA_FIELDS,
  }),
  intervalSeconds: Type.Integer({ description: 'Seconds between incremental runs' }),
  updatedBy: NullableString(),
  updatedAt: NullableString({ format: 'date-time' }),
});

const SettingsBody = Type.Object(
  {
    ownerField: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    extraFields: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        maxItems: 50,
        description: `Marketo REST field names from describe, at most ${MAX_EXTRA_FIELDS}`,
      }),
    ),
    intervalSeconds: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 86_400, description: 'Seconds between incremental runs (default 60)' }),
    ),
  },
  { additionalProperties: false },
);

const SampleRow = Type.Object({
  marketoId: Type.Integer(),
  firstName: NullableString(),
  lastName: NullableString(),
  email: NullableString(),
  company: NullableString(),
  title: NullableString(),
  phone: NullableString(),
  linkedinUrl: NullableString(),
  source: NullableString(),
  salesforceLeadId: NullableString(),
  salesforceContactId: NullableString(),
  salesforceAccountId: NullableString(),
  salesforceOpportunityId: NullableString(),
  salesforceType: NullableString(),
  ownerId: NullableString(),
  extra: Type.Record(Type.String(), Type.Unknown()),
});

const WarningCode = <T extends string>(code: T) =>
  Type.Union([Type.Literal(code), Type.Null()], {
    description: `${code} when there is a warning (pages word it by this code; \`warning\` is the English text), else null`,
  });

const Preview = Type.Object({
  standardFields: Type.Array(
    Type.Object({
      key: Type.String({
        description: 'Stable name of the standard field (firstName, lastName, salesforceContactId, …)',
      }),
      label: Type.String(),
      marketoField: NullableString({ description: 'The Marketo REST field read in this instance' }),
      dataType: NullableString(),
      candidates: Type.Array(Type.String(), { description: 'The Marketo REST names looked for, most usual first' }),
      warning: NullableString(),
      warningCode: WarningCode('standard_field_missing'),
    }),
  ),
  ownerField: Type.Object({
    marketoField: Type.String(),
    dataType: NullableString(),
    warning: NullableString(),
    warningCode: WarningCode('owner_field_missing'),
  }),
  extraFields: Type.Array(
    Type.Object({
      marketoField: Type.String(),
      displayName: Type.String(),
      dataType: Type.String(),
      warning: NullableString(),
      warningCode: WarningCode('extra_field_missing'),
    }),
  ),
  maxExtraFields: Type.Integer(),
  availableFields: Type.Array(
    Type.Object({ marketoField: Type.String(), displayName: Type.String(), dataType: Type.String() }),
  ),
  qualifyingCount: NullableInteger(),
  countSource: Type.Union([Type.Literal('synced'), Type.Literal('unavailable')], {
    description:
      'synced: qualifyingCount counts the synced copy; unavailable: no count before the initial load (countNote says so in English)',
  }),
  countNote: Type.String(),
  sampleScanned: Type.Integer(),
  sampleQualifying: Type.Integer(),
  sample: Type.Array(SampleRow, { maxItems: 10 }),
});

const Run = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.String(),
  phase: Phase,
  method: Type.String({ description: 'bulk (bulk lead extract) or rest (id ranges, when bulk is unavailable)' }),
  startedBy: NullableString(),
  startedAt: Type.String({ format: 'date-time' }),
  loadStartedAt: NullableString({ format: 'date-time' }),
  loadFinishedAt: NullableString({ format: 'date-time' }),
  endedAt: NullableString({ format: 'date-time' }),
  windowsPlanned: Type.Integer(),
  windowsDone: Type.Integer(),
  estimatedPeople: NullableInteger(),
  counts: Type.Object({
    read: Type.Integer(),
    inserted: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    removed: Type.Integer(),
    skipped: Type.Integer(),
    skippedReasons: Type.Record(Type.String(), Type.Integer()),
  }),
  ratePerSecond: Type.Number({ description: 'People read per second during the initial load' }),
  etaSeconds: NullableInteger(),
  waitingUntil: NullableString({ format: 'date-time' }),
  waitReason: NullableString(),
  incrementalRuns: Type.Integer(),
  lastIncrementalAt: NullableString({ format: 'date-time' }),
  lastIncrementalLagSeconds: NullableInteger(),
  lastIncrementalChanges: NullableInteger(),
  nextIncrementalAt: NullableString({ format: 'date-time' }),
  errors: Type.Array(
    Type.Object({
      at: Type.String(),
      step: Type.String(),
      code: Type.String({ description: 'Marketo’s code when Marketo answered one' }),
      message: Type.String(),
    }),
  ),
});

const Status = Type.Object({
  phase: Phase,
  marketoConnected: Type.Boolean(),
  marketoCallsToday: Type.Integer(),
  marketoDailyQuota: NullableInteger(),
  intervalSeconds: Type.Integer(),
  people: Type.Object({ active: Type.Integer(), removed: Type.Integer() }),
  run: Type.Union([Run, Type.Null()]),
});

export function syncRoutes(engine: () => SyncEngine): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['sync'];

    app.get(
      '/sync/fields',
      {
        schema: {
          tags,
          operationId: 'previewSyncFields',
          summary:
            'The fields that will sync (as this Marketo instance names them), the qualifying count when known, and a sample of 10 people',
          security: secured,
          response: { 200: Preview, ...errors },
        },
      },
      async (request) => engine().preview(request.accountId),
    );

    app.get(
      '/sync/settings',
      {
        schema: {
          tags,
          operationId: 'getSyncSettings',
          summary: 'The owner field, extra fields and incremental interval',
          security: secured,
          response: { 200: Settings, ...errors },
        },
      },
      async (request) => engine().settings(request.accountId),
    );

    app.put(
      '/sync/settings',
      {
        schema: {
          tags,
          operationId: 'updateSyncSettings',
          summary: `Choose the owner field, up to ${MAX_EXTRA_FIELDS} extra Marketo fields and the incremental interval (audited; applies to the next started sync)`,
          security: secured,
          body: SettingsBody,
          response: { 200: Settings, ...errors },
        },
      },
      async (request) => engine().updateSettings(request.accountId, request.body, actorOf(request)),
    );

    app.post(
      '/sync/start',
      {
        schema: {
          tags,
          operationId: 'startSync',
          summary:
            'Start the sync: the initial load, then incremental runs (refused until Marketo is connected; audited)',
          security: secured,
          response: { 202: Status, ...errors },
        },
      },
      async (request, reply) => reply.status(202).send(await engine().start(request.accountId, actorOf(request))),
    );

    app.post(
      '/sync/pause',
      {
        schema: {
          tags,
          operationId: 'pauseSync',
          summary: 'Pause the sync (audited)',
          security: secured,
          response: { 200: Status, ...errors },
        },
      },
      async (request) => engine().pause(request.accountId, actorOf(request)),
    );

    app.post(
      '/sync/resume',
      {
        schema: {
          tags,
          operationId: 'resumeSync',
          summary: 'Resume a paused sync where it stopped (audited)',
          security: secured,
          response: { 200: Status, ...errors },
        },
      },
      async (request) => engine().resume(request.accountId, actorOf(request)),
    );

    app.post(
      '/sync/resync',
      {
        schema: {
          tags,
          operationId: 'resyncSync',
          summary: 'A full resync: a new initial load of everyone, then incremental runs (audited)',
          security: secured,
          response: { 202: Status, ...errors },
        },
      },
      async (request, reply) => reply.status(202).send(await engine().resync(request.accountId, actorOf(request))),
    );

    app.get(
      '/sync/status',
      {
        schema: {
          tags,
          operationId: 'getSyncStatus',
          summary:
            'Is it working and when will it be done: phase, counts, rate, ETA, Marketo calls today, lag, last errors',
          security: secured,
          response: { 200: Status, ...errors },
        },
      },
      async (request) => engine().status(request.accountId),
    );

    app.get(
      '/sync/runs',
      {
        schema: {
          tags,
          operationId: 'listSyncRuns',
          summary: 'The history of started syncs, newest first',
          security: secured,
          response: { 200: Type.Object({ runs: Type.Array(Run) }), ...errors },
        },
      },
      async (request) => ({ runs: await engine().runs(request.accountId) }),
    );
  };
}
