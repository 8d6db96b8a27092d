import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';

/**
 * Paths that never reach a log line. Secrets are also kept out of log calls by design; this is
 * the net under that: headers that carry credentials and any property named like a secret.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.client_secret',
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
  '*.token',
  '*.claimCode',
];

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
    ...(stream ? { stream } : {}),
  } as FastifyServerOptions['logger'];
}

export type { FastifyBaseLogger as Logger } from 'fastify';
