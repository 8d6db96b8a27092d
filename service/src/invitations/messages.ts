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
