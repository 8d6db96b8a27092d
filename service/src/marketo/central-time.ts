/** Marketo's daily quota resets at midnight US Central time; these find that moment. */

const parts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Chicago',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

function centralFields(ms: number): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const out: Record<string, number> = {};
  for (const p of parts.formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { y: out.year!, m: out.month!, d: out.day!, h: out.hour!, min: out.minute!, s: out.second! };
}

/** Offset of Central time from UTC at `ms`, in ms (negative: -5 h or -6 h). */
function centralOffset(ms: number): number {
  const f = centralFields(ms);
  const asUtc = Date.UTC(f.y, f.m - 1, f.d, f.h, f.min, f.s);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The calendar day in US Central time, YYYY-MM-DD: the day Marketo counts a call in. */
export function centralDay(ms: number): string {
  const f = centralFields(ms);
  return `${f.y}-${String(f.m).padStart(2, '0')}-${String(f.d).padStart(2, '0')}`;
}

/** The next midnight in US Central time after `ms`, as epoch ms. */
export function nextCentralMidnight(ms: number): number {
  const f = centralFields(ms);
  const localMidnight = Date.UTC(f.y, f.m - 1, f.d + 1, 0, 0, 0);
  // The offset at midnight itself (daylight saving changes at 2 AM, so a guess a little earlier is right).
  const guess = localMidnight - centralOffset(ms);
  return localMidnight - centralOffset(guess - 60_000);
}
