import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface MarketoTables {
  /** One Marketo connection per account (the MSI limit). */
  marketo_connections: {
    account_id: string;
    munchkin_id: string | null;
    rest_url: string;
    identity_url: string;
    client_id: string;
    /** AES-256-GCM sealed (platform Keys); never leaves the service. */
    client_secret_sealed: string;
    /** The Marketo API-only user (`scope` of the identity answer). */
    api_user: string;
    /** The admin who connected it and owns it (the audit actor). */
    connected_by: string;
    /** That admin as an MSI Actions user, when the caller was linked to one (else the original user owns it). */
    connected_by_user_id: ColumnType<string | null, string | null | undefined, string | null>;
    connected_at: Timestamp;
    last_verified_at: Timestamp;
    daily_quota: number;
    /** Set after a 607: no calls until then (the next midnight US Central). */
    quota_stopped_until: NullableTimestamp;
    last_error_code: string | null;
    last_error_message: string | null;
    last_error_at: NullableTimestamp;
  };
  /** Marketo API calls per account per day (US Central day, as Marketo counts). */
  marketo_api_calls: {
    account_id: string;
    day: string;
    calls: Generated<number>;
  };
}
