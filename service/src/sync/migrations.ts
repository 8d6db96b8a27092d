import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The data sync's tables. `sync_runs` keeps its historical shape (`id`, `account_id`, every other
 * column defaulted) because user management asks it whether a sync has started (syncHasStarted).
 */
export const syncMigrations: Record<string, Migration> = {
  '0400_sync': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table persons (
          account_id uuid not null references accounts(id) on delete cascade,
          marketo_id bigint not null,
          first_name text,
          last_name text,
          email text,
          phone text,
          company text,
          title text,
          linkedin_url text,
          source text,
          sfdc_lead_id text,
          sfdc_contact_id text,
          sfdc_account_id text,
          sfdc_opportunity_id text,
          owner_id text,
          salesforce_type text generated always as (
            case when sfdc_contact_id is not null then 'Contact' when sfdc_lead_id is not null then 'Lead' end
          ) stored,
          extra jsonb not null default '{}'::jsonb,
          marketo_created_at timestamptz,
          marketo_updated_at timestamptz,
          removed_at timestamptz,
          removed_reason text,
          synced_at timestamptz not null default now(),
          primary key (account_id, marketo_id)
        );
        create index persons_email on persons (account_id, lower(email));

        create table sync_settings (
          account_id uuid primary key references accounts(id) on delete cascade,
          owner_field text not null default 'sfdcLeadOwnerId',
          extra_fields jsonb not null default '[]'::jsonb,
          interval_seconds integer not null default 60 check (interval_seconds between 1 and 86400),
          updated_by text,
          updated_at timestamptz not null default now()
        );

        create table sync_runs (
          id uuid primary key default gen_random_uuid(),
          account_id uuid not null references accounts(id) on delete cascade,
          kind text not null default 'initial',
          active boolean not null default true,
          phase text not null default 'initial_load',
          paused_phase text,
          method text not null default 'bulk',
          fields jsonb not null default '[]'::jsonb,
          owner_field text not null default 'sfdcLeadOwnerId',
          extra_fields jsonb not null default '[]'::jsonb,
          started_by text,
          started_at timestamptz not null default now(),
          load_started_at timestamptz,
          load_finished_at timestamptz,
          ended_at timestamptz,
          estimated_people bigint,
          windows_planned integer not null default 0,
          windows_done integer not null default 0,
          plan_claimed_by text,
          plan_claimed_until timestamptz,
          read_count bigint not null default 0,
          inserted_count bigint not null default 0,
          updated_count bigint not null default 0,
          unchanged_count bigint not null default 0,
          removed_count bigint not null default 0,
          skipped_count bigint not null default 0,
          skipped_reasons jsonb not null default '{}'::jsonb,
          paging_token text,
          deleted_token text,
          inc_claimed_by text,
          inc_claimed_until timestamptz,
          next_incremental_at timestamptz,
          incremental_runs integer not null default 0,
          last_incremental_at timestamptz,
          last_incremental_lag_ms bigint,
          last_incremental_changes integer,
          waiting_until timestamptz,
          wait_reason text,
          supervised_at timestamptz,
          errors jsonb not null default '[]'::jsonb
        );
        create index sync_runs_account on sync_runs (account_id, started_at desc);
        create unique index sync_runs_one_active on sync_runs (account_id) where active;

        create table sync_windows (
          id uuid primary key default gen_random_uuid(),
          run_id uuid not null references sync_runs(id) on delete cascade,
          account_id uuid not null references accounts(id) on delete cascade,
          seq integer not null,
          kind text not null check (kind in ('bulk', 'rest')),
          start_at timestamptz,
          end_at timestamptz,
          from_id bigint,
          to_id bigint,
          state text not null default 'pending' check (state in ('pending', 'exporting', 'reading', 'done', 'replaced')),
          export_id text,
          export_status text,
          export_job jsonb,
          rows_done bigint not null default 0,
          cursor_id bigint,
          claimed_by text,
          claimed_until timestamptz,
          next_attempt_at timestamptz,
          attempts integer not null default 0,
          claims integer not null default 0,
          last_error text,
          finished_at timestamptz,
          unique (run_id, seq)
        );
        create index sync_windows_open on sync_windows (run_id, state) where state not in ('done', 'replaced');
      `.execute(db);
    },
  },
  '0401_persons_account_key': {
    // The initial load writes up to 1.5 M person rows. A foreign key checks (and share-locks) the
    // account row once per row: 300,000 plain inserts took 2.1 times as long with it here. The rows are written only by the account's own sync run
    // (whose key does tie it to the account); deleting an account still removes its people, by a
    // trigger that runs once per deleted account instead of a check per inserted person.
    async up(db: Kysely<unknown>) {
      await sql`
        alter table persons drop constraint if exists persons_account_id_fkey;
        create or replace function persons_remove_with_account() returns trigger language plpgsql as $$
        begin
          delete from persons where account_id = old.id;
          return old;
        end $$;
        create trigger persons_remove_with_account after delete on accounts
          for each row execute function persons_remove_with_account();
      `.execute(db);
    },
  },
};
