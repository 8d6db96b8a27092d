import type { ColumnType, Generated } from 'kysely';
import type { Reason } from './messages.js';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

/**
 * One stored outcome row of a CSV import: [row, email, first name, last name, outcome, reason, reasons]. The
 * reasons with their codes came later: uploads committed before have six elements.
 */
export type StoredCsvResult = [number, string, string, string, string, string, Reason[]?];

export interface InvitationTables {
  /** A CSV file between its preview and its commit; kept a day, with its outcomes once committed. */
  invitation_csv_uploads: {
    id: Generated<string>;
    account_id: string;
    file_name: string;
    encoding: string;
    delimiter: string;
    has_header: boolean;
    /** The decoded text; emptied once committed (the addresses then live on as users). */
    content: string;
    row_count: number;
    uploaded_by: string;
    created_at: Generated<Date>;
    expires_at: Date;
    committed_at: NullableTimestamp;
    committed_by: string | null;
    mapping: NullableJson<Record<string, number | null>>;
    summary: NullableJson<Record<string, unknown>>;
    /** The outcomes as JSON text: written once, read whole, never queried inside. */
    results: string | null;
  };
  /** When the next batch of an account's invitation e-mails may leave (the per-account send rate). */
  invitation_send_schedule: {
    account_id: string;
    next_release_at: Date;
  };
  /** What a deleted user owned and who received it (MSI: it passes to the admin who deletes). */
  user_ownership_transfers: {
    id: Generated<number>;
    account_id: string;
    from_user_id: string;
    from_email: string;
    to_user_id: string | null;
    to_email: string;
    actor: string;
    items: Json<Record<string, number>>;
    at: Generated<Date>;
  };
}
