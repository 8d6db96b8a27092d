import { sql, type Kysely, type Migration } from 'kysely';

export const marketoMigrations: Record<string, Migration> = {
  '0300_marketo_connection': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table marketo_connections (
          account_id uuid primary key references accounts(id) on delete cascade,
          munchkin_id text,
          rest_url text not null,
          identity_url text not null,
          client_id text not null,
          client_secret_sealed text not null,
          api_user text not null,
          connected_by text not null,
          connected_at timestamptz not null default now(),
          last_verified_at timestamptz not null default now(),
          daily_quota integer not null default 50000,
          quota_stopped_until timestamptz,
          last_error_code text,
          last_error_message text,
          last_error_at timestamptz
        );
        create table marketo_api_calls (
          account_id uuid not null references accounts(id) on delete cascade,
          day text not null,
          calls integer not null default 0,
          primary key (account_id, day)
        )`.execute(db);
    },
  },
  '0301_marketo_limiter_leases': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table marketo_limiter_leases (
          id bigserial primary key,
          instance text not null,
          started_at timestamptz not null,
          finished_at timestamptz,
          expires_at timestamptz not null
        );
        create index marketo_limiter_leases_instance on marketo_limiter_leases (instance, started_at)`.execute(db);
    },
  },
  '0302_marketo_connection_owner_user': {
    async up(db: Kysely<unknown>) {
      // The MSI Actions user (an admin) who connected Marketo and so owns the connection, when the
      // caller was known as one; null when an unlinked caller connected (the original user then owns it).
      await sql`alter table marketo_connections add column connected_by_user_id uuid references users(id) on delete set null`.execute(db);
    },
  },
};
