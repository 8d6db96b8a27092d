import { sql } from 'kysely';
import type { Database, DbOrTx } from '../platform/database.js';
import { recordAudit } from '../platform/audit.js';
import { badRequest, conflict, notFound } from '../platform/errors.js';
import { accountRepository } from '../account/repository.js';
import type { UserRole, UserStatus } from '../account/tables.js';
import { marketoConnectionOwner, syncHasStarted } from './original-user.js';
import type { InvitationService } from './service.js';
import { isTeamNameTaken, teamExists } from './team-names.js';
import type { SalesforceUsers } from '../salesforce/users.js';

/**
 * Moves what one user owns to another inside the deleting transaction and says how many things
 * moved. Capabilities that give users things to own (templates, groups, connections) register one.
 */
export type OwnershipTransfer = (tx: DbOrTx, input: { accountId: string; fromUserId: string; toUserId: string }) => Promise<number>;

type UserRow = {
  id: string;
  email: string;
  name: string;
  first_name: string | null;
  last_name: string | null;
  role: UserRole;
  status: UserStatus;
  original: boolean;
  created_at: Date;
  activated_at: Date | null;
  deactivated_at: Date | null;
  invitation_error: string | null;
};

const USER_COLUMNS = [
  'u.id',
  'u.email',
  'u.name',
  'u.first_name',
  'u.last_name',
  'u.role',
  'u.status',
  'u.original',
  'u.created_at',
  'u.activated_at',
  'u.deactivated_at',
  'u.invitation_error',
] as const;

function teamName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name === '') throw badRequest('invalid_team_name', 'Give the team a name.');
  if (name.length > 80) throw badRequest('invalid_team_name', 'A team name can be at most 80 characters long.');
  return name;
}

/** User Management and Team Management of the Actions account. */
export class MemberService {
  readonly #transfers = new Map<string, OwnershipTransfer>();

  constructor(
    private readonly database: Database,
    private readonly invitations: InvitationService,
    /** Who a Salesforce user is among the account's users: the admin behind a delete receives what the deleted user owned. */
    private readonly salesforceUsers: () => SalesforceUsers | null = () => null,
  ) {}

  get db() {
    return this.database.db;
  }

  /** Called by capabilities whose records a user can own; runs when a user is deleted. */
  registerOwnershipTransfer(what: string, transfer: OwnershipTransfer) {
    this.#transfers.set(what, transfer);
  }

  private async views(db: DbOrTx, accountId: string, users: UserRow[]) {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.id);
    const [teams, invitations] = await Promise.all([
      db
        .selectFrom('team_members as tm')
        .innerJoin('teams as t', 't.id', 'tm.team_id')
        .select(['tm.user_id', 't.id', 't.name', 't.everyone'])
        .where('tm.account_id', '=', accountId)
        .where('tm.user_id', 'in', ids)
        .orderBy('t.everyone', 'desc')
        .orderBy('t.name')
        .execute(),
      db
        .selectFrom('invitations')
        .select(['user_id', 'sent_at', 'expires_at', 'send_count', 'accepted_at', 'revoked_at', 'last_error'])
        .distinctOn('user_id')
        .where('account_id', '=', accountId)
        .where('user_id', 'in', ids)
        .orderBy('user_id')
        .orderBy('created_at', 'desc')
        .execute(),
    ]);
    const teamsOf = new Map<string, Array<{ id: string; name: string; everyone: boolean }>>();
    for (const t of teams) {
      const list = teamsOf.get(t.user_id) ?? [];
      list.push({ id: t.id, name: t.name, everyone: t.everyone });
      teamsOf.set(t.user_id, list);
    }
    const invitationOf = new Map(invitations.map((i) => [i.user_id, i]));
    return users.map((u) => {
      const invitation = invitationOf.get(u.id);
      return {
        id: u.id,
        email: u.email,
        name: u.name,
        firstName: u.first_name,
        lastName: u.last_name,
        role: u.role,
        status: u.status,
        original: u.original,
        teams: teamsOf.get(u.id) ?? [],
        invitation:
          u.status === 'invited' && invitation
            ? {
                sentAt: invitation.sent_at?.toISOString() ?? null,
                expiresAt: invitation.expires_at?.toISOString() ?? null,
                sendCount: invitation.send_count,
                lastError: invitation.last_error,
              }
            : null,
        invitationError: u.invitation_error,
        createdAt: u.created_at.toISOString(),
        activatedAt: u.activated_at?.toISOString() ?? null,
        deactivatedAt: u.deactivated_at?.toISOString() ?? null,
      };
    });
  }

  async seats(db: DbOrTx, accountId: string) {
    const account = await accountRepository.findById(db, accountId);
    if (!account) throw notFound('The account');
    const used = await accountRepository.countSeats(db, accountId);
    return { limit: account.seat_limit, used, available: Math.max(0, account.seat_limit - used) };
  }

  async list(accountId: string, query: { search?: string; status?: UserStatus; role?: UserRole; team?: string; page: number; pageSize: number }) {
    let q = this.db.selectFrom('users as u').where('u.account_id', '=', accountId);
    if (query.status) q = q.where('u.status', '=', query.status);
    if (query.role) q = q.where('u.role', '=', query.role);
    if (query.team) {
      const teamId = query.team;
      q = q.where((eb) =>
        eb.exists(eb.selectFrom('team_members as tm').select('tm.user_id').whereRef('tm.user_id', '=', 'u.id').where('tm.team_id', '=', teamId).where('tm.account_id', '=', accountId)),
      );
    }
    const search = query.search?.trim();
    if (search) {
      const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb(sql`lower(u.email)`, 'like', pattern), eb(sql`lower(u.name)`, 'like', pattern)]));
    }
    const [total, rows, seats] = await Promise.all([
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      q
        .select(USER_COLUMNS)
        .orderBy('u.email')
        .limit(query.pageSize)
        .offset((query.page - 1) * query.pageSize)
        .execute(),
      this.seats(this.db, accountId),
    ]);
    return { users: await this.views(this.db, accountId, rows), page: query.page, pageSize: query.pageSize, total: Number(total.n), seats };
  }

  private async user(db: DbOrTx, accountId: string, userId: string): Promise<UserRow> {
    const user = await db.selectFrom('users as u').select(USER_COLUMNS).where('u.account_id', '=', accountId).where('u.id', '=', userId).executeTakeFirst();
    if (!user) throw notFound('The user');
    return user;
  }

  async get(accountId: string, userId: string) {
    const [view] = await this.views(this.db, accountId, [await this.user(this.db, accountId, userId)]);
    if (!view) throw notFound('The user');
    return view;
  }

  /**
   * The original-user rule: once the sync has started, the Marketo connection and the sync run as the
   * admin who owns the connection — the original user (the first invitation's) until another admin
   * connects Marketo, which hands the connection over (MSI: "another admin connects, then the first
   * may be removed"). That owner cannot be removed; after the hand-over the original user can.
   * A connection made by a caller not linked to a user (the API client alone) stays the original user's.
   */
  private async guardOriginalUser(tx: DbOrTx, accountId: string, user: UserRow, action: 'delete' | 'deactivate') {
    if (!(await syncHasStarted(tx, accountId))) return;
    const owner = await marketoConnectionOwner(tx, accountId);
    const verb = action === 'delete' ? 'deleting' : 'deactivating';
    if (owner && owner === user.id) {
      throw conflict(
        'marketo_owner_required',
        `${user.email} owns the Marketo connection the data sync runs on, so ${verb} them would break the sync. First have another admin connect Marketo (Settings → Admin Settings → Marketo → Connect, signed in as that admin), then ${action} ${user.email}.`,
        { userId: user.id, email: user.email, reason: 'owns_marketo_connection' },
      );
    }
    if (owner) return;
    const account = await accountRepository.findById(tx, accountId);
    const original = user.original || account?.original_user_id === user.id;
    if (!original) return;
    throw conflict(
      'original_user_required',
      `${user.email} is the original user of this account and the data sync has been started: the sync and the Marketo connection run as this user, so ${verb} them would break the sync. First have another admin connect Marketo (Settings → Admin Settings → Marketo → Connect, signed in as that admin), then ${action} the original user.`,
      { userId: user.id, email: user.email, reason: 'sync_started' },
    );
  }

  /** An account always keeps an active admin: someone must be able to manage it. */
  private async guardLastAdmin(tx: DbOrTx, accountId: string, user: UserRow, what: string) {
    if (user.role !== 'Admin' || user.status !== 'active') return;
    const others = await tx
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('role', '=', 'Admin')
      .where('status', '=', 'active')
      .where('id', '!=', user.id)
      .executeTakeFirstOrThrow();
    if (Number(others.n) === 0) {
      throw conflict('last_admin', `${user.email} is the only active admin; make another user an admin before you ${what}.`, { userId: user.id });
    }
  }

  async changeRole(accountId: string, userId: string, role: UserRole, actor: string) {
    await this.db.transaction().execute(async (tx) => {
      await accountRepository.lockById(tx, accountId);
      const user = await this.user(tx, accountId, userId);
      if (user.role === role) return;
      if (role !== 'Admin') await this.guardLastAdmin(tx, accountId, user, 'take away their admin role');
      await tx.updateTable('users').set({ role }).where('account_id', '=', accountId).where('id', '=', userId).execute();
      await recordAudit(tx, { accountId, actor, action: 'user.role_changed', target: user.email, details: { from: user.role, to: role } });
    });
    return this.get(accountId, userId);
  }

  async addToTeams(accountId: string, userId: string, teams: string[], actor: string) {
    await this.db.transaction().execute(async (tx) => {
      const user = await this.user(tx, accountId, userId);
      const teamIds = await this.invitations.resolveTeams(tx, accountId, teams);
      if (teamIds.length === 0) return;
      const added = await tx
        .insertInto('team_members')
        .values(teamIds.map((teamId) => ({ team_id: teamId, user_id: user.id, account_id: accountId })))
        .onConflict((oc) => oc.doNothing())
        .returning('team_id')
        .execute();
      if (added.length > 0) {
        await recordAudit(tx, { accountId, actor, action: 'user.teams_added', target: user.email, details: { teamIds: added.map((a) => a.team_id) } });
      }
    });
    return this.get(accountId, userId);
  }

  async removeFromTeam(accountId: string, userId: string, teamId: string, actor: string) {
    await this.db.transaction().execute(async (tx) => {
      const user = await this.user(tx, accountId, userId);
      const team = await tx.selectFrom('teams').select(['id', 'name', 'everyone']).where('account_id', '=', accountId).where('id', '=', teamId).executeTakeFirst();
      if (!team) throw notFound('The team');
      if (team.everyone) throw conflict('everyone_team', 'Every member belongs to the Everyone team; deactivate the user to take away their access instead.');
      const removed = await tx.deleteFrom('team_members').where('account_id', '=', accountId).where('team_id', '=', teamId).where('user_id', '=', userId).executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) throw notFound('The user in this team');
      await recordAudit(tx, { accountId, actor, action: 'user.team_removed', target: user.email, details: { teamId, team: team.name } });
    });
    return this.get(accountId, userId);
  }

  async deactivate(accountId: string, userId: string, actor: string) {
    await this.db.transaction().execute(async (tx) => {
      await accountRepository.lockById(tx, accountId);
      const user = await this.user(tx, accountId, userId);
      if (user.status === 'deactivated') return;
      await this.guardOriginalUser(tx, accountId, user, 'deactivate');
      await this.guardLastAdmin(tx, accountId, user, 'deactivate them');
      await tx.updateTable('users').set({ status: 'deactivated', deactivated_at: sql`now()` }).where('account_id', '=', accountId).where('id', '=', userId).execute();
      // An open invitation must not bring a deactivated user back.
      await tx
        .updateTable('invitations')
        .set({ revoked_at: sql`now()`, token_hash: null })
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .execute();
      await recordAudit(tx, { accountId, actor, action: 'user.deactivated', target: user.email });
    });
    return this.get(accountId, userId);
  }

  /** Takes a seat again: an activated user is active at once, one who never accepted is invited again. */
  async reactivate(accountId: string, userId: string, actor: string, inviterName: string | null) {
    await this.db.transaction().execute(async (tx) => {
      const account = await accountRepository.lockById(tx, accountId);
      if (!account) throw notFound('The account');
      const user = await this.user(tx, accountId, userId);
      if (user.status !== 'deactivated') return;
      if ((await accountRepository.countSeats(tx, accountId)) >= account.seat_limit) {
        throw conflict('seat_limit_reached', `All ${account.seat_limit} seats are taken. Deactivate or delete another user first.`, { limit: account.seat_limit });
      }
      const status = user.activated_at ? 'active' : 'invited';
      await tx.updateTable('users').set({ status, deactivated_at: null }).where('account_id', '=', accountId).where('id', '=', userId).execute();
      if (status === 'invited') {
        const invitations = await accountRepository.replaceInvitations(tx, { accountId, userIds: [userId], invitedBy: inviterName });
        await this.invitations.scheduleDelivery(
          tx,
          accountId,
          invitations.map((i) => i.id),
        );
      }
      await recordAudit(tx, { accountId, actor, action: 'user.reactivated', target: user.email, details: { status } });
    });
    return this.get(accountId, userId);
  }

  /**
   * Deletes a user. What they owned passes to the admin who deletes (MSI), recorded in
   * user_ownership_transfers: `transferTo`, else the admin whose Salesforce user made the call,
   * else the original user, else the longest-serving active admin.
   */
  async remove(accountId: string, userId: string, input: { transferTo?: string; actorSalesforceUserId?: string | null }, actor: string) {
    // Found (and linked, the first time) before the transaction: it may read the Salesforce User.
    const sfId = input.transferTo ? null : input.actorSalesforceUserId;
    const actorUserId = sfId ? ((await this.salesforceUsers()?.find(accountId, sfId))?.user?.id ?? null) : null;
    return this.db.transaction().execute(async (tx) => {
      const account = await accountRepository.lockById(tx, accountId);
      if (!account) throw notFound('The account');
      const user = await this.user(tx, accountId, userId);
      await this.guardOriginalUser(tx, accountId, user, 'delete');
      await this.guardLastAdmin(tx, accountId, user, 'delete them');
      const admins = await tx
        .selectFrom('users')
        .select(['id', 'email'])
        .where('account_id', '=', accountId)
        .where('role', '=', 'Admin')
        .where('status', '=', 'active')
        .where('id', '!=', userId)
        .orderBy('activated_at')
        .orderBy('created_at')
        .execute();
      let receiver: { id: string; email: string } | undefined;
      if (input.transferTo) {
        receiver = admins.find((a) => a.id === input.transferTo);
        if (!receiver) throw badRequest('invalid_transfer_target', 'transferTo must be another active admin of this account.');
      } else {
        receiver = admins.find((a) => a.id === actorUserId) ?? admins.find((a) => a.id === account.original_user_id) ?? admins[0];
      }
      if (!receiver) {
        throw conflict('no_admin_to_receive', `There is no other active admin to receive what ${user.email} owns. Make another user an admin first.`);
      }
      const items: Record<string, number> = {};
      for (const [what, transfer] of this.#transfers) items[what] = await transfer(tx, { accountId, fromUserId: userId, toUserId: receiver.id });
      await tx
        .insertInto('user_ownership_transfers')
        .values({ account_id: accountId, from_user_id: userId, from_email: user.email, to_user_id: receiver.id, to_email: receiver.email, actor, items: JSON.stringify(items) })
        .execute();
      if (account.original_user_id === userId) {
        // Before the sync started, or after another admin took the Marketo connection over: the account then has no original user any more.
        await tx.updateTable('accounts').set({ original_user_id: null }).where('id', '=', accountId).execute();
      }
      await tx.deleteFrom('users').where('account_id', '=', accountId).where('id', '=', userId).execute();
      await recordAudit(tx, { accountId, actor, action: 'user.deleted', target: user.email, details: { transferredTo: receiver.email, items } });
      return { deleted: true, userId, email: user.email, transferredTo: { id: receiver.id, email: receiver.email }, items };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Teams.

  async listTeams(accountId: string) {
    const [account, teams] = await Promise.all([
      accountRepository.findById(this.db, accountId),
      this.db
        .selectFrom('teams as t')
        .leftJoin('team_members as tm', 'tm.team_id', 't.id')
        .select(['t.id', 't.name', 't.everyone', 't.created_at'])
        .select((eb) => eb.fn.count<number>('tm.user_id').as('members'))
        .where('t.account_id', '=', accountId)
        .groupBy(['t.id', 't.name', 't.everyone', 't.created_at'])
        .orderBy('t.everyone', 'desc')
        .orderBy('t.name')
        .execute(),
    ]);
    if (!account) throw notFound('The account');
    return {
      teams: teams.map((t) => ({ id: t.id, name: t.name, everyone: t.everyone, memberCount: Number(t.members), createdAt: t.created_at.toISOString() })),
      limit: account.team_limit,
      count: teams.length,
    };
  }

  private async team(db: DbOrTx, accountId: string, teamId: string) {
    const team = await db.selectFrom('teams').selectAll().where('account_id', '=', accountId).where('id', '=', teamId).executeTakeFirst();
    if (!team) throw notFound('The team');
    return team;
  }

  /** Compared as the unique index teams_name compares: with the database's lower(), on both sides. */
  private async assertFreeName(tx: DbOrTx, accountId: string, name: string, except?: string) {
    let q = tx.selectFrom('teams').select('id').where('account_id', '=', accountId).where(sql`lower(name)`, '=', sql<string>`lower(${name})`);
    if (except) q = q.where('id', '!=', except);
    if (await q.executeTakeFirst()) throw teamExists(name);
  }

  /** A write of a team name; should the index still find a duplicate, it is a 409, never a 500. */
  private async writingName<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isTeamNameTaken(error)) throw teamExists(name);
      throw error;
    }
  }

  async createTeam(accountId: string, rawName: string, actor: string) {
    const name = teamName(rawName);
    return this.db.transaction().execute(async (tx) => {
      const account = await accountRepository.lockById(tx, accountId);
      if (!account) throw notFound('The account');
      await this.assertFreeName(tx, accountId, name);
      const count = await tx.selectFrom('teams').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow();
      if (Number(count.n) >= account.team_limit) {
        throw conflict('team_limit_reached', `The account has ${account.team_limit} teams (Everyone included), its limit. Delete a team first.`, { limit: account.team_limit });
      }
      const team = await this.writingName(name, () => tx.insertInto('teams').values({ account_id: accountId, name }).returningAll().executeTakeFirstOrThrow());
      await recordAudit(tx, { accountId, actor, action: 'team.created', target: name, details: { teamId: team.id } });
      return { id: team.id, name: team.name, everyone: false, memberCount: 0, createdAt: team.created_at.toISOString() };
    });
  }

  async renameTeam(accountId: string, teamId: string, rawName: string, actor: string) {
    const name = teamName(rawName);
    return this.db.transaction().execute(async (tx) => {
      await accountRepository.lockById(tx, accountId);
      const team = await this.team(tx, accountId, teamId);
      if (team.everyone) throw conflict('everyone_team', 'The Everyone team cannot be renamed.');
      await this.assertFreeName(tx, accountId, name, teamId);
      await this.writingName(name, () => tx.updateTable('teams').set({ name }).where('account_id', '=', accountId).where('id', '=', teamId).execute());
      await recordAudit(tx, { accountId, actor, action: 'team.renamed', target: name, details: { teamId, from: team.name } });
      const members = await tx.selectFrom('team_members').select((eb) => eb.fn.countAll<number>().as('n')).where('team_id', '=', teamId).executeTakeFirstOrThrow();
      return { id: team.id, name, everyone: false, memberCount: Number(members.n), createdAt: team.created_at.toISOString() };
    });
  }

  async deleteTeam(accountId: string, teamId: string, actor: string) {
    return this.db.transaction().execute(async (tx) => {
      const team = await this.team(tx, accountId, teamId);
      if (team.everyone) throw conflict('everyone_team', 'The Everyone team cannot be deleted: every member belongs to it.');
      await tx.deleteFrom('teams').where('account_id', '=', accountId).where('id', '=', teamId).execute();
      await recordAudit(tx, { accountId, actor, action: 'team.deleted', target: team.name, details: { teamId } });
      return { deleted: true, id: teamId, name: team.name };
    });
  }

  async teamMembers(accountId: string, teamId: string, page: number, pageSize: number) {
    const team = await this.team(this.db, accountId, teamId);
    const q = this.db
      .selectFrom('users as u')
      .innerJoin('team_members as tm', 'tm.user_id', 'u.id')
      .where('tm.team_id', '=', teamId)
      .where('u.account_id', '=', accountId);
    const [total, rows] = await Promise.all([
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      q
        .select(USER_COLUMNS)
        .orderBy('u.email')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
    ]);
    return {
      team: { id: team.id, name: team.name, everyone: team.everyone },
      users: await this.views(this.db, accountId, rows),
      page,
      pageSize,
      total: Number(total.n),
    };
  }
}
