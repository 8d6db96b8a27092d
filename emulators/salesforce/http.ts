/** Salesforce's REST error body and the API versions this org serves. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OrgUser } from './org.js';

export const MIN_VERSION = 20;
export const MAX_VERSION = 62;

export function sfError(reply: FastifyReply, status: number, errorCode: string, message: string, fields?: string[]) {
  return reply.status(status).send([{ message, errorCode, ...(fields ? { fields } : {}) }]);
}

export const notFound = (reply: FastifyReply) => sfError(reply, 404, 'NOT_FOUND', 'The requested resource does not exist');

/** `v62.0` → `62.0`, or undefined when the version is not one this org serves. */
export function parseVersion(v: string | undefined): string | undefined {
  const m = /^v(\d+)\.0$/.exec(v ?? '');
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= MIN_VERSION && n <= MAX_VERSION ? `${n}.0` : undefined;
}

/** The user behind each authenticated REST request (set by the auth hook). */
export const callers = new WeakMap<FastifyRequest, OrgUser>();

export function callerOf(request: FastifyRequest): OrgUser {
  const user = callers.get(request);
  if (!user) throw new Error('REST route reached without the auth hook');
  return user;
}
