import { LightningElement, api } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getSettings from '@salesforce/apex/MsiActionsConfigurationController.getSettings';
import saveSettings from '@salesforce/apex/MsiActionsConfigurationController.saveSettings';
import getPermissionSetUsers from '@salesforce/apex/MsiActionsConfigurationController.getPermissionSetUsers';
import assignPermissionSet from '@salesforce/apex/MsiActionsConfigurationController.assignPermissionSet';
import checkConnection from '@salesforce/apex/MsiActionsConfigurationController.checkConnection';
import getPackageSupport from '@salesforce/apex/MsiActionsConfigurationController.getPackageSupport';
import applyTaskLoggingSwitches from '@salesforce/apex/MsiActionsSetupController.applyTaskLoggingSwitches';
import { reduceErrors } from 'c/ldsUtils';
import { formatLabel } from 'c/labelUtils';
import { LABELS } from './labels';

/**
 * @typedef {{ enabled: boolean, logEmails: boolean, logCalls: boolean, createReminderTasks: boolean,
 *   showPersonInsight: boolean }} Settings
 * @typedef {{ userId: string, name: string, username: string, email: string, hasUser: boolean, hasAdmin: boolean }} PermissionSetUser
 * @typedef {{ status: 'ok'|'unauthorized'|'unreachable'|'upgradeRequired'|'error', statusCode?: number,
 *   message: string, fix?: string|null, checkedAt: string }} ConnectionCheck
 * @typedef {{ installedVersion?: string, serviceVersion: string, packageVersion: string|null, supported: boolean,
 *   upgradeAvailable: boolean, minimumPackageVersion: string, latestPackageVersion: string }} PackageSupport
 */

/** The governance switches, in the order the page shows them. */
const SWITCHES = ['logEmails', 'logCalls', 'createReminderTasks', 'showPersonInsight'];

/** The activity kinds applyTaskLoggingSwitches answers, as Connections & Customizations (step 2) names them. */
const KIND_LABELS = {
    emails: LABELS.kindEmails,
    calls: LABELS.kindCalls,
    reminderTasks: LABELS.kindReminderTasks
};

const CHECK_STATUS = {
    ok: { label: LABELS.statusOk, badgeClass: 'slds-badge slds-theme_success' },
    unauthorized: { label: LABELS.statusUnauthorized, badgeClass: 'slds-badge slds-theme_error' },
    unreachable: { label: LABELS.statusUnreachable, badgeClass: 'slds-badge slds-theme_error' },
    upgradeRequired: { label: LABELS.statusUpgrade, badgeClass: 'slds-badge slds-theme_warning' },
    error: { label: LABELS.statusError, badgeClass: 'slds-badge slds-theme_error' }
};

const USER_COLUMNS = [
    { label: LABELS.columnName, fieldName: 'name' },
    { label: LABELS.columnUsername, fieldName: 'username' },
    { label: LABELS.columnEmail, fieldName: 'email', type: 'email' },
    { label: LABELS.permUser, fieldName: 'hasUser', type: 'boolean', initialWidth: 150 },
    { label: LABELS.permAdmin, fieldName: 'hasAdmin', type: 'boolean', initialWidth: 150 }
];

/**
 * Setup step 7, *Configure MSI Actions in Salesforce*: switch MSI Actions on and choose what is logged, give
 * chosen users the MSI Actions permission sets, check the Named Credential against the service, and show
 * the installed package version with the service's word on whether it is still supported. Fires
 * `stepchange` when the settings were saved. After saving, the switches Log Sales Emails, Log Calls and Create
 * Reminder Tasks are applied at the service in a second call (a callout cannot follow the settings DML in the same
 * Apex transaction); when that fails the page says the switches are saved in Salesforce only and offers a retry.
 */
export default class MsiActionsConfiguration extends LightningElement {
    /** The installed version, as the checklist read it: shown while (or when) the service cannot be asked. */
    @api packageVersion;

    labels = LABELS;
    userColumns = USER_COLUMNS;
    permissionSetOptions = [
        { label: LABELS.permUser, value: 'MSI_Actions_User' },
        { label: LABELS.permAdmin, value: 'MSI_Actions_Admin' }
    ];

    /** @type {Settings|null} */
    settings = null;
    userSearch = '';
    /** @type {PermissionSetUser[]} */
    users = [];
    selectedUserIds = [];
    permissionSet = 'MSI_Actions_User';
    /** @type {ConnectionCheck|null} */
    check = null;
    /** @type {PackageSupport|null} */
    support = null;
    /** Why the service could not say whether this version is supported. */
    supportProblem = '';
    busy = false;
    /** @type {unknown} */
    error;
    /** Set when the switches are saved in Salesforce but the service could not be brought in line with them. */
    serviceProblem = '';

    connectedCallback() {
        this.load();
    }

    async load() {
        this.busy = true;
        try {
            const [settings, users] = await Promise.all([getSettings(), getPermissionSetUsers({ search: '' })]);
            this.settings = settings;
            this.users = users || [];
            this.error = undefined;
        } catch (error) {
            this.error = error;
        } finally {
            this.busy = false;
        }
        this.loadSupport();
    }

    async loadSupport() {
        try {
            this.support = await getPackageSupport();
            this.supportProblem = '';
        } catch (error) {
            this.supportProblem = formatLabel(this.labels.supportUnknown, reduceErrors(error).join(' '));
        }
    }

    // ---- what the template shows -------------------------------------------------------------------

    get hasError() {
        return !!this.error;
    }

    get errorMessages() {
        return reduceErrors(this.error).join(' ');
    }

    get switches() {
        return SWITCHES.map((name) => ({
            name,
            label: this.labels[name],
            checked: this.settings?.[name] === true,
            disabled: !this.settings?.enabled
        }));
    }

    get enabled() {
        return this.settings?.enabled === true;
    }

    get assignDisabled() {
        return this.busy || this.selectedUserIds.length === 0;
    }

    get checkStatus() {
        return this.check ? CHECK_STATUS[this.check.status] || CHECK_STATUS.error : null;
    }

    get installedVersion() {
        return this.support?.installedVersion || this.support?.packageVersion || this.packageVersion || this.labels.notAvailable;
    }

    get supportText() {
        if (!this.support) return '';
        if (!this.support.supported) return this.labels.unsupported;
        return this.support.upgradeAvailable ? this.labels.upgradeAvailable : this.labels.supported;
    }

    get supportClass() {
        if (this.support && !this.support.supported) return 'support-text slds-text-color_error';
        return this.support?.upgradeAvailable ? 'support-text slds-text-color_default' : 'support-text slds-text-color_success';
    }

    // ---- handlers ----------------------------------------------------------------------------------

    handleEnabledChange(event) {
        this.settings = { ...this.settings, enabled: event.target.checked };
    }

    handleSwitchChange(event) {
        this.settings = { ...this.settings, [event.target.dataset.name]: event.target.checked };
    }

    async handleSave() {
        let saved = false;
        await this.run(async () => {
            this.settings = await saveSettings({ settings: this.settings });
            saved = true;
            this.dispatchEvent(new CustomEvent('stepchange', { detail: { step: 'configuration' } }));
        });
        if (saved) await this.applyToService();
    }

    async handleRetryService() {
        await this.applyToService();
    }

    /**
     * Turns off at the service each activity kind whose switch is off (MsiActionsSetupController
     * .applyTaskLoggingSwitches), and says what it did, or that the service still logs until a retry succeeds.
     */
    async applyToService() {
        this.busy = true;
        try {
            const turnedOff = (await applyTaskLoggingSwitches()) || [];
            this.serviceProblem = '';
            const message = turnedOff.length
                ? formatLabel(this.labels.serviceUpdated, turnedOff.map((kind) => KIND_LABELS[kind] || kind).join(', '))
                : this.labels.serviceInLine;
            this.toast(this.labels.saved, message, 'success');
        } catch (error) {
            this.serviceProblem = formatLabel(this.labels.serviceFailed, reduceErrors(error).join(' '));
            this.toast(this.labels.serviceFailedTitle, this.serviceProblem, 'warning');
        } finally {
            this.busy = false;
        }
    }

    handleUserSearchChange(event) {
        this.userSearch = event.detail.value || '';
    }

    async handleSearchUsers() {
        await this.run(async () => {
            this.users = await getPermissionSetUsers({ search: this.userSearch.trim() });
            this.selectedUserIds = [];
        });
    }

    handleUserSelection(event) {
        this.selectedUserIds = event.detail.selectedRows.map((row) => row.userId);
    }

    handlePermissionSetChange(event) {
        this.permissionSet = event.detail.value;
    }

    async handleAssign() {
        await this.run(async () => {
            const result = await assignPermissionSet({ userIds: this.selectedUserIds, permissionSet: this.permissionSet });
            this.toast(formatLabel(this.labels.assigned, result.assigned, result.alreadyAssigned), '', 'success');
            this.users = await getPermissionSetUsers({ search: this.userSearch.trim() });
            this.selectedUserIds = [];
        });
    }

    async handleCheck() {
        await this.run(async () => {
            this.check = await checkConnection();
        });
    }

    /**
     * Runs one action with the spinner on, and turns its failure into the error panel and a toast.
     * @param {() => Promise<void>} action
     */
    async run(action) {
        this.busy = true;
        try {
            await action();
            this.error = undefined;
        } catch (error) {
            this.error = error;
            this.toast(this.labels.errorTitle, reduceErrors(error).join(' '), 'error');
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
