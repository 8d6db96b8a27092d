import type { FastifyServerOptions } from 'fastify';
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
