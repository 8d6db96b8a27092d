import { LightningElement, api } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import listUsers from '@salesforce/apex/MsiActionsUsersController.listUsers';
import changeUserRole from '@salesforce/apex/MsiActionsUsersController.changeUserRole';
import addUserToTeams from '@salesforce/apex/MsiActionsUsersController.addUserToTeams';
import removeUserFromTeam from '@salesforce/apex/MsiActionsUsersController.removeUserFromTeam';
import deactivateUser from '@salesforce/apex/MsiActionsUsersController.deactivateUser';
import reactivateUser from '@salesforce/apex/MsiActionsUsersController.reactivateUser';
import deleteUser from '@salesforce/apex/MsiActionsUsersController.deleteUser';
import resendInvitation from '@salesforce/apex/MsiActionsInvitationsController.resendInvitation';
import revokeInvitation from '@salesforce/apex/MsiActionsInvitationsController.revokeInvitation';
import { reduceErrors } from 'c/ldsUtils';
import { formatLabel } from 'c/labelUtils';
import { LABELS } from './labels';

/**
 * @typedef {{ id: string, name: string, everyone: boolean }} TeamRef
 * @typedef {{ id: string, email: string, name: string, role: 'Admin'|'User', status: 'invited'|'active'|'deactivated',
 *   original: boolean, teams: TeamRef[] }} MsiUser
 * @typedef {{ users: MsiUser[], page: number, pageSize: number, total: number,
 *   seats: { limit: number, used: number, available: number } }} UserPage
 */

export const PAGE_SIZE = 25;
/** Typing pauses this long before the list is asked again, so a word costs one call, not one per letter. */
export const SEARCH_DELAY_MS = 300;

const STATUS_LABELS = {
    invited: LABELS.statusInvited,
    active: LABELS.statusActive,
    deactivated: LABELS.statusDeactivated
};
const ROLE_LABELS = { Admin: LABELS.roleAdmin, User: LABELS.roleUser };

/** The actions that fit the user's role and status. */
function userActions(row, done) {
    const actions = [
        row.role === 'Admin'
            ? { label: LABELS.makeUser, name: 'makeUser' }
            : { label: LABELS.makeAdmin, name: 'makeAdmin' },
        { label: LABELS.teamsAction, name: 'teams' }
    ];
    if (row.status === 'invited') {
        actions.push({ label: LABELS.resend, name: 'resend' }, { label: LABELS.revoke, name: 'revoke' });
    }
    if (row.status === 'active') actions.push({ label: LABELS.deactivate, name: 'deactivate' });
    if (row.status === 'deactivated') actions.push({ label: LABELS.reactivate, name: 'reactivate' });
    actions.push({ label: LABELS.remove, name: 'delete' });
    done(actions);
}

const COLUMNS = [
    { label: LABELS.columnName, fieldName: 'displayName' },
    { label: LABELS.columnEmail, fieldName: 'email', type: 'email' },
    { label: LABELS.columnRole, fieldName: 'roleText', initialWidth: 120 },
    { label: LABELS.columnStatus, fieldName: 'statusText', initialWidth: 130 },
    { label: LABELS.columnTeams, fieldName: 'teamsText', wrapText: true },
    { type: 'action', typeAttributes: { rowActions: userActions } }
];

/** Confirmation text per action that needs one. */
const CONFIRMATIONS = {
    deactivate: LABELS.confirmDeactivate,
    delete: LABELS.confirmDelete,
    revoke: LABELS.confirmRevoke
};

/**
 * User Management of the Actions account (setup step 5): the users with search and filters, the seat count,
 * and per user: role, teams, resend or withdraw the invitation, deactivate or reactivate, delete. Deactivate,
 * delete and withdraw ask first. Refusals (the original user once the sync has started, the last admin)
 * show in the service's own words. Team Management sits below; its `teamschange` (the teams, whenever they were
 * read or changed) is passed on to the container.
 */
export default class MsiActionsUsers extends LightningElement {
    labels = LABELS;
    columns = COLUMNS;

    /** @type {UserPage|null} */
    result = null;
    search = '';
    status = '';
    role = '';
    team = '';
    pageNumber = 1;
    /** Every team, from Team Management. @type {TeamRef[]} */
    teams = [];
    /** The action waiting for confirmation. @type {{ action: string, user: MsiUser }|null} */
    pending = null;
    /** The user whose teams are being edited, and the chosen team ids. @type {MsiUser|null} */
    editingTeams = null;
    chosenTeamIds = [];
    busy = false;
    /** @type {unknown} */
    error;
    searchTimer;

    connectedCallback() {
        this.loadUsers();
    }

    disconnectedCallback() {
        clearTimeout(this.searchTimer);
    }

    /** Reads the users and the teams again (the setup page calls it after invitations went out). */
    @api
    refresh() {
        const teams = /** @type {(Element & { refresh(): Promise<void> }) | null} */ (this.template.querySelector('c-msi-actions-teams'));
        teams?.refresh();
        return this.loadUsers();
    }

    async loadUsers() {
        this.busy = true;
        try {
            this.result = await listUsers({
                search: this.search.trim(),
                status: this.status,
                role: this.role,
                team: this.team,
                page: this.pageNumber,
                pageSize: PAGE_SIZE
            });
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

    get seatsText() {
        const seats = this.result?.seats;
        return seats ? formatLabel(this.labels.seats, seats.used, seats.limit, seats.available) : '';
    }

    get noSeatsLeft() {
        return this.result?.seats?.available === 0;
    }

    get seatsClass() {
        return this.noSeatsLeft ? 'seats slds-text-color_error' : 'seats slds-text-color_weak';
    }

    get statusOptions() {
        return [
            { label: this.labels.all, value: '' },
            { label: this.labels.statusInvited, value: 'invited' },
            { label: this.labels.statusActive, value: 'active' },
            { label: this.labels.statusDeactivated, value: 'deactivated' }
        ];
    }

    get roleOptions() {
        return [
            { label: this.labels.all, value: '' },
            { label: this.labels.roleAdmin, value: 'Admin' },
            { label: this.labels.roleUser, value: 'User' }
        ];
    }

    get teamOptions() {
        return [{ label: this.labels.all, value: '' }, ...this.teams.map((team) => ({ label: team.name, value: team.id }))];
    }

    get rows() {
        return (this.result?.users || []).map((user) => ({
            ...user,
            displayName: user.original ? `${user.name} (${this.labels.original})` : user.name,
            roleText: ROLE_LABELS[user.role] || user.role,
            statusText: STATUS_LABELS[user.status] || user.status,
            teamsText: (user.teams || []).map((team) => team.name).join(', ')
        }));
    }

    get hasRows() {
        return this.rows.length > 0;
    }

    get pageCount() {
        const total = this.result?.total || 0;
        return Math.max(1, Math.ceil(total / PAGE_SIZE));
    }

    get pageText() {
        return formatLabel(this.labels.page, this.pageNumber, this.pageCount);
    }

    get previousDisabled() {
        return this.busy || this.pageNumber <= 1;
    }

    get nextDisabled() {
        return this.busy || this.pageNumber >= this.pageCount;
    }

    get confirmText() {
        return this.pending ? formatLabel(CONFIRMATIONS[this.pending.action], this.pending.user.email) : '';
    }

    get teamsEditorLabel() {
        return this.editingTeams ? formatLabel(this.labels.teamsOf, this.editingTeams.name || this.editingTeams.email) : '';
    }

    /** Everyone is not offered: every member belongs to it. */
    get editableTeamOptions() {
        return this.teams.filter((team) => !team.everyone).map((team) => ({ label: team.name, value: team.id }));
    }

    // ---- handlers ----------------------------------------------------------------------------------

    handleSearchChange(event) {
        this.search = event.detail.value || '';
        clearTimeout(this.searchTimer);
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.searchTimer = setTimeout(() => {
            this.pageNumber = 1;
            this.loadUsers();
        }, SEARCH_DELAY_MS);
    }

    /** One handler for the three filters: `data-filter` names the property. */
    handleFilterChange(event) {
        this[event.target.dataset.filter] = event.detail.value;
        this.pageNumber = 1;
        this.loadUsers();
    }

    handlePrevious() {
        this.pageNumber -= 1;
        this.loadUsers();
    }

    handleNext() {
        this.pageNumber += 1;
        this.loadUsers();
    }

    /** Team Management read or changed the teams: offer them here, and tell the container (the invite card offers them too). */
    handleTeamsChange(event) {
        this.teams = event.detail.teams || [];
        this.dispatchEvent(new CustomEvent('teamschange', { detail: { teams: this.teams } }));
    }

    /** While a change or a read is under way, row actions are ignored: a double click resends one e-mail, not two. */
    handleRowAction(event) {
        if (this.busy) return;
        const { action, row } = event.detail;
        const user = (this.result?.users || []).find((candidate) => candidate.id === row.id) || row;
        this.pending = null;
        this.editingTeams = null;
        switch (action.name) {
            case 'makeAdmin':
            case 'makeUser':
                this.act(() => changeUserRole({ userId: user.id, role: action.name === 'makeAdmin' ? 'Admin' : 'User' }), formatLabel(this.labels.updated, user.email));
                break;
            case 'teams':
                this.editingTeams = user;
                this.chosenTeamIds = (user.teams || []).filter((team) => !team.everyone).map((team) => team.id);
                break;
            case 'resend':
                this.act(() => resendInvitation({ userId: user.id }), formatLabel(this.labels.resent, user.email));
                break;
            case 'reactivate':
                this.act(() => reactivateUser({ userId: user.id }), formatLabel(this.labels.updated, user.email));
                break;
            default:
                if (CONFIRMATIONS[action.name]) this.pending = { action: action.name, user };
        }
    }

    handleCancel() {
        this.pending = null;
        this.editingTeams = null;
    }

    handleConfirm() {
        const { action, user } = this.pending;
        if (action === 'deactivate') {
            this.act(() => deactivateUser({ userId: user.id }), formatLabel(this.labels.updated, user.email));
        } else if (action === 'revoke') {
            this.act(() => revokeInvitation({ userId: user.id }), formatLabel(this.labels.revoked, user.email));
        } else if (action === 'delete') {
            this.act(
                () => deleteUser({ userId: user.id, transferTo: null }),
                (answer) => formatLabel(this.labels.deleted, user.email, answer?.transferredTo?.email)
            );
        }
    }

    handleChosenTeamsChange(event) {
        this.chosenTeamIds = event.detail.value;
    }

    /** One call to add the new teams, one per team taken away: each is an endpoint of its own. */
    async handleSaveTeams() {
        const user = this.editingTeams;
        const current = (user.teams || []).filter((team) => !team.everyone).map((team) => team.id);
        const added = this.chosenTeamIds.filter((id) => !current.includes(id));
        const removed = current.filter((id) => !this.chosenTeamIds.includes(id));
        await this.act(async () => {
            if (added.length) await addUserToTeams({ userId: user.id, teams: added });
            for (const teamId of removed) {
                // eslint-disable-next-line no-await-in-loop
                await removeUserFromTeam({ userId: user.id, teamId });
            }
        }, formatLabel(this.labels.updated, user.email));
    }

    /**
     * Runs one change, closes the panels, reads the page again and says what happened; a refusal shows in
     * the error panel and a toast exactly as the service words it.
     * @param {() => Promise<unknown>} change
     * @param {string | ((answer: any) => string)} success the toast title, or how to make it from the answer
     */
    async act(change, success) {
        this.busy = true;
        try {
            const answer = await change();
            this.pending = null;
            this.editingTeams = null;
            this.error = undefined;
            const title = typeof success === 'function' ? success(answer) : success;
            this.dispatchEvent(new ShowToastEvent({ title, message: '', variant: 'success' }));
            await this.loadUsers();
        } catch (error) {
            this.error = error;
            this.dispatchEvent(
                new ShowToastEvent({ title: this.labels.errorTitle, message: reduceErrors(error).join(' '), variant: 'error' })
            );
        } finally {
            this.busy = false;
        }
    }
}
