import { sql } from 'kysely';
import type { DbOrTx } from '../platform/database.js';
import { conflict } from '../platform/errors.js';

/*
 * Team names are unique per account case-insensitively, as the database says it: the unique index
 * teams_name is on (account_id, lower(name)). Every comparison of team names is made with that same
 * SQL lower(), never with JavaScript's toLowerCase(): the two disagree (Turkish İ, Greek final Σ, …),
 * and where they disagree a check in JavaScript lets a duplicate reach the index (a 500) or misses a
 * team that exists.
 */

export const teamExists = (name: string) => conflict('team_exists', `There is already a team called "${name}".`);

/** True for the unique violation of teams_name: another team already has this name, as lower() compares. */
export function isTeamNameTaken(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  return e?.code === '23505' && (e.constraint === 'teams_name' || (typeof e.message === 'string' && e.message.includes('"teams_name"')));
}

/**
 * Each name with its key (the database's lower() of it: names with one key are one team) and the id
 * of the account's team with that key, if there is one.
 */
export async function teamsByName(db: DbOrTx, accountId: string, names: string[]): Promise<Map<string, { key: string; id: string | null }>> {
  const distinct = [...new Set(names)];
  if (distinct.length === 0) return new Map();
  const rows = await sql<{ name: string; key: string; id: string | null }>`
    select w.name, lower(w.name) as key, t.id
    from unnest(${distinct}::text[]) as w(name)
    left join teams t on t.account_id = ${accountId}::uuid and lower(t.name) = lower(w.name)`.execute(db);
  const found = new Map(rows.rows.map((r) => [r.name, { key: r.key, id: r.id }]));
  // In the order the names were given (the first row that names a team comes first).
  return new Map(distinct.map((name) => [name, found.get(name) ?? { key: name, id: null }]));
}

/** Team references (ids or names) to the ids of the account's teams; an id is looked up before a name. */
export async function teamsByRef(db: DbOrTx, accountId: string, refs: string[]): Promise<Map<string, string | null>> {
  const distinct = [...new Set(refs)];
  if (distinct.length === 0) return new Map();
  const rows = await sql<{ ref: string; id: string | null }>`
    select r.ref, coalesce(
      (select t.id from teams t where t.account_id = ${accountId}::uuid and t.id::text = lower(r.ref)),
      (select t.id from teams t where t.account_id = ${accountId}::uuid and lower(t.name) = lower(r.ref))
    ) as id
    from unnest(${distinct}::text[]) as r(ref)`.execute(db);
  return new Map(rows.rows.map((r) => [r.ref, r.id]));
}
