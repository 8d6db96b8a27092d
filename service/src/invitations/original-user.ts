import { sql } from 'kysely';
import type { DbOrTx } from '../platform/database.js';

/**
 * True once a data sync has been started for the account. The sync capability owns `sync_runs`
 * (one row per started run, with an `account_id`); before that table exists no sync can have
 * started, so the lookup first asks whether it is there instead of failing on it.
 */
export async function syncHasStarted(db: DbOrTx, accountId: string): Promise<boolean> {
  if (!(await hasColumn(db, 'sync_runs', 'account_id'))) return false;
  const runs = await sql<{ started: boolean }>`select exists (select 1 from sync_runs where account_id = ${accountId}) as started`.execute(db);
  return Boolean(runs.rows[0]?.started);
}

/**
 * The MSI Actions user who owns the account's Marketo connection (the admin who connected it, see
 * MarketoConnections.owner), or null when there is no connection or no known user connected it. The
 * marketo capability owns the table; without it (a capability subset) there is no owner.
 */
export async function marketoConnectionOwner(db: DbOrTx, accountId: string): Promise<string | null> {
  if (!(await hasColumn(db, 'marketo_connections', 'connected_by_user_id'))) return null;
  const row = await db.selectFrom('marketo_connections').select('connected_by_user_id').where('account_id', '=', accountId).executeTakeFirst();
  return row?.connected_by_user_id ?? null;
}

/** Whether another capability's table (and column) exists in this database: user management runs without them too. */
async function hasColumn(db: DbOrTx, table: string, column: string): Promise<boolean> {
  const found = await sql<{ present: boolean }>`
    select exists (
      select 1 from information_schema.columns
      where table_schema = current_schema() and table_name = ${table} and column_name = ${column}
    ) as present`.execute(db);
  return Boolean(found.rows[0]?.present);
}
