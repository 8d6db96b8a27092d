/** The outcome of one address or CSV row. */
export const OUTCOMES = ['invited', 'resent', 'already_member', 'invalid', 'refused', 'duplicate'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type OutcomeCounts = Record<Outcome, number>;

export function emptyCounts(): OutcomeCounts {
  return { invited: 0, resent: 0, already_member: 0, invalid: 0, refused: 0, duplicate: 0 };
}

export function countOutcomes(outcomes: Iterable<{ outcome: Outcome }>): OutcomeCounts {
  const counts = emptyCounts();
  for (const o of outcomes) counts[o.outcome] += 1;
  return counts;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The confirmation the Invite users page shows, built from the counts (MSI: "You'll receive a
 * confirmation message"). `unit` names what was checked: addresses typed in, or rows of a file.
 */
export function confirmationMessage(counts: OutcomeCounts, context: { unit: 'address' | 'row'; seatLimit: number }): string {
  const parts: string[] = [];
  if (counts.invited > 0) parts.push(`${plural(counts.invited, 'person was', 'people were')} invited; the invitation e-mails are on their way.`);
  if (counts.resent > 0) parts.push(`${plural(counts.resent, 'person who was', 'people who were')} already invited got a new invitation e-mail.`);
  if (counts.already_member > 0) parts.push(`${plural(counts.already_member, 'person is', 'people are')} already a member.`);
  if (counts.invalid > 0) {
    parts.push(
      context.unit === 'address'
        ? `${plural(counts.invalid, 'address is', 'addresses are')} not valid.`
        : `${plural(counts.invalid, 'row was', 'rows were')} skipped because of problems.`,
    );
  }
  if (counts.duplicate > 0) parts.push(`${plural(counts.duplicate, 'duplicate row was', 'duplicate rows were')} skipped.`);
  if (counts.refused > 0) {
    parts.push(`${plural(counts.refused, 'person was', 'people were')} not invited: the account has no free seats left (limit ${context.seatLimit}).`);
  }
  if (counts.invited === 0 && counts.resent === 0) parts.unshift('Nobody new was invited.');
  return parts.join(' ');
}

/**
 * Why an address or CSV row came out as it did, or what is wrong with a row: a stable code, the values
 * its sentence needs, and the English sentence itself. The Salesforce package shows a Custom Label per code
 * (in the admin's language) filled with the params; API clients may show the message.
 */
export const REASON_CODES = [
  // The address (typed in, or a row's e-mail cell) is not valid.
  'email_missing',
  'email_empty',
  'email_too_long',
  'email_no_at',
  'email_local_too_long',
  'email_invalid_characters',
  'email_no_domain',
  'email_invalid_domain',
  // What inviting found.
  'duplicate_address',
  'user_deactivated',
  'seat_limit',
  // A CSV row.
  'too_many_values',
  'too_few_values',
  'invalid_role',
  'first_name_too_long',
  'last_name_too_long',
  'name_too_long',
  'duplicate_in_file',
  // A team a CSV row names.
  'team_name_too_long',
  'unknown_team',
  'team_limit',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** The values a reason's sentence needs; which ones a code has is listed in the OpenAPI document. */
export interface ReasonParams {
  /** seat_limit, team_limit: the account's limit. */
  limit?: number;
  /** *_too_long: the longest value allowed. */
  max?: number;
  /** too_many_values, too_few_values: the values in the row, and the values of the header. */
  values?: number;
  expected?: number;
  /** duplicate_in_file: the row that has the address first. */
  firstRow?: number;
  /** invalid_role: the cell as written. */
  role?: string;
  /** team_name_too_long (its first 40 characters), unknown_team, team_limit: the team's name. */
  team?: string;
  /** email_invalid_domain: the domain as written. */
  domain?: string;
}

export interface Reason {
  code: ReasonCode;
  message: string;
  params: ReasonParams;
}

export function reason(code: ReasonCode, message: string, params: ReasonParams = {}): Reason {
  return { code, message, params };
}

/** The English `reason` of a result: its reasons' sentences, joined as before codes existed. */
export function reasonText(reasons: Reason[]): string | null {
  return reasons.length > 0 ? reasons.map((r) => r.message).join('; ') : null;
}
