import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: read as parsed JSON, written as a JSON string. */
type Json<T> = ColumnType<T, string | undefined, string>;
type Count = ColumnType<number, number | undefined, number>;

/** An admin-chosen extra Marketo field: its REST name and the type describe gave it. */
export interface ExtraField {
  name: string;
  dataType: string;
}

export interface SyncError {
  at: string;
  step: string;
  code: string;
  message: string;
}

export interface SyncTables {
  /** The synced people: identity is (account, Marketo id); duplicates by e-mail stay separate rows. */
  persons: {
    account_id: string;
    marketo_id: number;
    first_name: string | null;
    last_name: string | null;
    email: string | null;
    phone: string | null;
    company: string | null;
    title: string | null;
    linkedin_url: string | null;
    source: string | null;
    sfdc_lead_id: string | null;
    sfdc_contact_id: string | null;
    sfdc_account_id: string | null;
    sfdc_opportunity_id: string | null;
    owner_id: string | null;
    /** Derived by the database: 'Contact' when a contact id is present (a converted lead), else 'Lead'. */
    salesforce_type: ColumnType<'Lead' | 'Contact' | null, never, never>;
    extra: Json<Record<string, unknown>>;
    marketo_created_at: NullableTimestamp;
    marketo_updated_at: NullableTimestamp;
    removed_at: NullableTimestamp;
    removed_reason: string | null;
    synced_at: Timestamp;
  };
  sync_settings: {
    account_id: string;
    owner_field: string;
    extra_fields: Json<ExtraField[]>;
    interval_seconds: number;
    updated_by: string | null;
    updated_at: Timestamp;
  };
  /** One row per started sync (an initial load followed by incremental runs); one active per account. */
  sync_runs: {
    id: Generated<string>;
    account_id: string;
    kind: Generated<'initial' | 'resync'>;
    active: Generated<boolean>;
    phase: Generated<'initial_load' | 'incremental' | 'paused' | 'failed' | 'superseded'>;
    paused_phase: string | null;
    method: Generated<'bulk' | 'rest'>;
    fields: Json<string[]>;
    owner_field: Generated<string>;
    extra_fields: Json<ExtraField[]>;
    started_by: string | null;
    started_at: Timestamp;
    load_started_at: NullableTimestamp;
    load_finished_at: NullableTimestamp;
    ended_at: NullableTimestamp;
    estimated_people: number | null;
    windows_planned: Count;
    windows_done: Count;
    plan_claimed_by: string | null;
    plan_claimed_until: NullableTimestamp;
    read_count: Count;
    inserted_count: Count;
    updated_count: Count;
    unchanged_count: Count;
    removed_count: Count;
    skipped_count: Count;
    skipped_reasons: Json<Record<string, number>>;
    paging_token: string | null;
    deleted_token: string | null;
    inc_claimed_by: string | null;
    inc_claimed_until: NullableTimestamp;
    next_incremental_at: NullableTimestamp;
    incremental_runs: Count;
    last_incremental_at: NullableTimestamp;
    last_incremental_lag_ms: number | null;
    last_incremental_changes: number | null;
    waiting_until: NullableTimestamp;
    wait_reason: string | null;
    supervised_at: NullableTimestamp;
    errors: Json<SyncError[]>;
  };
  /** The pieces of an initial load (a createdAt window for bulk, an id range for REST), with their checkpoints. */
  sync_windows: {
    id: Generated<string>;
    run_id: string;
    account_id: string;
    seq: number;
    kind: 'bulk' | 'rest';
    start_at: NullableTimestamp;
    end_at: NullableTimestamp;
    from_id: number | null;
    to_id: number | null;
    state: Generated<'pending' | 'exporting' | 'reading' | 'done' | 'replaced'>;
    export_id: string | null;
    export_status: string | null;
    export_job: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
    /** Checkpoint: rows of the export file already written. */
    rows_done: Count;
    /** Checkpoint of a REST window: the next Marketo id to read. */
    cursor_id: number | null;
    claimed_by: string | null;
    claimed_until: NullableTimestamp;
    next_attempt_at: NullableTimestamp;
    attempts: Count;
    claims: Count;
    last_error: string | null;
    finished_at: NullableTimestamp;
  };
}
