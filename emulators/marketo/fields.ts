/**
 * The lead fields of the emulated instance, as describe.json reports them. Ids follow the real
 * instance recorded in the reference (company 4, id 44, firstName 53, …) where it has them; the
 * rest are made up, as ids are instance-specific anyway.
 */
export type FieldValue = string | number | boolean | null;
export type LeadRecord = Record<string, FieldValue>;

export interface LeadField {
  id: number;
  name: string;
  displayName: string;
  dataType: 'string' | 'email' | 'phone' | 'integer' | 'datetime' | 'url' | 'boolean' | 'text';
  length?: number;
  readOnly: boolean;
  /** Present in the SOAP API too (custom fields created for REST only are not). */
  soapName?: string;
  crmManaged: boolean;
  /** Usable as filterType for Get Leads and as lookupField for Sync Leads. */
  searchable: boolean;
}

const S = 255;

export const LEAD_FIELDS: readonly LeadField[] = [
  { id: 44, name: 'id', displayName: 'Id', dataType: 'integer', readOnly: true, soapName: 'Id', crmManaged: false, searchable: true },
  { id: 4, name: 'company', displayName: 'Company Name', dataType: 'string', length: S, readOnly: false, soapName: 'Company', crmManaged: false, searchable: false },
  { id: 53, name: 'firstName', displayName: 'First Name', dataType: 'string', length: S, readOnly: false, soapName: 'FirstName', crmManaged: false, searchable: false },
  { id: 54, name: 'middleName', displayName: 'Middle Name', dataType: 'string', length: S, readOnly: false, soapName: 'MiddleName', crmManaged: false, searchable: false },
  { id: 55, name: 'lastName', displayName: 'Last Name', dataType: 'string', length: S, readOnly: false, soapName: 'LastName', crmManaged: false, searchable: false },
  { id: 56, name: 'email', displayName: 'Email Address', dataType: 'email', length: S, readOnly: false, soapName: 'Email', crmManaged: false, searchable: true },
  { id: 57, name: 'phone', displayName: 'Phone Number', dataType: 'phone', length: S, readOnly: false, soapName: 'Phone', crmManaged: false, searchable: false },
  { id: 58, name: 'mobilePhone', displayName: 'Mobile Phone Number', dataType: 'phone', length: S, readOnly: false, soapName: 'MobilePhone', crmManaged: false, searchable: false },
  { id: 60, name: 'title', displayName: 'Job Title', dataType: 'string', length: S, readOnly: false, soapName: 'Title', crmManaged: false, searchable: false },
  { id: 62, name: 'industry', displayName: 'Industry', dataType: 'string', length: S, readOnly: false, soapName: 'Industry', crmManaged: false, searchable: false },
  { id: 66, name: 'country', displayName: 'Country', dataType: 'string', length: S, readOnly: false, soapName: 'Country', crmManaged: false, searchable: false },
  { id: 70, name: 'unsubscribed', displayName: 'Unsubscribed', dataType: 'boolean', readOnly: false, soapName: 'Unsubscribed', crmManaged: false, searchable: false },
  { id: 130, name: 'createdAt', displayName: 'Created At', dataType: 'datetime', readOnly: true, crmManaged: false, searchable: false },
  { id: 131, name: 'updatedAt', displayName: 'Updated At', dataType: 'datetime', readOnly: true, crmManaged: false, searchable: false },
  { id: 144, name: 'leadSource', displayName: 'Lead Source', dataType: 'string', length: S, readOnly: false, soapName: 'LeadSource', crmManaged: false, searchable: false },
  { id: 146, name: 'leadStatus', displayName: 'Lead Status', dataType: 'string', length: S, readOnly: false, soapName: 'LeadStatus', crmManaged: false, searchable: false },
  { id: 173, name: 'sfdcType', displayName: 'SFDC Type', dataType: 'string', length: S, readOnly: true, soapName: 'SFDCType', crmManaged: true, searchable: false },
  { id: 174, name: 'sfdcLeadId', displayName: 'SFDC Lead ID', dataType: 'string', length: 18, readOnly: true, soapName: 'SFDCLeadId', crmManaged: true, searchable: true },
  { id: 175, name: 'sfdcContactId', displayName: 'SFDC Contact ID', dataType: 'string', length: 18, readOnly: true, soapName: 'SFDCContactId', crmManaged: true, searchable: true },
  { id: 176, name: 'sfdcAccountId', displayName: 'SFDC Account ID', dataType: 'string', length: 18, readOnly: true, soapName: 'SFDCAccountId', crmManaged: true, searchable: true },
  { id: 177, name: 'sfdcOpptyId', displayName: 'SFDC Oppty ID', dataType: 'string', length: 18, readOnly: true, soapName: 'SFDCOpptyId', crmManaged: true, searchable: true },
  { id: 178, name: 'sfdcLeadOwnerId', displayName: 'SFDC Lead Owner ID', dataType: 'string', length: 18, readOnly: true, soapName: 'SFDCLeadOwnerId', crmManaged: true, searchable: true },
  { id: 1001, name: 'linkedInUrl', displayName: 'LinkedIn URL', dataType: 'url', length: S, readOnly: false, crmManaged: false, searchable: false },
];

export const FIELD_BY_NAME: ReadonlyMap<string, LeadField> = new Map(LEAD_FIELDS.map((f) => [f.name, f]));

export const DEFAULT_LEAD_FIELDS = ['id', 'email', 'updatedAt', 'createdAt', 'firstName', 'lastName'];

export function describeField(f: LeadField): Record<string, unknown> {
  const out: Record<string, unknown> = { id: f.id, displayName: f.displayName, dataType: f.dataType };
  if (f.length !== undefined) out.length = f.length;
  out.rest = { name: f.name, readOnly: f.readOnly };
  if (f.soapName) out.soap = { name: f.soapName, readOnly: f.readOnly };
  return out;
}

export function describe2Field(f: LeadField): Record<string, unknown> {
  const out: Record<string, unknown> = { name: f.name, displayName: f.displayName, dataType: f.dataType };
  if (f.length !== undefined) out.length = f.length;
  out.updateable = !f.readOnly;
  out.crmManaged = f.crmManaged;
  return out;
}
