/**
 * Classifies what Salesforce (through jsforce) throws into what the service should do: `retry` with
 * backoff (transient: lock contention, outage, slow query, daily API limit) or `fix` with a hint an
 * admin can act on (MSI diagnostics cheat sheet; B.9 connection troubleshooting). `reconnect` marks
 * errors only a new OAuth connection can cure (revoked or expired refresh token).
 */

export type SalesforceErrorClass =
  | { action: 'retry'; code: string; message: string; retryAfterMs: number }
  | { action: 'fix'; code: string; message: string; hint: string; reconnect: boolean; fields?: string[] };

const RETRY_AFTER_MS: Record<string, number> = {
  UNABLE_TO_LOCK_ROW: 2_000,
  SERVER_UNAVAILABLE: 30_000,
  QUERY_TIMEOUT: 60_000,
  // The daily limit rolls over 24 hours; an hour later some calls are usually free again.
  REQUEST_LIMIT_EXCEEDED: 60 * 60_000,
};

const RECONNECT_HINT =
  'The Salesforce connection was revoked or has expired. Reconnect in Settings → Admin Settings → Salesforce → Connections & Customizations (Connect → OK).';

function hintFor(code: string, message: string, fields: string[]): { hint: string; reconnect: boolean } {
  const list = fields.length > 0 ? fields.join(', ') : 'the fields named in the message';
  switch (code) {
    case 'INVALID_GRANT':
    case 'INVALID_SESSION_ID':
      return { hint: RECONNECT_HINT, reconnect: true };
    case 'API_CURRENTLY_DISABLED':
      return {
        hint: "The connected Salesforce user may not use the API. Give the user's profile (or a permission set) the API Enabled permission, or connect with a user that has it.",
        reconnect: false,
      };
    case 'API_DISABLED_FOR_ORG':
      return {
        hint: 'This Salesforce org has no API access. MSI Actions needs Enterprise or Unlimited edition, or Professional edition with the API add-on.',
        reconnect: false,
      };
    case 'INACTIVE_USER':
    case 'INACTIVE_OWNER_OR_USER':
      return {
        hint: 'A Salesforce user involved is inactive. Reactivate the user in Setup → Users, or choose an active fallback Task owner in Connections & Customizations.',
        reconnect: code === 'INACTIVE_USER' && /refresh|grant|login/i.test(message),
      };
    case 'ENTITY_IS_LOCKED':
      return {
        hint: 'The Salesforce record is locked (for example by an approval process). Unlock it in Salesforce; the activity is logged again on the next attempt.',
        reconnect: false,
      };
    case 'FIELD_CUSTOM_VALIDATION_EXCEPTION':
      return {
        hint: `A Salesforce validation rule rejected the record ("${message}"). Change the rule in Setup → Object Manager → Validation Rules so records written by MSI Actions pass.`,
        reconnect: false,
      };
    case 'INVALID_FIELD_FOR_INSERT_UPDATE':
      return {
        hint: `The connected Salesforce user cannot write ${list}. Give the user Edit field-level security on them, or stop mapping them.`,
        reconnect: false,
      };
    case 'REQUIRED_FIELD_MISSING':
      return {
        hint: `Salesforce requires ${list}, which MSI Actions does not fill. Make the field optional or give it a default value in Salesforce.`,
        reconnect: false,
      };
    case 'INVALID_FIELD':
    case 'INVALID_TYPE':
      return {
        hint: 'A field or object MSI Actions uses does not exist or is not visible to the connected user. Check field-level security and the object permissions of that user.',
        reconnect: false,
      };
    default:
      return { hint: `Salesforce refused the request (${code}): ${message}`, reconnect: false };
  }
}

interface ErrorLike {
  name?: unknown;
  errorCode?: unknown;
  statusCode?: unknown;
  message?: unknown;
  fields?: unknown;
  data?: unknown;
  code?: unknown;
}

/** The Salesforce code of an error from jsforce, a SaveResult error (`statusCode`) or an OAuth error. */
export function salesforceErrorCode(error: unknown): { code: string; message: string; fields: string[] } {
  const e = (error ?? {}) as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(error);
  // jsforce wraps a failed refresh in a plain Error; the OAuth error text survives in the message.
  if (/^Unable to refresh session due to:/.test(message)) {
    return { code: /inactive/i.test(message) ? 'INACTIVE_USER' : 'INVALID_GRANT', message, fields: [] };
  }
  if (e.errorCode === 'MULTIPLE_API_ERRORS' && Array.isArray(e.data) && e.data.length > 0) {
    return salesforceErrorCode(e.data[0]);
  }
  const fields = Array.isArray(e.fields)
    ? (e.fields as string[])
    : e.data && typeof e.data === 'object' && Array.isArray((e.data as ErrorLike).fields)
      ? ((e.data as ErrorLike).fields as string[])
      : [];
  const raw =
    typeof e.errorCode === 'string'
      ? e.errorCode
      : typeof e.statusCode === 'string'
        ? e.statusCode
        : typeof e.code === 'string'
          ? e.code
          : typeof e.name === 'string'
            ? e.name
            : 'UNKNOWN';
  // OAuth errors come lower-case (`invalid_grant`); the REST ones upper-case.
  const code = raw === 'inactive_user' ? 'INACTIVE_USER' : /^[a-z_]+$/.test(raw) ? raw.toUpperCase() : raw;
  return { code, message, fields };
}

const NETWORK = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR_\w+)$/;

export function classifySalesforceError(error: unknown): SalesforceErrorClass {
  const { code, message, fields } = salesforceErrorCode(error);
  const retryAfterMs = RETRY_AFTER_MS[code];
  if (retryAfterMs !== undefined) return { action: 'retry', code, message, retryAfterMs };
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (NETWORK.test(code) || (typeof cause === 'string' && NETWORK.test(cause)) || /^ERROR_HTTP_5\d\d$/.test(code)) {
    return { action: 'retry', code, message, retryAfterMs: 10_000 };
  }
  const { hint, reconnect } = hintFor(code, message, fields);
  return { action: 'fix', code, message, hint, reconnect, ...(fields.length > 0 ? { fields } : {}) };
}
