import type { FastifyRequest } from 'fastify';
import type { DbOrTx } from './database.js';
import { SALESFORCE_USER_ID } from '../account/org-id.js';

export interface AuditEntry {
  accountId: string;
  actor: string;
  action: string;
  target?: string | null;
  outcome?: 'success' | 'failure';
  details?: Record<string, unknown>;
}

/** Records an admin action. Pass the transaction of the change so the record and the change commit together. */
export async function recordAudit(db: DbOrTx, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      account_id: entry.accountId,
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      outcome: entry.outcome ?? 'success',
      details: entry.details ? JSON.stringify(entry.details) : null,
    })
    .execute();
}

const ACTOR_HEADER = /^[\p{L}\p{N} .,'@_()+:-]{1,200}$/u;

/** The Salesforce user behind a call, as Apex names them. */
export interface SalesforceActor {
  /** The header as sent (trimmed), `<user id> <name>`: what the audit log records. */
  header: string;
  salesforceUserId: string | null;
  name: string | null;
}

/**
 * Apex sends the running Salesforce user on every callout, the public ones included, in
 * `X-MSI-Actor: <user id> <name>`. The one reading of that header: null when it is missing or not
 * of that shape (it is the caller's word, so it names people in e-mails and audit lines, and is
 * never trusted to grant anything by itself).
 */
export function salesforceActorOf(request: FastifyRequest): SalesforceActor | null {
  const raw = request.headers['x-msi-actor'];
  if (typeof raw !== 'string') return null;
  const header = raw.trim();
  if (!ACTOR_HEADER.test(header)) return null;
  const [first = '', ...rest] = header.split(/\s+/);
  if (SALESFORCE_USER_ID.test(first)) return { header, salesforceUserId: first, name: rest.join(' ') || null };
  return { header, salesforceUserId: null, name: header };
}

/** Who did it, for the audit log: the Salesforce user Apex names, via the API client. */
export function actorOf(request: FastifyRequest): string {
  const actor = salesforceActorOf(request);
  const client = request.caller ? `client:${request.caller.clientId}` : 'anonymous';
  return actor ? `${actor.header} via ${client}` : client;
}
