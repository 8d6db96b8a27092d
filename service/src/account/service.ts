import { sql } from 'kysely';
import type { Config } from '../platform/config.js';
import { DUMMY_SECRET_HASH, hashSecret, randomSecret, tokenHash, verifySecret, type Keys } from '../platform/crypto.js';
import type { Database } from '../platform/database.js';
import { AppError, badRequest, conflict, notFound } from '../platform/errors.js';
import type { Jobs } from '../platform/jobs.js';
import { recordAudit } from '../platform/audit.js';
import { MailDeliveryError, type Mailer } from '../platform/mail.js';
import type { Logger } from '../platform/logger.js';
import { AccessTokens } from './access-tokens.js';
import { invitationMail } from './messages.js';
import { toId18 } from './org-id.js';
import { accountRepository as repo } from './repository.js';

export const SEND_INVITATION_QUEUE = 'account.send-invitation';
const INVITATION_DAYS = 7;
const CLAIM_MINUTES = 10;

/** The Salesforce user who sent the invitation (from Apex's `X-MSI-Actor`): named in the e-mail. */
export interface Inviter {
  name: string;
  /** The header as sent, `<user id> <name>`, for the audit log. */
  actor: string;
}

export interface AdminInput {
  name: string;
  email: string;
}

export type ActivationResult =
  | {
      kind: 'account-activated';
      orgName: string;
      instanceUrl: string;
      clientId: string;
      clientSecret: string;
      claimCode: string;
      claimExpiresAt: Date;
    }
  | { kind: 'user-activated'; orgName: string; instanceUrl: string; name: string };

export type InvitationPageState =
  | { state: 'valid'; orgName: string; orgId: string; inviteeName: string; inviteeEmail: string; accountPending: boolean }
  | { state: 'used' | 'expired' | 'invalid' };

const masked = (hint: string) => `••••••••${hint}`;

/** Step 1: the Actions account, its first admins, its Client ID/Secret and access tokens. */
export class AccountService {
  readonly accessTokens: AccessTokens;

  constructor(
    private readonly database: Database,
    private readonly jobs: Jobs,
    private readonly keys: Keys,
    private readonly config: Config,
    private readonly mailer: () => Mailer,
    private readonly log: Logger,
  ) {
    this.accessTokens = new AccessTokens(keys, config.accessTokenTtlSeconds);
  }

  get db() {
    return this.database.db;
  }

  /**
   * Creates the pending account for an org and invites its first admins, or, while it is still
   * pending, sends the invitations again. An active account is a conflict that names nothing of it.
   */
  async createAccount(input: { orgId: string; orgName: string; instanceUrl: string; admins: AdminInput[]; invitedBy?: Inviter | null }) {
    const orgId = toId18(input.orgId);
    const instanceUrl = input.instanceUrl.replace(/\/+$/, '');
    return this.db.transaction().execute(async (tx) => {
      // Serialise creation per org: two clicks on "Send invitation" must not make two accounts.
      await sql`select pg_advisory_xact_lock(hashtext(${`account:${orgId}`}))`.execute(tx);
      let account = await repo.findByOrgId(tx, orgId);
      if (account?.status === 'active') {
        throw conflict(
          'account_exists',
          'This Salesforce org already has an MSI Actions account. Ask one of its administrators to invite you, or paste its Client ID and Secret on the Integration Info card.',
        );
      }
      const created = !account;
      if (!account) {
        account = await tx
          .insertInto('accounts')
          .values({
            org_id: orgId,
            org_name: input.orgName,
            instance_url: instanceUrl,
            status: 'pending',
            seat_limit: this.config.seatLimit,
            team_limit: this.config.teamLimit,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await repo.createEveryoneTeam(tx, account.id);
      } else {
        await tx.updateTable('accounts').set({ org_name: input.orgName, instance_url: instanceUrl }).where('id', '=', account.id).execute();
      }
      const accountId = account.id;
      const invited: Array<{ email: string; name: string }> = [];
      for (const admin of input.admins) {
        let user = await repo.findUserByEmail(tx, accountId, admin.email);
        if (!user) {
          if ((await repo.countSeats(tx, accountId)) >= account.seat_limit) {
            throw conflict('seat_limit_reached', `The account has no free seat for ${admin.email} (limit ${account.seat_limit}).`);
          }
          user = await repo.insertMember(tx, { accountId, email: admin.email, name: admin.name, role: 'Admin' });
        }
        const invitation = await repo.replaceInvitation(tx, { accountId, userId: user.id, invitedBy: input.invitedBy?.name ?? null });
        await this.jobs.send(SEND_INVITATION_QUEUE, { invitationId: invitation.id }, { tx });
        invited.push({ email: user.email, name: user.name });
      }
      await recordAudit(tx, {
        accountId,
        actor: input.invitedBy ? `${input.invitedBy.actor} via salesforce-org:${orgId}` : `salesforce-org:${orgId}`,
        action: created ? 'account.created' : 'account.invitation_resent',
        target: orgId,
        details: { admins: invited.map((a) => a.email) },
      });
      return { created, status: 'pending' as const, orgId, invited };
    });
  }

  /**
   * Sends (or sends again) one invitation e-mail. The link's token is made here and only its hash
   * is kept, so a working link exists nowhere but in the e-mail.
   */
  async sendInvitation(invitationId: string): Promise<void> {
    const row = await this.db
      .selectFrom('invitations as i')
      .innerJoin('users as u', 'u.id', 'i.user_id')
      .innerJoin('accounts as a', 'a.id', 'i.account_id')
      .select(['i.id', 'i.account_id', 'i.user_id', 'i.invited_by', 'i.accepted_at', 'i.revoked_at', 'u.email', 'u.name', 'u.role', 'a.org_name', 'a.status'])
      .where('i.id', '=', invitationId)
      .executeTakeFirst();
    if (!row || row.accepted_at || row.revoked_at) return;
    const token = randomSecret();
    const expiresAt = new Date(Date.now() + INVITATION_DAYS * 24 * 3600 * 1000);
    await this.db
      .updateTable('invitations')
      .set({ token_hash: tokenHash(token), sent_at: sql`now()`, expires_at: expiresAt, send_count: sql`send_count + 1`, last_error: null })
      .where('id', '=', invitationId)
      .execute();
    const mail = invitationMail({
      to: row.email,
      inviteeName: row.name,
      inviterName: row.invited_by,
      orgName: row.org_name,
      accountPending: row.status === 'pending',
      role: row.role,
      link: `${this.config.publicUrl}/activate?token=${encodeURIComponent(token)}`,
      expiresAt,
    });
    try {
      await this.mailer().send(mail);
      await this.db.updateTable('users').set({ invitation_error: null }).where('id', '=', row.user_id).execute();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.db.updateTable('invitations').set({ last_error: message }).where('id', '=', invitationId).execute();
      if (error instanceof MailDeliveryError && error.permanent) {
        // A permanent refusal (5xx) will not get better by retrying: show it on the user's row.
        await this.db.updateTable('users').set({ invitation_error: message }).where('id', '=', row.user_id).execute();
        this.log.warn({ invitationId, responseCode: error.responseCode }, 'invitation e-mail refused permanently');
        return;
      }
      throw error;
    }
  }

  async invitationPage(token: string): Promise<InvitationPageState> {
    const row = await repo.invitationByTokenHash(this.db, tokenHash(token));
    if (!row || row.revoked_at) return { state: 'invalid' };
    if (row.accepted_at) return { state: 'used' };
    if (!row.expires_at || row.expires_at.getTime() <= Date.now()) return { state: 'expired' };
    return {
      state: 'valid',
      orgName: row.org_name,
      orgId: row.org_id,
      inviteeName: row.user_name,
      inviteeEmail: row.user_email,
      accountPending: row.account_status === 'pending',
    };
  }

  /**
   * Uses an invitation link. The first admin to accept activates the account, becomes its original
   * user and receives the Client ID and Secret, with a claim code for the setup page.
   */
  async activate(token: string): Promise<ActivationResult> {
    const hash = tokenHash(token);
    return this.db.transaction().execute(async (tx) => {
      const found = await repo.invitationByTokenHash(tx, hash);
      if (!found || found.revoked_at) throw badRequest('invalid_link', 'This link is not valid. Ask for a new invitation.');
      const account = await repo.lockById(tx, found.account_id);
      // Re-read under the lock: a second click in another tab must not activate twice.
      const invitation = await tx.selectFrom('invitations').selectAll().where('id', '=', found.id).executeTakeFirstOrThrow();
      if (!account || invitation.accepted_at || invitation.token_hash !== hash) {
        throw badRequest('link_used', 'This link has already been used. Sign in to MSI Actions from Salesforce.');
      }
      if (!invitation.expires_at || invitation.expires_at.getTime() <= Date.now()) {
        throw badRequest('link_expired', 'This link has expired. Ask for a new invitation from the MSI Actions Setup page.');
      }
      // The hash stays, so the used link can say it was used rather than that it is unknown.
      await tx.updateTable('invitations').set({ accepted_at: sql`now()` }).where('id', '=', invitation.id).execute();
      await tx
        .updateTable('users')
        .set({ status: 'active', activated_at: sql`now()`, invitation_error: null })
        .where('id', '=', invitation.user_id)
        .where('status', '=', 'invited')
        .execute();
      const user = await tx.selectFrom('users').selectAll().where('id', '=', invitation.user_id).executeTakeFirstOrThrow();

      if (account.status === 'active') {
        await recordAudit(tx, { accountId: account.id, actor: user.email, action: 'user.activated', target: user.email });
        return { kind: 'user-activated', orgName: account.org_name, instanceUrl: account.instance_url, name: user.name };
      }

      await tx
        .updateTable('accounts')
        .set({ status: 'active', activated_at: sql`now()`, original_user_id: user.id })
        .where('id', '=', account.id)
        .execute();
      await tx.updateTable('users').set({ original: true }).where('id', '=', user.id).execute();
      const clientId = `msi_${randomSecret(15)}`;
      const clientSecret = randomSecret(32);
      await tx
        .insertInto('account_secrets')
        .values({ account_id: account.id, client_id: clientId, secret_hash: await hashSecret(clientSecret), secret_hint: clientSecret.slice(-4) })
        .execute();
      const claimCode = randomSecret(24);
      const claimExpiresAt = new Date(Date.now() + CLAIM_MINUTES * 60 * 1000);
      await tx
        .insertInto('claim_codes')
        .values({
          code_hash: tokenHash(claimCode),
          account_id: account.id,
          client_id: clientId,
          secret_sealed: this.keys.encrypt(clientSecret),
          expires_at: claimExpiresAt,
        })
        .execute();
      await recordAudit(tx, {
        accountId: account.id,
        actor: user.email,
        action: 'account.activated',
        target: account.org_id,
        details: { originalUser: user.email, clientId },
      });
      return { kind: 'account-activated', orgName: account.org_name, instanceUrl: account.instance_url, clientId, clientSecret, claimCode, claimExpiresAt };
    });
  }

  /** Exchanges a claim code, once, for the Client ID and Secret shown at activation. */
  async claim(claimCode: string, orgId?: string) {
    const invalid = () =>
      new AppError(
        400,
        'invalid_claim_code',
        'This claim code is unknown, already used or expired (codes work once, for 10 minutes). Paste the Client ID and Secret from the activation page by hand instead.',
      );
    return this.db.transaction().execute(async (tx) => {
      const used = await tx
        .updateTable('claim_codes')
        .set({ used_at: sql`now()` })
        .where('code_hash', '=', tokenHash(claimCode))
        .where('used_at', 'is', null)
        .where('expires_at', '>', sql<Date>`now()`)
        .returning(['account_id', 'client_id', 'secret_sealed'])
        .executeTakeFirst();
      if (!used) throw invalid();
      const account = await repo.findById(tx, used.account_id);
      if (!account || (orgId !== undefined && toId18(orgId) !== account.org_id)) throw invalid();
      // The sealed secret has done its job: keep no copy, even encrypted.
      await tx.updateTable('claim_codes').set({ secret_sealed: '' }).where('code_hash', '=', tokenHash(claimCode)).execute();
      const original = account.original_user_id ? await repo.findUser(tx, account.id, account.original_user_id) : undefined;
      await recordAudit(tx, { accountId: account.id, actor: `salesforce-org:${account.org_id}`, action: 'account.credentials_claimed', target: used.client_id });
      return {
        clientId: used.client_id,
        clientSecret: this.keys.decrypt(used.secret_sealed),
        orgId: account.org_id,
        activatedAt: account.activated_at,
        originalUser: original ? { name: original.name, email: original.email } : null,
      };
    });
  }

  /** Client credentials grant: a token for a live Client ID/Secret pair, in constant time otherwise. */
  async issueToken(clientId: string, clientSecret: string): Promise<{ token: string; expiresIn: number } | undefined> {
    const secrets = clientId.length <= 100 ? await repo.liveSecrets(this.db, clientId) : [];
    if (secrets.length === 0) {
      await verifySecret(clientSecret, DUMMY_SECRET_HASH);
      return undefined;
    }
    for (const secret of secrets) {
      if (await verifySecret(clientSecret, secret.secret_hash)) {
        return this.accessTokens.issue({ accountId: secret.account_id, clientId }, secret.expires_at);
      }
    }
    return undefined;
  }

  async current(accountId: string) {
    const account = await repo.findById(this.db, accountId);
    if (!account) throw notFound('The account');
    const [secrets, original, seats] = await Promise.all([
      this.db
        .selectFrom('account_secrets')
        .selectAll()
        .where('account_id', '=', accountId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
        .orderBy('created_at', 'desc')
        .execute(),
      account.original_user_id ? repo.findUser(this.db, accountId, account.original_user_id) : undefined,
      repo.countSeats(this.db, accountId),
    ]);
    const current = secrets.find((s) => s.expires_at === null);
    const previous = secrets.find((s) => s.expires_at !== null);
    return {
      id: account.id,
      orgId: account.org_id,
      orgName: account.org_name,
      instanceUrl: account.instance_url,
      status: account.status,
      createdAt: account.created_at.toISOString(),
      activatedAt: account.activated_at?.toISOString() ?? null,
      originalUser: original ? { id: original.id, name: original.name, email: original.email } : null,
      integration: {
        clientId: current?.client_id ?? null,
        secret: current ? masked(current.secret_hint) : null,
        secretCreatedAt: current?.created_at.toISOString() ?? null,
        previousSecretValidUntil: previous?.expires_at?.toISOString() ?? null,
      },
      limits: { seats: account.seat_limit, teams: account.team_limit },
      usage: { seats },
    };
  }

  /** A new secret; the current one keeps working for the grace period, then stops. */
  async rotateSecret(accountId: string, actor: string) {
    return this.db.transaction().execute(async (tx) => {
      const account = await repo.lockById(tx, accountId);
      if (!account) throw notFound('The account');
      const current = await repo.currentSecret(tx, accountId);
      if (!current) throw conflict('account_not_active', 'The account has no Client ID yet: activate it first.');
      const graceEnds = new Date(Date.now() + this.config.secretGraceMinutes * 60 * 1000);
      // Only one secret in grace at a time: a second rotation ends the older one now.
      await tx
        .updateTable('account_secrets')
        .set({ expires_at: sql`now()` })
        .where('account_id', '=', accountId)
        .where('expires_at', '>', sql<Date>`now()`)
        .execute();
      await tx.updateTable('account_secrets').set({ expires_at: graceEnds }).where('id', '=', current.id).execute();
      const clientSecret = randomSecret(32);
      await tx
        .insertInto('account_secrets')
        .values({ account_id: accountId, client_id: current.client_id, secret_hash: await hashSecret(clientSecret), secret_hint: clientSecret.slice(-4) })
        .execute();
      await recordAudit(tx, {
        accountId,
        actor,
        action: 'account.secret_rotated',
        target: current.client_id,
        details: { previousSecretValidUntil: graceEnds.toISOString() },
      });
      return { clientId: current.client_id, clientSecret, previousSecretValidUntil: graceEnds.toISOString() };
    });
  }

  /** Sends the invitation again to every admin who has not accepted yet. */
  async resendAdminInvitations(accountId: string, actor: string, inviterName: string | null = null) {
    return this.db.transaction().execute(async (tx) => {
      const admins = await tx
        .selectFrom('users')
        .select(['id', 'email'])
        .where('account_id', '=', accountId)
        .where('role', '=', 'Admin')
        .where('status', '=', 'invited')
        .execute();
      for (const admin of admins) {
        const invitation = await repo.replaceInvitation(tx, { accountId, userId: admin.id, invitedBy: inviterName });
        await this.jobs.send(SEND_INVITATION_QUEUE, { invitationId: invitation.id }, { tx });
      }
      const account = await repo.findById(tx, accountId);
      await recordAudit(tx, { accountId, actor, action: 'account.invitation_resent', target: account?.org_id ?? null, details: { admins: admins.map((a) => a.email) } });
      return { resent: admins.map((a) => a.email) };
    });
  }

  async auditLog(accountId: string, query: { limit: number; before?: number; action?: string }) {
    let q = this.db
      .selectFrom('audit_log')
      .select(['id', 'at', 'actor', 'action', 'target', 'outcome', 'details'])
      .where('account_id', '=', accountId)
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (query.before !== undefined) q = q.where('id', '<', query.before);
    if (query.action) q = q.where('action', '=', query.action);
    const rows = await q.execute();
    const page = rows.slice(0, query.limit);
    return {
      entries: page.map((r) => ({
        id: Number(r.id),
        at: r.at.toISOString(),
        actor: r.actor,
        action: r.action,
        target: r.target,
        outcome: r.outcome,
        details: r.details ?? null,
      })),
      nextBefore: rows.length > query.limit ? Number(page[page.length - 1]?.id) : null,
    };
  }
}
