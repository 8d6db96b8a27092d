/**
 * How an activity becomes a Salesforce Task under Connections & Customizations: which kinds are
 * logged, the Type values, the subject prefix, the owner and which record (contact wins by default).
 */
import type { CustomizationSettings } from '../salesforce/customizations.js';
import { headline, withMarker, type ActivityAttributes, type ActivityKind } from './kinds.js';

export type TaskValue = string | number | boolean | null;

/** The Task as frozen in the outbox: `fields` always go; `extras` only when the org has the MSI field. */
export interface TaskPayload {
  fields: Record<string, TaskValue>;
  extras: Record<string, TaskValue>;
  /** Who takes the Task when the rep's Salesforce user turns out inactive. */
  fallbackOwnerId: string | null;
}

export interface PersonIds {
  leadId: string | null;
  contactId: string | null;
  accountId: string | null;
  opportunityId: string | null;
}

const SUBJECT_TEXT: Record<ActivityKind, string> = {
  email_sent: 'Email',
  email_opened: 'Email opened',
  email_clicked: 'Email clicked',
  email_replied: 'Reply',
  email_bounced: 'Email bounced',
  call: 'Call',
  campaign_added: 'Added to sales campaign',
  campaign_removed: 'Removed from sales campaign',
};

/** Which Connections & Customizations switch decides whether a kind is logged (campaign steps are e-mail cadences). */
export function isLogged(kind: ActivityKind, settings: CustomizationSettings): boolean {
  return kind === 'call' ? settings.logged.calls : settings.logged.emails;
}

/** The Lead or Contact the Task is about, and the opportunity or account it relates to (contacts only). */
export function taskTargets(person: PersonIds, precedence: CustomizationSettings['leadContactPrecedence']): { whoId: string | null; whatId: string | null } {
  const whoId = precedence === 'contact' ? (person.contactId ?? person.leadId) : (person.leadId ?? person.contactId);
  // Salesforce refuses a WhatId on a Task whose WhoId is a Lead.
  const whatId = whoId !== null && whoId === person.contactId ? (person.opportunityId ?? person.accountId) : null;
  return { whoId, whatId };
}

export function buildTask(
  kind: ActivityKind,
  attributes: ActivityAttributes,
  context: { externalId: string; settings: CustomizationSettings; person: PersonIds; repSalesforceUserId: string | null; occurredAt: Date },
): TaskPayload {
  const { settings } = context;
  const text = `${settings.subjectPrefix ? `${settings.subjectPrefix} ` : ''}${SUBJECT_TEXT[kind]}: ${headline(kind, attributes)}`;
  const { whoId, whatId } = taskTargets(context.person, settings.leadContactPrecedence);
  const owner = settings.taskOwner.mode === 'fallback_user' ? settings.taskOwner.fallbackUserId : (context.repSalesforceUserId ?? settings.taskOwner.fallbackUserId);
  const type = kind === 'call' ? settings.taskTypes.call : kind === 'email_replied' ? settings.taskTypes.reply : kind.startsWith('email_') ? settings.taskTypes.email : null;
  const description = [
    attributes.notes,
    attributes.templateName ? `Template: ${attributes.templateName}` : undefined,
    attributes.campaignName && !kind.startsWith('campaign_') ? `Campaign: ${attributes.campaignName}` : undefined,
    attributes.link ? `Link: ${attributes.link}` : undefined,
    attributes.bounceDetails ? `Bounce: ${attributes.bounceDetails}` : undefined,
    attributes.phoneNumber ? `Phone: ${attributes.phoneNumber}` : undefined,
    'Logged by MSI Actions.',
  ].filter(Boolean);
  const fields: Record<string, TaskValue> = {
    Subject: withMarker(text, context.externalId, 255),
    Status: 'Completed',
    Priority: 'Normal',
    ActivityDate: context.occurredAt.toISOString().slice(0, 10),
    Description: description.join('\n').slice(0, 32000),
    WhoId: whoId,
    WhatId: whatId,
    TaskSubtype: kind === 'call' ? 'Call' : kind.startsWith('email_') ? 'Email' : 'Task',
  };
  if (type) fields.Type = type;
  if (owner) fields.OwnerId = owner;
  if (kind === 'call') {
    fields.CallType = 'Outbound';
    fields.CallDisposition = attributes.callStatus ?? null;
    if (attributes.callDurationSeconds !== undefined) fields.CallDurationInSeconds = attributes.callDurationSeconds;
  }
  const extras: Record<string, TaskValue> = {};
  if (attributes.templateName) extras.MSE_Template__c = attributes.templateName.slice(0, 255);
  if (attributes.templateUrl) extras.MSE_Template_Details__c = attributes.templateUrl.slice(0, 255);
  if (attributes.campaignName) extras.MSE_Campaign__c = attributes.campaignName.slice(0, 255);
  if (attributes.campaignUrl) extras.MSE_Campaign_Details_Link__c = attributes.campaignUrl.slice(0, 255);
  if (attributes.recordingUrl) extras.MSE_Call_Recording__c = attributes.recordingUrl.slice(0, 255);
  if (kind === 'call' && attributes.callStatus) extras.mktosales_call_outcome__c = attributes.callStatus;
  if (kind === 'email_opened') extras.MSE_Viewed__c = true;
  if (kind === 'email_clicked') extras.MSE_Clicked__c = true;
  if (kind === 'email_replied') extras.MSE_Replied__c = true;
  if (kind.startsWith('email_')) extras.MSE_Email_Status__c = SUBJECT_TEXT[kind];
  return { fields, extras, fallbackOwnerId: settings.taskOwner.fallbackUserId };
}
