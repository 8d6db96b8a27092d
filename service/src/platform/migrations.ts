import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { Db } from './database.js';
import { accountMigrations } from '../account/migrations.js';
import { invitationMigrations } from '../invitations/migrations.js';
import { salesforceMigrations } from '../salesforce/migrations.js';
import { marketoMigrations } from '../marketo/migrations.js';
import { syncMigrations } from '../sync/migrations.js';
import { activityMigrations } from '../activities/migrations.js';

/**
 * Versioned migrations. Each capability owns its migrations (`<capability>/migrations.ts`) and
 * lists them here; names start with a sortable prefix per capability, so they stay ordered.
 */
const platformMigrations: Record<string, Migration> = {
  '0001_platform_service_meta': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table service_meta (
          key text primary key,
          value text not null,
          updated_at timestamptz not null default now()
        )`.execute(db);
      await sql`insert into service_meta (key, value) values ('installed_at', now()::text)`.execute(db);
    },
  },
};

export const allMigrations: Record<string, Migration> = {
  ...platformMigrations,
  ...accountMigrations,
  ...salesforceMigrations,
  ...marketoMigrations,
  ...syncMigrations,
  ...invitationMigrations,
  ...activityMigrations,
};

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => allMigrations },
    // Capabilities add migrations independently; a later one may sort before one already run.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${reason}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
