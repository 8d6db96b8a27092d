import { LightningElement } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getMarketoConnection from '@salesforce/apex/MsiActionsSetupController.getMarketoConnection';
import connectMarketo from '@salesforce/apex/MsiActionsSetupController.connectMarketo';
import disconnectMarketo from '@salesforce/apex/MsiActionsSetupController.disconnectMarketo';
import { reduceErrors } from 'c/ldsUtils';
import { formatLabel } from 'c/labelUtils';
import { LABELS } from './labels';

/**
 * @typedef {{ code: string, message: string, at: string }} MarketoError
 * @typedef {{ connected: boolean, munchkinId?: string|null, restUrl?: string|null, identityUrl?: string|null,
 *   clientId?: string|null, apiUser?: string|null, connectedBy?: string|null, connectedAt?: string|null,
 *   lastVerifiedAt?: string|null, callsToday?: number, dailyQuota?: number|null, quotaStoppedUntil?: string|null,
 *   lastError?: MarketoError|null }} MarketoConnection
 */

const WAY_MUNCHKIN = 'munchkin';
const WAY_PASTE = 'paste';

/**
 * Setup step 3: connect the Actions account to Marketo (Munchkin ID, Client ID and Secret, or the pasted REST
 * and identity endpoints when the Munchkin ID way does not work), show the connection's status and API usage,
 * disconnect. The secret goes to the service once and is never shown back. Fires `stepchange` when the
 * connection changed, so the checklist can read its status again.
 */
export default class MsiActionsMarketo extends LightningElement {
    labels = LABELS;

    /** @type {MarketoConnection|null} */
    connection = null;
    way = WAY_MUNCHKIN;
    munchkinId = '';
    restUrl = '';
    identityUrl = '';
    clientId = '';
    clientSecret = '';
    /** The form is open while not connected, or when the admin chose to change the connection. */
    changing = false;
    confirmingDisconnect = false;
    busy = false;
    /** @type {unknown} */
    error;

    connectedCallback() {
        this.load();
    }

    async load() {
        this.busy = true;
        try {
            this.connection = await getMarketoConnection();
            this.error = undefined;
        } catch (error) {
            this.error = error;
        } finally {
            this.busy = false;
        }
    }

    // ---- what the template shows -------------------------------------------------------------------

    get hasError() {
        return !!this.error;
    }

    get errorMessages() {
        return reduceErrors(this.error).join(' ');
    }

    get isConnected() {
        return this.connection?.connected === true;
    }

    get statusText() {
        return this.isConnected ? this.labels.connected : this.labels.notConnected;
    }

    get statusBadgeClass() {
        return this.isConnected ? 'slds-badge slds-theme_success' : 'slds-badge';
    }

    get showForm() {
        return !this.isConnected || this.changing;
    }

    get showChangeButtons() {
        return this.isConnected && !this.changing && !this.confirmingDisconnect;
    }

    get wayOptions() {
        return [
            { label: this.labels.wayMunchkin, value: WAY_MUNCHKIN },
            { label: this.labels.wayPaste, value: WAY_PASTE }
        ];
    }

    get isPasteWay() {
        return this.way === WAY_PASTE;
    }

    /** @param {string|null|undefined} value */
    text(value) {
        return value || this.labels.notAvailable;
    }

    get munchkinText() {
        return this.text(this.connection?.munchkinId);
    }

    get restUrlText() {
        return this.text(this.connection?.restUrl);
    }

    get apiUserText() {
        return this.text(this.connection?.apiUser);
    }

    get connectedByText() {
        return this.text(this.connection?.connectedBy);
    }

    get callsText() {
        const calls = this.connection?.callsToday ?? 0;
        const quota = this.connection?.dailyQuota;
        return quota === null || quota === undefined ? String(calls) : formatLabel(this.labels.callsOfQuota, calls, quota);
    }

    get quotaStoppedText() {
        const until = this.connection?.quotaStoppedUntil;
        return until ? formatLabel(this.labels.quotaStopped, new Date(until).toLocaleString()) : '';
    }

    get lastErrorText() {
        const lastError = this.connection?.lastError;
        return lastError
            ? formatLabel(this.labels.errorText, lastError.code, lastError.message, new Date(lastError.at).toLocaleString())
            : '';
    }

    /** The service checks everything; this only keeps the button off until a connect can work at all. */
    get connectDisabled() {
        const where = this.isPasteWay ? this.restUrl.trim() && this.identityUrl.trim() : this.munchkinId.trim();
        return this.busy || !where || !this.clientId.trim() || !this.clientSecret.trim();
    }

    // ---- handlers ----------------------------------------------------------------------------------

    handleWayChange(event) {
        this.way = event.detail.value;
    }

    /** One handler for every text field: `data-field` names the property. */
    handleFieldChange(event) {
        this[event.target.dataset.field] = event.detail.value || '';
    }

    handleChange() {
        this.changing = true;
    }

    handleCancelChange() {
        this.changing = false;
        this.clientSecret = '';
    }

    async handleConnect() {
        await this.run(async () => {
            const pasted = this.isPasteWay;
            this.connection = await connectMarketo({
                munchkinId: pasted ? '' : this.munchkinId.trim(),
                restUrl: pasted ? this.restUrl.trim() : '',
                identityUrl: pasted ? this.identityUrl.trim() : '',
                clientId: this.clientId.trim(),
                clientSecret: this.clientSecret.trim()
            });
            this.changing = false;
            this.toast(this.labels.connectedToast, '', 'success');
            this.notifyChange();
        });
        // The secret is never kept in the page, whether the connect worked or not.
        this.clientSecret = '';
    }

    handleDisconnect() {
        this.confirmingDisconnect = true;
    }

    handleCancelDisconnect() {
        this.confirmingDisconnect = false;
    }

    async handleConfirmDisconnect() {
        await this.run(async () => {
            await disconnectMarketo();
            this.confirmingDisconnect = false;
            this.connection = { connected: false };
            this.toast(this.labels.disconnectedToast, '', 'success');
            this.notifyChange();
        });
    }

    notifyChange() {
        this.dispatchEvent(new CustomEvent('stepchange', { detail: { step: 'marketo' } }));
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
