import { LightningElement } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import previewInvitationCsv from '@salesforce/apex/MsiActionsInvitationsController.previewInvitationCsv';
import commitInvitationCsv from '@salesforce/apex/MsiActionsInvitationsController.commitInvitationCsv';
import downloadInvitationCsvResults from '@salesforce/apex/MsiActionsInvitationsController.downloadInvitationCsvResults';
import { reduceErrors } from 'c/ldsUtils';
import { confirmationText, formatLabel, outcomeLabel, reasonLabel, reasonsText } from 'c/labelUtils';
import { MAX_FILE_BYTES, readCsvFile } from './csvFile';
import { LABELS } from './labels';

/**
 * @typedef {{ code: string, message: string, params: Record<string, string|number> }} Reason
 * @typedef {{ index: number, header: string, field: string|null, by: string|null, samples: string[] }} CsvColumn
 * @typedef {{ row: number, email: string, firstName: string|null, lastName: string|null, name: string, role: string,
 *   teams: string[], outcome: string, problems: string[], reasons?: Reason[] }} PreviewRow
 * @typedef {{ uploadId: string, fileName: string, encoding: string, delimiter: string, hasHeader: boolean,
 *   rowCount: number, columns: CsvColumn[], mapping: Record<string, number|null>, preview: PreviewRow[],
 *   problems: { row: number, severity: string, code?: string, message: string, params?: Record<string, string|number> }[],
 *   problemCount: number,
 *   summary: Record<string, number>, unknownTeams: string[], seats: Record<string, number> }} CsvPreview
 * @typedef {{ row: number, email: string, firstName: string, lastName: string, outcome: string, reason: string|null,
 *   reasons?: Reason[] }} RowOutcome
 * @typedef {{ uploadId: string, alreadyCommitted: boolean, counts: Record<string, number>, message: string,
 *   teamsCreated: string[], rows: RowOutcome[] }} CommitResult
 */

/** The fields a column can be imported as, in the order the service lists them. */
export const FIELDS = ['email', 'firstName', 'lastName', 'name', 'role', 'teams'];
/** How many problems the page lists; the count says how many there are in all. */
const LISTED_PROBLEMS = 20;

const PREVIEW_COLUMNS = [
    { label: LABELS.columnRow, fieldName: 'row', type: 'number', initialWidth: 70 },
    { label: LABELS.columnEmail, fieldName: 'email' },
    { label: LABELS.columnName, fieldName: 'displayName' },
    { label: LABELS.columnRole, fieldName: 'roleText' },
    { label: LABELS.columnTeams, fieldName: 'teamsText' },
    { label: LABELS.columnOutcome, fieldName: 'outcomeText' },
    { label: LABELS.columnProblems, fieldName: 'problemsText', wrapText: true }
];

const RESULT_COLUMNS = [
    { label: LABELS.columnRow, fieldName: 'row', type: 'number', initialWidth: 70 },
    { label: LABELS.columnEmail, fieldName: 'email' },
    { label: LABELS.columnName, fieldName: 'displayName' },
    { label: LABELS.columnOutcome, fieldName: 'outcomeText' },
    { label: LABELS.columnReason, fieldName: 'reasonText', wrapText: true }
];

/**
 * @param {{ name?: string|null, firstName?: string|null, lastName?: string|null }} person
 * @returns {string}
 */
function displayName(person) {
    return person.name || [person.firstName, person.lastName].filter((part) => !!part).join(' ');
}

/**
 * Setup step 5b, *Invite users via CSV*: choose the file (read in the browser) → *Next* (the service detects
 * the format, suggests a mapping and checks the rows) → check that the fields are mapped correctly, with the
 * first rows and their problems → *Invite* → the outcome per row, and the results as a CSV file.
 * Fires `stepchange` after the invitations went out.
 */
export default class MsiActionsCsvInvite extends LightningElement {
    labels = LABELS;
    previewColumns = PREVIEW_COLUMNS;
    resultColumns = RESULT_COLUMNS;

    /** @type {{ fileName: string, content: string, encoding: 'text'|'base64' }|null} */
    file = null;
    /** @type {CsvPreview|null} */
    preview = null;
    /** The mapping being confirmed: field → column index or null. @type {Record<string, number|null>} */
    mapping = {};
    createMissingTeams = false;
    /** @type {CommitResult|null} */
    result = null;
    busy = false;
    /** @type {unknown} */
    error;

    // ---- what the template shows -------------------------------------------------------------------

    get hasError() {
        return !!this.error;
    }

    get errorMessages() {
        return reduceErrors(this.error).join(' ');
    }

    get choosing() {
        return !this.preview && !this.result;
    }

    get mappingStage() {
        return !!this.preview && !this.result;
    }

    get nextDisabled() {
        return this.busy || !this.file;
    }

    get chosenText() {
        return this.file ? formatLabel(this.labels.chosen, this.file.fileName) : '';
    }

    get detectedText() {
        const p = this.preview;
        return formatLabel(
            this.labels.detected,
            p.rowCount,
            p.encoding,
            p.delimiter === '\t' ? 'TAB' : p.delimiter,
            p.hasHeader ? this.labels.yes : this.labels.no
        );
    }

    get summaryText() {
        const s = this.preview.summary || {};
        return formatLabel(
            this.labels.summary,
            s.new ?? 0,
            s.alreadyInvited ?? 0,
            s.alreadyMembers ?? 0,
            s.invalid ?? 0,
            s.duplicates ?? 0
        );
    }

    get seatsText() {
        const seats = this.preview.seats || {};
        return formatLabel(this.labels.seats, seats.needed ?? 0, seats.available ?? 0, seats.limit ?? 0);
    }

    get notEnoughSeats() {
        const seats = this.preview?.seats;
        return !!seats && seats.needed > seats.available;
    }

    get seatsClass() {
        return this.notEnoughSeats ? 'seats slds-text-color_error' : 'seats slds-text-color_weak';
    }

    get fieldOptions() {
        const l = this.labels;
        return [
            { label: l.fieldNone, value: '' },
            { label: l.fieldEmail, value: 'email' },
            { label: l.fieldFirstName, value: 'firstName' },
            { label: l.fieldLastName, value: 'lastName' },
            { label: l.fieldName, value: 'name' },
            { label: l.fieldRole, value: 'role' },
            { label: l.fieldTeams, value: 'teams' }
        ];
    }

    /** One row per column of the file, with the field it is mapped to. */
    get columnRows() {
        return (this.preview?.columns || []).map((column) => {
            const header = column.header || `${this.labels.column} ${column.index + 1}`;
            return {
                key: `${column.index}`,
                index: column.index,
                header,
                comboboxLabel: formatLabel(this.labels.fieldFor, header),
                samplesText: (column.samples || []).join(', '),
                field: FIELDS.find((name) => this.mapping[name] === column.index) || ''
            };
        });
    }

    get emailMapped() {
        return Number.isInteger(this.mapping.email);
    }

    get inviteDisabled() {
        return this.busy || !this.emailMapped;
    }

    get previewRows() {
        return (this.preview?.preview || []).map((row) => ({
            ...row,
            key: `${row.row}`,
            displayName: displayName(row),
            roleText: this.roleWords(row.role),
            teamsText: (row.teams || []).join(', '),
            outcomeText: outcomeLabel(row.outcome),
            // The service's problem codes in the user's language; its English text only for a code not known here.
            problemsText: reasonsText(row.reasons, (row.problems || []).join('; '))
        }));
    }

    /**
     * The words for a role; a role this package does not know yet shows as the service named it.
     * @param {string} role
     */
    roleWords(role) {
        return { Admin: this.labels.roleAdmin, User: this.labels.roleUser }[role] || role;
    }

    get hasProblems() {
        return (this.preview?.problemCount || 0) > 0;
    }

    get problemCountText() {
        return formatLabel(this.labels.problemCount, this.preview.problemCount);
    }

    get listedProblems() {
        return (this.preview?.problems || []).slice(0, LISTED_PROBLEMS).map((problem, index) => ({
            key: `${index}`,
            text: formatLabel(this.labels.rowProblem, problem.row, reasonLabel(problem))
        }));
    }

    get hasUnknownTeams() {
        return (this.preview?.unknownTeams || []).length > 0;
    }

    get unknownTeamsText() {
        return formatLabel(this.labels.unknownTeams, this.preview.unknownTeams.join(', '));
    }

    get resultRows() {
        return (this.result?.rows || []).map((row) => ({
            ...row,
            key: `${row.row}`,
            displayName: displayName(row),
            outcomeText: outcomeLabel(row.outcome),
            reasonText: reasonsText(row.reasons, row.reason)
        }));
    }

    /** The confirmation in the user's language, from the counts the service sent. */
    get confirmation() {
        return this.result ? confirmationText(this.result.counts, 'row', this.result.message) : '';
    }

    get hasTeamsCreated() {
        return (this.result?.teamsCreated || []).length > 0;
    }

    get teamsCreatedText() {
        return formatLabel(this.labels.teamsCreated, (this.result?.teamsCreated || []).join(', '));
    }

    // ---- handlers ----------------------------------------------------------------------------------

    async handleFileChange(event) {
        const chosen = event.detail.files?.[0];
        this.file = null;
        this.error = undefined;
        if (!chosen) return;
        if (chosen.size > MAX_FILE_BYTES) {
            this.error = formatLabel(
                this.labels.tooLarge,
                (chosen.size / 1024 / 1024).toFixed(1),
                MAX_FILE_BYTES / 1024 / 1024
            );
            return;
        }
        try {
            const { content, encoding } = await readCsvFile(chosen);
            this.file = { fileName: chosen.name, content, encoding };
        } catch (error) {
            this.error = formatLabel(this.labels.unreadable, reduceErrors(error).join(' ') || chosen.name);
        }
    }

    async handleNext() {
        await this.run(async () => {
            this.preview = await previewInvitationCsv({
                fileName: this.file.fileName,
                content: this.file.content,
                encoding: this.file.encoding
            });
            this.mapping = Object.fromEntries(FIELDS.map((name) => [name, this.preview.mapping?.[name] ?? null]));
            this.createMissingTeams = false;
        });
    }

    /** A field belongs to one column: choosing it for this column takes it away from any other. */
    handleFieldChange(event) {
        const index = Number(event.target.dataset.index);
        const field = event.detail.value;
        const mapping = { ...this.mapping };
        for (const name of FIELDS) {
            if (mapping[name] === index) mapping[name] = null;
        }
        if (field) mapping[field] = index;
        this.mapping = mapping;
    }

    handleCreateTeamsChange(event) {
        this.createMissingTeams = event.target.checked;
    }

    async handleInvite() {
        await this.run(async () => {
            this.result = await commitInvitationCsv({
                uploadId: this.preview.uploadId,
                mapping: { ...this.mapping },
                createMissingTeams: this.createMissingTeams
            });
            this.dispatchEvent(
                new ShowToastEvent({ title: this.labels.invited, message: this.confirmation, variant: 'success' })
            );
            this.dispatchEvent(new CustomEvent('stepchange', { detail: { step: 'invitations' } }));
        });
    }

    /** The browser cannot reach the service: the results come through Apex and are saved as a file here. */
    async handleDownload() {
        await this.run(async () => {
            const csv = await downloadInvitationCsvResults({ uploadId: this.result.uploadId });
            const link = document.createElement('a');
            link.href = `data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`;
            link.download = `${this.preview.fileName.replace(/\.csv$/i, '')}-results.csv`;
            link.click();
        });
    }

    handleStartOver() {
        this.file = null;
        this.preview = null;
        this.result = null;
        this.mapping = {};
        this.error = undefined;
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
            this.dispatchEvent(
                new ShowToastEvent({ title: this.labels.errorTitle, message: reduceErrors(error).join(' '), variant: 'error' })
            );
        } finally {
            this.busy = false;
        }
    }
}
