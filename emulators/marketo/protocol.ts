/** Small pieces of the Marketo wire format shared by the emulator's handlers. */

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Response-level messages as Marketo's error-codes page words them (606 is built with its numbers). */
export const MESSAGES: Record<string, string> = {
  '601': 'Access token invalid',
  '602': 'Access token expired',
  '603': 'Access denied',
  '604': 'Request time-out',
  '605': 'HTTP Method not supported',
  '607': 'Daily quota reached',
  '608': 'API Temporarily Unavailable',
  '609': 'Invalid JSON',
  '610': 'Requested resource not found',
  '611': 'System error',
  '612': 'Invalid Content Type',
  '613': 'Invalid Multipart Request',
  '614': 'Invalid Subscription',
  '615': 'Concurrent access limit reached',
  '616': 'Invalid subscription type',
  '713': 'Transient Error',
};

/**
 * The codes marked * on Marketo's error-codes page: "An API call that returns this response code is
 * not counted against your daily quota, or your rate limit." Every other answer is counted.
 */
export const UNCOUNTED_CODES: ReadonlySet<string> = new Set(['601', '602', '604', '605', '608', '611']);

export function apiError(code: string, message = MESSAGES[code] ?? 'Error'): ApiError {
  return new ApiError(code, message);
}

let requestCounter = Math.floor(Math.random() * 0xffff);

/** Marketo request ids look like "e42b#14272d07d78": a counter and the time in ms, both hex. */
export function requestId(): string {
  requestCounter = (requestCounter + 1) & 0xfffff;
  return `${requestCounter.toString(16)}#${Date.now().toString(16)}`;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Paging tokens are opaque base32 strings in Marketo; ours carry a kind letter and a position. */
export function encodeToken(kind: string, position: number): string {
  const bytes = Buffer.from(`${kind}:${position}:msi`, 'utf8');
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

export function decodeToken(kind: string, token: string): number | null {
  const clean = token.replace(/=+$/, '');
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const ch of clean) {
    const v = B32.indexOf(ch);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  const text = Buffer.from(bytes).toString('utf8');
  const match = /^([A-Z]):(\d+):msi$/.exec(text);
  if (!match || match[1] !== kind) return null;
  return Number(match[2]);
}

/** Calendar day in US Central time, when Marketo's daily quota and export allocation reset. */
const centralDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit' });

export function centralDayOf(ms: number): string {
  return centralDay.format(new Date(ms));
}

/** Parses ISO 8601 the way Marketo accepts it (with Z or ±hh:mm / ±hhmm). NaN when not a date. */
export function parseMarketoDate(value: string): number {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return NaN;
  const normal = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return Date.parse(normal);
}
