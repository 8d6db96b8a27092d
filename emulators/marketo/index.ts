export { startMarketoEmulator } from './server.js';
export type { MarketoEmulator, MarketoEmulatorOptions, MarketoKnobs, MarketoClientCredentials, CallRecord } from './server.js';
export { LeadDatabase } from './database.js';
export { LEAD_FIELDS } from './fields.js';
export type { LeadRecord, FieldValue } from './fields.js';
