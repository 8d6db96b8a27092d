/**
 * What the emulator remembers between requests: the org, the connected apps, browser sessions,
 * OAuth codes and tokens, API usage, query cursors, Bulk API 2.0 jobs and the fault knobs.
 */
import crypto from 'node:crypto';
import { caseSuffix } from './ids.js';
import type { Org } from './org.js';

export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
  /** Registered callback URLs; `redirect_uri` must equal one of them exactly. */
  callbackUrls: string[];
  /** "Require Secret for Web Server Flow" (on by default in Salesforce). */
  requireSecret: boolean;
  /** "Admin approved users are pre-authorized": no consent page. */
  preAuthorized: boolean;
}

export interface AccessToken {
  userId: string;
  clientId: string;
  expiresAt: number;
  refreshToken?: string;
}

export interface RefreshToken {
  userId: string;
  clientId: string;
  revoked: boolean;
  scope: string;
}

export interface AuthCode {
  clientId: string;
  userId: string;
  redirectUri: string;
  codeChallenge?: string;
  scope: string;
  expiresAt: number;
}

/** A request-level fault answered instead of the real response. */
export interface RequestFault {
  errorCode: string;
  message: string;
  status: number;
  remaining: number;
  method?: string;
  path?: RegExp;
}

/** A record-level fault put into the next SaveResults. */
export interface RecordFault {
  errorCode: string;
  message?: string;
  remaining: number;
  object?: string;
}

export interface QueryCursor {
  rows: Record<string, unknown>[];
  version: string;
  expiresAt: number;
}

export interface IngestJob {
  id: string;
  object: string;
  operation: 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';
  externalIdFieldName?: string;
  state: 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  createdById: string;
  createdDate: string;
  systemModstamp: string;
  apiVersion: number;
  lineEnding: 'LF' | 'CRLF';
  columnDelimiter: string;
  uploads: string[];
  header: string[];
  successful: string[][];
  failed: string[][];
  unprocessed: string[][];
  processed: number;
  errorMessage?: string;
  startedAt?: number;
  finishedAt?: number;
}

export interface QueryJob {
  id: string;
  object: string;
  operation: 'query' | 'queryAll';
  query: string;
  state: 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  createdById: string;
  createdDate: string;
  systemModstamp: string;
  apiVersion: number;
  lineEnding: 'LF' | 'CRLF';
  columnDelimiter: string;
  header: string[];
  rows: string[][];
  readyAt: number;
}

export interface EmulatorState {
  org: Org;
  url: string;
  apps: ConnectedApp[];
  sessions: Map<string, { userId: string; expiresAt: number }>;
  approvals: Set<string>;
  pendingConsents: Map<string, { userId: string; params: Record<string, string>; expiresAt: number }>;
  codes: Map<string, AuthCode>;
  accessTokens: Map<string, AccessToken>;
  refreshTokens: Map<string, RefreshToken>;
  accessTokenTtlMs: number;
  apiUsage: { used: number; limit: number };
  latencyMs: number;
  requestFaults: RequestFault[];
  recordFaults: RecordFault[];
  cursors: Map<string, QueryCursor>;
  ingestJobs: Map<string, IngestJob>;
  queryJobs: Map<string, QueryJob>;
  /** How long a Bulk API 2.0 job stays InProgress before it completes. */
  bulkProcessingMs: number;
  /** Every request the emulator answered (method and path), for tests that check what a client sent. */
  log: { method: string; url: string; status: number }[];
  /** Lets composite sub-requests skip the per-call API usage count (the whole composite counts once). */
  internalSecret: string;
  counter: number;
}

export function randomToken(bytes = 24): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

/** An id of the given key prefix for a non-record entity (query locators, bulk jobs). */
export function entityId(state: EmulatorState, prefix: string): string {
  state.counter += 1;
  const digits = state.counter.toString(36).toUpperCase().padStart(9, '0');
  const id15 = `${prefix}${state.org.id.slice(3, 5)}0${digits}`;
  return id15 + caseSuffix(id15);
}
