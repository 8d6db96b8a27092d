import { LightningElement, api } from 'lwc';
import getSetupState from '@salesforce/apex/MsiActionsSetupController.getSetupState';
import TITLE from '@salesforce/label/c.MSI_Setup_Title';
import PROGRESS from '@salesforce/label/c.MSI_Setup_Progress';
import TABLE from '@salesforce/label/c.MSI_Setup_Table';
import PACKAGE_VERSION from '@salesforce/label/c.MSI_Package_Version';
import COLUMN_STEP from '@salesforce/label/c.MSI_Column_Step';
import COLUMN_PERSONA from '@salesforce/label/c.MSI_Column_Persona';
import COLUMN_TASK from '@salesforce/label/c.MSI_Column_Task';
import COLUMN_STATUS from '@salesforce/label/c.MSI_Column_Status';
import COLUMN_ACTION from '@salesforce/label/c.MSI_Column_Action';
import OPEN from '@salesforce/label/c.MSI_Setup_Open';
import OPEN_TITLE from '@salesforce/label/c.MSI_Setup_Open_Title';
import CURRENT from '@salesforce/label/c.MSI_Setup_Current';
import ERROR_TITLE from '@salesforce/label/c.MSI_Error_Title';
import SYNC_CAUTION from '@salesforce/label/c.MSI_Setup_Sync_Caution';
import UPGRADE_TITLE from '@salesforce/label/c.MSI_Setup_Upgrade_Title';
import UPGRADE_HINT from '@salesforce/label/c.MSI_Setup_Upgrade_Hint';
import UPGRADE_LATEST from '@salesforce/label/c.MSI_Setup_Upgrade_Latest';
import UPGRADE_REQUIRED from '@salesforce/label/c.MSI_Error_Upgrade_Required';
import { reduceErrors } from 'c/ldsUtils';
import { SETUP_STEPS, STATUS, formatLabel } from './setupSteps';

/** The steps this package has a page for; the others happen elsewhere (or in a later version). */
export const STEPS_WITH_PAGE = ['account', 'salesforce', 'marketo', 'sync', 'invitations', 'configuration'];

/**
 * The MSI Actions setup checklist: the seven steps of the setup guide with persona and live status, and
 * below it the page of the step being worked on, chosen with the step's *Open* button.
 */
export default class MsiActionsSetup extends LightningElement {
    /**
     * Status per step key (`account`, `salesforce`, ...): notStarted, inProgress, done or needsAttention.
     * Overrides what the org reports, for containers that know better (and for the local console).
     */
    @api stepStatus = {};

    labels = {
        title: TITLE,
        table: TABLE,
        columnStep: COLUMN_STEP,
        columnPersona: COLUMN_PERSONA,
        columnTask: COLUMN_TASK,
        columnStatus: COLUMN_STATUS,
        columnAction: COLUMN_ACTION,
        open: OPEN,
        current: CURRENT,
        errorTitle: ERROR_TITLE,
        syncCaution: SYNC_CAUTION,
        upgradeTitle: UPGRADE_TITLE,
        upgradeHint: UPGRADE_HINT
    };

    /** The step whose page shows below the checklist. */
    selectedStep = 'account';

    /** @type {{ packageVersion?: string, stepStatus?: Record<string, string>, problem?: string, syncStarted?: boolean, upgradeRequired?: boolean, latestPackageVersion?: string, account?: { status?: string } } | undefined} */
    state;
    /** @type {unknown} */
    error;

    connectedCallback() {
        this.loadState();
    }

    async loadState() {
        try {
            this.state = await getSetupState();
            this.error = undefined;
        } catch (error) {
            this.error = error;
        }
    }

    /**
     * The account step read or changed the account. Only a status the checklist does not know yet needs a
     * new state read (the first read of both components returns the same account).
     * @param {CustomEvent<{ account: { status?: string } | null }>} event
     */
    handleAccountChange(event) {
        const status = event.detail.account?.status;
        if (this.state && status !== this.state.account?.status) {
            this.loadState();
        }
    }

    /**
     * A step page changed something the checklist shows: read the state again. After invitations, the users
     * list (and its teams) below the invite cards is read again too: it shows the people just invited.
     * @param {CustomEvent<{ step?: string }>} event
     */
    handleStepChange(event) {
        this.loadState();
        if (event?.detail?.step === 'invitations') {
            const users = /** @type {(Element & { refresh(): Promise<void> }) | null} */ (this.template.querySelector('c-msi-actions-users'));
            users?.refresh();
        }
    }

    /**
     * Team Management (below the invite cards) read or changed the teams, or a CSV invitation created some: the
     * invite card offers the same teams.
     * @param {CustomEvent<{ teams?: { id: string, name: string, everyone: boolean }[] }>} event
     */
    handleTeamsChange(event) {
        const invite = /** @type {(Element & { refresh(teams?: object[]): Promise<void> }) | null} */ (this.template.querySelector('c-msi-actions-invite'));
        invite?.refresh(event?.detail?.teams);
    }

    handleOpenStep(event) {
        this.selectedStep = event.target.dataset.step;
    }

    get steps() {
        const statuses = { ...(this.state?.stepStatus || {}), ...(this.stepStatus || {}) };
        return SETUP_STEPS.map((step) => {
            const status = STATUS[statuses[step.key]] || STATUS.notStarted;
            const selected = step.key === this.selectedStep;
            return {
                ...step,
                statusLabel: status.label,
                badgeClass: status.badgeClass,
                done: status === STATUS.done,
                hasPage: STEPS_WITH_PAGE.includes(step.key),
                selected,
                rowClass: selected ? 'slds-is-selected' : '',
                openTitle: formatLabel(OPEN_TITLE, step.number, step.title)
            };
        });
    }

    get showAccount() {
        return this.selectedStep === 'account';
    }

    get showSalesforce() {
        return this.selectedStep === 'salesforce';
    }

    /** The seed's caution of step 4: once the sync has started, the original user must not be deleted. */
    get showSyncCaution() {
        return this.state?.syncStarted === true;
    }

    /** The service refuses this package version (HTTP 426): nothing works until the package is upgraded. */
    get showUpgrade() {
        return this.state?.upgradeRequired === true;
    }

    /** The service's refusal as the Apex words it (a Custom Label), or the label here when it sent none. */
    get upgradeMessage() {
        return this.state?.problem || formatLabel(UPGRADE_REQUIRED, this.state?.packageVersion ?? '');
    }

    get upgradeLatestText() {
        return this.state?.latestPackageVersion ? formatLabel(UPGRADE_LATEST, this.state.latestPackageVersion) : '';
    }

    get showMarketo() {
        return this.selectedStep === 'marketo';
    }

    get showSync() {
        return this.selectedStep === 'sync';
    }

    get showInvitations() {
        return this.selectedStep === 'invitations';
    }

    get showConfiguration() {
        return this.selectedStep === 'configuration';
    }

    get packageVersion() {
        return this.state?.packageVersion;
    }

    get completedCount() {
        return this.steps.filter((step) => step.done).length;
    }

    get progressText() {
        return formatLabel(PROGRESS, this.completedCount, SETUP_STEPS.length);
    }

    get packageVersionText() {
        return this.state?.packageVersion ? formatLabel(PACKAGE_VERSION, this.state.packageVersion) : '';
    }

    get hasError() {
        return !!this.error;
    }

    get errorMessages() {
        return reduceErrors(this.error).join(' ');
    }
}
