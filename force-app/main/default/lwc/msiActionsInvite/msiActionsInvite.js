import { LightningElement, api } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import inviteUsers from '@salesforce/apex/MsiActionsInvitationsController.inviteUsers';
import listTeams from '@salesforce/apex/MsiActionsUsersController.listTeams';
import TITLE from '@salesforce/label/c.MSI_Invite_Users_Title';
import INTRO from '@salesforce/label/c.MSI_Invite_Users_Intro';
import ADDRESSES from '@salesforce/label/c.MSI_Invite_Addresses';
import ADDRESSES_HELP from '@salesforce/label/c.MSI_Invite_Addresses_Help';
import ROLE from '@salesforce/label/c.MSI_Role';
import ROLE_USER from '@salesforce/label/c.MSI_Role_User';
import ROLE_ADMIN from '@salesforce/label/c.MSI_Role_Admin';
import TEAMS from '@salesforce/label/c.MSI_Teams';
import TEAMS_AVAILABLE from '@salesforce/label/c.MSI_Teams_Available';
import TEAMS_SELECTED from '@salesforce/label/c.MSI_Teams_Selected';
import INVITE from '@salesforce/label/c.MSI_Invite_Button';
import DONE from '@salesforce/label/c.MSI_Invite_Done';
import RESULTS from '@salesforce/label/c.MSI_Invite_Results';
import COLUMN_ADDRESS from '@salesforce/label/c.MSI_Column_Address';
import COLUMN_EMAIL from '@salesforce/label/c.MSI_Column_Email';
import COLUMN_OUTCOME from '@salesforce/label/c.MSI_Column_Outcome';
import COLUMN_REASON from '@salesforce/label/c.MSI_Column_Reason';
import ERROR_TITLE from '@salesforce/label/c.MSI_Error_Title';
import LOADING from '@salesforce/label/c.MSI_Loading';
import { reduceErrors } from 'c/ldsUtils';
import { confirmationText, outcomeLabel, reasonsText } from 'c/labelUtils';

/**
 * @typedef {{ id: string, name: string, everyone: boolean }} Team
 * @typedef {{ code: string, message: string, params: Record<string, string|number> }} Reason
 * @typedef {{ address: string, email: string|null, outcome: string, reason: string|null, reasons?: Reason[],
 *   userId: string|null }} InviteOutcome
 * @typedef {{ results: InviteOutcome[], counts: Record<string, number>, duplicates: number, message: string }} InviteResult
 */

const COLUMNS = [
    { label: COLUMN_ADDRESS, fieldName: 'address' },
    { label: COLUMN_EMAIL, fieldName: 'email' },
    { label: COLUMN_OUTCOME, fieldName: 'outcomeText' },
    { label: COLUMN_REASON, fieldName: 'reasonText', wrapText: true }
];

/**
 * Setup step 5a, *Invite users*: one or more addresses as typed (the service splits them on commas,
 * semicolons, spaces and new lines), a role and teams besides Everyone. Shows the confirmation (built from the
 * service's counts) and the outcome per address. Fires `stepchange` after invitations went out.
 */
export default class MsiActionsInvite extends LightningElement {
    labels = {
        title: TITLE,
        intro: INTRO,
        addresses: ADDRESSES,
        addressesHelp: ADDRESSES_HELP,
        role: ROLE,
        teams: TEAMS,
        teamsAvailable: TEAMS_AVAILABLE,
        teamsSelected: TEAMS_SELECTED,
        invite: INVITE,
        results: RESULTS,
        errorTitle: ERROR_TITLE,
        loading: LOADING
    };
    columns = COLUMNS;
    roleOptions = [
        { label: ROLE_USER, value: 'User' },
        { label: ROLE_ADMIN, value: 'Admin' }
    ];

    addresses = '';
    role = 'User';
    /** Ids of the chosen teams. @type {string[]} */
    selectedTeams = [];
    /** @type {Team[]} */
    teams = [];
    /** @type {InviteResult|null} */
    result = null;
    busy = false;
    /** @type {unknown} */
    error;

    connectedCallback() {
        this.loadTeams();
    }

    /**
     * The teams changed elsewhere (Team Management, a CSV invitation): offer them. The container hands over the
     * teams it was told about; without them, they are read again.
     * @param {Team[]} [teams]
     * @returns {Promise<void>}
     */
    @api
    refresh(teams) {
        if (Array.isArray(teams)) {
            this.setTeams(teams);
            return Promise.resolve();
        }
        return this.loadTeams();
    }

    async loadTeams() {
        try {
            const answer = await listTeams();
            this.setTeams(answer?.teams || []);
        } catch (error) {
            this.error = error;
        }
    }

    /**
     * Takes the current teams; a chosen team that is gone (deleted) is no longer chosen.
     * @param {Team[]} teams
     */
    setTeams(teams) {
        this.teams = teams;
        const ids = teams.map((team) => team.id);
        this.selectedTeams = this.selectedTeams.filter((id) => ids.includes(id));
    }

    get hasError() {
        return !!this.error;
    }

    get errorMessages() {
        return reduceErrors(this.error).join(' ');
    }

    /** Everyone is not offered: every new member joins it anyway. */
    get teamOptions() {
        return this.teams.filter((team) => !team.everyone).map((team) => ({ label: team.name, value: team.id }));
    }

    get hasTeamOptions() {
        return this.teamOptions.length > 0;
    }

    get inviteDisabled() {
        return this.busy || !this.addresses.trim();
    }

    get rows() {
        return (this.result?.results || []).map((outcome, index) => ({
            ...outcome,
            key: `${index}`,
            outcomeText: outcomeLabel(outcome.outcome),
            // The service's reason codes in the user's language; its English text only for a code not known here.
            reasonText: reasonsText(outcome.reasons, outcome.reason)
        }));
    }

    /** The confirmation in the user's language, from the counts the service sent. */
    get confirmation() {
        return this.result ? confirmationText(this.result.counts, 'address', this.result.message) : '';
    }

    get hasRows() {
        return this.rows.length > 0;
    }

    handleAddressesChange(event) {
        this.addresses = event.detail.value || '';
    }

    handleRoleChange(event) {
        this.role = event.detail.value;
    }

    handleTeamsChange(event) {
        this.selectedTeams = event.detail.value;
    }

    async handleInvite() {
        this.busy = true;
        try {
            this.result = await inviteUsers({
                addresses: this.addresses,
                role: this.role,
                teams: this.selectedTeams
            });
            this.error = undefined;
            // Keep the addresses that did not work in the box, so they can be corrected and sent again.
            this.addresses = this.result.results
                .filter((outcome) => outcome.outcome === 'invalid' || outcome.outcome === 'refused')
                .map((outcome) => outcome.address)
                .join('\n');
            this.dispatchEvent(new ShowToastEvent({ title: DONE, message: this.confirmation, variant: 'success' }));
            this.dispatchEvent(new CustomEvent('stepchange', { detail: { step: 'invitations' } }));
        } catch (error) {
            this.error = error;
            this.dispatchEvent(
                new ShowToastEvent({ title: ERROR_TITLE, message: reduceErrors(error).join(' '), variant: 'error' })
            );
        } finally {
            this.busy = false;
        }
    }
}
