import { sql, type Kysely, type Migration } from 'kysely';

export const accountMigrations: Record<string, Migration> = {
  '0100_account': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table accounts (
          id uuid primary key default gen_random_uuid(),
          org_id text not null unique,
          org_name text not null,
          instance_url text not null,
          status text not null check (status in ('pending', 'active')),
          seat_limit integer not null,
          team_limit integer not null,
          original_user_id uuid,
          created_at timestamptz not null default now(),
          activated_at timestamptz
        );
        create table account_secrets (
          id uuid primary key default gen_random_uuid(),
          account_id uuid not null references accounts(id) on delete cascade,
          client_id text not null,
          secret_hash text not null,
          secret_hint text not null,
          created_at timestamptz not null default now(),
          expires_at timestamptz
        );
        create index account_secrets_client on account_secrets (client_id);
        create unique index account_secrets_one_current on account_secrets (account_id) where expires_at is null;
        create table claim_codes (
          code_hash text primary key,
          account_id uuid not null references accounts(id) on delete cascade,
          client_id text not null,
          secret_sealed text not null,
          expires_at timestamptz not null,
          used_at timestamptz
        );
        create table users (
          id uuid primary key default gen_random_uuid(),
          account_id uuid not null references accounts(id) on delete cascade,
          email text not null,
          name text not null,
          first_name text,
          last_name text,
          role text not null check (role in ('Admin', 'User')),
          status text not null check (status in ('invited', 'active', 'deactivated')),
          original boolean not null default false,
          salesforce_user_id text,
          created_at timestamptz not null default now(),
          activated_at timestamptz,
          deactivated_at timestamptz,
          invitation_error text,
          unique (account_id, email)
        );
        create table teams (
          id uuid primary key default gen_random_uuid(),
          account_id uuid not null references accounts(id) on delete cascade,
          name text not null,
          everyone boolean not null default false,
          created_at timestamptz not null default now()
        );
        create unique index teams_name on teams (account_id, lower(name));
        create table team_members (
          team_id uuid not null references teams(id) on delete cascade,
          user_id uuid not null references users(id) on delete cascade,
          -- Tenant scope for queries. No foreign key of its own: the team and user keys already tie
          -- the row to one account (and cascade), and bulk invitations insert hundreds of thousands.
          account_id uuid not null,
          added_at timestamptz not null default now(),
          primary key (team_id, user_id)
        );
        create index team_members_user on team_members (user_id);
        create table invitations (
          id uuid primary key default gen_random_uuid(),
          -- Scoped through the user's key (which cascades); see team_members.
          account_id uuid not null,
          user_id uuid not null references users(id) on delete cascade,
          invited_by text,
          token_hash text unique,
          created_at timestamptz not null default now(),
          sent_at timestamptz,
          expires_at timestamptz,
          accepted_at timestamptz,
          revoked_at timestamptz,
          send_count integer not null default 0,
          last_error text
        );
        create index invitations_user on invitations (user_id);
        create table audit_log (
          id bigserial primary key,
          account_id uuid not null references accounts(id) on delete cascade,
          at timestamptz not null default now(),
          actor text not null,
          action text not null,
          target text,
          outcome text not null check (outcome in ('success', 'failure')),
          details jsonb
        );
        create index audit_log_account on audit_log (account_id, id desc);
      `.execute(db);
    },
  },
};
