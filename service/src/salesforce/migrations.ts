import { sql, type Kysely, type Migration } from 'kysely';

export const salesforceMigrations: Record<string, Migration> = {
  '0200_salesforce_connection': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table salesforce_connections (
          account_id uuid primary key references accounts(id) on delete cascade,
          connection_id uuid not null,
          status text not null check (status in ('connected', 'broken')),
          login_url text not null,
          instance_url text not null,
          org_id text not null,
          user_id text not null,
          username text not null,
          refresh_token_sealed text not null,
          access_token_sealed text,
          scope text,
          connected_by text not null,
          connected_at timestamptz not null default now(),
          last_verified_at timestamptz,
          api_used integer,
          api_limit integer,
          api_usage_at timestamptz,
          last_error_code text,
          last_error_message text,
          last_error_hint text,
          last_error_at timestamptz
        );
        create table salesforce_oauth_states (
          state_hash text primary key,
          account_id uuid not null references accounts(id) on delete cascade,
          verifier_sealed text not null,
          login_url text not null,
          return_url text,
          actor text not null,
          created_at timestamptz not null default now(),
          expires_at timestamptz not null,
          used_at timestamptz
        );
        create index salesforce_oauth_states_expiry on salesforce_oauth_states (expires_at);
        create table salesforce_customizations (
          account_id uuid primary key references accounts(id) on delete cascade,
          settings jsonb not null,
          updated_by text not null,
          updated_at timestamptz not null default now()
        )`.execute(db);
    },
  },
};
