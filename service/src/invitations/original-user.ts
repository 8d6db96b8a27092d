import { sql } from 'kysely';
import type { DbOrTx } from '../platform/database.js';

/**
 * True once a data sync has been started for the account. The sync capability owns `sync_runs`
 * (one row per started run, with an `account_id`); before that table exists no sync can have
 * started, so the lookup first asks whether it is there instead of failing on it.
 */
export async function syncHasStarted(db: DbOrTx, accountId: string): Promise<boolean> {
  const table = await sql<{ present: boolean }>`
    select exists (
      select 1 from information_schema.columns
      where table_schema = current_schema() and table_name = 'sync_runs' and column_name = 'account_id'
    ) as present`.execute(db);
  if (!table.rows[0]?.present) return false;
  const runs = await sql<{ started: boolean }>`select exists (select 1 from sync_runs where account_id = ${accountId}) as started`.execute(db);
  return Boolean(runs.rows[0]?.started);
}
