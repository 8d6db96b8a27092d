/**
 * Salesforce record ids: 15 case-sensitive characters (3-character key prefix, 2-character pod,
 * 1 reserved character, 9 base-62 digits) plus a 3-character suffix that encodes, for each block of
 * 5 characters, which of them are upper case. The 18-character form is what the REST API returns;
 * both forms are accepted on input, as Salesforce does.
 */

/** Key prefixes of the objects the emulator knows (the first 3 characters of every id). */
export const keyPrefixes = {
  Account: '001',
  Contact: '003',
  User: '005',
  Opportunity: '006',
  Task: '00T',
  Lead: '00Q',
  Organization: '00D',
  QueryLocator: '01g',
  BulkJob: '750',
} as const;

const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The 3-character case suffix of a 15-character id. */
export function caseSuffix(id15: string): string {
  let suffix = '';
  for (let block = 0; block < 3; block++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(block * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX[bits];
  }
  return suffix;
}

/** The record number in the last 9 base-62 digits of an id, or undefined when they are not digits. */
export function idCounter(id: string): number | undefined {
  let n = 0;
  for (const ch of id.slice(6, 15)) {
    const v = BASE62.indexOf(ch);
    if (v < 0) return undefined;
    n = n * 62 + v;
  }
  return n;
}

const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$/;

/** The 18-character form of a 15- or 18-character id, or undefined when it is not an id at all. */
export function to18(id: string): string | undefined {
  if (!ID_PATTERN.test(id)) return undefined;
  const id15 = id.slice(0, 15);
  const full = id15 + caseSuffix(id15);
  // An 18-character id whose suffix does not match its body is malformed, as Salesforce says.
  if (id.length === 18 && id.toUpperCase() !== full.toUpperCase()) return undefined;
  return full;
}
