/**
 * The local Salesforce org: OAuth, REST, Composite and Bulk API 2.0 on one HTTP server, seeded from
 * the shared person generator. `startSalesforceEmulator()` runs it in-process (port 0 in tests);
 * `cli.ts` runs it alone (`npm run emulator:salesforce -- --seed S --port P`).
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { Org, type OrgOptions, type OrgUser, type ValidationRule } from './org.js';
import { createSession, issueAccessToken, registerOAuthRoutes } from './oauth.js';
import { registerRestRoutes } from './rest.js';
import { randomToken, type ConnectedApp, type EmulatorState } from './state.js';

export { Org, type OrgUser, type ValidationRule } from './org.js';
export { MSI_OPTIONAL_TASK_FIELDS, STANDARD_TASK_TYPES } from './schema.js';
export type { ConnectedApp } from './state.js';

export interface SalesforceEmulatorOptions extends Partial<OrgOptions> {
  port?: number;
  host?: string;
  /** Connected apps (default: one, `DEFAULT_CLIENT_ID` / `DEFAULT_CLIENT_SECRET`, any callbackUrls given). */
  connectedApps?: Partial<ConnectedApp>[];
  /** Callback URLs of the default connected app. */
  callbackUrls?: string[];
  /** Access token lifetime (Salesforce's session timeout; default 2 hours). */
  accessTokenTtlMs?: number;
  /** Daily API request limit reported in `Sforce-Limit-Info` (default 100,000). */
  apiLimit?: number;
  /** Delay before every answer (default 0). */
  latencyMs?: number;
  /** How long a Bulk API 2.0 job takes (default 100 ms). */
  bulkProcessingMs?: number;
  /** Log requests to stdout (the CLI turns this on). */
  logger?: boolean;
}

export const DEFAULT_CLIENT_ID = '3MVG9emulator.MSI_Actions.connected_app.client_id';
export const DEFAULT_CLIENT_SECRET = 'EMULATOR0SECRET0MSI0ACTIONS';

/** Error codes that are per-record in SaveResults; the others fail the whole request. */
const RECORD_LEVEL = new Set([
  'UNABLE_TO_LOCK_ROW',
  'FIELD_CUSTOM_VALIDATION_EXCEPTION',
  'ENTITY_IS_LOCKED',
  'INACTIVE_OWNER_OR_USER',
  'INVALID_FIELD_FOR_INSERT_UPDATE',
  'REQUIRED_FIELD_MISSING',
  'DUPLICATE_VALUE',
  'STRING_TOO_LONG',
]);

const DEFAULT_MESSAGES: Record<string, [number, string]> = {
  SERVER_UNAVAILABLE: [503, 'Server unavailable'],
  REQUEST_LIMIT_EXCEEDED: [403, 'TotalRequests Limit exceeded.'],
  QUERY_TIMEOUT: [400, 'Your query request was running for too long.'],
  API_CURRENTLY_DISABLED: [403, 'API is disabled for this User'],
  API_DISABLED_FOR_ORG: [403, 'The REST API is not enabled for this Organization.'],
  INVALID_SESSION_ID: [401, 'Session expired or invalid'],
  INACTIVE_USER: [403, 'The user is inactive'],
  UNABLE_TO_LOCK_ROW: [400, 'unable to obtain exclusive access to this record or 1 records: {id}'],
  FIELD_CUSTOM_VALIDATION_EXCEPTION: [400, 'Validation failed'],
  ENTITY_IS_LOCKED: [400, 'the entity is locked for editing'],
  INACTIVE_OWNER_OR_USER: [400, 'operation performed with inactive user as owner of {object}'],
};

export interface FaultSpec {
  errorCode: string;
  /** How many times (requests or records) to fail. Default 1. */
  times?: number;
  message?: string;
  /** Request-level faults: HTTP status (defaults by code). */
  status?: number;
  /** Request-level faults: only for this method / path. */
  method?: string;
  path?: RegExp;
  /** Record-level faults: only for this sObject type. */
  object?: string;
}

export interface SalesforceEmulator {
  /** Base URL: login URL and instance URL at once (like a My Domain). */
  url: string;
  org: Org;
  app: FastifyInstance;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
  /** Every access token ends now (the next REST call gets 401 INVALID_SESSION_ID). */
  expireAccessTokens(): void;
  /** Every refresh token is revoked (refresh gives `invalid_grant`), as when an admin revokes the app. */
  revokeRefreshTokens(): void;
  /** Fails the next request(s) or record write(s) with a Salesforce error code. */
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  /** Sets the API usage counter and/or the limit (`REQUEST_LIMIT_EXCEEDED` once used ≥ limit). */
  setApiUsage(used: number, limit?: number): void;
  apiUsage(): { used: number; limit: number };
  addValidationRule(rule: ValidationRule): void;
  /** Deactivates or reactivates a user (sessions die; ownership fails with INACTIVE_OWNER_OR_USER). */
  setUserActive(userId: string, active: boolean): void;
  /** The profile's API Enabled permission (off: API_CURRENTLY_DISABLED). */
  setApiEnabled(userId: string, enabled: boolean): void;
  /** A browser session for a user: the `sid` cookie value, as if they had logged in. */
  createSession(username: string): string;
  /** An access token for a user without the OAuth dance (for tests of other parts). */
  issueAccessToken(username: string): string;
  /** Requests answered so far (method, path and query, status). */
  requests(): { method: string; url: string; status: number }[];
}

export async function startSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const org = new Org({ seed: options.seed ?? 1, ...options });
  const apps: ConnectedApp[] = (options.connectedApps ?? [{}]).map((a, i) => ({
    clientId: a.clientId ?? (i === 0 ? DEFAULT_CLIENT_ID : `${DEFAULT_CLIENT_ID}.${i}`),
    clientSecret: a.clientSecret ?? DEFAULT_CLIENT_SECRET,
    callbackUrls: a.callbackUrls ?? options.callbackUrls ?? [],
    requireSecret: a.requireSecret ?? true,
    preAuthorized: a.preAuthorized ?? false,
  }));
  const state: EmulatorState = {
    org,
    url: '',
    apps,
    sessions: new Map(),
    approvals: new Set(),
    pendingConsents: new Map(),
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    accessTokenTtlMs: options.accessTokenTtlMs ?? 2 * 60 * 60 * 1000,
    apiUsage: { used: 0, limit: options.apiLimit ?? 100_000 },
    latencyMs: options.latencyMs ?? 0,
    requestFaults: [],
    recordFaults: [],
    cursors: new Map(),
    ingestJobs: new Map(),
    queryJobs: new Map(),
    bulkProcessingMs: options.bulkProcessingMs ?? 100,
    log: [],
    internalSecret: randomToken(16),
    counter: 0,
  };

  org.recordFaults = (object, record) => {
    const fault = state.recordFaults.find((f) => f.remaining > 0 && (!f.object || f.object.toLowerCase() === object.toLowerCase()));
    if (!fault) return undefined;
    fault.remaining -= 1;
    state.recordFaults = state.recordFaults.filter((f) => f.remaining > 0);
    const template = fault.message ?? DEFAULT_MESSAGES[fault.errorCode]?.[1] ?? fault.errorCode;
    const lockedId = String(record.Id || record.WhoId || record.WhatId || '');
    return {
      statusCode: fault.errorCode,
      message: template.replace('{id}', lockedId).replace('{object}', object.toLowerCase()),
      fields: [],
    };
  };

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 150 * 1024 * 1024 });
  await app.register(formbody);
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
  // A DELETE (or GET) with Content-Type: application/json and no body is answered normally, as
  // Salesforce does; Fastify's own parser would refuse the empty body.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if ((request.method === 'DELETE' || request.method === 'GET') && text.trim() === '') {
      done(null, undefined);
      return;
    }
    json(request, text, done);
  });
  app.addHook('onRequest', async (request) => {
    if (state.latencyMs > 0 && request.headers['x-sfemu-internal'] !== state.internalSecret) {
      await new Promise((resolve) => setTimeout(resolve, state.latencyMs));
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.headers['x-sfemu-internal'] !== state.internalSecret) state.log.push({ method: request.method, url: request.url, status: reply.statusCode });
  });
  // Parse failures and unknown paths answer in Salesforce's shape, not Fastify's.
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    const code = status === 413 ? 'REQUEST_TOO_LARGE' : status < 500 ? 'JSON_PARSER_ERROR' : 'UNKNOWN_EXCEPTION';
    return reply.status(status).send([{ message: error.message, errorCode: code }]);
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]));

  registerOAuthRoutes(app, state);
  registerRestRoutes(app, state);

  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  state.url = address.replace('[::1]', 'localhost');

  const userByName = (username: string): OrgUser => {
    const user = org.userByUsername(username);
    if (!user) throw new Error(`No user ${username} in the emulated org`);
    return user;
  };

  return {
    url: state.url,
    org,
    app,
    clientId: apps[0]!.clientId,
    clientSecret: apps[0]!.clientSecret,
    close: () => app.close(),
    expireAccessTokens() {
      for (const token of state.accessTokens.values()) token.expiresAt = 0;
    },
    revokeRefreshTokens() {
      for (const token of state.refreshTokens.values()) token.revoked = true;
    },
    injectFault(fault) {
      const times = fault.times ?? 1;
      if (RECORD_LEVEL.has(fault.errorCode) && !fault.path && !fault.method) {
        state.recordFaults.push({ errorCode: fault.errorCode, message: fault.message, remaining: times, object: fault.object });
        return;
      }
      const [status, message] = DEFAULT_MESSAGES[fault.errorCode] ?? [400, fault.errorCode];
      state.requestFaults.push({
        errorCode: fault.errorCode,
        message: fault.message ?? message,
        status: fault.status ?? status,
        remaining: times,
        method: fault.method,
        path: fault.path,
      });
    },
    clearFaults() {
      state.requestFaults = [];
      state.recordFaults = [];
    },
    setLatency(ms) {
      state.latencyMs = ms;
    },
    setApiUsage(used, limit) {
      state.apiUsage.used = used;
      if (limit !== undefined) state.apiUsage.limit = limit;
    },
    apiUsage: () => ({ ...state.apiUsage }),
    addValidationRule(rule) {
      org.validationRules.push(rule);
    },
    setUserActive(userId, active) {
      const user = org.user(userId);
      if (!user) throw new Error(`No user ${userId} in the emulated org`);
      user.isActive = active;
    },
    setApiEnabled(userId, enabled) {
      const user = org.user(userId);
      if (!user) throw new Error(`No user ${userId} in the emulated org`);
      user.apiEnabled = enabled;
    },
    createSession: (username) => createSession(state, userByName(username)),
    issueAccessToken: (username) => issueAccessToken(state, userByName(username).id, apps[0]!.clientId),
    requests: () => [...state.log],
  };
}
