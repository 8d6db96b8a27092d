/**
 * The activity kinds MSI Actions logs (MSI activity glossary, B.6): what each is called in Marketo,
 * which attributes Marketo gets, and how each becomes a Salesforce Task.
 */
import type { CustomActivityAttribute } from '../marketo/types.js';

export const ACTIVITY_KINDS = [
  'email_sent',
  'email_opened',
  'email_clicked',
  'email_replied',
  'email_bounced',
  'call',
  'campaign_added',
  'campaign_removed',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const CALL_STATUSES = ['completed', 'no answer', 'cancelled', 'failed'] as const;

/** What a rep sends about an activity; which of them a kind needs is in KIND_RULES. */
export interface ActivityAttributes {
  subject?: string;
  templateId?: number;
  templateName?: string;
  templateUrl?: string;
  campaignId?: number;
  campaignName?: string;
  campaignUrl?: string;
  link?: string;
  callStatus?: (typeof CALL_STATUSES)[number];
  callDurationSeconds?: number;
  phoneNumber?: string;
  recordingUrl?: string;
  answeredBy?: string;
  bounceDetails?: string;
  bouncedEmail?: string;
  notes?: string;
}

/** Which attributes a kind cannot do without (the Marketo primary attribute and the Task subject come from them). */
export const KIND_RULES: Record<ActivityKind, { required: (keyof ActivityAttributes)[]; label: string }> = {
  email_sent: { required: ['subject'], label: 'Sales e-mail sent' },
  email_opened: { required: ['subject'], label: 'Sales e-mail opened' },
  email_clicked: { required: ['subject', 'link'], label: 'Sales e-mail clicked' },
  email_replied: { required: ['subject'], label: 'Sales e-mail replied' },
  email_bounced: { required: ['subject'], label: 'Sales e-mail bounced' },
  call: { required: ['callStatus'], label: 'Sales call' },
  campaign_added: { required: ['campaignName'], label: 'Added to sales campaign' },
  campaign_removed: { required: ['campaignName'], label: 'Removed from sales campaign' },
};

/** The MSI token that makes every delivery findable again: `(SIA-<token>)`, as MSI ends its subjects. */
export function siaMarker(externalId: string): string {
  return `(SIA-${externalId})`;
}

/** `text (SIA-token)` cut so the whole fits `max` characters: the marker is never cut off. */
export function withMarker(text: string, externalId: string, max: number): string {
  const marker = siaMarker(externalId);
  const room = max - marker.length - 1;
  const clean = text.replace(/\s+/g, ' ').trim();
  const body = [...clean].length > room ? `${[...clean].slice(0, Math.max(0, room - 1)).join('')}…` : clean;
  return body ? `${body} ${marker}` : marker;
}

// ---------------------------------------------------------------- Marketo custom activity types

type AttrKey = keyof ActivityAttributes | 'sentBy' | 'source' | 'salesPersonId';

interface MarketoAttribute extends CustomActivityAttribute {
  from: AttrKey;
}

const A = (apiName: string, name: string, dataType: string, from: AttrKey): MarketoAttribute => ({ apiName, name, dataType, from });

const SENT_BY = A('sentBy', 'Sent By', 'string', 'sentBy');
const SOURCE = A('source', 'Source', 'string', 'source');
const PERSON_ID = A('marketoSalesPersonId', 'Marketo Sales Person ID', 'string', 'salesPersonId');
const TEMPLATE_ID = A('templateId', 'Template ID', 'integer', 'templateId');
const EMAIL_ATTRS = [
  SENT_BY,
  SOURCE,
  TEMPLATE_ID,
  A('salesTemplateUrl', 'Sales Template URL', 'link', 'templateUrl'),
  A('salesCampaignUrl', 'Sales Campaign URL', 'link', 'campaignUrl'),
  A('salesTemplateName', 'Sales Template Name', 'string', 'templateName'),
  A('salesCampaignName', 'Sales Campaign Name', 'string', 'campaignName'),
  PERSON_ID,
];
const CAMPAIGN_ATTRS = [
  A('salesCallStatus', 'Sales Call Status', 'string', 'callStatus'),
  A('salesCampaignUrl', 'Sales Campaign URL', 'link', 'campaignUrl'),
  SENT_BY,
  SOURCE,
  A('salesCampaignId', 'Sales Campaign ID', 'integer', 'campaignId'),
  PERSON_ID,
];

export interface MarketoTypeDefinition {
  apiName: string;
  name: string;
  triggerName: string;
  filterName: string;
  description: string;
  /** The primary attribute: the subject (or campaign name) followed by the SIA marker. */
  primary: { apiName: string; name: string; dataType: string; from: keyof ActivityAttributes };
  attributes: MarketoAttribute[];
}

const type = (apiName: string, name: string, trigger: string, filter: string, primary: MarketoTypeDefinition['primary'], attributes: MarketoAttribute[]): MarketoTypeDefinition => ({
  apiName,
  name,
  triggerName: trigger,
  filterName: filter,
  description: `${name}, logged by MSI Actions (Sales App)`,
  primary,
  attributes,
});

const SUBJECT = { apiName: 'emailSubject', name: 'Email Subject', dataType: 'string', from: 'subject' as const };

/**
 * Eight types (Marketo allows 10), at most 11 attributes each (Marketo allows 20). The API names end
 * in `_c` as Marketo's custom activity types do; `msia` keeps them apart from a customer's own.
 */
export const MARKETO_TYPES: Record<ActivityKind, MarketoTypeDefinition> = {
  email_sent: type('msiaSendSalesEmail_c', 'Send Sales Email', 'Was Sent Sales Email', 'Was Sent Sales Email', SUBJECT, EMAIL_ATTRS),
  email_opened: type('msiaOpenSalesEmail_c', 'Open Sales Email', 'Opens Sales Email', 'Opened Sales Email', SUBJECT, EMAIL_ATTRS),
  email_clicked: type('msiaClickSalesEmail_c', 'Clicked Sales Email', 'Clicks Sales Email', 'Clicked Sales Email', SUBJECT, [A('link', 'Link', 'link', 'link'), ...EMAIL_ATTRS]),
  email_replied: type('msiaRepliedSalesEmail_c', 'Replied to Sales Email', 'Replies to Sales Email', 'Replied to Sales Email', SUBJECT, [
    A('receivedBy', 'Received By', 'string', 'sentBy'),
    SOURCE,
    PERSON_ID,
  ]),
  email_bounced: type('msiaSalesEmailBounced_c', 'Sales Email Bounce', 'Sales Email Bounces', 'Sales Email Bounced', SUBJECT, [
    A('details', 'Details', 'string', 'bounceDetails'),
    A('email', 'Email', 'email', 'bouncedEmail'),
    SENT_BY,
    PERSON_ID,
    TEMPLATE_ID,
  ]),
  call: type('msiaReceivedSalesCall_c', 'Received Sales Call', 'Receives Sales Call', 'Received Sales Call', { apiName: 'salesCallSubject', name: 'Sales Call Subject', dataType: 'string', from: 'subject' }, [
    A('salesCallMadeBy', 'Sales Call Made By', 'string', 'sentBy'),
    A('salesCallStatus', 'Sales Call Status', 'string', 'callStatus'),
    A('salesCampaignName', 'Sales Campaign Name', 'string', 'campaignName'),
    A('salesCampaignUrl', 'Sales Campaign URL', 'link', 'campaignUrl'),
    A('salesPhoneNumberCalled', 'Sales Phone Number Called', 'phone', 'phoneNumber'),
    SOURCE,
    A('salesCallDuration', 'Sales Call Duration', 'integer', 'callDurationSeconds'),
    A('salesCallRecordingUrl', 'Sales Call Recording URL', 'link', 'recordingUrl'),
    A('salesCallAnsweredBy', 'Sales Call Answered By', 'string', 'answeredBy'),
    PERSON_ID,
  ]),
  campaign_added: type('msiaAddToSalesCampaign_c', 'Add to Sales Campaign', 'Added to Sales Campaign', 'Was Added to Sales Campaign', { apiName: 'salesCampaignName', name: 'Sales Campaign Name', dataType: 'string', from: 'campaignName' }, CAMPAIGN_ATTRS),
  campaign_removed: type('msiaRemoveFromSalesCampaign_c', 'Remove from Sales Campaign', 'Removed from Sales Campaign', 'Was Removed from Sales Campaign', { apiName: 'salesCampaignName', name: 'Sales Campaign Name', dataType: 'string', from: 'campaignName' }, CAMPAIGN_ATTRS),
};

/** The text before the SIA marker in Marketo's primary attribute and the Task subject. */
export function headline(kind: ActivityKind, attributes: ActivityAttributes): string {
  switch (kind) {
    case 'call':
      return attributes.subject ?? `Call (${attributes.callStatus ?? 'completed'})`;
    case 'campaign_added':
    case 'campaign_removed':
      return attributes.campaignName ?? '';
    default:
      return attributes.subject ?? '';
  }
}

export interface MarketoValues {
  primaryAttributeValue: string;
  attributes: Array<{ apiName: string; value: string | number }>;
}

/** What Marketo gets for one activity (values that are absent are left out, as Marketo allows). */
export function marketoValues(kind: ActivityKind, attributes: ActivityAttributes, context: { externalId: string; repName: string; salesPersonId: string }): MarketoValues {
  const definition = MARKETO_TYPES[kind];
  const source: Partial<Record<AttrKey, unknown>> = { ...attributes, sentBy: context.repName, source: 'Sales App', salesPersonId: context.salesPersonId };
  const values: MarketoValues['attributes'] = [];
  for (const a of definition.attributes) {
    const v = source[a.from];
    if (v === undefined || v === null || v === '') continue;
    values.push({ apiName: a.apiName, value: typeof v === 'number' ? v : String(v).slice(0, 2000) });
  }
  return { primaryAttributeValue: withMarker(headline(kind, attributes), context.externalId, 255), attributes: values };
}
