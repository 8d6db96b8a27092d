/** Shapes of Marketo REST answers the client returns (as documented by Adobe). */

export type LeadValue = string | number | boolean | null;
export type Lead = Record<string, LeadValue>;

export interface LeadFieldDescription {
  id: number;
  displayName: string;
  dataType: string;
  length?: number;
  rest?: { name: string; readOnly: boolean };
  soap?: { name: string; readOnly: boolean };
}

export interface LeadDescription2 {
  name: string;
  searchableFields: string[][];
  fields: Array<{ name: string; displayName: string; dataType: string; length?: number; updateable: boolean; crmManaged: boolean }>;
}

export interface Reason {
  code: string;
  message: string;
}

export interface SyncLeadResult {
  id?: number;
  status: 'created' | 'updated' | 'skipped';
  reasons?: Reason[];
}

export interface Page<T> {
  result: T[];
  nextPageToken?: string;
  moreResult: boolean;
}

export interface Activity {
  id: number;
  marketoGUID: string;
  leadId: number;
  activityDate: string;
  activityTypeId: number;
  primaryAttributeValueId?: number;
  primaryAttributeValue?: LeadValue;
  attributes: Array<{ name?: string; apiName?: string; value: LeadValue }>;
}

export interface LeadChange extends Activity {
  fields: Array<{ id: number; name: string; newValue: LeadValue; oldValue: LeadValue }>;
}

export interface ActivityType {
  id: number;
  name: string;
  apiName?: string;
  description?: string;
  primaryAttribute: { name: string; dataType: string; apiName?: string };
  attributes: Array<{ name: string; dataType: string; apiName?: string }>;
}

export interface CustomActivityAttribute {
  apiName: string;
  name: string;
  dataType: string;
  description?: string;
  isPrimary?: boolean;
}

export interface CustomActivityTypeInput {
  apiName: string;
  name: string;
  triggerName: string;
  filterName: string;
  description?: string;
  primaryAttribute: CustomActivityAttribute;
}

export interface CustomActivityType extends CustomActivityTypeInput {
  id: number;
  attributes: CustomActivityAttribute[];
  createdAt: string;
  updatedAt: string;
  status: 'draft' | 'approved' | 'approved with draft';
}

export interface CustomActivityInput {
  leadId: number;
  activityDate: string;
  activityTypeId: number;
  primaryAttributeValue: string;
  apiName?: string;
  attributes?: Array<{ apiName?: string; name?: string; value: LeadValue }>;
}

export interface CustomActivityResult {
  id?: number;
  marketoGUID?: string;
  status: 'added' | 'skipped';
  errors?: Reason[];
}

export type ExportStatus = 'Created' | 'Queued' | 'Processing' | 'Completed' | 'Failed' | 'Cancelled' | 'Canceled';

export interface LeadExportJob {
  exportId: string;
  status: ExportStatus;
  format: 'CSV' | 'TSV' | 'SSV';
  createdAt: string;
  queuedAt?: string;
  startedAt?: string;
  finishedAt?: string;
  numberOfRecords?: number;
  fileSize?: number;
  fileChecksum?: string;
  errorMsg?: string;
}

export interface LeadExportRequest {
  fields: string[];
  format?: 'CSV' | 'TSV' | 'SSV';
  columnHeaderNames?: Record<string, string>;
  filter:
    | { createdAt: { startAt: string; endAt: string } }
    | { updatedAt: { startAt: string; endAt: string } }
    | { staticListId: number }
    | { staticListName: string }
    | { smartListId: number }
    | { smartListName: string };
}
