import type { ColumnType, Generated } from 'kysely';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export type DeliverySystem = 'marketo' | 'salesforce';
/**
 * pending: waiting (first try or a retry at next_attempt_at); sending: claimed by a worker until
 * lease_until; delivered; failed: a permanent error an admin must fix, then retry; skipped: not to
 * be sent (the kind is not logged to Salesforce, or the person has no Lead or Contact).
 */
export type DeliveryState = 'pending' | 'sending' | 'delivered' | 'failed' | 'skipped';

export interface ActivityTables {
  /** What a rep logged, with the person's ids as they were when it was logged. */
  activities: {
    id: Generated<string>;
    account_id: string;
    idempotency_key: string;
    request_hash: string;
    /** The SIA token (`(SIA-<external_id>)`) that makes the Marketo activity and the Task findable. */
    external_id: string;
    kind: string;
    occurred_at: Date;
    marketo_id: number;
    person_email: string | null;
    person_name: string | null;
    sf_lead_id: string | null;
    sf_contact_id: string | null;
    sf_account_id: string | null;
    sf_opportunity_id: string | null;
    user_id: string | null;
    user_email: string;
    rep_name: string;
    rep_salesforce_user_id: string | null;
    attributes: Json<Record<string, unknown>>;
    created_at: Generated<Date>;
  };
  /** The outbox: one row per activity and target system. */
  activity_deliveries: {
    id: Generated<string>;
    activity_id: string;
    account_id: string;
    system: DeliverySystem;
    state: DeliveryState;
    /** The exact record sent (frozen at logging, so a retry sends the same subject and marker). */
    payload: Json<Record<string, unknown>>;
    attempts: Generated<number>;
    next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
    lease_until: NullableTimestamp;
    /** The last attempt ended without an answer (timeout, 5xx, crash): look before writing again. */
    outcome_unknown: Generated<boolean>;
    bulk_job_id: string | null;
    remote_id: string | null;
    error_code: string | null;
    error_message: string | null;
    error_hint: string | null;
    last_attempt_at: NullableTimestamp;
    failed_at: NullableTimestamp;
    delivered_at: NullableTimestamp;
    created_at: Generated<Date>;
  };
  /** The Marketo custom activity types created (and approved) for the MSI kinds, per instance. */
  activity_marketo_types: {
    account_id: string;
    rest_url: string;
    kind: string;
    api_name: string;
    type_id: number;
    definition_hash: string;
    ready_at: Generated<Date>;
  };
  /**
   * Delivery jobs queued per (account, system): `now` while one is queued for new activities (logging
   * enqueues a job only when there is none), `later` for the earliest waiting retry.
   */
  activity_wakeups: {
    account_id: string;
    system: DeliverySystem;
    kind: 'now' | 'later';
    due_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
}
