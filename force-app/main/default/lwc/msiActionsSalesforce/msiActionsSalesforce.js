import { LightningElement } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getSalesforceAuthorizeUrl from '@salesforce/apex/MsiActionsSetupController.getSalesforceAuthorizeUrl';
import getSalesforceConnection from '@salesforce/apex/MsiActionsSetupController.getSalesforceConnection';
import verifySalesforceConnection from '@salesforce/apex/MsiActionsSetupController.verifySalesforceConnection';
import disconnectSalesforce from '@salesforce/apex/MsiActionsSetupController.disconnectSalesforce';
import getSalesforceCustomizations from '@salesforce/apex/MsiActionsSetupController.getSalesforceCustomizations';
import updateSalesforceCustomizations from '@salesforce/apex/MsiActionsSetupController.updateSalesforceCustomizations';
import { reduceErrors } from 'c/ldsUtils';
import { formatLabel, hasKey } from 'c/labelUtils';
import { LABELS } from './labels';

/**
 * @typedef {{ code: string, message: string, hint: string, at: string, reconnect: boolean }} ConnectionError
 * @typedef {{ status: 'connected'|'not_connected'|'broken', orgId?: string|null, instanceUrl?: string|null,
 *   username?: string|null, connectedBy?: string|null, connectedAt?: string|null,
 *   apiUsage?: { used: number, limit: number, at: string }|null, lastError?: ConnectionError|null }} SalesforceStatus
 * @typedef {{ logged: { emails: boolean, calls: boolean, reminderTasks: boolean },
 *   taskTypes: { email: string, call: string, reply: string }, subjectPrefix: string,
 *   leadContactPrecedence: 'contact'|'lead', taskOwner: { mode: 'rep'|'fallback_user', fallbackUserId: string|null } }} Settings
 * @typedef {{ code: string, setting: string, value: string|null, message: string, ownerName?: string|null }} Warning
 * @typedef {{ settings: Settings, salesforce?: { taskTypeValues: string[], warnings: Warning[],
 *   optionalFields: { name: string, label: string|null, present: boolean }[] }|null,
 *   salesforceError?: { code: string, message: string, hint: string }|null }} Customizations
 */

const LOGIN_PRODUCTION = 'https://login.salesforce.com';
const LOGIN_SANDBOX = 'https://test.salesforce.com';
const LOGIN_MY_DOMAIN = 'myDomain';

/** The activity kinds of the Task Type settings (`taskTypes.email`, ...) -> the label that names them in a sentence. */
const KIND_LABELS = { email: 'kindEmail', call: 'kindCall', reply: 'kindReply' };

/**
 * Setup step 2: connect the Actions account to Salesforce (Connect opens Salesforce's authorize page, which
 * returns to the setup tab), the connection's status with API usage and the last error with its fix, Verify,
 * Disconnect with confirmation, and Connections & Customizations (how activities become Tasks) with the
 * service's warnings about this org's Task Type picklist. Fires `stepchange` when the connection changed.
 */
export default class MsiActionsSalesforce extends LightningElement {
  labels = LABELS;

  /** @type {SalesforceStatus|null} */
  connection = null;
  /** @type {Customizations|null} */
  customizations = null;
  /** @type {Settings|null} The form's values, saved with Save. */
  draft = null;
  login = LOGIN_PRODUCTION;
  myDomainUrl = '';
  /** Salesforce's page was opened: the admin comes back and verifies. */
  opened = false;
  confirmingDisconnect = false;
  busy = false;
  /** @type {unknown} */
  error;

  connectedCallback() {
    this.load();
  }

  async load() {
    await this.run(async () => {
      this.connection = await getSalesforceConnection();
      this.setCustomizations(await getSalesforceCustomizations());
    }, false);
  }

  /** @param {Customizations} customizations */
  setCustomizations(customizations) {
    this.customizations = customizations;
    // A copy: the form changes it, the saved values stay as the service sent them.
    this.draft = JSON.parse(JSON.stringify(customizations.settings));
  }

  // ---- what the template shows -------------------------------------------------------------------

  get hasError() {
    return !!this.error;
  }

  get errorMessages() {
    return reduceErrors(this.error).join(' ');
  }

  get status() {
    return this.connection?.status || 'not_connected';
  }

  get isConnected() {
    return this.status === 'connected';
  }

  get isBroken() {
    return this.status === 'broken';
  }

  get hasConnection() {
    return this.status !== 'not_connected';
  }

  get statusText() {
    if (this.isConnected) return this.labels.connected;
    return this.isBroken ? this.labels.broken : this.labels.notConnected;
  }

  get statusBadgeClass() {
    if (this.isConnected) return 'slds-badge slds-theme_success';
    return this.isBroken ? 'slds-badge slds-theme_error' : 'slds-badge';
  }

  get connectLabel() {
    return this.hasConnection ? this.labels.reconnect : this.labels.connect;
  }

  get showConnect() {
    return !this.isConnected || !!this.connection?.lastError?.reconnect;
  }

  get loginOptions() {
    return [
      { label: this.labels.loginProduction, value: LOGIN_PRODUCTION },
      { label: this.labels.loginSandbox, value: LOGIN_SANDBOX },
      { label: this.labels.loginMyDomain, value: LOGIN_MY_DOMAIN },
    ];
  }

  get isMyDomain() {
    return this.login === LOGIN_MY_DOMAIN;
  }

  get connectDisabled() {
    return this.busy || (this.isMyDomain && !this.myDomainUrl.trim());
  }

  /** @param {string|null|undefined} value */
  text(value) {
    return value || this.labels.notAvailable;
  }

  get usernameText() {
    return this.text(this.connection?.username);
  }

  get orgIdText() {
    return this.text(this.connection?.orgId);
  }

  get instanceUrlText() {
    return this.text(this.connection?.instanceUrl);
  }

  get connectedByText() {
    return this.text(this.connection?.connectedBy);
  }

  get apiUsageText() {
    const usage = this.connection?.apiUsage;
    return usage ? formatLabel(this.labels.apiUsageText, usage.used, usage.limit) : this.labels.notAvailable;
  }

  get lastError() {
    return this.connection?.lastError || null;
  }

  get lastErrorText() {
    const lastError = this.lastError;
    return lastError ? `${lastError.code}: ${lastError.message} (${new Date(lastError.at).toLocaleString()})` : '';
  }

  get showCustomizations() {
    return !!this.draft;
  }

  get warnings() {
    return (this.customizations?.salesforce?.warnings || []).map((warning, index) => ({
      key: `${warning.setting}-${index}`,
      message: this.warningText(warning),
    }));
  }

  /**
   * A warning about the org in the user's language, by the service's code: the Task Type value and the kind it is
   * for, or the fallback owner's name. A code this package does not know yet, or a warning without what its label
   * needs, shows the service's (English) message.
   * @param {Warning} warning
   * @returns {string}
   */
  warningText(warning) {
    const labels = this.labels;
    const fallback = warning.message || '';
    switch (warning.code) {
      case 'task_type_field_missing':
        return labels.warningTypeFieldMissing;
      case 'task_type_missing':
      case 'task_type_inactive': {
        const kind = /^taskTypes\.(\w+)$/.exec(warning.setting || '')?.[1];
        if (!hasKey(KIND_LABELS, kind) || !warning.value) return fallback;
        const label = warning.code === 'task_type_missing' ? labels.warningTypeMissing : labels.warningTypeInactive;
        return formatLabel(label, warning.value, labels[KIND_LABELS[kind]]);
      }
      case 'fallback_owner_inactive':
        if (warning.ownerName) return formatLabel(labels.warningOwnerInactive, warning.ownerName);
        // null: the user no longer exists; left out: an answer from before the service sent the name.
        return warning.ownerName === null ? labels.warningOwnerMissing : fallback;
      default:
        return fallback;
    }
  }

  get hasWarnings() {
    return this.warnings.length > 0 || !!this.customizations?.salesforceError;
  }

  /** The message, then the hint when it adds something (the service sends the message again as the hint when it has none). */
  get salesforceErrorText() {
    const failure = this.customizations?.salesforceError;
    if (!failure) return '';
    const message = (failure.message || '').trim();
    const hint = (failure.hint || '').trim();
    return hint && hint !== message ? `${message} ${hint}`.trim() : message;
  }

  get optionalFields() {
    return (this.customizations?.salesforce?.optionalFields || []).map((field) => ({
      key: field.name,
      name: field.label ? `${field.label} (${field.name})` : field.name,
      state: field.present ? this.labels.fieldPresent : this.labels.fieldMissing,
      stateClass: field.present ? 'slds-text-color_success' : 'slds-text-color_weak',
    }));
  }

  get hasOptionalFields() {
    return this.optionalFields.length > 0;
  }

  /** The org's Task Type values when the service could read them: the admin picks rather than types. */
  get taskTypeOptions() {
    const values = this.customizations?.salesforce?.taskTypeValues || [];
    const chosen = this.draft ? Object.values(this.draft.taskTypes) : [];
    // A configured value the picklist lacks stays choosable, so the form shows what is saved (and its warning).
    return [...new Set([...values, ...chosen])].filter((v) => !!v).map((value) => ({ label: value, value }));
  }

  get hasTaskTypeValues() {
    return (this.customizations?.salesforce?.taskTypeValues || []).length > 0;
  }

  get precedenceOptions() {
    return [
      { label: this.labels.contact, value: 'contact' },
      { label: this.labels.lead, value: 'lead' },
    ];
  }

  get ownerOptions() {
    return [
      { label: this.labels.ownerRep, value: 'rep' },
      { label: this.labels.ownerFallback, value: 'fallback_user' },
    ];
  }

  get isFallbackOwner() {
    return this.draft?.taskOwner.mode === 'fallback_user';
  }

  get saveDisabled() {
    return this.busy || (this.isFallbackOwner && !(this.draft.taskOwner.fallbackUserId || '').trim());
  }

  // ---- handlers ----------------------------------------------------------------------------------

  handleLoginChange(event) {
    this.login = event.detail.value;
  }

  handleMyDomainChange(event) {
    this.myDomainUrl = event.detail.value || '';
  }

  async handleConnect() {
    await this.run(async () => {
      const loginUrl = this.isMyDomain ? this.myDomainUrl.trim() : this.login;
      const answer = await getSalesforceAuthorizeUrl({ loginUrl });
      // Salesforce's login and consent pages cannot be framed: a window of their own, back to the tab after.
      window.open(answer.url, '_blank');
      this.opened = true;
    });
  }

  async handleVerify() {
    await this.run(async () => {
      this.connection = await verifySalesforceConnection();
      this.opened = false;
      this.toast(this.labels.verifiedToast, this.statusText, this.isConnected ? 'success' : 'warning');
      this.notifyChange();
      // Connected now: the Task describe can be checked.
      this.setCustomizations(await getSalesforceCustomizations());
    });
  }

  handleDisconnect() {
    this.confirmingDisconnect = true;
  }

  handleCancelDisconnect() {
    this.confirmingDisconnect = false;
  }

  async handleConfirmDisconnect() {
    await this.run(async () => {
      this.connection = await disconnectSalesforce();
      this.confirmingDisconnect = false;
      this.toast(this.labels.disconnectedToast, '', 'success');
      this.notifyChange();
    });
  }

  /** Checkboxes of `logged`: `data-field` names the key. */
  handleLoggedChange(event) {
    this.draft = {
      ...this.draft,
      logged: { ...this.draft.logged, [event.target.dataset.field]: event.target.checked },
    };
  }

  /** Task Type values: `data-field` names the key. */
  handleTaskTypeChange(event) {
    this.draft = {
      ...this.draft,
      taskTypes: { ...this.draft.taskTypes, [event.target.dataset.field]: event.detail.value },
    };
  }

  handlePrefixChange(event) {
    this.draft = { ...this.draft, subjectPrefix: event.detail.value || '' };
  }

  handlePrecedenceChange(event) {
    this.draft = { ...this.draft, leadContactPrecedence: event.detail.value };
  }

  handleOwnerModeChange(event) {
    this.draft = { ...this.draft, taskOwner: { ...this.draft.taskOwner, mode: event.detail.value } };
  }

  handleFallbackUserChange(event) {
    this.draft = { ...this.draft, taskOwner: { ...this.draft.taskOwner, fallbackUserId: event.detail.value || null } };
  }

  async handleSave() {
    await this.run(async () => {
      const draft = this.draft;
      this.setCustomizations(
        await updateSalesforceCustomizations({
          logged: draft.logged,
          taskTypes: draft.taskTypes,
          subjectPrefix: draft.subjectPrefix,
          leadContactPrecedence: draft.leadContactPrecedence,
          taskOwner: {
            mode: draft.taskOwner.mode,
            fallbackUserId:
              draft.taskOwner.mode === 'fallback_user' ? (draft.taskOwner.fallbackUserId || '').trim() : null,
          },
        }),
      );
      this.toast(this.labels.savedToast, '', this.warnings.length ? 'warning' : 'success');
    });
  }

  notifyChange() {
    this.dispatchEvent(new CustomEvent('stepchange', { detail: { step: 'salesforce' } }));
  }

  /**
   * Runs one action with the spinner on, and turns its failure into the error panel (and a toast when asked).
   * @param {() => Promise<void>} action
   * @param {boolean} [toastFailure]
   */
  async run(action, toastFailure = true) {
    this.busy = true;
    try {
      await action();
      this.error = undefined;
    } catch (error) {
      this.error = error;
      if (toastFailure) this.toast(this.labels.errorTitle, reduceErrors(error).join(' '), 'error');
    } finally {
      this.busy = false;
    }
  }

  /**
   * @param {string} title
   * @param {string} message
   * @param {'success'|'error'|'warning'|'info'} variant
   */
  toast(title, message, variant) {
    this.dispatchEvent(new ShowToastEvent({ title, message, variant }));
  }
}
