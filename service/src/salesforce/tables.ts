import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export type SalesforceConnectionStatus = 'connected' | 'broken';

export interface SalesforceTables {
  /** One Salesforce API connection per account (the OAuth refresh token of the admin who connected). */
  salesforce_connections: {
    account_id: string;
    /** New on every connect: writes from a connection made earlier (token refresh, usage) must not touch a newer one. */
    connection_id: string;
    status: SalesforceConnectionStatus;
    login_url: string;
    instance_url: string;
    /** The org id from userinfo, 18 characters; always the account's org. */
    org_id: string;
    user_id: string;
    username: string;
    refresh_token_sealed: string;
    access_token_sealed: string | null;
    scope: string | null;
    connected_by: string;
    connected_at: Timestamp;
    last_verified_at: NullableTimestamp;
    api_used: number | null;
    api_limit: number | null;
    api_usage_at: NullableTimestamp;
    last_error_code: string | null;
    last_error_message: string | null;
    last_error_hint: string | null;
    last_error_at: NullableTimestamp;
  };
  /** Pending authorizations: the OAuth state (by hash) and the PKCE verifier, until the callback or 10 minutes. */
  salesforce_oauth_states: {
    state_hash: string;
    account_id: string;
    verifier_sealed: string;
    login_url: string;
    return_url: string | null;
    actor: string;
    created_at: Generated<Date>;
    expires_at: Timestamp;
    used_at: NullableTimestamp;
  };
  /** Connections & Customizations: how activities become Salesforce Tasks. */
  salesforce_customizations: {
    account_id: string;
    settings: Json<Record<string, unknown>>;
    updated_by: string;
    updated_at: Timestamp;
  };
}
