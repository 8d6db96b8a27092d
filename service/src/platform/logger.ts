import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import pino from 'pino';
import type { Config } from './config.js';
import { BatchedLogDestination } from './log-destination.js';

const SECRET_KEYS = ['password', 'secret', 'clientSecret', 'client_secret', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'token', 'claimCode'];

/**
 * Paths that never reach a log line. Secrets are kept out of log calls by design (requests are
 * logged as method and path only, errors by their message); this is the net under that:
 * credential headers, and properties named like a secret at the top of a log object. Few, explicit
 * paths: pino checks each of them on every line, and every request writes one.
 */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', ...SECRET_KEYS];

let stdout: BatchedLogDestination | undefined;

/** The process's log destination: standard output, written in batches (see BatchedLogDestination). */
export function stdoutLogDestination(): BatchedLogDestination {
  stdout ??= new BatchedLogDestination(1);
  return stdout;
}

export function loggerOptions(config: Pick<Config, 'logLevel'>, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      // Query strings may carry OAuth codes and tokens: log the path only.
      req: (req: { method: string; url: string; id: string; headers: Record<string, unknown> }) => ({
        method: req.method,
        url: req.url.split('?')[0],
        id: req.id,
        userAgent: req.headers['user-agent'],
      }),
    },
    stream: stream ?? stdoutLogDestination(),
  } as FastifyServerOptions['logger'];
}

export type { FastifyBaseLogger as Logger } from 'fastify';

export interface RequestLine {
  method: string;
  path: string;
  status: number;
  ms: number;
  account?: string;
}

const { chindingsSym, streamSym } = pino.symbols;
const INFO = 30;

/**
 * Writes the one line every request logs, built by hand: the same JSON pino writes for
 * `request.log.info(fields, 'request')` (level, time, the logger's bindings with the request id,
 * the fields, msg), without pino's generic path of walking the object, serialisers and redaction
 * for fields that are never secret (the path has no query string). On the hottest path of the
 * service pino's line building cost about a tenth of the request's CPU; this is a few string joins.
 * Falls back to pino for a logger that is not pino's own (logging off, a test double).
 */
export function writeRequestLine(log: FastifyBaseLogger, line: RequestLine, level: 'info' | 'debug'): void {
  const logger = log as unknown as Record<symbol, unknown> & { levelVal?: unknown };
  const stream = logger[streamSym] as { write(line: string): unknown } | undefined;
  const bindings = logger[chindingsSym];
  if (level !== 'info' || !stream || typeof bindings !== 'string' || typeof logger.levelVal !== 'number') {
    log[level](line, 'request');
    return;
  }
  if (logger.levelVal > INFO) return;
  stream.write(
    `{"level":${INFO},"time":${Date.now()}${bindings},"method":${JSON.stringify(line.method)},"path":${JSON.stringify(line.path)},` +
      `"status":${line.status},"ms":${line.ms}${line.account ? `,"account":${JSON.stringify(line.account)}` : ''},"msg":"request"}\n`,
  );
}
