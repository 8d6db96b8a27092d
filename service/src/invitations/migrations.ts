import { sql, type Kysely, type Migration } from 'kysely';

export const invitationMigrations: Record<string, Migration> = {
  '0500_invitations': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table invitation_csv_uploads (
          id uuid primary key default gen_random_uuid(),
          account_id uuid not null references accounts(id) on delete cascade,
          file_name text not null,
          encoding text not null,
          delimiter text not null,
          has_header boolean not null,
          content text not null,
          row_count integer not null,
          uploaded_by text not null,
          created_at timestamptz not null default now(),
          expires_at timestamptz not null,
          committed_at timestamptz,
          committed_by text,
          mapping jsonb,
          summary jsonb,
          results text
        );
        create index invitation_csv_uploads_account on invitation_csv_uploads (account_id, created_at desc);
        create index invitation_csv_uploads_expiry on invitation_csv_uploads (expires_at);
        create table invitation_send_schedule (
          account_id uuid primary key references accounts(id) on delete cascade,
          next_release_at timestamptz not null
        );
        create table user_ownership_transfers (
          id bigserial primary key,
          account_id uuid not null references accounts(id) on delete cascade,
          from_user_id uuid not null,
          from_email text not null,
          to_user_id uuid references users(id) on delete set null,
          to_email text not null,
          actor text not null,
          items jsonb not null default '{}',
          at timestamptz not null default now()
        );
        create index user_ownership_transfers_account on user_ownership_transfers (account_id, id desc);
      `.execute(db);
    },
  },
};
