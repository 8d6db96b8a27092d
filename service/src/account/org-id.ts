const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 18-character, case-insensitive form of a 15- or 18-character Salesforce id. */
export function toId18(id: string): string {
  if (id.length === 18) return id.slice(0, 15) + id.slice(15).toUpperCase();
  if (id.length !== 15) throw new Error('A Salesforce id has 15 or 18 characters');
  let suffix = '';
  for (let block = 0; block < 3; block += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id.charAt(block * 5 + i);
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return id + suffix;
}

/** A Salesforce User id (005…, 15 or 18 letters and digits): only such ids reach a SOQL literal. */
export const SALESFORCE_USER_ID = /^005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/;

/** A Lead (00Q…) or Contact (003…) id, 15 or 18 characters: the records a synced person is. */
export const LEAD_OR_CONTACT_ID = /^(00Q|003)[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/;

export const ORG_ID_PATTERN = '^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$';

/** True when an 18-character id's suffix matches its first 15 characters. */
export function isConsistentId18(id: string): boolean {
  return id.length !== 18 || toId18(id.slice(0, 15)) === toId18(id);
}
