import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { DbOrTx } from '../platform/database.js';
import type { UserRole } from './tables.js';

let uuidSequence = 0;

/**
 * A version 7 UUID: milliseconds since 1970 first, then a counter and random bits, so ids made in
 * one bulk insert sort in the order they were made (RFC 9562).
 */
export function timeOrderedUuid(): string {
  const b = randomBytes(16);
  const ms = Date.now();
  b.writeUIntBE(ms, 0, 6);
  uuidSequence = (uuidSequence + 1) & 0xfff;
  b[6] = 0x70 | (uuidSequence >> 8);
  b[7] = uuidSequence & 0xff;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Queries of the account capability. Every one that reads tenant data takes the account id. */
export const accountRepository = {
  findByOrgId(db: DbOrTx, orgId: string) {
    return db.selectFrom('accounts').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  },

  findById(db: DbOrTx, accountId: string) {
    return db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
  },

  /** Locks the account row for the rest of the transaction (activation races, seat counts). */
  lockById(db: DbOrTx, accountId: string) {
    return db.selectFrom('accounts').selectAll().where('id', '=', accountId).forUpdate().executeTakeFirst();
  },

  async createEveryoneTeam(db: DbOrTx, accountId: string) {
    return db.insertInto('teams').values({ account_id: accountId, name: 'Everyone', everyone: true }).returning('id').executeTakeFirstOrThrow();
  },

  everyoneTeam(db: DbOrTx, accountId: string) {
    return db.selectFrom('teams').select(['id']).where('account_id', '=', accountId).where('everyone', '=', true).executeTakeFirstOrThrow();
  },

  findUserByEmail(db: DbOrTx, accountId: string, email: string) {
    return db.selectFrom('users').selectAll().where('account_id', '=', accountId).where('email', '=', email).executeTakeFirst();
  },

  findUser(db: DbOrTx, accountId: string, userId: string) {
    return db.selectFrom('users').selectAll().where('account_id', '=', accountId).where('id', '=', userId).executeTakeFirst();
  },

  async countSeats(db: DbOrTx, accountId: string): Promise<number> {
    const row = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('status', '!=', 'deactivated')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /** A new member: the user row and the Everyone team (plus any chosen teams). */
  async insertMember(
    db: DbOrTx,
    input: { accountId: string; email: string; name: string; firstName?: string | null; lastName?: string | null; role: UserRole; teamIds?: string[] },
  ) {
    const user = await db
      .insertInto('users')
      .values({
        account_id: input.accountId,
        email: input.email,
        name: input.name,
        first_name: input.firstName ?? null,
        last_name: input.lastName ?? null,
        role: input.role,
        status: 'invited',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const everyone = await accountRepository.everyoneTeam(db, input.accountId);
    const teamIds = [...new Set([everyone.id, ...(input.teamIds ?? [])])];
    await db
      .insertInto('team_members')
      .values(teamIds.map((teamId) => ({ team_id: teamId, user_id: user.id, account_id: input.accountId })))
      .onConflict((oc) => oc.doNothing())
      .execute();
    return user;
  },

  /**
   * Many new members at once (bulk invitations, CSV imports): the rows insertMember makes, one
   * statement per table, so thousands of invitees do not cost thousands of round trips. Ids are
   * made here, time-ordered, so the rows append to the indexes instead of splitting pages all over.
   */
  async insertMembers(
    db: DbOrTx,
    accountId: string,
    members: Array<{ email: string; name: string; firstName?: string | null; lastName?: string | null; role: UserRole; teamIds?: string[] }>,
  ): Promise<Array<{ id: string; email: string }>> {
    if (members.length === 0) return [];
    const ids = members.map(() => timeOrderedUuid());
    await sql`
      insert into users (id, account_id, email, name, first_name, last_name, role, status)
      select m.id, ${accountId}::uuid, m.email, m.name, m.first_name, m.last_name, m.role, 'invited'
      from unnest(${ids}::uuid[], ${members.map((m) => m.email)}::text[], ${members.map((m) => m.name)}::text[],
                  ${members.map((m) => m.firstName ?? null)}::text[], ${members.map((m) => m.lastName ?? null)}::text[],
                  ${members.map((m) => m.role)}::text[]) as m(id, email, name, first_name, last_name, role)`.execute(db);
    const everyone = await accountRepository.everyoneTeam(db, accountId);
    const teamIds: string[] = [];
    const userIds: string[] = [];
    members.forEach((member, i) => {
      for (const teamId of new Set([everyone.id, ...(member.teamIds ?? [])])) {
        teamIds.push(teamId);
        userIds.push(ids[i] as string);
      }
    });
    // The users are new, so no membership can exist yet: no conflict handling needed.
    await sql`
      insert into team_members (team_id, user_id, account_id)
      select t, u, ${accountId}::uuid from unnest(${teamIds}::uuid[], ${userIds}::uuid[]) as x(t, u)`.execute(db);
    return members.map((m, i) => ({ id: ids[i] as string, email: m.email }));
  },

  /**
   * replaceInvitation for many users at once: their open links die, each gets a new invitation.
   * `newUsers` says the users were created in this transaction, so there is nothing to revoke.
   */
  async replaceInvitations(
    db: DbOrTx,
    input: { accountId: string; userIds: string[]; invitedBy: string | null; newUsers?: boolean },
  ): Promise<Array<{ id: string; user_id: string }>> {
    if (input.userIds.length === 0) return [];
    if (!input.newUsers) {
      await sql`
        update invitations set revoked_at = now(), token_hash = null
        where account_id = ${input.accountId} and user_id = any(${input.userIds}::uuid[]) and accepted_at is null and revoked_at is null`.execute(db);
    }
    const ids = input.userIds.map(() => timeOrderedUuid());
    await sql`
      insert into invitations (id, account_id, user_id, invited_by)
      select i, ${input.accountId}::uuid, u, ${input.invitedBy}::text from unnest(${ids}::uuid[], ${input.userIds}::uuid[]) as x(i, u)`.execute(db);
    return ids.map((id, k) => ({ id, user_id: input.userIds[k] as string }));
  },

  /** A new invitation for the user; earlier open ones stop working (their links die with them). */
  async replaceInvitation(db: DbOrTx, input: { accountId: string; userId: string; invitedBy: string | null }) {
    await db
      .updateTable('invitations')
      .set({ revoked_at: sql`now()`, token_hash: null })
      .where('account_id', '=', input.accountId)
      .where('user_id', '=', input.userId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    return db
      .insertInto('invitations')
      .values({ account_id: input.accountId, user_id: input.userId, invited_by: input.invitedBy })
      .returning(['id'])
      .executeTakeFirstOrThrow();
  },

  invitationByTokenHash(db: DbOrTx, hash: string) {
    return db
      .selectFrom('invitations as i')
      .innerJoin('users as u', 'u.id', 'i.user_id')
      .innerJoin('accounts as a', 'a.id', 'i.account_id')
      .select([
        'i.id',
        'i.account_id',
        'i.user_id',
        'i.expires_at',
        'i.accepted_at',
        'i.revoked_at',
        'u.name as user_name',
        'u.email as user_email',
        'u.status as user_status',
        'a.org_name',
        'a.org_id',
        'a.status as account_status',
      ])
      .where('i.token_hash', '=', hash)
      .executeTakeFirst();
  },

  currentSecret(db: DbOrTx, accountId: string) {
    return db.selectFrom('account_secrets').selectAll().where('account_id', '=', accountId).where('expires_at', 'is', null).executeTakeFirst();
  },

  /** Every secret of a client id that still works now. */
  liveSecrets(db: DbOrTx, clientId: string) {
    return db
      .selectFrom('account_secrets as s')
      .innerJoin('accounts as a', 'a.id', 's.account_id')
      .select(['s.id', 's.account_id', 's.secret_hash', 's.expires_at'])
      .where('s.client_id', '=', clientId)
      .where('a.status', '=', 'active')
      .where((eb) => eb.or([eb('s.expires_at', 'is', null), eb('s.expires_at', '>', sql<Date>`now()`)]))
      .execute();
  },
};
