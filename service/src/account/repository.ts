import { sql } from 'kysely';
import type { DbOrTx } from '../platform/database.js';
import type { UserRole } from './tables.js';

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
