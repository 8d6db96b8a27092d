import { LightningElement, api } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import listTeams from '@salesforce/apex/MsiActionsUsersController.listTeams';
import createTeam from '@salesforce/apex/MsiActionsUsersController.createTeam';
import renameTeam from '@salesforce/apex/MsiActionsUsersController.renameTeam';
import deleteTeam from '@salesforce/apex/MsiActionsUsersController.deleteTeam';
import TITLE from '@salesforce/label/c.MSI_Teams_Title';
import COUNT from '@salesforce/label/c.MSI_Teams_Count';
import TABLE from '@salesforce/label/c.MSI_Teams_Table';
import COLUMN_NAME from '@salesforce/label/c.MSI_Column_Name';
import MEMBERS from '@salesforce/label/c.MSI_Teams_Members';
import NEW_NAME from '@salesforce/label/c.MSI_Teams_New_Name';
import CREATE from '@salesforce/label/c.MSI_Teams_Create';
import CREATED from '@salesforce/label/c.MSI_Teams_Created';
import RENAME from '@salesforce/label/c.MSI_Action_Rename';
import RENAMED from '@salesforce/label/c.MSI_Teams_Renamed';
import RENAME_LABEL from '@salesforce/label/c.MSI_Teams_Rename_Label';
import DELETE from '@salesforce/label/c.MSI_Action_Delete';
import DELETED from '@salesforce/label/c.MSI_Teams_Deleted';
import CONFIRM_DELETE from '@salesforce/label/c.MSI_Confirm_Delete_Team';
import EVERYONE_NOTE from '@salesforce/label/c.MSI_Teams_Everyone_Note';
import SAVE from '@salesforce/label/c.MSI_Save';
import CANCEL from '@salesforce/label/c.MSI_Cancel';
import CONFIRM from '@salesforce/label/c.MSI_Confirm';
import ERROR_TITLE from '@salesforce/label/c.MSI_Error_Title';
import LOADING from '@salesforce/label/c.MSI_Loading';
import { reduceErrors } from 'c/ldsUtils';
import { formatLabel } from 'c/labelUtils';

/** @typedef {{ id: string, name: string, everyone: boolean, memberCount: number, createdAt: string }} Team */

/** Everyone can be neither renamed nor deleted: its actions show, switched off. */
function teamActions(row, done) {
    done([
        { label: RENAME, name: 'rename', disabled: row.everyone },
        { label: DELETE, name: 'delete', disabled: row.everyone }
    ]);
}

const COLUMNS = [
    { label: COLUMN_NAME, fieldName: 'name' },
    { label: MEMBERS, fieldName: 'memberCount', type: 'number', initialWidth: 110 },
    { type: 'action', typeAttributes: { rowActions: teamActions } }
];

/**
 * Team Management of the Actions account (setup step 5): the teams with their member counts and the team
 * limit; create, rename and delete, except the Everyone team. Fires `teamschange` with the teams whenever
 * they were read or changed, so the user list can offer them.
 */
export default class MsiActionsTeams extends LightningElement {
    labels = {
        title: TITLE,
        table: TABLE,
        newName: NEW_NAME,
        create: CREATE,
        everyoneNote: EVERYONE_NOTE,
        save: SAVE,
        cancel: CANCEL,
        confirm: CONFIRM,
        errorTitle: ERROR_TITLE,
        loading: LOADING
    };
    columns = COLUMNS;

    /** @type {Team[]} */
    teams = [];
    limit = 0;
    count = 0;
    newName = '';
    /** The team being renamed, and its new name. @type {Team|null} */
    renaming = null;
    renameValue = '';
    /** The team waiting for the delete confirmation. @type {Team|null} */
    deleting = null;
    busy = false;
    /** @type {unknown} */
    error;

    connectedCallback() {
        this.load();
    }

    /** Reads the teams again (a CSV invitation may have created some). */
    @api
    refresh() {
        return this.load();
    }

    async load() {
        try {
            const answer = await listTeams();
            this.teams = answer?.teams || [];
            this.limit = answer?.limit ?? 0;
            this.count = answer?.count ?? this.teams.length;
            this.dispatchEvent(new CustomEvent('teamschange', { detail: { teams: this.teams } }));
        } catch (error) {
            this.error = error;
        }
    }

    get hasError() {
        return !!this.error;
    }

    get errorMessages() {
        return reduceErrors(this.error).join(' ');
    }

    get countText() {
        return formatLabel(COUNT, this.count, this.limit);
    }

    get createDisabled() {
        return this.busy || !this.newName.trim() || (this.limit > 0 && this.count >= this.limit);
    }

    get renameLabel() {
        return this.renaming ? formatLabel(RENAME_LABEL, this.renaming.name) : '';
    }

    get renameDisabled() {
        return this.busy || !this.renameValue.trim();
    }

    get deleteText() {
        return this.deleting ? formatLabel(CONFIRM_DELETE, this.deleting.name) : '';
    }

    handleNewNameChange(event) {
        this.newName = event.detail.value || '';
    }

    async handleCreate() {
        await this.run(async () => {
            const team = await createTeam({ name: this.newName.trim() });
            this.newName = '';
            this.toast(formatLabel(CREATED, team.name));
        });
    }

    handleRowAction(event) {
        const { action, row } = event.detail;
        if (row.everyone) return;
        if (action.name === 'rename') {
            this.deleting = null;
            this.renaming = row;
            this.renameValue = row.name;
        } else if (action.name === 'delete') {
            this.renaming = null;
            this.deleting = row;
        }
    }

    handleRenameValueChange(event) {
        this.renameValue = event.detail.value || '';
    }

    async handleRename() {
        await this.run(async () => {
            const team = await renameTeam({ teamId: this.renaming.id, name: this.renameValue.trim() });
            this.renaming = null;
            this.toast(formatLabel(RENAMED, team.name));
        });
    }

    async handleConfirmDelete() {
        await this.run(async () => {
            const deleted = await deleteTeam({ teamId: this.deleting.id });
            this.deleting = null;
            this.toast(formatLabel(DELETED, deleted.name));
        });
    }

    handleCancel() {
        this.renaming = null;
        this.deleting = null;
    }

    /**
     * Runs one change, reads the teams again, and turns a failure into the error panel and a toast (the
     * service's words, such as the team limit or a name in use).
     * @param {() => Promise<void>} action
     */
    async run(action) {
        this.busy = true;
        try {
            await action();
            this.error = undefined;
            await this.load();
        } catch (error) {
            this.error = error;
            this.dispatchEvent(
                new ShowToastEvent({ title: ERROR_TITLE, message: reduceErrors(error).join(' '), variant: 'error' })
            );
        } finally {
            this.busy = false;
        }
    }

    /** @param {string} title */
    toast(title) {
        this.dispatchEvent(new ShowToastEvent({ title, message: '', variant: 'success' }));
    }
}
