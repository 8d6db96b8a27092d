import { LightningElement, wire } from 'lwc';
import { CurrentPageReference } from 'lightning/navigation';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getAccount from '@salesforce/apex/MsiActionsSetupController.getAccount';
import getAdminCandidates from '@salesforce/apex/MsiActionsSetupController.getAdminCandidates';
import createAccount from '@salesforce/apex/MsiActionsSetupController.createAccount';
import claimCredentials from '@salesforce/apex/MsiActionsSetupController.claimCredentials';
import saveCredentials from '@salesforce/apex/MsiActionsSetupController.saveCredentials';
import rotateSecret from '@salesforce/apex/MsiActionsSetupController.rotateSecret';
import resendInvitation from '@salesforce/apex/MsiActionsSetupController.resendInvitation';
import { reduceErrors } from 'c/ldsUtils';
import { LABELS } from './labels';

/**
 * @typedef {{ id?: string, name: string, email: string }} Person
 * @typedef {{ clientId: string|null, secret: string|null, secretCreatedAt: string|null, previousSecretValidUntil: string|null }} Integration
 * @typedef {{ id: string, orgName: string, status: 'pending'|'active', activatedAt: string|null, originalUser: Person|null, integration: Integration|null }} Account
 * @typedef {{ userId: string, name: string, email: string }} AdminCandidate
 * @typedef {{ stored: boolean, clientId: string, clientSecret?: string, manualSteps?: string[] }} CredentialResult
 */

/** Page state parameter the service's "Return to Salesforce" button carries. */
export const CLAIM_CODE_PARAMETER = 'c__claimCode';

/** sessionStorage key of the claim codes this browser session already sent, so none is sent twice. */
export const SPENT_CLAIM_CODES_KEY = 'msiActions.spentClaimCodes';
/** How many spent codes are remembered (a session sees one or two). */
const SPENT_CLAIM_CODES_KEPT = 20;
/** Codes spent while sessionStorage refused to keep them: remembered for as long as the page is open. */
const spentInPage = [];

/** @returns {string[]} the claim codes this browser session already sent */
function storedSpentCodes() {
    try {
        const stored = JSON.parse(window.sessionStorage.getItem(SPENT_CLAIM_CODES_KEY) || '[]');
        return Array.isArray(stored) ? stored : [];
    } catch {
        return [];
    }
}

/**
 * A claim code is good for one exchange. The URL keeps it after that, and the page reads the URL again whenever
 * this component is created anew (the checklist opens the step again, the tab is reloaded), so a code sent once
 * must never go out again: the service would answer "unknown, already used or expired".
 * @param {string} code
 * @returns {boolean}
 */
function isSpent(code) {
    return spentInPage.includes(code) || storedSpentCodes().includes(code);
}

/** @param {string} code */
function markSpent(code) {
    try {
        const codes = [...storedSpentCodes().filter((spent) => spent !== code), code].slice(-SPENT_CLAIM_CODES_KEPT);
        window.sessionStorage.setItem(SPENT_CLAIM_CODES_KEY, JSON.stringify(codes));
    } catch {
        spentInPage.push(code);
    }
}

/**
 * Setup step 1: invite the first administrators of the Actions account, then show its Integration Info
 * card (Client ID, masked secret, activation date, original user). Credentials arrive by the claim code in
 * the page URL after activation, or by hand. Fires `accountchange` with the account whenever it changes.
 */
export default class MsiActionsAccount extends LightningElement {
    labels = LABELS;

    /** @type {Account|null} */
    account = null;
    /** @type {AdminCandidate[]} */
    candidates = [];
    /** User ids of the candidates ticked in the checkbox group. */
    selectedCandidateIds = [];
    /** People added by hand (not Salesforce users). @type {Person[]} */
    otherInvitees = [];
    otherName = '';
    otherEmail = '';
    pastedClientId = '';
    pastedClientSecret = '';
    /** The last credentials that could not be stored automatically. @type {CredentialResult|null} */
    manualResult = null;
    /** @type {unknown} */
    error;
    busy = false;
    loaded = false;

    connectedCallback() {
        this.load();
    }

    /**
     * Reads the claim code from the page URL and exchanges it once per browser session: a code already sent,
     * whether the exchange worked or not, is not sent again.
     * @param {{ state?: Record<string, string> }} pageReference
     */
    @wire(CurrentPageReference)
    handlePageReference(pageReference) {
        const code = pageReference?.state?.[CLAIM_CODE_PARAMETER];
        if (code && !isSpent(code)) {
            markSpent(code);
            this.exchangeClaimCode(code);
        }
    }

    async load() {
        this.busy = true;
        try {
            // Apart: the candidates come from Salesforce and fill the invite form even when the service cannot be read.
            const [account, candidates] = await Promise.allSettled([getAccount(), getAdminCandidates()]);
            if (account.status === 'fulfilled') this.setAccount(account.value);
            this.candidates = candidates.status === 'fulfilled' ? candidates.value || [] : [];
            const failed = [account, candidates].find((result) => result.status === 'rejected');
            this.error = failed ? failed.reason : undefined;
        } finally {
            this.busy = false;
            this.loaded = true;
        }
    }

    /** @param {Account|null} account */
    setAccount(account) {
        this.account = account || null;
        this.dispatchEvent(new CustomEvent('accountchange', { detail: { account: this.account } }));
    }

    async reloadAccount() {
        try {
            this.setAccount(await getAccount());
            this.error = undefined;
        } catch (error) {
            this.error = error;
        }
    }

    // ---- what the template shows -------------------------------------------------------------------

    get hasError() {
        return !!this.error;
    }

    get errorMessages() {
        return reduceErrors(this.error).join(' ');
    }

    get isActive() {
        return this.account?.status === 'active';
    }

    get isPending() {
        return this.account?.status === 'pending';
    }

    /** The invitation form is there until the account is active (while pending, sending again resends). */
    get showInviteForm() {
        return !this.isActive;
    }

    get statusText() {
        if (this.isActive) return this.labels.statusActive;
        if (this.isPending) return this.labels.statusPending;
        return this.labels.notAvailable;
    }

    get clientIdText() {
        return this.account?.integration?.clientId || this.labels.notAvailable;
    }

    get maskedSecret() {
        return this.account?.integration?.secret || this.labels.notAvailable;
    }

    get hasCredentials() {
        return !!this.account?.integration?.clientId;
    }

    get activatedAt() {
        return this.account?.activatedAt;
    }

    get originalUserText() {
        const user = this.account?.originalUser;
        return user ? `${user.name} (${user.email})` : this.labels.notAvailable;
    }

    get candidateOptions() {
        return this.candidates.map((c) => ({ label: `${c.name} (${c.email})`, value: c.userId }));
    }

    get hasCandidates() {
        return this.candidates.length > 0;
    }

    /** @returns {Person[]} everyone who will be invited, ticked candidates first */
    get invitees() {
        const ticked = this.candidates
            .filter((c) => this.selectedCandidateIds.includes(c.userId))
            .map((c) => ({ name: c.name, email: c.email }));
        return [...ticked, ...this.otherInvitees];
    }

    get hasOtherInvitees() {
        return this.otherInvitees.length > 0;
    }

    get sendDisabled() {
        return this.busy || this.invitees.length === 0;
    }

    get addDisabled() {
        return !this.otherName.trim() || !this.otherEmail.trim();
    }

    get saveDisabled() {
        return this.busy || !this.pastedClientId.trim() || !this.pastedClientSecret.trim();
    }

    get showManualSteps() {
        return !!this.manualResult;
    }

    // ---- handlers ----------------------------------------------------------------------------------

    handleCandidatesChange(event) {
        this.selectedCandidateIds = event.detail.value;
    }

    handleOtherNameChange(event) {
        this.otherName = event.detail.value || '';
    }

    handleOtherEmailChange(event) {
        this.otherEmail = event.detail.value || '';
    }

    handleAddOther() {
        const emailInput = /** @type {HTMLInputElement} */ (
            this.template.querySelector('lightning-input[data-id="other-email"]')
        );
        if (emailInput && !emailInput.reportValidity()) return;
        this.otherInvitees = [...this.otherInvitees, { name: this.otherName.trim(), email: this.otherEmail.trim() }];
        this.otherName = '';
        this.otherEmail = '';
    }

    handleRemoveOther(event) {
        const email = event.target.dataset.email;
        this.otherInvitees = this.otherInvitees.filter((p) => p.email !== email);
    }

    async handleSendInvitation() {
        await this.run(async () => {
            const result = await createAccount({ admins: this.invitees });
            const sentTo = (result.invited || []).map((p) => p.email).join(', ');
            this.toast(this.labels.invitationSent, `${this.labels.invitationSentDetail} ${sentTo}`, 'success');
            this.selectedCandidateIds = [];
            this.otherInvitees = [];
            await this.reloadAccount();
        });
    }

    async handleResendInvitation() {
        await this.run(async () => {
            const resent = await resendInvitation();
            this.toast(this.labels.invitationSent, `${this.labels.invitationSentDetail} ${resent.join(', ')}`, 'success');
        });
    }

    handlePastedClientIdChange(event) {
        this.pastedClientId = event.detail.value || '';
    }

    handlePastedClientSecretChange(event) {
        this.pastedClientSecret = event.detail.value || '';
    }

    async handleSaveCredentials() {
        await this.run(async () => {
            const result = await saveCredentials({
                clientId: this.pastedClientId.trim(),
                clientSecret: this.pastedClientSecret.trim()
            });
            this.pastedClientSecret = '';
            this.afterCredentials(result, this.labels.credentialsSaved);
            await this.reloadAccount();
        });
    }

    async handleRotateSecret() {
        await this.run(async () => {
            const result = await rotateSecret();
            this.afterCredentials(result, this.labels.secretRotated);
            await this.reloadAccount();
        });
    }

    /** @param {string} claimCode */
    async exchangeClaimCode(claimCode) {
        await this.run(async () => {
            const result = await claimCredentials({ claimCode });
            this.afterCredentials(result, this.labels.claimReceived);
            await this.reloadAccount();
        });
    }

    /**
     * Shows the result of storing credentials: a toast when they are stored, the manual steps otherwise.
     * @param {CredentialResult} result
     * @param {string} successTitle
     */
    afterCredentials(result, successTitle) {
        if (result.stored) {
            this.manualResult = null;
            this.toast(successTitle, this.labels.credentialsSavedDetail, 'success');
        } else {
            this.manualResult = result;
        }
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
