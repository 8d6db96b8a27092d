import { sql } from 'kysely';
import type { Database, DbOrTx } from '../platform/database.js';
import type { Jobs } from '../platform/jobs.js';
import type { Logger } from '../platform/logger.js';
import { recordAudit } from '../platform/audit.js';
import { badRequest, conflict, notFound } from '../platform/errors.js';
import { normaliseEmail } from '../platform/email-address.js';
import { accountRepository } from '../account/repository.js';
import { SEND_INVITATION_QUEUE } from '../account/service.js';
import type { UserRole } from '../account/tables.js';
import { confirmationMessage, countOutcomes, reason, reasonText, type Outcome, type Reason } from './messages.js';
import { CsvSyntaxError, csvLine, decodeCsvBytes, decodeCsvText, detectDelimiter, parseCsv, type CsvDelimiter } from './csv.js';
import { CSV_FIELDS, looksLikeHeader, parseRole, parseTeams, suggestMapping, type CsvField, type CsvMapping } from './csv-mapping.js';
import type { StoredCsvResult } from './tables.js';
import { isTeamNameTaken, teamExists, teamsByName, teamsByRef } from './team-names.js';

export const RELEASE_QUEUE = 'invitations.release';
/** Invitations one release job hands to the send queue. */
const RELEASE_JOB_SIZE = 1000;
/** Data rows one CSV file may hold. */
export const MAX_CSV_ROWS = 100_000;
/** Addresses one POST /invitations may hold; more belong in a CSV file. */
export const MAX_ADDRESSES = 1000;
const PREVIEW_ROWS = 20;
const MAX_PROBLEMS_SHOWN = 500;
const UPLOAD_HOURS = 24;
const MAX_NAME = 200;

/**
 * How fast one account's invitation e-mails leave: `batchSize` every `intervalSeconds`. Ten
 * thousand invitations then trickle out over a quarter of an hour instead of hitting the SMTP
 * server (and its per-sender limits) at once.
 */
export interface DeliveryRate {
  batchSize: number;
  intervalSeconds: number;
}

export interface Invitee {
  email: string;
  name: string;
  firstName: string | null;
  lastName: string | null;
  role: UserRole;
  teamIds: string[];
  /** The role was chosen (not the default): someone invited again gets it. */
  roleGiven?: boolean;
  /** The names were given (not made from the address): someone invited again gets them. */
  namesGiven?: boolean;
}

export interface InviteOutcome {
  outcome: Outcome;
  /** The reasons' English sentences, joined. */
  reason: string | null;
  reasons: Reason[];
  userId: string | null;
}

export interface CsvRowResult {
  row: number;
  email: string;
  firstName: string;
  lastName: string;
  outcome: Outcome;
  reason: string | null;
  reasons: Reason[];
}

interface AnalysedRow {
  row: number;
  email: string;
  rawEmail: string;
  firstName: string | null;
  lastName: string | null;
  name: string | null;
  role: UserRole;
  /** The row has a role (not the default User of an empty cell). */
  roleGiven: boolean;
  teams: string[];
  errors: Reason[];
  warnings: Reason[];
  duplicateOf: number | null;
}

interface ExistingUser {
  id: string;
  status: 'invited' | 'active' | 'deactivated';
}

/** The name a user is shown by: the file's or the parts', else the address's name part. */
function displayName(email: string, name: string | null, first: string | null, last: string | null): string {
  const joined = [first, last].filter(Boolean).join(' ').trim();
  return (name && name.trim()) || joined || email.slice(0, email.indexOf('@'));
}

/** A quoted display name, with its backslash escapes. */
const QUOTED = /"(?:[^"\\]|\\.)*"/g;

/**
 * The box's text cut at commas, semicolons and new lines, except inside a quoted display name
 * (`"Doe, John" <john@x.example>`) or inside `<…>`. A quote or `<` left open is taken as a plain
 * character instead, so one stray quote cannot swallow the rest of the box.
 */
function splitPieces(input: string): string[] {
  const cut = (quotes: boolean, angles: boolean): string[] | undefined => {
    const pieces: string[] = [];
    let start = 0;
    let quoted = false;
    let angled = false;
    for (let i = 0; i < input.length; i += 1) {
      const c = input[i];
      if (quoted) {
        if (c === '\\') i += 1;
        else if (c === '"') quoted = false;
      } else if (angled) {
        if (c === '>') angled = false;
      } else if (c === '"' && quotes) quoted = true;
      else if (c === '<' && angles) angled = true;
      else if (c === ',' || c === ';' || c === '\r' || c === '\n') {
        pieces.push(input.slice(start, i));
        start = i + 1;
      }
    }
    if (quoted || angled) return undefined;
    pieces.push(input.slice(start));
    return pieces;
  };
  return cut(true, true) ?? cut(false, true) ?? cut(true, false) ?? cut(false, false) ?? [input];
}

/**
 * The addresses the page's box holds: separated by commas, semicolons, spaces or new lines;
 * `Name <address>` and `"Last, First" <address>` forms (pasted from a mail client) give their address.
 */
export function splitAddresses(input: string | string[]): string[] {
  if (Array.isArray(input)) return input.map((a) => a.trim()).filter((a) => a !== '');
  const out: string[] = [];
  for (const piece of splitPieces(input)) {
    const bracketed = [...piece.matchAll(/<([^<>]*)>/g)].map((m) => (m[1] ?? '').trim()).filter((a) => a !== '');
    if (bracketed.length === 0) {
      // `"Name" address` without brackets: the quoted part is a name when an address follows it.
      const unquoted = piece.replace(QUOTED, ' ');
      out.push(...(unquoted !== piece && unquoted.includes('@') ? unquoted : piece).split(/\s+/).filter((a) => a !== ''));
      continue;
    }
    // Beside "Name" <address> forms only words with an @ are addresses; the rest are names.
    const rest = piece.replace(/<[^<>]*>/g, ' ').replace(QUOTED, ' ');
    out.push(...rest.split(/\s+/).filter((a) => a.includes('@')), ...bracketed);
  }
  return out;
}

/** Step 5: inviting users, one by one or by CSV, and delivering their e-mails at the account's pace. */
export class InvitationService {
  rate: DeliveryRate = { batchSize: 100, intervalSeconds: 10 };

  constructor(
    private readonly database: Database,
    private readonly jobs: Jobs,
    private readonly log: Logger,
  ) {}

  get db() {
    return this.database.db;
  }

  // ---------------------------------------------------------------------------------------------
  // The one path every invitation takes.

  /**
   * Invites people in one transaction: new addresses become invited members (Everyone plus their
   * teams) while seats last, people already invited get a new link, members are reported. The
   * account row is locked so two admins inviting at once cannot both take the last seat.
   */
  async inviteMany(tx: DbOrTx, accountId: string, invitees: Invitee[], invitedBy: string | null): Promise<{ outcomes: InviteOutcome[]; seatLimit: number }> {
    const account = await accountRepository.lockById(tx, accountId);
    if (!account) throw notFound('The account');
    const existing = new Map<string, ExistingUser>();
    for (const u of await tx.selectFrom('users').select(['id', 'email', 'status']).where('account_id', '=', accountId).execute()) {
      existing.set(u.email, { id: u.id, status: u.status });
    }
    let seatsUsed = [...existing.values()].filter((u) => u.status !== 'deactivated').length;
    const outcomes: InviteOutcome[] = [];
    const toInsert: Invitee[] = [];
    const toInsertAt: number[] = [];
    const resend: Array<{ at: number; userId: string; teamIds: string[]; invitee: Invitee }> = [];
    const seen = new Set<string>();
    for (const [at, invitee] of invitees.entries()) {
      const user = existing.get(invitee.email);
      if (seen.has(invitee.email)) {
        outcomes.push(withReasons('duplicate', [reason('duplicate_address', 'the same address was given earlier')], null));
        continue;
      }
      seen.add(invitee.email);
      if (user?.status === 'active') {
        outcomes.push(withReasons('already_member', [], user.id));
      } else if (user?.status === 'deactivated') {
        outcomes.push(withReasons('already_member', [reason('user_deactivated', 'the user is deactivated: reactivate them instead')], user.id));
      } else if (user) {
        resend.push({ at, userId: user.id, teamIds: invitee.teamIds, invitee });
        outcomes.push(withReasons('resent', [], user.id));
      } else if (seatsUsed >= account.seat_limit) {
        const limit = account.seat_limit;
        outcomes.push(withReasons('refused', [reason('seat_limit', `the account has no free seat (limit ${limit})`, { limit })], null));
      } else {
        seatsUsed += 1;
        toInsert.push(invitee);
        toInsertAt.push(at);
        outcomes.push(withReasons('invited', [], null));
      }
    }
    // Bulk statements, in slices that keep parameter arrays of a sensible size.
    const SLICE = 10_000;
    for (let from = 0; from < toInsert.length; from += SLICE) {
      const slice = toInsert.slice(from, from + SLICE);
      const inserted = await accountRepository.insertMembers(tx, accountId, slice);
      const ids = new Map(inserted.map((r) => [r.email, r.id]));
      slice.forEach((invitee, k) => {
        const outcome = outcomes[toInsertAt[from + k] ?? -1];
        if (outcome) outcome.userId = ids.get(invitee.email) ?? null;
      });
    }
    if (resend.length > 0) {
      // A new link deserves a clean row: the last delivery failure belonged to the old one.
      await tx.updateTable('users').set({ invitation_error: null }).where('account_id', '=', accountId).where('id', 'in', resend.map((r) => r.userId)).execute();
    }
    // Invited again with a role or names: they take them, as they take the teams (the new e-mail then
    // names the new role). A role left out (or an empty Role cell) keeps the one they were invited with.
    const updates = resend.filter((r) => r.invitee.roleGiven || r.invitee.namesGiven);
    for (let from = 0; from < updates.length; from += SLICE) {
      const slice = updates.slice(from, from + SLICE);
      await sql`
        update users u set
          role = coalesce(x.role, u.role),
          name = case when x.named then x.name else u.name end,
          first_name = case when x.named then x.first_name else u.first_name end,
          last_name = case when x.named then x.last_name else u.last_name end
        from unnest(${slice.map((r) => r.userId)}::uuid[], ${slice.map((r) => (r.invitee.roleGiven ? r.invitee.role : null))}::text[],
                    ${slice.map((r) => Boolean(r.invitee.namesGiven))}::boolean[], ${slice.map((r) => r.invitee.name)}::text[],
                    ${slice.map((r) => r.invitee.firstName)}::text[], ${slice.map((r) => r.invitee.lastName)}::text[])
             as x(id, role, named, name, first_name, last_name)
        where u.account_id = ${accountId}::uuid and u.id = x.id`.execute(tx);
    }
    const resendPairs = resend.filter((r) => r.teamIds.length > 0);
    if (resendPairs.length > 0) {
      const teamIds = resendPairs.flatMap((r) => r.teamIds);
      const userIds = resendPairs.flatMap((r) => r.teamIds.map(() => r.userId));
      await sql`
        insert into team_members (team_id, user_id, account_id)
        select t, u, ${accountId}::uuid from unnest(${teamIds}::uuid[], ${userIds}::uuid[]) as x(t, u)
        on conflict do nothing`.execute(tx);
    }
    const invitationIds: string[] = [];
    for (const [outcome, newUsers] of [
      ['invited', true],
      ['resent', false],
    ] as const) {
      const userIds = outcomes.filter((o) => o.outcome === outcome && o.userId).map((o) => o.userId as string);
      for (let from = 0; from < userIds.length; from += SLICE) {
        const rows = await accountRepository.replaceInvitations(tx, { accountId, userIds: userIds.slice(from, from + SLICE), invitedBy, newUsers });
        invitationIds.push(...rows.map((r) => r.id));
      }
    }
    await this.scheduleDelivery(tx, accountId, invitationIds);
    return { outcomes, seatLimit: account.seat_limit };
  }

  /**
   * Queues the e-mails of new invitations at the account's send rate (`batchSize` per
   * `intervalSeconds`), counting the e-mails queued by earlier requests too. One release job per
   * thousand invitations keeps a big import to a few queue inserts; the release job hands each
   * invitation to the account capability's send-invitation queue (which makes the link, sends and
   * retries), each one due at its own moment.
   */
  async scheduleDelivery(tx: DbOrTx, accountId: string, invitationIds: string[]): Promise<void> {
    if (invitationIds.length === 0) return;
    const { batchSize, intervalSeconds } = this.rate;
    const spacingMs = (intervalSeconds * 1000) / batchSize;
    const slot = await sql<{ next_release_at: Date; now: Date }>`
      insert into invitation_send_schedule (account_id, next_release_at) values (${accountId}, now())
      on conflict (account_id) do update set account_id = excluded.account_id
      returning next_release_at, now() as now`.execute(tx);
    const row = slot.rows[0];
    if (!row) throw new Error('The send schedule row was not written');
    const now = new Date(row.now).getTime();
    const start = Math.max(now, new Date(row.next_release_at).getTime());
    for (let from = 0; from < invitationIds.length; from += RELEASE_JOB_SIZE) {
      const delaySeconds = Math.round((start + from * spacingMs - now) / 1000);
      await this.jobs.send(
        RELEASE_QUEUE,
        { accountId, invitationIds: invitationIds.slice(from, from + RELEASE_JOB_SIZE), spacingMs },
        { tx, ...(delaySeconds > 0 ? { startAfterSeconds: delaySeconds } : {}) },
      );
    }
    await tx
      .updateTable('invitation_send_schedule')
      .set({ next_release_at: new Date(start + invitationIds.length * spacingMs) })
      .where('account_id', '=', accountId)
      .execute();
  }

  /** A release is due: its still-open, unsent invitations go to the send queue, spaced, in one transaction. */
  async releaseBatch(data: { accountId: string; invitationIds: string[]; spacingMs?: number }): Promise<void> {
    if (data.invitationIds.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      const open = await tx
        .selectFrom('invitations')
        .select('id')
        .where('account_id', '=', data.accountId)
        .where('id', 'in', data.invitationIds)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('sent_at', 'is', null)
        .execute();
      const openIds = new Set(open.map((o) => o.id));
      let k = 0;
      for (const invitationId of data.invitationIds) {
        if (!openIds.has(invitationId)) continue;
        const delaySeconds = Math.round((k * (data.spacingMs ?? 0)) / 1000);
        k += 1;
        await this.jobs.send(SEND_INVITATION_QUEUE, { invitationId }, { tx, ...(delaySeconds > 0 ? { startAfterSeconds: delaySeconds } : {}) });
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Invite by e-mail address.

  /** Team ids or names, as the page sends them, to ids of this account's teams. */
  async resolveTeams(db: DbOrTx, accountId: string, refs: string[]): Promise<string[]> {
    if (refs.length === 0) return [];
    const keys = refs.map((ref) => ref.trim());
    // Names compared with the database's lower(), as the unique index compares them.
    const found = await teamsByRef(db, accountId, keys);
    const ids: string[] = [];
    const unknown: string[] = [];
    for (const key of keys) {
      const id = found.get(key);
      if (id) ids.push(id);
      else unknown.push(key);
    }
    if (unknown.length > 0) {
      throw badRequest('unknown_team', `These teams do not exist: ${unknown.map((t) => `"${t}"`).join(', ')}. Create them first or leave them out.`, { teams: unknown });
    }
    return [...new Set(ids)];
  }

  async invite(accountId: string, input: { addresses: string | string[]; role?: UserRole; teams?: string[] }, actor: string, inviterName: string | null) {
    const raw = splitAddresses(input.addresses);
    if (raw.length === 0) throw badRequest('no_addresses', 'Enter at least one e-mail address.');
    if (raw.length > MAX_ADDRESSES) {
      throw badRequest('too_many_addresses', `${raw.length} addresses at once is more than ${MAX_ADDRESSES}. Invite this many people with a CSV file instead.`, {
        limit: MAX_ADDRESSES,
      });
    }
    const role = input.role ?? 'User';
    return this.db.transaction().execute(async (tx) => {
      const teamIds = await this.resolveTeams(tx, accountId, input.teams ?? []);
      const seen = new Set<string>();
      const results: Array<{ address: string; email: string | null } & InviteOutcome> = [];
      const invitees: Invitee[] = [];
      const inviteeAt: number[] = [];
      let duplicates = 0;
      for (const address of raw) {
        const checked = normaliseEmail(address);
        if (!checked.ok) {
          results.push({ address, email: null, ...withReasons('invalid', [reason(checked.code, `the address ${checked.reason}`, checked.params)], null) });
          continue;
        }
        if (seen.has(checked.email)) {
          duplicates += 1;
          continue;
        }
        seen.add(checked.email);
        inviteeAt.push(results.length);
        results.push({ address, email: checked.email, ...withReasons('invited', [], null) });
        invitees.push({ email: checked.email, name: displayName(checked.email, null, null, null), firstName: null, lastName: null, role, teamIds, roleGiven: input.role !== undefined });
      }
      const { outcomes, seatLimit } = await this.inviteMany(tx, accountId, invitees, inviterName);
      outcomes.forEach((o, k) => {
        const result = results[inviteeAt[k] ?? -1];
        if (result) Object.assign(result, o);
      });
      const counts = countOutcomes(results);
      await recordAudit(tx, {
        accountId,
        actor,
        action: 'invitations.sent',
        details: {
          role,
          teamIds,
          counts,
          invited: results.filter((r) => r.outcome === 'invited').map((r) => r.email),
          resent: results.filter((r) => r.outcome === 'resent').map((r) => r.email),
          refused: results.filter((r) => r.outcome === 'refused').map((r) => r.email),
        },
      });
      return { results, counts, duplicates, message: confirmationMessage(counts, { unit: 'address', seatLimit }) };
    });
  }

  /** A new link for someone who has not accepted yet; the old link stops working. */
  async resend(accountId: string, userId: string, actor: string, inviterName: string | null) {
    return this.db.transaction().execute(async (tx) => {
      await accountRepository.lockById(tx, accountId);
      const user = await accountRepository.findUser(tx, accountId, userId);
      if (!user) throw notFound('The user');
      if (user.status !== 'invited') {
        throw conflict('not_invited', `${user.email} is ${user.status === 'active' ? 'already active' : 'deactivated'}: there is no open invitation to send again.`);
      }
      const [invitation] = await accountRepository.replaceInvitations(tx, { accountId, userIds: [user.id], invitedBy: inviterName });
      if (!invitation) throw new Error('The invitation was not written');
      await tx.updateTable('users').set({ invitation_error: null }).where('id', '=', user.id).execute();
      await this.scheduleDelivery(tx, accountId, [invitation.id]);
      await recordAudit(tx, { accountId, actor, action: 'invitation.resent', target: user.email });
      return { userId: user.id, email: user.email, outcome: 'resent' as const };
    });
  }

  /**
   * Withdraws an invitation that was not accepted: the link stops working and the pending
   * user is removed, which frees the seat. Someone who already accepted is deactivated instead.
   */
  async revoke(accountId: string, userId: string, actor: string) {
    return this.db.transaction().execute(async (tx) => {
      await accountRepository.lockById(tx, accountId);
      const user = await accountRepository.findUser(tx, accountId, userId);
      if (!user) throw notFound('The user');
      if (user.status !== 'invited') {
        throw conflict('invitation_accepted', `${user.email} has already accepted the invitation. Deactivate or delete the user instead.`);
      }
      await tx
        .updateTable('invitations')
        .set({ revoked_at: sql`now()`, token_hash: null })
        .where('account_id', '=', accountId)
        .where('user_id', '=', user.id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .execute();
      await tx.deleteFrom('users').where('account_id', '=', accountId).where('id', '=', user.id).execute();
      await recordAudit(tx, { accountId, actor, action: 'invitation.revoked', target: user.email });
      return { userId: user.id, email: user.email, revoked: true };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Invite via CSV.

  private decode(input: { content: string; encoding?: 'base64' | 'text' }) {
    if (input.encoding === 'base64') {
      const compact = input.content.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) throw badRequest('invalid_base64', 'The file content is marked base64 but is not base64.');
      return decodeCsvBytes(Buffer.from(compact, 'base64'));
    }
    return decodeCsvText(input.content);
  }

  private parse(text: string, delimiter: CsvDelimiter) {
    try {
      // Two more than allowed: a header and one row too many are enough to say the file is too long.
      return parseCsv(text, delimiter, { maxRows: MAX_CSV_ROWS + 2 });
    } catch (error) {
      if (error instanceof CsvSyntaxError) throw badRequest(error.code, error.message, { row: error.row });
      throw error;
    }
  }

  /** The records of a stored or new file, checked as a whole. */
  private records(text: string, delimiter: CsvDelimiter, hasHeader?: boolean) {
    if (text.trim() === '') throw badRequest('empty_file', 'The file is empty. Choose a CSV file with a column of e-mail addresses.');
    const { rows, rowNumbers } = this.parse(text, delimiter);
    const first = rows[0];
    if (!first) throw badRequest('empty_file', 'The file is empty. Choose a CSV file with a column of e-mail addresses.');
    const header = hasHeader ?? looksLikeHeader(first);
    const data = header ? rows.slice(1) : rows;
    const dataNumbers = header ? rowNumbers.slice(1) : rowNumbers;
    if (data.length > MAX_CSV_ROWS) {
      throw badRequest('too_many_rows', `The file has more than ${MAX_CSV_ROWS.toLocaleString('en')} rows. Split it into files of at most ${MAX_CSV_ROWS.toLocaleString('en')} rows.`, {
        limit: MAX_CSV_ROWS,
      });
    }
    if (data.length === 0) throw badRequest('header_only', 'The file has a header row but no people in it. Add one row per person below the header.');
    const width = header ? first.length : Math.max(...data.slice(0, 200).map((r) => r.length));
    const headers = header ? first.map((h, i) => h.trim() || `Column ${i + 1}`) : Array.from({ length: width }, (_, i) => `Column ${i + 1}`);
    return { hasHeader: header, headers, width, data, dataNumbers };
  }

  /** Checks every row against a mapping: the values it would import and what is wrong with it. */
  private analyse(data: string[][], rowNumbers: number[], width: number, mapping: CsvMapping): AnalysedRow[] {
    const cell = (row: string[], field: CsvField) => {
      const index = mapping[field];
      return index === undefined || index === null ? '' : (row[index] ?? '').trim();
    };
    const firstRowOf = new Map<string, number>();
    // A file has few distinct roles and team cells: parse each once, not once per row.
    const roles = new Map<string, ReturnType<typeof parseRole>>();
    const teamCells = new Map<string, string[]>();
    const teamsOf = (value: string) => {
      let teams = teamCells.get(value);
      if (!teams) teamCells.set(value, (teams = parseTeams(value)));
      return teams;
    };
    const out: AnalysedRow[] = new Array(data.length);
    for (let i = 0; i < data.length; i += 1) {
      const row = data[i] ?? [];
      const rowNumber = rowNumbers[i] ?? i + 1;
      const errors: Reason[] = [];
      const warnings: Reason[] = [];
      const values = { values: row.length, expected: width };
      if (row.length > width && row.slice(width).some((v) => v.trim() !== '')) {
        errors.push(reason('too_many_values', `the row has ${row.length} values where the header has ${width} (a value with the delimiter in it that is not in quotes?)`, values));
      } else if (row.length < width) {
        warnings.push(reason('too_few_values', `the row has ${row.length} values where the header has ${width}; the missing ones are taken as empty`, values));
      }
      const rawEmail = cell(row, 'email');
      let email = '';
      if (rawEmail === '') errors.push(reason('email_missing', 'the e-mail address is missing'));
      else {
        const checked = normaliseEmail(rawEmail);
        if (checked.ok) email = checked.email;
        else errors.push(reason(checked.code, `the e-mail address ${checked.reason}`, checked.params));
      }
      const roleCell = cell(row, 'role');
      let role = roles.get(roleCell);
      if (!role) roles.set(roleCell, (role = parseRole(roleCell)));
      if (!role.ok) errors.push(reason('invalid_role', role.reason, { role: roleCell }));
      const firstName = cell(row, 'firstName') || null;
      const lastName = cell(row, 'lastName') || null;
      const name = cell(row, 'name') || null;
      for (const [label, value, code] of [
        ['first name', firstName, 'first_name_too_long'],
        ['last name', lastName, 'last_name_too_long'],
        ['name', name, 'name_too_long'],
      ] as const) {
        if (value && value.length > MAX_NAME) errors.push(reason(code, `the ${label} is longer than ${MAX_NAME} characters`, { max: MAX_NAME }));
      }
      let duplicateOf: number | null = null;
      if (email !== '') {
        const earlier = firstRowOf.get(email);
        if (earlier !== undefined) duplicateOf = earlier;
        else if (errors.length === 0) firstRowOf.set(email, rowNumber);
      }
      out[i] = {
        row: rowNumber,
        email,
        rawEmail,
        firstName,
        lastName,
        name,
        role: role.ok ? role.role : 'User',
        roleGiven: roleCell !== '',
        teams: teamsOf(cell(row, 'teams')),
        errors,
        warnings,
        duplicateOf,
      };
    }
    return out;
  }

  private async existingUsers(db: DbOrTx, accountId: string) {
    const rows = await db.selectFrom('users').select(['id', 'email', 'status']).where('account_id', '=', accountId).execute();
    return new Map(rows.map((r) => [r.email, r.status]));
  }

  async previewCsv(accountId: string, input: { fileName: string; content: string; encoding?: 'base64' | 'text' }, actor: string) {
    const { text, encoding } = this.decode(input);
    const delimiter = detectDelimiter(text);
    const file = this.records(text, delimiter);
    const { columns, mapping: suggested } = suggestMapping(file.headers, file.data.slice(0, 200));
    const ragged = file.data.filter((r) => r.length !== file.width && !(r.length > file.width && r.slice(file.width).every((v) => v.trim() === '')));
    if (file.data.length >= 4 && ragged.length > file.data.length / 2) {
      throw badRequest(
        'ragged_rows',
        `${ragged.length} of ${file.data.length} rows do not have the ${file.width} values of the first row. Check that the file uses one delimiter (${delimiterName(delimiter)} was detected) and that values holding it are in quotes.`,
        { delimiter, expected: file.width },
      );
    }
    if (suggested.email === undefined) {
      throw badRequest(
        'no_email_column',
        `No column of e-mail addresses was found${file.hasHeader ? ` (the columns are ${file.headers.map((h) => `"${h}"`).join(', ')})` : ''}. Add a column named "Email" (or "E-mailadres") with one address per row.`,
        { headers: file.headers },
      );
    }
    const mapping = { ...suggested, email: suggested.email } as CsvMapping;
    const analysed = this.analyse(file.data, file.dataNumbers, file.width, mapping);
    const [existing, teams, account] = await Promise.all([
      this.existingUsers(this.db, accountId),
      teamsByName(
        this.db,
        accountId,
        analysed.flatMap((r) => r.teams),
      ),
      accountRepository.findById(this.db, accountId),
    ]);
    if (!account) throw notFound('The account');
    // Keyed by the database's lower(): the names that will be one new team on commit.
    const unknownTeams = new Map<string, string>();
    const predicted = analysed.map((r) => predict(r, existing));
    for (const [name, team] of teams) if (!team.id) unknownTeams.set(team.key, name);
    const summary = {
      rows: analysed.length,
      new: predicted.filter((p) => p.outcome === 'invited').length,
      alreadyInvited: predicted.filter((p) => p.outcome === 'resent').length,
      alreadyMembers: predicted.filter((p) => p.outcome === 'already_member').length,
      invalid: predicted.filter((p) => p.outcome === 'invalid').length,
      duplicates: predicted.filter((p) => p.outcome === 'duplicate').length,
    };
    const seatsUsed = [...existing.values()].filter((s) => s !== 'deactivated').length;
    const problems = analysed.flatMap((r) => [
      ...r.errors.map((e) => ({ row: r.row, severity: 'error' as const, ...e })),
      ...(r.duplicateOf !== null && r.errors.length === 0 ? [{ row: r.row, severity: 'error' as const, ...duplicateReason(r.duplicateOf) }] : []),
      ...r.warnings.map((w) => ({ row: r.row, severity: 'warning' as const, ...w })),
    ]);

    // Uploads live a day; this is a good moment to forget the ones nobody committed.
    await this.db.deleteFrom('invitation_csv_uploads').where('expires_at', '<', sql<Date>`now()`).execute();
    const fileName = input.fileName.trim().slice(0, 255) || 'upload.csv';
    const upload = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('invitation_csv_uploads')
        .values({
          account_id: accountId,
          file_name: fileName,
          encoding,
          delimiter,
          has_header: file.hasHeader,
          content: text,
          row_count: analysed.length,
          uploaded_by: actor,
          expires_at: new Date(Date.now() + UPLOAD_HOURS * 3600 * 1000),
        })
        .returning(['id', 'expires_at'])
        .executeTakeFirstOrThrow();
      await recordAudit(tx, { accountId, actor, action: 'invitations.csv_uploaded', target: fileName, details: { uploadId: row.id, rows: analysed.length, encoding, delimiter } });
      return row;
    });
    return {
      uploadId: upload.id,
      fileName,
      expiresAt: upload.expires_at.toISOString(),
      encoding,
      delimiter,
      hasHeader: file.hasHeader,
      rowCount: analysed.length,
      columns,
      mapping: Object.fromEntries(CSV_FIELDS.map((f) => [f, mapping[f] ?? null])),
      preview: analysed.slice(0, PREVIEW_ROWS).map((r, i) => ({
        row: r.row,
        email: r.email || r.rawEmail,
        firstName: r.firstName,
        lastName: r.lastName,
        name: displayName(r.email || r.rawEmail || '@', r.name, r.firstName, r.lastName),
        role: r.role,
        teams: r.teams,
        outcome: predicted[i]?.outcome ?? 'invalid',
        ...rowProblems(r),
      })),
      problems: problems.slice(0, MAX_PROBLEMS_SHOWN),
      problemCount: problems.length,
      summary,
      unknownTeams: [...unknownTeams.values()],
      seats: { limit: account.seat_limit, used: seatsUsed, available: Math.max(0, account.seat_limit - seatsUsed), needed: summary.new },
    };
  }

  async commitCsv(accountId: string, uploadId: string, input: { mapping: CsvMapping; createMissingTeams?: boolean }, actor: string, inviterName: string | null) {
    return this.db.transaction().execute(async (tx) => {
      // The lock makes a second click wait for the first, then find it committed.
      const upload = await tx
        .selectFrom('invitation_csv_uploads')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', uploadId)
        .where('expires_at', '>', sql<Date>`now()`)
        .forUpdate()
        .executeTakeFirst();
      if (!upload) throw notFound('The upload', { hint: 'Uploads are kept for a day; upload the file again.' });
      if (upload.committed_at) {
        const rows = storedResults(upload.results).map(fromStored);
        const counts = countOutcomes(rows);
        return { uploadId, alreadyCommitted: true, counts, message: String(upload.summary?.message ?? ''), teamsCreated: (upload.summary?.teamsCreated as string[]) ?? [], rows };
      }
      const file = this.records(upload.content, upload.delimiter as CsvDelimiter, upload.has_header);
      const mapping = checkMapping(input.mapping, file.width);
      const analysed = this.analyse(file.data, file.dataNumbers, file.width, mapping);

      // Teams by name: existing ones, created ones (when allowed and within the limit), or reported.
      const account = await accountRepository.lockById(tx, accountId);
      if (!account) throw notFound('The account');
      // Names are matched and grouped by the database's lower(), as the unique index teams_name compares them.
      const named = await teamsByName(
        tx,
        accountId,
        analysed.flatMap((r) => (r.errors.length === 0 && r.duplicateOf === null ? r.teams : [])),
      );
      const keyOf = (name: string) => named.get(name)?.key ?? name;
      const teamIds = new Map<string, string>();
      const wanted = new Map<string, string>();
      for (const [name, team] of named) {
        if (team.id) teamIds.set(team.key, team.id);
        else wanted.set(team.key, name);
      }
      const teamsCreated: string[] = [];
      const missing = new Map<string, Reason>();
      const existingTeams = await tx.selectFrom('teams').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow();
      let teamCount = Number(existingTeams.n);
      for (const [key, name] of wanted) {
        if (name.length > 80) {
          missing.set(key, reason('team_name_too_long', `the team name "${name.slice(0, 40)}…" is longer than 80 characters`, { team: `${name.slice(0, 40)}…`, max: 80 }));
        } else if (!input.createMissingTeams) {
          missing.set(key, reason('unknown_team', `the team "${name}" does not exist (allow creating missing teams to create it)`, { team: name }));
        } else if (teamCount >= account.team_limit) {
          const limit = account.team_limit;
          missing.set(key, reason('team_limit', `the team "${name}" was not created: the account has reached its limit of ${limit} teams`, { team: name, limit }));
        } else {
          let created;
          try {
            created = await tx.insertInto('teams').values({ account_id: accountId, name }).returning('id').executeTakeFirstOrThrow();
          } catch (error) {
            // Not expected (the names were matched as the index matches them, under the account lock); a
            // 409 rolls the whole import back, and the upload can be committed again.
            if (isTeamNameTaken(error)) throw teamExists(name);
            throw error;
          }
          teamIds.set(key, created.id);
          teamsCreated.push(name);
          teamCount += 1;
        }
      }

      const results: CsvRowResult[] = [];
      const invitees: Invitee[] = [];
      const inviteeAt: number[] = [];
      for (const r of analysed) {
        const base = { row: r.row, email: r.email || r.rawEmail, firstName: r.firstName ?? '', lastName: r.lastName ?? '' };
        if (r.errors.length > 0) {
          results.push({ ...base, outcome: 'invalid', reason: reasonText(r.errors), reasons: r.errors });
          continue;
        }
        if (r.duplicateOf !== null) {
          const duplicate = [duplicateReason(r.duplicateOf)];
          results.push({ ...base, outcome: 'duplicate', reason: reasonText(duplicate), reasons: duplicate });
          continue;
        }
        const notes = r.teams.flatMap((t) => {
          const note = missing.get(keyOf(t));
          return note ? [note] : [];
        });
        inviteeAt.push(results.length);
        results.push({ ...base, outcome: 'invited', reason: reasonText(notes), reasons: notes });
        invitees.push({
          email: r.email,
          name: displayName(r.email, r.name, r.firstName, r.lastName),
          firstName: r.firstName,
          lastName: r.lastName,
          role: r.role,
          teamIds: [...new Set(r.teams.flatMap((t) => teamIds.get(keyOf(t)) ?? []))],
          roleGiven: r.roleGiven,
          namesGiven: Boolean(r.name || r.firstName || r.lastName),
        });
      }
      const { outcomes, seatLimit } = await this.inviteMany(tx, accountId, invitees, inviterName);
      outcomes.forEach((o, k) => {
        const result = results[inviteeAt[k] ?? -1];
        if (!result) return;
        result.outcome = o.outcome;
        result.reasons = [...o.reasons, ...result.reasons];
        result.reason = reasonText(result.reasons);
      });
      const counts = countOutcomes(results);
      const message = confirmationMessage(counts, { unit: 'row', seatLimit }) + (teamsCreated.length > 0 ? ` Teams created: ${teamsCreated.join(', ')}.` : '');
      await tx
        .updateTable('invitation_csv_uploads')
        .set({
          committed_at: sql`now()`,
          committed_by: actor,
          content: '',
          mapping: JSON.stringify(mapping),
          summary: JSON.stringify({ counts, message, teamsCreated }),
          results: JSON.stringify(results.map(toStored)),
        })
        .where('id', '=', uploadId)
        .execute();
      await recordAudit(tx, {
        accountId,
        actor,
        action: 'invitations.csv_imported',
        target: upload.file_name,
        details: { uploadId, counts, teamsCreated, createMissingTeams: Boolean(input.createMissingTeams) },
      });
      this.log.info({ accountId, uploadId, counts }, 'CSV invitations committed');
      return { uploadId, alreadyCommitted: false, counts, message, teamsCreated, rows: results };
    });
  }

  /** The outcomes of a committed upload as a CSV file a spreadsheet opens safely. */
  async csvResults(accountId: string, uploadId: string): Promise<{ fileName: string; csv: string }> {
    const upload = await this.db
      .selectFrom('invitation_csv_uploads')
      .select(['file_name', 'committed_at', 'results'])
      .where('account_id', '=', accountId)
      .where('id', '=', uploadId)
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    if (!upload) throw notFound('The upload');
    if (!upload.committed_at) throw conflict('not_committed', 'This upload has not been imported yet: there are no outcomes to download.');
    const lines = [csvLine(['Row', 'E-mail', 'First name', 'Last name', 'Outcome', 'Reason'])];
    for (const r of storedResults(upload.results)) lines.push(csvLine([r[0], r[1], r[2], r[3], r[4], r[5]]));
    const base = upload.file_name.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_') || 'invitations';
    // The BOM makes Excel read the file as UTF-8 (names with accents stay intact).
    return { fileName: `${base}-results.csv`, csv: `\uFEFF${lines.join('\r\n')}\r\n` };
  }
}

function withReasons(outcome: Outcome, reasons: Reason[], userId: string | null): InviteOutcome {
  return { outcome, reason: reasonText(reasons), reasons, userId };
}

function duplicateReason(firstRow: number): Reason {
  return reason('duplicate_in_file', `the same address as row ${firstRow}`, { firstRow });
}

/** A preview row's problems: the English sentences (as before codes existed) and the reasons with their codes. */
function rowProblems(r: AnalysedRow): { problems: string[]; reasons: Reason[] } {
  const reasons = [...r.errors, ...(r.duplicateOf !== null ? [duplicateReason(r.duplicateOf)] : []), ...r.warnings];
  return { problems: reasons.map((p) => p.message), reasons };
}

function predict(r: AnalysedRow, existing: Map<string, string>): { outcome: Outcome } {
  if (r.errors.length > 0) return { outcome: 'invalid' };
  if (r.duplicateOf !== null) return { outcome: 'duplicate' };
  const status = existing.get(r.email);
  if (status === 'invited') return { outcome: 'resent' };
  if (status) return { outcome: 'already_member' };
  return { outcome: 'invited' };
}

function delimiterName(d: CsvDelimiter) {
  return d === ',' ? 'comma' : d === ';' ? 'semicolon' : 'tab';
}

function checkMapping(mapping: CsvMapping, width: number): CsvMapping {
  const used = new Map<number, string>();
  for (const field of CSV_FIELDS) {
    const index = mapping[field];
    if (index === undefined || index === null) continue;
    if (!Number.isInteger(index) || index < 0 || index >= width) {
      throw badRequest('invalid_mapping', `The ${field} field is mapped to column ${index}, but the file has columns 0 to ${width - 1}.`, { field });
    }
    const other = used.get(index);
    if (other) throw badRequest('invalid_mapping', `Column ${index} is mapped to both ${other} and ${field}; map each column once.`, { field });
    used.set(index, field);
  }
  if (mapping.email === undefined || mapping.email === null) throw badRequest('email_column_required', 'Map one column to the e-mail address.');
  return mapping;
}

const storedResults = (text: string | null): StoredCsvResult[] => (text ? (JSON.parse(text) as StoredCsvResult[]) : []);
const toStored = (r: CsvRowResult): StoredCsvResult => [r.row, r.email, r.firstName, r.lastName, r.outcome, r.reason ?? '', r.reasons];
const fromStored = (r: StoredCsvResult): CsvRowResult => ({
  row: r[0],
  email: r[1],
  firstName: r[2],
  lastName: r[3],
  outcome: r[4] as Outcome,
  reason: r[5] || null,
  // Uploads committed before reasons had codes stored the sentence only.
  reasons: (r[6] as Reason[] | undefined) ?? [],
});

