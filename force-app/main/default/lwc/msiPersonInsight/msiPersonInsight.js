import { LightningElement, api } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import lookupPerson from '@salesforce/apex/MsiPersonInsightController.lookupPerson';
import listPersonActivities from '@salesforce/apex/MsiPersonInsightController.listPersonActivities';
import logCall from '@salesforce/apex/MsiPersonInsightController.logCall';
import getPersonInsightSettings from '@salesforce/apex/MsiPersonInsightController.getPersonInsightSettings';
import TITLE from '@salesforce/label/c.MSI_Person_Title';
import NOT_SYNCED from '@salesforce/label/c.MSI_Person_Not_Synced';
import FIELDS from '@salesforce/label/c.MSI_Person_Fields';
import ENGAGEMENT from '@salesforce/label/c.MSI_Person_Engagement';
import ACTIVITIES from '@salesforce/label/c.MSI_Person_Activities';
import NO_ACTIVITIES from '@salesforce/label/c.MSI_Person_No_Activities';
import DELIVERY from '@salesforce/label/c.MSI_Person_Delivery';
import LOG_CALL from '@salesforce/label/c.MSI_Person_Log_Call';
import SUBJECT from '@salesforce/label/c.MSI_Person_Subject';
import CALL_STATUS from '@salesforce/label/c.MSI_Person_Call_Status';
import STATUS_COMPLETED from '@salesforce/label/c.MSI_Person_Status_Completed';
import STATUS_NO_ANSWER from '@salesforce/label/c.MSI_Person_Status_No_Answer';
import STATUS_CANCELLED from '@salesforce/label/c.MSI_Person_Status_Cancelled';
import STATUS_FAILED from '@salesforce/label/c.MSI_Person_Status_Failed';
import DURATION from '@salesforce/label/c.MSI_Person_Duration';
import NOTES from '@salesforce/label/c.MSI_Person_Notes';
import CALL_LOGGED from '@salesforce/label/c.MSI_Person_Call_Logged';
import TYPE from '@salesforce/label/c.MSI_Person_Type';
import LOADING from '@salesforce/label/c.MSI_Loading';
import ERROR_TITLE from '@salesforce/label/c.MSI_Error_Title';
import NOT_AVAILABLE from '@salesforce/label/c.MSI_Not_Available';
import DISABLED from '@salesforce/label/c.MSI_Error_Disabled';
import DELIVERY_PENDING from '@salesforce/label/c.MSI_Delivery_Pending';
import DELIVERY_SENDING from '@salesforce/label/c.MSI_Delivery_Sending';
import DELIVERY_DELIVERED from '@salesforce/label/c.MSI_Delivery_Delivered';
import DELIVERY_FAILED from '@salesforce/label/c.MSI_Delivery_Failed';
import DELIVERY_SKIPPED from '@salesforce/label/c.MSI_Delivery_Skipped';
import { reduceErrors } from 'c/ldsUtils';
import { activityKindLabel, formatLabel } from 'c/labelUtils';

/**
 * @typedef {{ state: string, error?: { code: string, message: string, hint?: string|null }|null }|null} Delivery
 * @typedef {{ id: string, kind: string, occurredAt: string, attributes: Record<string, unknown>,
 *   deliveries: { marketo: Delivery, salesforce: Delivery } }} Activity
 * @typedef {{ marketoId: number, salesforceType: string|null, synced: boolean, fields: Record<string, unknown>,
 *   engagement: { days: number, total: number, lastActivityAt: string|null } }} Person
 */

/** The service's delivery states -> their words; a state this package does not know yet shows as sent. */
const DELIVERY_STATES = {
  pending: DELIVERY_PENDING,
  sending: DELIVERY_SENDING,
  delivered: DELIVERY_DELIVERED,
  failed: DELIVERY_FAILED,
  skipped: DELIVERY_SKIPPED,
};

/** How many of the person's activities the card shows. */
const PAGE_SIZE = 10;

/**
 * The rep's card on a Lead or Contact page: the person as MSI Actions synced it from Marketo, the engagement of
 * the last days, the recent activities with how far each got to Marketo and Salesforce, and Log a call.
 */
export default class MsiPersonInsight extends LightningElement {
  /** The Lead or Contact id (the record page sets it). */
  @api recordId;
  /** Lead or Contact (the record page sets it). */
  @api objectApiName;

  labels = {
    title: TITLE,
    notSynced: NOT_SYNCED,
    fields: FIELDS,
    activities: ACTIVITIES,
    noActivities: NO_ACTIVITIES,
    logCall: LOG_CALL,
    subject: SUBJECT,
    callStatus: CALL_STATUS,
    duration: DURATION,
    notes: NOTES,
    type: TYPE,
    loading: LOADING,
    errorTitle: ERROR_TITLE,
    disabled: DISABLED,
  };

  /**
   * The running user's MSI Actions switches; null until read.
   * @type {{ enabled?: boolean, showPersonInsight?: boolean, logCalls?: boolean }|null}
   */
  settings = null;

  /** @type {Person|null} */
  person = null;
  /** @type {Activity[]} */
  activities = [];
  loaded = false;
  subject = '';
  callStatus = 'completed';
  durationMinutes = '';
  notes = '';
  busy = false;
  /** @type {unknown} */
  error;
  /**
   * The idempotency key of the call in the form: the same for every submit of the same values, so a submit
   * repeated after a timeout never logs the call twice; a new one once the call is logged or the form changes.
   */
  callKey = '';

  connectedCallback() {
    this.load();
  }

  async load() {
    await this.run(async () => {
      this.settings = await getPersonInsightSettings();
      if (!this.settings?.enabled || !this.settings?.showPersonInsight) return;
      const answer = await lookupPerson({ recordId: this.recordId });
      this.person = answer.people && answer.people.length ? answer.people[0] : null;
      this.activities = this.person ? await this.readActivities() : [];
      this.loaded = true;
    });
  }

  async readActivities() {
    const page = await listPersonActivities({ recordId: this.recordId, marketoId: this.person.marketoId, page: 1, pageSize: PAGE_SIZE });
    return page.activities || [];
  }

  // ---- what the template shows -------------------------------------------------------------------

  /** Show Person Insight off: the component shows nothing at all. */
  get visible() {
    return !this.settings || this.settings.showPersonInsight !== false || this.hasError;
  }

  /** MSI Actions is switched off for this user: one line says so, and nothing is read. */
  get switchedOff() {
    return !!this.settings && this.settings.enabled !== true;
  }

  /** Log Calls off: no call form. */
  get canLogCalls() {
    return this.settings?.logCalls === true;
  }

  get hasError() {
    return !!this.error;
  }

  get errorMessages() {
    return reduceErrors(this.error).join(' ');
  }

  get notSynced() {
    return this.loaded && !this.person;
  }

  get typeText() {
    return this.person?.salesforceType || this.objectApiName || NOT_AVAILABLE;
  }

  get fieldRows() {
    const fields = this.person?.fields || {};
    return Object.keys(fields)
      .filter((name) => fields[name] !== null && fields[name] !== '' && typeof fields[name] !== 'object')
      .map((name) => ({ name, value: String(fields[name]), nameKey: `${name}-name`, valueKey: `${name}-value` }));
  }

  get engagementText() {
    const engagement = this.person?.engagement;
    return engagement ? formatLabel(ENGAGEMENT, engagement.total, engagement.days) : '';
  }

  get hasActivities() {
    return this.activities.length > 0;
  }

  get activityRows() {
    const state = (delivery) => (delivery ? DELIVERY_STATES[delivery.state] || delivery.state : NOT_AVAILABLE);
    return this.activities.map((activity) => {
      const failure = activity.deliveries.salesforce?.error || activity.deliveries.marketo?.error;
      return {
        id: activity.id,
        kind: activityKindLabel(activity.kind),
        subject: activity.attributes?.subject || '',
        occurredAt: activity.occurredAt,
        delivery: formatLabel(DELIVERY, state(activity.deliveries.marketo), state(activity.deliveries.salesforce)),
        problem: failure ? `${failure.message}${failure.hint ? ` ${failure.hint}` : ''}` : '',
      };
    });
  }

  get callStatusOptions() {
    return [
      { label: STATUS_COMPLETED, value: 'completed' },
      { label: STATUS_NO_ANSWER, value: 'no answer' },
      { label: STATUS_CANCELLED, value: 'cancelled' },
      { label: STATUS_FAILED, value: 'failed' },
    ];
  }

  get logDisabled() {
    return this.busy || !this.subject.trim();
  }

  // ---- handlers ----------------------------------------------------------------------------------

  /** One handler for every field of the call form: `data-field` names the property. */
  handleFieldChange(event) {
    const field = event.target.dataset.field;
    const value = event.detail.value || '';
    if (this[field] !== value) {
      // Other values are another call: it gets a key of its own.
      this.callKey = '';
    }
    this[field] = value;
  }

  async handleLogCall() {
    await this.run(async () => {
      const minutes = Number(this.durationMinutes);
      if (!this.callKey) this.callKey = newKey();
      await logCall({
        recordId: this.recordId,
        call: {
          subject: this.subject.trim(),
          callStatus: this.callStatus,
          callDurationSeconds: this.durationMinutes !== '' && minutes >= 0 ? Math.round(minutes * 60) : null,
          notes: this.notes,
        },
        // A submit repeated after a failure sends the same key: the service answers the activity it may
        // already have logged instead of logging the call again.
        idempotencyKey: this.callKey,
      });
      // Logged: the next call is another one.
      this.callKey = '';
      this.subject = '';
      this.durationMinutes = '';
      this.notes = '';
      this.dispatchEvent(new ShowToastEvent({ title: CALL_LOGGED, message: '', variant: 'success' }));
      this.activities = await this.readActivities();
    }, true);
  }

  /**
   * Runs one action with the spinner on, and turns its failure into the error panel (and a toast when asked).
   * @param {() => Promise<void>} action
   * @param {boolean} [toastFailure]
   */
  async run(action, toastFailure = false) {
    this.busy = true;
    try {
      await action();
      this.error = undefined;
    } catch (error) {
      this.error = error;
      if (toastFailure) {
        this.dispatchEvent(
          new ShowToastEvent({ title: ERROR_TITLE, message: reduceErrors(error).join(' '), variant: 'error' }),
        );
      }
    } finally {
      this.busy = false;
    }
  }
}

/** A random key for one call (crypto.randomUUID where the browser has it). */
function newKey() {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  return `call-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
