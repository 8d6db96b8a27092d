import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

declare global {
  interface String {
    /** ES2024 (Node 20 has it; the project's lib is ES2023): false when the string holds an unpaired surrogate. */
    isWellFormed(): boolean;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The body property holding an array whose items the route answers one by one (a batch): text that
     * cannot be stored in those items is left to the route, which answers it per item with
     * `unstorableTextIssue`, instead of refusing the whole request.
     */
    textCheckPerItem?: string;
  }
}

/** What is wrong with one value, and where: `body/attributes/notes`, `querystring/search`, `params/teamId`. */
export interface TextIssue {
  path: string;
  message: string;
}

const NUL = 'must not contain a NUL character (\\u0000)';
const SURROGATE = 'must not contain half of a character (an unpaired UTF-16 surrogate); send the text as valid Unicode';
/** Deeper than any request of this service; a deeper one is refused rather than walked. */
const MAX_DEPTH = 256;
const TOO_DEEP = `must not nest objects and arrays more than ${MAX_DEPTH} levels deep`;

function stringProblem(s: string): string | undefined {
  // Both native and cheap: a byte search, and a check that is free for one-byte strings.
  if (s.includes('\u0000')) return NUL;
  if (!s.isWellFormed()) return SURROGATE;
  return undefined;
}

/**
 * The first string (value or property name) PostgreSQL cannot store: a NUL character, or a lone
 * UTF-16 surrogate (a JSON `\ud83d` without its other half). Walks objects and arrays; answers the path
 * segments and the problem, or undefined. Builds nothing on the way when all is well.
 */
function find(value: unknown, depth: number): string[] | undefined {
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    return problem ? [problem] : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > MAX_DEPTH) return [TOO_DEEP];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = find(value[i], depth + 1);
      if (found) return [...found, String(i)];
    }
    return undefined;
  }
  return findInObject(value as Record<string, unknown>, depth, undefined);
}

function findInObject(value: Record<string, unknown>, depth: number, skip: string | undefined): string[] | undefined {
  for (const key in value) {
    if (key === skip) continue;
    const keyProblem = stringProblem(key);
    // The path then ends in the name itself, its bad characters shown as escapes.
    if (keyProblem) return [keyProblem, safeKey(key)];
    const found = find(value[key], depth + 1);
    if (found) return [...found, key];
  }
  return undefined;
}

/** A property name fit to be quoted back (the bad characters shown as escapes). */
function safeKey(key: string): string {
  return key.replaceAll('\u0000', '\\u0000').replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

function issueAt(prefix: string, found: string[]): TextIssue {
  const [message, ...reversed] = found;
  return { path: [prefix, ...reversed.reverse()].join('/'), message: message ?? 'is not valid' };
}

/** The issue with one value (a batch item, say), its path starting at `prefix`; undefined when it can be stored. */
export function unstorableTextIssue(value: unknown, prefix: string): TextIssue | undefined {
  const found = find(value, 0);
  return found ? issueAt(prefix, found) : undefined;
}

/** The 400 a request with such text gets: the envelope and code of a schema violation, naming the field. */
export function unstorableTextError(issue: TextIssue): AppError {
  return new AppError(400, 'invalid_request', `The request is not valid: ${issue.path} ${issue.message}`, { issues: [issue] });
}

function checkContainer(value: unknown, prefix: string): TextIssue | undefined {
  // Query strings and path parameters: flat objects of strings (or arrays of them). A GET without
  // parameters costs two empty loops.
  if (typeof value !== 'object' || value === null) return undefined;
  const found = findInObject(value as Record<string, unknown>, 0, undefined);
  return found ? issueAt(prefix, found) : undefined;
}

function checkBody(request: FastifyRequest): TextIssue | undefined {
  const body = request.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return unstorableTextIssue(body, 'body');
  const perItem = request.routeOptions.config?.textCheckPerItem;
  if (perItem && typeof body === 'object' && !Array.isArray(body) && Array.isArray((body as Record<string, unknown>)[perItem])) {
    // The items are the route's to answer; the rest of the body is checked here.
    const found = findInObject(body as Record<string, unknown>, 0, perItem);
    return found ? issueAt('body', found) : undefined;
  }
  return unstorableTextIssue(body, 'body');
}

/**
 * Every route, once, before schema validation: a string PostgreSQL cannot store (a NUL, a lone
 * surrogate) in the path, the query or the body is a 400 naming the field, not a 500 from the
 * database. A callback hook (it runs on every request): no promise, and nothing to do for a GET
 * without parameters.
 */
export function registerTextCheck(app: FastifyInstance) {
  app.addHook('preValidation', (request, _reply, done) => {
    const issue = checkContainer(request.params, 'params') ?? checkContainer(request.query, 'querystring') ?? checkBody(request);
    done(issue ? unstorableTextError(issue) : undefined);
  });
}
