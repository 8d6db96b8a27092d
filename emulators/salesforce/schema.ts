/**
 * The sObjects the emulator knows and their describe metadata: the standard fields the product
 * reads or writes, with the types, flags and picklists an org reports. Field names are matched
 * case-insensitively, as SOQL and the REST API do.
 */
import { keyPrefixes } from './ids.js';

export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'date'
  | 'datetime'
  | 'picklist'
  | 'reference';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length?: number;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  /** The org fills the field on create when the client leaves it out (OwnerId, Status...). */
  defaultedOnCreate?: boolean;
  picklistValues?: { value: string; label: string; defaultValue: boolean; active: boolean }[];
  referenceTo?: string[];
  relationshipName?: string;
  custom?: boolean;
  /** A custom field with the External ID attribute (indexed, usable as an upsert key). */
  externalId?: boolean;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldDef[];
  createable: boolean;
  updateable: boolean;
  queryable: boolean;
}

type Flags = Partial<Omit<FieldDef, 'name' | 'label' | 'type'>>;

function field(name: string, label: string, type: FieldType, flags: Flags = {}): FieldDef {
  return { name, label, type, createable: true, updateable: true, nillable: true, ...flags };
}
const readOnly: Flags = { createable: false, updateable: false };
const picklist = (values: string[], defaultValue?: string) =>
  values.map((value) => ({ value, label: value, defaultValue: value === defaultValue, active: true }));

function systemFields(): FieldDef[] {
  return [
    field('Id', 'Record ID', 'id', { ...readOnly, nillable: false, length: 18 }),
    field('IsDeleted', 'Deleted', 'boolean', { ...readOnly, nillable: false, defaultedOnCreate: true }),
    field('CreatedDate', 'Created Date', 'datetime', { ...readOnly, nillable: false, defaultedOnCreate: true }),
    field('CreatedById', 'Created By ID', 'reference', {
      ...readOnly,
      nillable: false,
      defaultedOnCreate: true,
      referenceTo: ['User'],
      relationshipName: 'CreatedBy',
    }),
    field('LastModifiedDate', 'Last Modified Date', 'datetime', { ...readOnly, nillable: false, defaultedOnCreate: true }),
    field('LastModifiedById', 'Last Modified By ID', 'reference', {
      ...readOnly,
      nillable: false,
      defaultedOnCreate: true,
      referenceTo: ['User'],
      relationshipName: 'LastModifiedBy',
    }),
    field('SystemModstamp', 'System Modstamp', 'datetime', { ...readOnly, nillable: false, defaultedOnCreate: true }),
  ];
}

const owner = () =>
  field('OwnerId', 'Owner ID', 'reference', {
    nillable: false,
    defaultedOnCreate: true,
    referenceTo: ['User'],
    relationshipName: 'Owner',
  });

/** Task Type values of a fresh org: `Reply` is not standard (the MSI docs say to add it). */
export const STANDARD_TASK_TYPES = ['Call', 'Email', 'Meeting', 'Other'];

/** Optional Task fields an admin may create so MSI Actions can fill them (MSI docs). */
export const MSI_OPTIONAL_TASK_FIELDS: { name: string; type: FieldType; length?: number }[] = [
  { name: 'mktosales_call_outcome__c', type: 'string', length: 50 },
  { name: 'mktosales_call_reason__c', type: 'string', length: 50 },
  { name: 'MSE_Call_Local_Presence_ID__c', type: 'string', length: 255 },
  { name: 'MSE_Call_Recording__c', type: 'url', length: 255 },
  { name: 'MSE_Campaign__c', type: 'string', length: 255 },
  { name: 'MSE_Current_Campaign_Step__c', type: 'string', length: 255 },
  { name: 'MSE_Campaign_Details_Link__c', type: 'url', length: 255 },
  { name: 'MSE_Presentation_Viewed__c', type: 'boolean' },
  { name: 'MSE_Clicked__c', type: 'boolean' },
  { name: 'MSE_Replied__c', type: 'boolean' },
  { name: 'MSE_Email_Status__c', type: 'string', length: 255 },
  { name: 'MSE_Template__c', type: 'string', length: 255 },
  { name: 'MSE_Template_Details__c', type: 'url', length: 255 },
  { name: 'MSE_Details__c', type: 'url', length: 255 },
  { name: 'MSE_Viewed__c', type: 'boolean' },
];

export interface SchemaOptions {
  /** Values of Task's `Type` picklist (default: the standard ones, without `Reply`). */
  taskTypes?: string[];
  /** Custom Task fields that exist in this org (names from MSI_OPTIONAL_TASK_FIELDS or any `__c`). */
  taskCustomFields?: { name: string; type: FieldType; length?: number; externalId?: boolean }[];
}

export function buildSchema(options: SchemaOptions = {}): Map<string, ObjectDef> {
  const objects: ObjectDef[] = [
    {
      name: 'User',
      label: 'User',
      labelPlural: 'Users',
      keyPrefix: keyPrefixes.User,
      createable: false,
      updateable: false,
      queryable: true,
      fields: [
        ...systemFields().filter((f) => f.name !== 'IsDeleted'),
        field('Username', 'Username', 'string', { nillable: false, length: 80 }),
        field('FirstName', 'First Name', 'string', { length: 40 }),
        field('LastName', 'Last Name', 'string', { nillable: false, length: 80 }),
        field('Name', 'Full Name', 'string', { ...readOnly, nillable: false, length: 121 }),
        field('Email', 'Email', 'email', { nillable: false, length: 128 }),
        field('Title', 'Title', 'string', { length: 80 }),
        field('IsActive', 'Active', 'boolean', { nillable: false, defaultedOnCreate: true }),
        field('UserType', 'User Type', 'picklist', { ...readOnly, picklistValues: picklist(['Standard']) }),
        field('ProfileId', 'Profile ID', 'reference', { nillable: false, referenceTo: ['Profile'] }),
      ],
    },
    {
      name: 'Account',
      label: 'Account',
      labelPlural: 'Accounts',
      keyPrefix: keyPrefixes.Account,
      createable: true,
      updateable: true,
      queryable: true,
      fields: [
        ...systemFields(),
        field('Name', 'Account Name', 'string', { nillable: false, length: 255 }),
        field('Website', 'Website', 'url', { length: 255 }),
        field('Industry', 'Industry', 'picklist', {
          picklistValues: picklist([
            'Technology', 'Financial Services', 'Healthcare', 'Manufacturing', 'Retail', 'Education', 'Energy',
            'Media', 'Telecommunications', 'Transportation', 'Government', 'Hospitality',
          ]),
        }),
        field('BillingCountry', 'Billing Country', 'string', { length: 80 }),
        field('NumberOfEmployees', 'Employees', 'int'),
        owner(),
      ],
    },
    {
      name: 'Lead',
      label: 'Lead',
      labelPlural: 'Leads',
      keyPrefix: keyPrefixes.Lead,
      createable: true,
      updateable: true,
      queryable: true,
      fields: [
        ...systemFields(),
        field('FirstName', 'First Name', 'string', { length: 40 }),
        field('LastName', 'Last Name', 'string', { nillable: false, length: 80 }),
        field('Name', 'Full Name', 'string', { ...readOnly, nillable: false, length: 121 }),
        field('Email', 'Email', 'email', { length: 80 }),
        field('Company', 'Company', 'string', { nillable: false, length: 255 }),
        field('Title', 'Title', 'string', { length: 128 }),
        field('Phone', 'Phone', 'phone', { length: 40 }),
        field('Status', 'Status', 'picklist', {
          nillable: false,
          defaultedOnCreate: true,
          picklistValues: picklist(
            ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
            'Open - Not Contacted',
          ),
        }),
        field('LeadSource', 'Lead Source', 'picklist', {
          picklistValues: picklist([
            'Website', 'Web Form', 'Trade Show', 'Webinar', 'Paid Search', 'Organic Search', 'Social Media', 'Partner',
            'Referral', 'List Import', 'Content Syndication', 'Sales Generated', 'Email Campaign', 'Other',
          ]),
        }),
        field('IsConverted', 'Converted', 'boolean', { ...readOnly, nillable: false, defaultedOnCreate: true }),
        field('ConvertedContactId', 'Converted Contact ID', 'reference', {
          ...readOnly,
          referenceTo: ['Contact'],
          relationshipName: 'ConvertedContact',
        }),
        field('ConvertedAccountId', 'Converted Account ID', 'reference', {
          ...readOnly,
          referenceTo: ['Account'],
          relationshipName: 'ConvertedAccount',
        }),
        owner(),
      ],
    },
    {
      name: 'Contact',
      label: 'Contact',
      labelPlural: 'Contacts',
      keyPrefix: keyPrefixes.Contact,
      createable: true,
      updateable: true,
      queryable: true,
      fields: [
        ...systemFields(),
        field('FirstName', 'First Name', 'string', { length: 40 }),
        field('LastName', 'Last Name', 'string', { nillable: false, length: 80 }),
        field('Name', 'Full Name', 'string', { ...readOnly, nillable: false, length: 121 }),
        field('Email', 'Email', 'email', { length: 80 }),
        field('Title', 'Title', 'string', { length: 128 }),
        field('Phone', 'Business Phone', 'phone', { length: 40 }),
        field('AccountId', 'Account ID', 'reference', { referenceTo: ['Account'], relationshipName: 'Account' }),
        owner(),
      ],
    },
    {
      name: 'Opportunity',
      label: 'Opportunity',
      labelPlural: 'Opportunities',
      keyPrefix: keyPrefixes.Opportunity,
      createable: true,
      updateable: true,
      queryable: true,
      fields: [
        ...systemFields(),
        field('Name', 'Name', 'string', { nillable: false, length: 120 }),
        field('AccountId', 'Account ID', 'reference', { referenceTo: ['Account'], relationshipName: 'Account' }),
        field('StageName', 'Stage', 'picklist', {
          nillable: false,
          picklistValues: picklist([
            'Prospecting',
            'Qualification',
            'Needs Analysis',
            'Proposal/Price Quote',
            'Negotiation/Review',
            'Closed Won',
            'Closed Lost',
          ]),
        }),
        field('CloseDate', 'Close Date', 'date', { nillable: false }),
        field('Amount', 'Amount', 'currency'),
        owner(),
      ],
    },
    {
      name: 'Task',
      label: 'Task',
      labelPlural: 'Tasks',
      keyPrefix: keyPrefixes.Task,
      createable: true,
      updateable: true,
      queryable: true,
      fields: [
        ...systemFields(),
        field('Subject', 'Subject', 'string', { length: 255 }),
        // Salesforce does not restrict Task.Type: a value missing from the picklist is stored as
        // sent. That is why the product must check the describe itself.
        field('Type', 'Type', 'picklist', { picklistValues: picklist(options.taskTypes ?? STANDARD_TASK_TYPES) }),
        field('Status', 'Status', 'picklist', {
          nillable: false,
          defaultedOnCreate: true,
          picklistValues: picklist(
            ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
            'Not Started',
          ),
        }),
        field('Priority', 'Priority', 'picklist', {
          nillable: false,
          defaultedOnCreate: true,
          picklistValues: picklist(['High', 'Normal', 'Low'], 'Normal'),
        }),
        field('TaskSubtype', 'Task Subtype', 'picklist', {
          updateable: false,
          defaultedOnCreate: true,
          picklistValues: picklist(['Task', 'Email', 'ListEmail', 'Cadence', 'Call']),
        }),
        field('ActivityDate', 'Due Date Only', 'date'),
        field('Description', 'Comments', 'textarea', { length: 32000 }),
        field('WhoId', 'Name ID', 'reference', { referenceTo: ['Contact', 'Lead'], relationshipName: 'Who' }),
        field('WhatId', 'Related To ID', 'reference', {
          referenceTo: ['Account', 'Opportunity'],
          relationshipName: 'What',
        }),
        field('CallDurationInSeconds', 'Call Duration', 'int'),
        field('CallType', 'Call Type', 'picklist', { picklistValues: picklist(['Internal', 'Inbound', 'Outbound']) }),
        field('CallDisposition', 'Call Result', 'string', { length: 255 }),
        field('IsClosed', 'Closed', 'boolean', { ...readOnly, nillable: false, defaultedOnCreate: true }),
        owner(),
        ...(options.taskCustomFields ?? []).map((f) =>
          field(f.name, f.name.replace(/__c$/, '').replace(/_/g, ' '), f.type, {
            custom: true,
            length: f.length,
            ...(f.externalId ? { externalId: true } : {}),
            ...(f.type === 'boolean' ? { nillable: false, defaultedOnCreate: true } : {}),
          }),
        ),
      ],
    },
  ];
  return new Map(objects.map((o) => [o.name.toLowerCase(), o]));
}

/**
 * The describe's idLookup: the field can name a record in an upsert. The Id, the standard fields
 * with the property (Email, Username here) and custom External ID fields.
 */
export function isIdLookup(f: FieldDef): boolean {
  return f.type === 'id' || f.name === 'Email' || f.name === 'Username' || f.externalId === true;
}

export function findField(object: ObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return object.fields.find((f) => f.name.toLowerCase() === lower);
}

const SOAP_TYPES: Record<FieldType, string> = {
  id: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  picklist: 'xsd:string',
  reference: 'tns:ID',
};

/** The `sobjects/{type}/describe` body (the properties clients read; the real one has more). */
export function describeObject(object: ObjectDef, baseUrl: string) {
  const objectUrl = `${baseUrl}/sobjects/${object.name}`;
  return {
    name: object.name,
    label: object.label,
    labelPlural: object.labelPlural,
    keyPrefix: object.keyPrefix,
    custom: false,
    createable: object.createable,
    updateable: object.updateable,
    deletable: object.createable,
    queryable: object.queryable,
    retrieveable: true,
    searchable: true,
    layoutable: true,
    triggerable: true,
    fields: object.fields.map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      soapType: SOAP_TYPES[f.type],
      length: f.length ?? 0,
      byteLength: (f.length ?? 0) * 3,
      precision: f.type === 'currency' ? 18 : 0,
      scale: f.type === 'currency' ? 2 : 0,
      digits: f.type === 'int' ? 9 : 0,
      custom: f.custom ?? false,
      createable: f.createable,
      updateable: f.updateable,
      nillable: f.nillable,
      defaultedOnCreate: f.defaultedOnCreate ?? false,
      filterable: f.type !== 'textarea',
      sortable: f.type !== 'textarea',
      groupable: f.type !== 'textarea' && f.type !== 'datetime',
      idLookup: isIdLookup(f),
      externalId: f.externalId ?? false,
      unique: f.name === 'Username',
      calculated: false,
      restrictedPicklist: false,
      dependentPicklist: false,
      picklistValues: f.picklistValues ?? [],
      referenceTo: f.referenceTo ?? [],
      relationshipName: f.relationshipName ?? null,
      polymorphicForeignKey: (f.referenceTo?.length ?? 0) > 1,
      defaultValue: null,
      inlineHelpText: null,
    })),
    childRelationships: [],
    recordTypeInfos: [],
    urls: {
      sobject: objectUrl,
      describe: `${objectUrl}/describe`,
      rowTemplate: `${objectUrl}/{ID}`,
    },
  };
}

export function describeGlobalEntry(object: ObjectDef, baseUrl: string) {
  const objectUrl = `${baseUrl}/sobjects/${object.name}`;
  return {
    name: object.name,
    label: object.label,
    labelPlural: object.labelPlural,
    keyPrefix: object.keyPrefix,
    custom: false,
    createable: object.createable,
    updateable: object.updateable,
    deletable: object.createable,
    queryable: object.queryable,
    retrieveable: true,
    searchable: true,
    layoutable: true,
    urls: { sobject: objectUrl, describe: `${objectUrl}/describe`, rowTemplate: `${objectUrl}/{ID}` },
  };
}
