import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type AccountStatus = 'pending' | 'active';
export type UserRole = 'Admin' | 'User';
export type UserStatus = 'invited' | 'active' | 'deactivated';

export interface AccountTables {
  accounts: {
    id: Generated<string>;
    /** The Salesforce org id, always in its 18-character form. */
    org_id: string;
    org_name: string;
    instance_url: string;
    status: AccountStatus;
    seat_limit: number;
    team_limit: number;
    original_user_id: string | null;
    created_at: Generated<Date>;
    activated_at: NullableTimestamp;
  };
  /** One Client ID per account; several secrets only while a rotated-out one is in its grace period. */
  account_secrets: {
    id: Generated<string>;
    account_id: string;
    client_id: string;
    secret_hash: string;
    /** The last four characters, so the Integration Info card can show which secret is in use. */
    secret_hint: string;
    created_at: Generated<Date>;
    /** Null while current; set when rotated out (the end of its grace period). */
    expires_at: NullableTimestamp;
  };
  /** A one-time hand-over of a Client ID and Secret from the activation page to the setup page. */
  claim_codes: {
    code_hash: string;
    account_id: string;
    client_id: string;
    secret_sealed: string;
    expires_at: Timestamp;
    used_at: NullableTimestamp;
  };
  users: {
    id: Generated<string>;
    account_id: string;
    email: string;
    name: string;
    first_name: string | null;
    last_name: string | null;
    role: UserRole;
    status: UserStatus;
    original: Generated<boolean>;
    salesforce_user_id: string | null;
    created_at: Generated<Date>;
    activated_at: NullableTimestamp;
    deactivated_at: NullableTimestamp;
    /** The last delivery failure of this user's invitation e-mail, shown on the user's row. */
    invitation_error: string | null;
  };
  teams: {
    id: Generated<string>;
    account_id: string;
    name: string;
    /** The Everyone team: every member joins it; it cannot be renamed or deleted. */
    everyone: Generated<boolean>;
    created_at: Generated<Date>;
  };
  team_members: {
    team_id: string;
    user_id: string;
    account_id: string;
    added_at: Generated<Date>;
  };
  /** Single-use links that make an invited user active (the first admin's one also activates the account). */
  invitations: {
    id: Generated<string>;
    account_id: string;
    user_id: string;
    invited_by: string | null;
    /** Hash of the link's token; the token itself exists only in the e-mail. Null until sent. */
    token_hash: string | null;
    created_at: Generated<Date>;
    sent_at: NullableTimestamp;
    expires_at: NullableTimestamp;
    accepted_at: NullableTimestamp;
    revoked_at: NullableTimestamp;
    send_count: Generated<number>;
    last_error: string | null;
  };
  audit_log: {
    id: Generated<number>;
    account_id: string;
    at: Generated<Date>;
    actor: string;
    action: string;
    target: string | null;
    outcome: 'success' | 'failure';
    details: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  };
}
