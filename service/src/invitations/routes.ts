import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf, salesforceActorOf } from '../platform/audit.js';
import { UuidString } from '../platform/ids.js';
import { MAX_FILE_BYTES } from './csv.js';
import { CSV_FIELDS } from './csv-mapping.js';
import { OUTCOMES, REASON_CODES } from './messages.js';
import type { MemberService } from './members.js';
import { MAX_ADDRESSES, type InvitationService } from './service.js';

const errors = { 400: { $ref: 'ErrorBody#' }, 401: { $ref: 'ErrorBody#' }, 404: { $ref: 'ErrorBody#' }, 409: { $ref: 'ErrorBody#' } };
const secured = [{ clientCredentials: [] }];
const Id = UuidString();
const Role = Type.Union([Type.Literal('Admin'), Type.Literal('User')]);
const Status = Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('deactivated')]);
const Outcome = Type.Union(OUTCOMES.map((o) => Type.Literal(o)));
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Counts = Type.Object(Object.fromEntries(OUTCOMES.map((o) => [o, Type.Integer()])));
const ReasonCode = Type.Union(
  REASON_CODES.map((c) => Type.Literal(c)),
  {
    description:
      'What the reason is, for a client that words it itself. Its params: seat_limit {limit}; team_limit {team, limit}; email_too_long, email_local_too_long, first_name_too_long, last_name_too_long, name_too_long {max}; team_name_too_long {team, max}; too_many_values, too_few_values {values, expected}; duplicate_in_file {firstRow}; invalid_role {role}; unknown_team {team}; email_invalid_domain {domain}; the others none. More codes may come: show the message for a code you do not know.',
  },
);
const ReasonParams = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ description: 'The account’s seat or team limit' })),
    max: Type.Optional(Type.Integer({ description: 'The longest value allowed' })),
    values: Type.Optional(Type.Integer({ description: 'The values in the row' })),
    expected: Type.Optional(Type.Integer({ description: 'The values of the header' })),
    firstRow: Type.Optional(Type.Integer({ description: 'The row that has the same address first' })),
    role: Type.Optional(Type.String({ description: 'The role cell as written' })),
    team: Type.Optional(Type.String({ description: 'The team’s name (its first 40 characters when too long)' })),
    domain: Type.Optional(Type.String({ description: 'The domain as written' })),
  },
  { description: 'The values the reason’s sentence needs (which ones: see code)' },
);
const Reason = Type.Object({
  code: ReasonCode,
  message: Type.String({ description: 'The reason as an English sentence' }),
  params: ReasonParams,
});
const Reasons = Type.Array(Reason, { description: 'The reasons with their codes; `reason` is their messages joined by "; "' });
const TeamRef = Type.Object({ id: Type.String(), name: Type.String(), everyone: Type.Boolean() });

const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  role: Role,
  status: Status,
  original: Type.Boolean({ description: 'The user the first invitation went to (MSI: must stay once the sync has started)' }),
  teams: Type.Array(TeamRef),
  invitation: Type.Union([
    Type.Object({
      sentAt: Nullable(Type.String({ format: 'date-time' })),
      expiresAt: Nullable(Type.String({ format: 'date-time' })),
      sendCount: Type.Integer(),
      lastError: Nullable(Type.String()),
    }),
    Type.Null(),
  ]),
  invitationError: Nullable(Type.String({ description: 'A permanent delivery failure of the invitation e-mail' })),
  createdAt: Type.String({ format: 'date-time' }),
  activatedAt: Nullable(Type.String({ format: 'date-time' })),
  deactivatedAt: Nullable(Type.String({ format: 'date-time' })),
});
const Seats = Type.Object({ limit: Type.Integer(), used: Type.Integer(), available: Type.Integer() });
const Team = Type.Object({ id: Type.String(), name: Type.String(), everyone: Type.Boolean(), memberCount: Type.Integer(), createdAt: Type.String({ format: 'date-time' }) });
const Paging = {
  page: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
};
// OpenAPI's nullable rather than a union: with type coercion on, a union would turn null into 0 or 0 into null.
const MappingIndex = Type.Optional(Type.Integer({ minimum: 0, nullable: true, description: 'Column index, or null when the file has no such column' }));
const Mapping = Type.Object(
  {
    email: Type.Integer({ minimum: 0, description: 'Column index (0-based) of the e-mail addresses' }),
    firstName: MappingIndex,
    lastName: MappingIndex,
    name: MappingIndex,
    role: MappingIndex,
    teams: MappingIndex,
  },
  { additionalProperties: false },
);
const CsvRow = Type.Object({
  row: Type.Integer({ description: 'The row number as a spreadsheet shows it (the header is row 1)' }),
  email: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  outcome: Outcome,
  reason: Nullable(Type.String()),
  reasons: Reasons,
});

export function invitationRoutes(invitations: () => InvitationService, members: () => MemberService): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/invitations',
      {
        schema: {
          tags: ['invitations'],
          operationId: 'inviteUsers',
          summary: 'Invite people by e-mail address; each joins the Everyone team and the chosen teams',
          security: secured,
          body: Type.Object(
            {
              addresses: Type.Union([Type.String({ maxLength: 200_000 }), Type.Array(Type.String({ maxLength: 320 }), { maxItems: MAX_ADDRESSES })], {
                description: 'The text of the address box (separated by commas, semicolons, spaces or new lines) or a list',
              }),
              role: Type.Optional(Role),
              teams: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50, description: 'Team ids or names' })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              results: Type.Array(
                Type.Object({
                  address: Type.String(),
                  email: Nullable(Type.String()),
                  outcome: Outcome,
                  reason: Nullable(Type.String()),
                  reasons: Reasons,
                  userId: Nullable(Type.String()),
                }),
              ),
              counts: Counts,
              duplicates: Type.Integer({ description: 'Addresses given more than once (reported once)' }),
              message: Type.String({ description: 'The confirmation message for the page' }),
            }),
            ...errors,
          },
        },
      },
      async (request) => invitations().invite(request.accountId, request.body, actorOf(request), salesforceActorOf(request)?.name ?? null),
    );

    app.post(
      '/users/:userId/invitation',
      {
        schema: {
          tags: ['invitations'],
          operationId: 'resendInvitation',
          summary: 'Send a new invitation link to someone who has not accepted; the old link stops working',
          security: secured,
          params: Type.Object({ userId: Id }),
          response: { 200: Type.Object({ userId: Type.String(), email: Type.String(), outcome: Type.Literal('resent') }), ...errors },
        },
      },
      async (request) => invitations().resend(request.accountId, request.params.userId, actorOf(request), salesforceActorOf(request)?.name ?? null),
    );

    app.delete(
      '/users/:userId/invitation',
      {
        schema: {
          tags: ['invitations'],
          operationId: 'revokeInvitation',
          summary: 'Withdraw an invitation that was not accepted: the link stops working and the seat is freed',
          security: secured,
          params: Type.Object({ userId: Id }),
          response: { 200: Type.Object({ userId: Type.String(), email: Type.String(), revoked: Type.Boolean() }), ...errors },
        },
      },
      async (request) => invitations().revoke(request.accountId, request.params.userId, actorOf(request)),
    );

    app.post(
      '/invitations/csv',
      {
        // 10 MB of file as base64 is 13.4 MB of JSON.
        bodyLimit: Math.ceil(MAX_FILE_BYTES * 1.4) + 64 * 1024,
        schema: {
          tags: ['invitations'],
          operationId: 'previewInvitationCsv',
          summary: 'Upload a CSV of people to invite: detected format, suggested column mapping, first rows and problems',
          security: secured,
          body: Type.Object(
            {
              fileName: Type.String({ maxLength: 500 }),
              content: Type.String({ description: 'The file as text, or as base64 (for files that are not UTF-8)' }),
              encoding: Type.Optional(Type.Union([Type.Literal('text'), Type.Literal('base64')], { default: 'text' })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              uploadId: Type.String(),
              fileName: Type.String(),
              expiresAt: Type.String({ format: 'date-time' }),
              encoding: Type.String({ description: 'utf-8, utf-8-bom, utf-16le, utf-16be or windows-1252' }),
              delimiter: Type.String(),
              hasHeader: Type.Boolean(),
              rowCount: Type.Integer(),
              columns: Type.Array(
                Type.Object({
                  index: Type.Integer(),
                  header: Type.String(),
                  field: Nullable(Type.String()),
                  by: Nullable(Type.String({ description: 'header or content' })),
                  samples: Type.Array(Type.String()),
                }),
              ),
              mapping: Type.Object(Object.fromEntries(CSV_FIELDS.map((f) => [f, Type.Union([Type.Integer(), Type.Null()])]))),
              preview: Type.Array(
                Type.Object({
                  row: Type.Integer(),
                  email: Type.String(),
                  firstName: Nullable(Type.String()),
                  lastName: Nullable(Type.String()),
                  name: Type.String(),
                  role: Role,
                  teams: Type.Array(Type.String()),
                  outcome: Outcome,
                  problems: Type.Array(Type.String()),
                  reasons: Type.Array(Reason, { description: 'The problems with their codes, in the same order' }),
                }),
              ),
              problems: Type.Array(
                Type.Object({ row: Type.Integer(), severity: Type.String({ description: 'error or warning' }), code: ReasonCode, message: Type.String(), params: ReasonParams }),
              ),
              problemCount: Type.Integer(),
              summary: Type.Object({
                rows: Type.Integer(),
                new: Type.Integer(),
                alreadyInvited: Type.Integer(),
                alreadyMembers: Type.Integer(),
                invalid: Type.Integer(),
                duplicates: Type.Integer(),
              }),
              unknownTeams: Type.Array(Type.String()),
              seats: Type.Object({ limit: Type.Integer(), used: Type.Integer(), available: Type.Integer(), needed: Type.Integer() }),
            }),
            ...errors,
          },
        },
      },
      async (request) => invitations().previewCsv(request.accountId, request.body, actorOf(request)),
    );

    app.post(
      '/invitations/csv/:uploadId/commit',
      {
        schema: {
          tags: ['invitations'],
          operationId: 'commitInvitationCsv',
          summary: 'Invite every valid row of an upload with the confirmed mapping (a second commit answers the first one’s outcomes)',
          security: secured,
          params: Type.Object({ uploadId: Id }),
          body: Type.Object({ mapping: Mapping, createMissingTeams: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
          response: {
            200: Type.Object({
              uploadId: Type.String(),
              alreadyCommitted: Type.Boolean(),
              counts: Counts,
              message: Type.String(),
              teamsCreated: Type.Array(Type.String()),
              rows: Type.Array(CsvRow),
            }),
            ...errors,
          },
        },
      },
      async (request) => invitations().commitCsv(request.accountId, request.params.uploadId, request.body, actorOf(request), salesforceActorOf(request)?.name ?? null),
    );

    app.get(
      '/invitations/csv/:uploadId/results.csv',
      {
        schema: {
          tags: ['invitations'],
          operationId: 'downloadInvitationCsvResults',
          summary: 'The per-row outcomes of a committed upload as CSV (formula-like cells neutralised)',
          security: secured,
          params: Type.Object({ uploadId: Id }),
          produces: ['text/csv'],
          response: { 200: Type.String(), ...errors },
        },
      },
      async (request, reply) => {
        const { fileName, csv } = await invitations().csvResults(request.accountId, request.params.uploadId);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${fileName}"`)
          .header('x-content-type-options', 'nosniff')
          .send(csv);
      },
    );

    // ---- User Management --------------------------------------------------------------------

    app.get(
      '/users',
      {
        schema: {
          tags: ['users'],
          operationId: 'listUsers',
          summary: 'The account’s users with their teams, filtered and paged, and the seat count',
          security: secured,
          querystring: Type.Object({
            search: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the e-mail address or name' })),
            status: Type.Optional(Status),
            role: Type.Optional(Role),
            team: Type.Optional(Id),
            ...Paging,
          }),
          response: {
            200: Type.Object({ users: Type.Array(User), page: Type.Integer(), pageSize: Type.Integer(), total: Type.Integer(), seats: Seats }),
            ...errors,
          },
        },
      },
      async (request) => members().list(request.accountId, request.query),
    );

    app.get(
      '/users/:userId',
      {
        schema: { tags: ['users'], operationId: 'getUser', summary: 'One user', security: secured, params: Type.Object({ userId: Id }), response: { 200: User, ...errors } },
      },
      async (request) => members().get(request.accountId, request.params.userId),
    );

    app.patch(
      '/users/:userId',
      {
        schema: {
          tags: ['users'],
          operationId: 'changeUserRole',
          summary: 'Change a user’s role (the account keeps at least one active admin)',
          security: secured,
          params: Type.Object({ userId: Id }),
          body: Type.Object({ role: Role }, { additionalProperties: false }),
          response: { 200: User, ...errors },
        },
      },
      async (request) => members().changeRole(request.accountId, request.params.userId, request.body.role, actorOf(request)),
    );

    app.post(
      '/users/:userId/teams',
      {
        schema: {
          tags: ['users'],
          operationId: 'addUserToTeams',
          summary: 'Add a user to teams (ids or names)',
          security: secured,
          params: Type.Object({ userId: Id }),
          body: Type.Object({ teams: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }),
          response: { 200: User, ...errors },
        },
      },
      async (request) => members().addToTeams(request.accountId, request.params.userId, request.body.teams, actorOf(request)),
    );

    app.delete(
      '/users/:userId/teams/:teamId',
      {
        schema: {
          tags: ['users'],
          operationId: 'removeUserFromTeam',
          summary: 'Remove a user from a team (not from Everyone)',
          security: secured,
          params: Type.Object({ userId: Id, teamId: Id }),
          response: { 200: User, ...errors },
        },
      },
      async (request) => members().removeFromTeam(request.accountId, request.params.userId, request.params.teamId, actorOf(request)),
    );

    app.post(
      '/users/:userId/deactivate',
      {
        schema: {
          tags: ['users'],
          operationId: 'deactivateUser',
          summary: 'Take away a user’s access and free their seat (refused for the original user once the sync has started)',
          security: secured,
          params: Type.Object({ userId: Id }),
          response: { 200: User, ...errors },
        },
      },
      async (request) => members().deactivate(request.accountId, request.params.userId, actorOf(request)),
    );

    app.post(
      '/users/:userId/reactivate',
      {
        schema: {
          tags: ['users'],
          operationId: 'reactivateUser',
          summary: 'Give a deactivated user their access back (needs a free seat)',
          security: secured,
          params: Type.Object({ userId: Id }),
          response: { 200: User, ...errors },
        },
      },
      async (request) => members().reactivate(request.accountId, request.params.userId, actorOf(request), salesforceActorOf(request)?.name ?? null),
    );

    app.delete(
      '/users/:userId',
      {
        schema: {
          tags: ['users'],
          operationId: 'deleteUser',
          summary: 'Delete a user; what they owned passes to the deleting admin (refused for the original user once the sync has started)',
          security: secured,
          params: Type.Object({ userId: Id }),
          querystring: Type.Object({ transferTo: Type.Optional(Id) }),
          response: {
            200: Type.Object({
              deleted: Type.Boolean(),
              userId: Type.String(),
              email: Type.String(),
              transferredTo: Type.Object({ id: Type.String(), email: Type.String() }),
              items: Type.Record(Type.String(), Type.Integer()),
            }),
            ...errors,
          },
        },
      },
      async (request) =>
        members().remove(
          request.accountId,
          request.params.userId,
          { transferTo: request.query.transferTo, actorSalesforceUserId: salesforceActorOf(request)?.salesforceUserId ?? null },
          actorOf(request),
        ),
    );

    // ---- Team Management --------------------------------------------------------------------

    app.get(
      '/teams',
      {
        schema: {
          tags: ['teams'],
          operationId: 'listTeams',
          summary: 'The account’s teams with member counts and the team limit',
          security: secured,
          response: { 200: Type.Object({ teams: Type.Array(Team), limit: Type.Integer(), count: Type.Integer() }), ...errors },
        },
      },
      async (request) => members().listTeams(request.accountId),
    );

    app.post(
      '/teams',
      {
        schema: {
          tags: ['teams'],
          operationId: 'createTeam',
          summary: 'Create a team (within the team limit)',
          security: secured,
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
          response: { 201: Team, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await members().createTeam(request.accountId, request.body.name, actorOf(request))),
    );

    app.patch(
      '/teams/:teamId',
      {
        schema: {
          tags: ['teams'],
          operationId: 'renameTeam',
          summary: 'Rename a team (not Everyone)',
          security: secured,
          params: Type.Object({ teamId: Id }),
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
          response: { 200: Team, ...errors },
        },
      },
      async (request) => members().renameTeam(request.accountId, request.params.teamId, request.body.name, actorOf(request)),
    );

    app.delete(
      '/teams/:teamId',
      {
        schema: {
          tags: ['teams'],
          operationId: 'deleteTeam',
          summary: 'Delete a team (not Everyone); its members stay members of the account',
          security: secured,
          params: Type.Object({ teamId: Id }),
          response: { 200: Type.Object({ deleted: Type.Boolean(), id: Type.String(), name: Type.String() }), ...errors },
        },
      },
      async (request) => members().deleteTeam(request.accountId, request.params.teamId, actorOf(request)),
    );

    app.get(
      '/teams/:teamId/members',
      {
        schema: {
          tags: ['teams'],
          operationId: 'listTeamMembers',
          summary: 'The members of a team, paged',
          security: secured,
          params: Type.Object({ teamId: Id }),
          querystring: Type.Object(Paging),
          response: {
            200: Type.Object({ team: TeamRef, users: Type.Array(User), page: Type.Integer(), pageSize: Type.Integer(), total: Type.Integer() }),
            ...errors,
          },
        },
      },
      async (request) => members().teamMembers(request.accountId, request.params.teamId, request.query.page, request.query.pageSize),
    );
  };
}
