import type { FastifyRequest } from 'fastify';
import type { DbOrTx } from './database.js';

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

/**
 * Who did it. Apex sends the Salesforce user behind a callout in `X-MSI-Actor`
 * (`<user id> <name>`); without it the actor is the API client.
 */
export function actorOf(request: FastifyRequest): string {
  const header = request.headers['x-msi-actor'];
  const client = request.caller ? `client:${request.caller.clientId}` : 'anonymous';
  if (typeof header === 'string' && ACTOR_HEADER.test(header)) return `${header} via ${client}`;
  return client;
}
