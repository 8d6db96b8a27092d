/**
 * Every failure the Marketo client reports. `code` is Marketo's own code when Marketo answered one
 * ("601", "607", "1003", …), the OAuth error for the identity endpoint ("invalid_client",
 * "unauthorized"), or one of the client's codes below for what happened before or around Marketo.
 */
export type MarketoClientCode =
  | 'UNREACHABLE'
  /** No answer within the call's own time limit (counted from sending, not from waiting for a slot). */
  | 'TIMEOUT'
  | 'UNKNOWN_HOST'
  | 'HTTP_ERROR'
  | 'BAD_RESPONSE'
  | 'QUOTA_STOPPED'
  | 'RETRIES_EXHAUSTED'
  | 'BULK_FILE_INCOMPLETE'
  | 'BULK_FILE_CHECKSUM'
  | 'EXPORT_FAILED';

export class MarketoError extends Error {
  override readonly name = 'MarketoError';

  constructor(
    readonly code: string,
    message: string,
    readonly details: { httpStatus?: number; requestId?: string; retryAt?: number; cause?: unknown } = {},
  ) {
    super(`${code}: ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
  }

  /** The bare message as Marketo (or the client) phrased it, without the code prefix. */
  get marketoMessage(): string {
    return this.message.slice(this.code.length + 2);
  }
}

/** Codes after which the same call may be sent again once the limiter lets it. */
export const RETRYABLE_CODES = new Set(['604', '606', '608', '611', '615', '713']);
export const TOKEN_CODES = new Set(['601', '602']);
/** Answers Marketo does not count against the daily quota or the rate limit (marked * in its error codes). */
export const UNCOUNTED_CODES = new Set(['601', '602', '604', '605', '608', '611']);
