/**
 * Which MSI Actions user a Salesforce user is. Apex names the running Salesforce user on every call
 * (X-MSI-Actor, or the rep of a logged activity); MSI Actions users are invited by e-mail. The two
 * meet once, by e-mail, and from then on `users.salesforce_user_id` says it. Every part that needs
 * "the Actions user behind this Salesforce user" (logging an activity, connecting Marketo, receiving
 * a deleted user's belongings) asks here, so a user is linked by whichever of those comes first.
 */
import { sql } from 'kysely';
import { SALESFORCE_USER_ID, toId18 } from '../account/org-id.js';
import { recordAudit } from '../platform/audit.js';
import type { Db } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import type { SalesforceConnections } from './connections.js';

export interface SalesforceLinkedUser {
  id: string;
  email: string;
  name: string;
  role: string;
  status: string;
  salesforce_user_id: string | null;
}

export interface SalesforceUserMatch {
  /** The Actions user, linked to the Salesforce user (now or before); null when none matches. */
  user: SalesforceLinkedUser | null;
  /** The e-mail matched on (given, or the Salesforce User's), when it came to that. */
  email: string | null;
  /** The Actions user with that e-mail, when it is already linked to a different Salesforce user (then not linked again). */
  linkedElsewhere: SalesforceLinkedUser | null;
}

export class SalesforceUsers {
  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    /** The account's Salesforce connections; null where this runtime has none (then only users linked before are found). */
    private readonly salesforce: () => SalesforceConnections | null,
  ) {}

  /**
   * The Actions user behind a Salesforce user id (15 or 18 characters). The first time, the user is
   * matched by e-mail — `email` when the caller knows it, else the Salesforce User's, read once through
   * the account's Salesforce connection — and linked (audited). No connection, no such User or no
   * Actions user with that e-mail: no match, nothing linked.
   */
  async find(accountId: string, salesforceUserId: string, options: { email?: string | null } = {}): Promise<SalesforceUserMatch> {
    if (!SALESFORCE_USER_ID.test(salesforceUserId)) return { user: null, email: null, linkedElsewhere: null };
    const sfId = toId18(salesforceUserId);
    const select = () => this.db.selectFrom('users').select(['id', 'email', 'name', 'role', 'status', 'salesforce_user_id']).where('account_id', '=', accountId);
    const linked = await select().where('salesforce_user_id', '=', sfId).executeTakeFirst();
    if (linked) return { user: linked, email: linked.email, linkedElsewhere: null };

    const given = options.email?.trim().toLowerCase() || null;
    const email = given ?? (await this.salesforceUserEmail(accountId, sfId));
    if (!email) return { user: null, email: null, linkedElsewhere: null };
    const byEmail = await select().where(sql`lower(email)`, '=', email).executeTakeFirst();
    if (!byEmail) return { user: null, email, linkedElsewhere: null };
    if (byEmail.salesforce_user_id && byEmail.salesforce_user_id !== sfId) return { user: null, email, linkedElsewhere: byEmail };

    // Only an unlinked row is linked: two first calls at once link it once.
    const updated = await this.db
      .updateTable('users')
      .set({ salesforce_user_id: sfId })
      .where('account_id', '=', accountId)
      .where('id', '=', byEmail.id)
      .where('salesforce_user_id', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) {
      await recordAudit(this.db, {
        accountId,
        actor: 'system',
        action: 'user.salesforce_linked',
        target: byEmail.email,
        details: { salesforceUserId: sfId, matchedBy: given ? 'request e-mail' : 'Salesforce user e-mail' },
      });
    }
    return { user: { ...byEmail, salesforce_user_id: sfId }, email, linkedElsewhere: null };
  }

  /** The Salesforce User's e-mail, or null when there is no usable connection or no such user. */
  private async salesforceUserEmail(accountId: string, salesforceUserId: string): Promise<string | null> {
    const connections = this.salesforce();
    if (!connections) return null;
    let connection;
    try {
      connection = await connections.connectionFor(accountId);
    } catch {
      return null;
    }
    try {
      // The id matched SALESFORCE_USER_ID (letters and digits only): safe inside the SOQL literal.
      const result = await connection.query<{ Email: string }>(`SELECT Email FROM User WHERE Id = '${salesforceUserId}' LIMIT 1`);
      return result.records[0]?.Email?.trim().toLowerCase() || null;
    } catch (error) {
      this.log.warn({ err: error, accountId }, 'could not read the Salesforce user to match an MSI Actions user');
      return null;
    }
  }
}
