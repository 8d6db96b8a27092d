/**
 * The database as Kysely sees it: one interface per capability, joined here.
 * Each capability owns its tables in `service/src/<capability>/tables.ts`.
 */
import type { PlatformTables } from './platform-tables.js';
import type { AccountTables } from '../account/tables.js';
import type { InvitationTables } from '../invitations/tables.js';
import type { SalesforceTables } from '../salesforce/tables.js';
import type { MarketoTables } from '../marketo/tables.js';
import type { SyncTables } from '../sync/tables.js';
import type { ActivityTables } from '../activities/tables.js';

export interface Database extends PlatformTables, AccountTables, SalesforceTables, MarketoTables, SyncTables, InvitationTables, ActivityTables {}
