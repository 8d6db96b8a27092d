import { sql, type Kysely, type Migration } from 'kysely';

export const activityMigrations: Record<string, Migration> = {
  '0600_activities': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table activities (
          id uuid primary key default gen_random_uuid(),
          account_id uuid not null references accounts(id) on delete cascade,
          idempotency_key text not null,
          request_hash text not null,
          external_id text not null unique,
          kind text not null,
          occurred_at timestamptz not null,
          marketo_id bigint not null,
          person_email text,
          person_name text,
          sf_lead_id text,
          sf_contact_id text,
          sf_account_id text,
          sf_opportunity_id text,
          user_id uuid references users(id) on delete set null,
          user_email text not null,
          rep_name text not null,
          rep_salesforce_user_id text,
          attributes jsonb not null,
          created_at timestamptz not null default now(),
          unique (account_id, idempotency_key)
        );
        create index activities_person on activities (account_id, marketo_id, occurred_at desc, id desc);
        create table activity_deliveries (
          id uuid primary key default gen_random_uuid(),
          activity_id uuid not null references activities(id) on delete cascade,
          account_id uuid not null references accounts(id) on delete cascade,
          system text not null check (system in ('marketo', 'salesforce')),
          state text not null check (state in ('pending', 'sending', 'delivered', 'failed', 'skipped')),
          payload jsonb not null,
          attempts integer not null default 0,
          next_attempt_at timestamptz not null default now(),
          lease_until timestamptz,
          outcome_unknown boolean not null default false,
          bulk_job_id text,
          remote_id text,
          error_code text,
          error_message text,
          error_hint text,
          last_attempt_at timestamptz,
          failed_at timestamptz,
          delivered_at timestamptz,
          created_at timestamptz not null default now(),
          unique (activity_id, system)
        );
        create index activity_deliveries_ready on activity_deliveries (account_id, system, next_attempt_at) where state in ('pending', 'sending');
        create index activity_deliveries_failed on activity_deliveries (account_id, system, failed_at desc) where state = 'failed';
        create table activity_marketo_types (
          account_id uuid not null references accounts(id) on delete cascade,
          rest_url text not null,
          kind text not null,
          api_name text not null,
          type_id integer not null,
          definition_hash text not null,
          ready_at timestamptz not null default now(),
          primary key (account_id, rest_url, kind)
        );
        -- The rep names people by Lead or Contact id: without these, each lookup would read every person of the account.
        create index activities_persons_lead on persons (account_id, sfdc_lead_id) where sfdc_lead_id is not null;
        create index activities_persons_contact on persons (account_id, sfdc_contact_id) where sfdc_contact_id is not null;
        create table activity_wakeups (
          account_id uuid not null references accounts(id) on delete cascade,
          system text not null,
          kind text not null check (kind in ('now', 'later')),
          due_at timestamptz not null default now(),
          primary key (account_id, system, kind)
        )`.execute(db);
    },
  },
};
