import { Migrator, type Kysely } from 'kysely';
import { allMigrations } from '../platform/migrations.js';
import { marketoMigrations } from './migrations.js';

/**
 * Brings the Marketo tables in when the platform's migration list does not name them yet. Runs on
 * the platform's own migration table with the union of both lists, so it is a no-op once
 * `marketoMigrations` is listed in platform/migrations.ts (the convention) and never runs one twice.
 */
export async function ensureMarketoSchema(db: Kysely<unknown>): Promise<void> {
  const missing = Object.keys(marketoMigrations).some((name) => !(name in allMigrations));
  if (!missing) return;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...allMigrations, ...marketoMigrations }) },
    allowUnorderedMigrations: true,
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw new Error(`Marketo migrations failed: ${error instanceof Error ? error.message : String(error)}`);
}
