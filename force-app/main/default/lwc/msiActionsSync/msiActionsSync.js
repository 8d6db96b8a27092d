import { LightningElement } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import previewSyncFields from '@salesforce/apex/MsiActionsSyncController.previewSyncFields';
import getSyncSettings from '@salesforce/apex/MsiActionsSyncController.getSyncSettings';
import updateSyncSettings from '@salesforce/apex/MsiActionsSyncController.updateSyncSettings';
import startSync from '@salesforce/apex/MsiActionsSyncController.startSync';
import pauseSync from '@salesforce/apex/MsiActionsSyncController.pauseSync';
import resumeSync from '@salesforce/apex/MsiActionsSyncController.resumeSync';
import resyncSync from '@salesforce/apex/MsiActionsSyncController.resyncSync';
import getSyncStatus from '@salesforce/apex/MsiActionsSyncController.getSyncStatus';
import listSyncRuns from '@salesforce/apex/MsiActionsSyncController.listSyncRuns';
import { reduceErrors } from 'c/ldsUtils';
import { formatLabel, hasKey } from 'c/labelUtils';
import { LABELS } from './labels';

/**
 * @typedef {'not_started'|'initial_load'|'incremental'|'paused'|'waiting_for_quota'|'failed'} Phase
 * @typedef {{ read: number, inserted: number, updated: number, unchanged: number, removed: number, skipped: number,
 *   skippedReasons: Record<string, number> }} Counts
 * @typedef {{ id: string, kind: string, phase: Phase, method: string, startedBy: string|null, startedAt: string,
 *   loadStartedAt: string|null, loadFinishedAt: string|null, endedAt: string|null, windowsPlanned: number,
 *   windowsDone: number, estimatedPeople: number|null, counts: Counts, ratePerSecond: number,
 *   etaSeconds: number|null, waitingUntil: string|null, waitReason: string|null, incrementalRuns: number,
 *   lastIncrementalAt: string|null, lastIncrementalLagSeconds: number|null, lastIncrementalChanges: number|null,
 *   nextIncrementalAt: string|null, errors: { at: string, step: string, code: string, message: string }[] }} Run
 * @typedef {{ phase: Phase, marketoConnected: boolean, marketoCallsToday: number, marketoDailyQuota: number|null,
 *   intervalSeconds: number, people: { active: number, removed: number }, run: Run|null }} SyncStatus
 * @typedef {{ key: string, label: string, marketoField: string|null, dataType: string|null, candidates?: string[],
 *   warning: string|null, warningCode?: string|null }} StandardField
 * @typedef {{ standardFields: StandardField[],
 *   ownerField: { marketoField: string, dataType: string|null, warning: string|null, warningCode?: string|null },
 *   extraFields: { marketoField: string, displayName: string, dataType: string, warning: string|null,
 *     warningCode?: string|null }[],
 *   maxExtraFields: number, availableFields: { marketoField: string, displayName: string, dataType: string }[],
 *   qualifyingCount: number|null, countSource: 'synced'|'unavailable', countNote: string, sampleScanned: number,
 *   sampleQualifying: number, sample: Record<string, any>[] }} Preview
 * @typedef {{ ownerField: string, extraFields: { name: string, dataType: string }[], intervalSeconds: number,
 *   updatedBy: string|null, updatedAt: string|null }} Settings
 */

/**
 * Marketo's codes (and the Marketo client's) that the sync reports, and the label that says what happened. The
 * service sends Marketo's own English message with each; it shows only for a code not listed here.
 */
const ERROR_LABELS = {
    601: 'errorToken',
    602: 'errorToken',
    603: 'errorAccessDenied',
    604: 'errorTimeout',
    TIMEOUT: 'errorTimeout',
    606: 'errorRateLimit',
    615: 'errorRateLimit',
    607: 'errorDailyQuota',
    QUOTA_STOPPED: 'errorDailyQuota',
    608: 'errorUnavailable',
    611: 'errorUnavailable',
    UNREACHABLE: 'errorUnreachable',
    UNKNOWN_HOST: 'errorUnreachable',
    marketo_unreachable: 'errorUnreachable',
    marketo_unknown_host: 'errorUnreachable',
    1029: 'errorExportLimit'
};

/** The service's standard field keys (its STANDARD_FIELDS) -> the label that names the field. */
const STANDARD_FIELD_LABELS = {
    firstName: 'fieldFirstName',
    lastName: 'fieldLastName',
    salesforceContactId: 'fieldSalesforceContactId',
    salesforceLeadId: 'fieldSalesforceLeadId',
    salesforceAccountId: 'fieldSalesforceAccountId',
    salesforceOpportunityId: 'fieldSalesforceOpportunityId',
    marketoId: 'fieldMarketoId',
    company: 'fieldCompany',
    title: 'fieldTitle',
    email: 'fieldEmail',
    phone: 'fieldPhone',
    linkedinUrl: 'fieldLinkedinUrl',
    source: 'fieldSource'
};

/** The codes the service sends with a field's warning -> the label that words it. */
const WARNING_LABELS = {
    standard_field_missing: 'warningStandardMissing',
    owner_field_missing: 'warningOwnerMissing',
    extra_field_missing: 'warningExtraMissing'
};

/** Where the qualifying count comes from (`countSource`) -> the label that says so. */
const COUNT_NOTES = {
    synced: 'countNoteSynced',
    unavailable: 'countNoteUnavailable'
};

/** How often the page reads the status while the initial load runs. */
export const POLL_MS = 3000;

/** Phases in which the initial load is under way (the page polls). */
const LOADING_PHASES = ['initial_load', 'waiting_for_quota'];
/** Phases that Pause stops. */
const RUNNING_PHASES = ['initial_load', 'incremental', 'waiting_for_quota'];

/**
 * Setup step 4, the Data Unification field sync: the field sync card → *Sync* → a preview of the fields that
 * will be synced (as this Marketo instance names them), the qualifying count and a sample, the settings (owner
 * field, up to 20 extra fields, interval) → *Start sync*, with the seed's caution about the original user. Then
 * live progress (polled while the initial load runs), incremental health, pause / resume / resync, the last
 * errors with Marketo's codes and the run history. Fires `stepchange` when the sync starts or changes phase.
 */
export default class MsiActionsSync extends LightningElement {
    labels = LABELS;

    /** @type {SyncStatus|null} */
    status = null;
    /** @type {Run[]} */
    runs = [];
    /** @type {Preview|null} */
    preview = null;
    /** The settings form's values, saved with *Save settings*. */
    ownerField = '';
    /** @type {string[]} */
    extraFields = [];
    /** @type {number|null} */
    intervalSeconds = null;
    previewOpen = false;
    confirmingResync = false;
    busy = false;
    /** @type {unknown} */
    error;
    /** @type {ReturnType<typeof setTimeout>|undefined} */
    pollTimer;
    /** Off the page: a read still under way when it left must not start the polling again. */
    disconnected = false;

    connectedCallback() {
        this.disconnected = false;
        this.load();
    }

    disconnectedCallback() {
        this.disconnected = true;
        this.stopPolling();
    }

    async load() {
        await this.run(async () => {
            const [status, runs] = await Promise.all([getSyncStatus(), listSyncRuns()]);
            this.runs = runs?.runs || [];
            // The first read is no news; a refresh that finds a new phase is.
            if (this.status) this.setStatus(status);
            else this.status = status;
            this.schedulePoll();
        }, false);
    }

    // ---- polling -----------------------------------------------------------------------------------

    get isLoading() {
        return LOADING_PHASES.includes(this.phase);
    }

    schedulePoll() {
        this.stopPolling();
        if (this.disconnected || !this.isLoading) return;
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.pollTimer = setTimeout(() => this.poll(), POLL_MS);
    }

    stopPolling() {
        clearTimeout(this.pollTimer);
        this.pollTimer = undefined;
    }

    async poll() {
        this.pollTimer = undefined;
        try {
            this.setStatus(await getSyncStatus());
            this.error = undefined;
        } catch (error) {
            // A failed read shows, and the next one tries again.
            this.error = error;
        }
        this.schedulePoll();
    }

    /**
     * Takes a status the service sent; a new phase is news for the checklist and the run history.
     * @param {SyncStatus} status
     */
    setStatus(status) {
        const before = this.phase;
        this.status = status;
        if (status?.phase && status.phase !== before) {
            this.notifyChange();
            this.loadRuns();
        }
    }

    async loadRuns() {
        try {
            this.runs = (await listSyncRuns())?.runs || [];
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

    /** @returns {Phase} */
    get phase() {
        return this.status?.phase || 'not_started';
    }

    get hasStatus() {
        return !!this.status;
    }

    get notStarted() {
        return this.hasStatus && this.phase === 'not_started';
    }

    get started() {
        return this.hasStatus && this.phase !== 'not_started';
    }

    get showMarketoNotConnected() {
        return this.hasStatus && this.status.marketoConnected === false;
    }

    get phaseText() {
        return this.phaseWords(this.phase);
    }

    get phaseBadgeClass() {
        if (this.phase === 'incremental') return 'slds-badge slds-theme_success';
        if (this.phase === 'failed') return 'slds-badge slds-theme_error';
        if (this.phase === 'paused' || this.phase === 'waiting_for_quota') return 'slds-badge slds-theme_warning';
        return 'slds-badge';
    }

    get showOpenPreview() {
        return this.notStarted && !this.previewOpen;
    }

    get showPreview() {
        return this.previewOpen && !!this.preview;
    }

    /** The standard fields, then the owner field and the chosen extra fields, each with the Marketo field it reads. */
    get fieldRows() {
        const preview = this.preview;
        if (!preview) return [];
        const rows = (preview.standardFields || []).map((field) => {
            const label = this.standardFieldLabel(field);
            const candidates = Array.isArray(field.candidates) ? field.candidates.join(', ') : '';
            return {
                key: `std-${field.key}`,
                label,
                marketoField: field.marketoField || this.labels.notAvailable,
                dataType: field.dataType || '',
                warning: this.fieldWarning(field, label, candidates)
            };
        });
        if (preview.ownerField) {
            rows.push({
                key: 'owner',
                label: this.labels.ownerRow,
                marketoField: preview.ownerField.marketoField,
                dataType: preview.ownerField.dataType || '',
                warning: this.fieldWarning(preview.ownerField, preview.ownerField.marketoField)
            });
        }
        for (const field of preview.extraFields || []) {
            rows.push({
                key: `extra-${field.marketoField}`,
                label: formatLabel(this.labels.extraRow, field.displayName),
                marketoField: field.marketoField,
                dataType: field.dataType,
                warning: this.fieldWarning(field, field.marketoField)
            });
        }
        return rows;
    }

    /**
     * A standard field's name in the user's language, by its key; a field this package does not know yet shows the
     * service's (English) label.
     * @param {StandardField} field
     * @returns {string}
     */
    standardFieldLabel(field) {
        return hasKey(STANDARD_FIELD_LABELS, field.key) ? this.labels[STANDARD_FIELD_LABELS[field.key]] : field.label;
    }

    /**
     * A field's warning in the user's language, by the code the service sends with it, its placeholders filled with
     * `values`; the service's (English) warning for a code this package does not know yet, or when a value is missing.
     * @param {{ warning?: string|null, warningCode?: string|null }} field
     * @param {...(string|null|undefined)} values
     * @returns {string}
     */
    fieldWarning(field, ...values) {
        if (!hasKey(WARNING_LABELS, field.warningCode) || values.some((value) => !value)) return field.warning || '';
        return formatLabel(this.labels[WARNING_LABELS[field.warningCode]], ...values);
    }

    get qualifyingText() {
        const count = this.preview?.qualifyingCount;
        return count === null || count === undefined ? this.labels.notAvailable : String(count);
    }

    /** Where the qualifying count comes from, by `countSource`; the service's note for a source not known here. */
    get countNote() {
        const source = this.preview?.countSource;
        return hasKey(COUNT_NOTES, source) ? this.labels[COUNT_NOTES[source]] : this.preview?.countNote || '';
    }

    get sampleText() {
        return formatLabel(this.labels.sampleText, this.preview?.sampleQualifying ?? 0, this.preview?.sampleScanned ?? 0);
    }

    get sampleRows() {
        return (this.preview?.sample || []).map((person) => ({
            key: String(person.marketoId),
            name: [person.firstName, person.lastName].filter((part) => !!part).join(' ') || this.labels.notAvailable,
            email: person.email || '',
            company: person.company || '',
            salesforce: [person.salesforceType, person.salesforceContactId || person.salesforceLeadId]
                .filter((part) => !!part)
                .join(' '),
            owner: person.ownerId || ''
        }));
    }

    get hasSample() {
        return this.sampleRows.length > 0;
    }

    get maxExtraFields() {
        return this.preview?.maxExtraFields ?? 20;
    }

    get extraHelp() {
        return formatLabel(this.labels.extraHelp, this.maxExtraFields);
    }

    /** The preview's available fields, plus the chosen ones (which the service may leave out of the available). */
    get extraFieldOptions() {
        const options = new Map();
        for (const field of this.preview?.availableFields || []) {
            options.set(field.marketoField, `${field.displayName} (${field.marketoField})`);
        }
        for (const field of this.preview?.extraFields || []) {
            if (!options.has(field.marketoField)) {
                options.set(field.marketoField, `${field.displayName} (${field.marketoField})`);
            }
        }
        return [...options].map(([value, label]) => ({ label, value }));
    }

    get saveDisabled() {
        return this.busy || !this.ownerField.trim() || this.extraFields.length > this.maxExtraFields;
    }

    get startDisabled() {
        return this.busy || this.showMarketoNotConnected;
    }

    get currentRun() {
        return this.status?.run || null;
    }

    get counts() {
        return this.currentRun?.counts || null;
    }

    get countItems() {
        const counts = this.counts;
        if (!counts) return [];
        return [
            { key: 'read', label: this.labels.countRead, value: counts.read },
            { key: 'inserted', label: this.labels.countInserted, value: counts.inserted },
            { key: 'updated', label: this.labels.countUpdated, value: counts.updated },
            { key: 'unchanged', label: this.labels.countUnchanged, value: counts.unchanged },
            { key: 'removed', label: this.labels.countRemoved, value: counts.removed },
            { key: 'skipped', label: this.labels.countSkipped, value: counts.skipped }
        ].map((item) => ({ ...item, labelKey: `label-${item.key}` }));
    }

    get hasCounts() {
        return this.countItems.length > 0;
    }

    /** Percent of the initial load, when the status gives a total (people, else bulk windows). */
    get progressPercent() {
        const run = this.currentRun;
        if (!run) return null;
        if (run.estimatedPeople) {
            return Math.min(100, Math.floor((run.counts.read * 100) / run.estimatedPeople));
        }
        if (run.windowsPlanned) {
            return Math.min(100, Math.floor((run.windowsDone * 100) / run.windowsPlanned));
        }
        return null;
    }

    get showProgressBar() {
        return this.isLoading && this.progressPercent !== null;
    }

    get progressText() {
        const run = this.currentRun;
        if (!run) return '';
        return formatLabel(
            this.labels.progressText,
            run.counts.read,
            run.estimatedPeople ?? this.labels.notAvailable,
            this.progressPercent ?? 0
        );
    }

    get rateText() {
        const rate = this.currentRun?.ratePerSecond;
        return rate ? formatLabel(this.labels.rateText, Math.round(rate * 10) / 10) : this.labels.notAvailable;
    }

    get etaText() {
        const seconds = this.currentRun?.etaSeconds;
        if (seconds === null || seconds === undefined) return this.labels.notAvailable;
        return seconds < 60 ? this.labels.etaUnderMinute : formatLabel(this.labels.etaMinutes, Math.ceil(seconds / 60));
    }

    get callsText() {
        const calls = this.status?.marketoCallsToday ?? 0;
        const quota = this.status?.marketoDailyQuota;
        return quota === null || quota === undefined ? String(calls) : formatLabel(this.labels.callsOfQuota, calls, quota);
    }

    get peopleText() {
        const people = this.status?.people;
        return formatLabel(this.labels.peopleText, people?.active ?? 0, people?.removed ?? 0);
    }

    get waitingText() {
        const run = this.currentRun;
        if (this.phase !== 'waiting_for_quota' && !run?.waitingUntil) return '';
        const until = run?.waitingUntil ? new Date(run.waitingUntil).toLocaleString() : this.labels.notAvailable;
        // The service waits only for Marketo's quota (its wait reason is English text without a code).
        const reason = run?.waitReason || this.phase === 'waiting_for_quota' ? this.labels.waitingQuota : '';
        return formatLabel(this.labels.waiting, until, reason).trim();
    }

    get showIncremental() {
        return this.phase === 'incremental' || !!this.currentRun?.lastIncrementalAt;
    }

    get lastRunAt() {
        return this.currentRun?.lastIncrementalAt || null;
    }

    get nextRunAt() {
        return this.currentRun?.nextIncrementalAt || null;
    }

    get lagText() {
        const lag = this.currentRun?.lastIncrementalLagSeconds;
        return lag === null || lag === undefined ? this.labels.notAvailable : formatLabel(this.labels.lagText, lag);
    }

    get changesText() {
        const changes = this.currentRun?.lastIncrementalChanges;
        return changes === null || changes === undefined ? this.labels.notAvailable : String(changes);
    }

    get errorRows() {
        return (this.currentRun?.errors || []).map((failure, index) => ({
            key: `${failure.at}-${index}`,
            ...failure,
            step: this.stepWords(failure.step),
            message: this.labels[ERROR_LABELS[failure.code]] || failure.message
        }));
    }

    get hasErrorRows() {
        return this.errorRows.length > 0;
    }

    get showPause() {
        return RUNNING_PHASES.includes(this.phase) && !this.confirmingResync;
    }

    get showResume() {
        return this.phase === 'paused' && !this.confirmingResync;
    }

    get showResync() {
        return this.started && !this.confirmingResync;
    }

    get runRows() {
        return this.runs.map((run) => ({
            key: run.id,
            startedAt: run.startedAt,
            endedAt: run.endedAt,
            kind: { initial: this.labels.kindInitial, resync: this.labels.kindResync }[run.kind] || run.kind,
            method: { bulk: this.labels.methodBulk, rest: this.labels.methodRest }[run.method] || run.method,
            phase: this.phaseWords(run.phase),
            startedBy: run.startedBy || this.labels.notAvailable,
            read: run.counts?.read ?? 0
        }));
    }

    get hasRuns() {
        return this.runRows.length > 0;
    }

    /**
     * The words for a step of a run (`plan`, `window 3`, `incremental`); an unknown one as the service named it.
     * @param {string} step
     */
    stepWords(step) {
        const window = /^window (\d+)$/.exec(step || '');
        if (window) return formatLabel(this.labels.stepWindow, window[1]);
        return { plan: this.labels.stepPlan, incremental: this.labels.stepIncremental }[step] || step;
    }

    /**
     * The words for a phase; a phase this package does not know yet shows as the service named it.
     * @param {string} phase
     */
    phaseWords(phase) {
        const words = {
            not_started: this.labels.phaseNotStarted,
            initial_load: this.labels.phaseInitialLoad,
            incremental: this.labels.phaseIncremental,
            paused: this.labels.phasePaused,
            waiting_for_quota: this.labels.phaseWaiting,
            failed: this.labels.phaseFailed
        };
        return words[phase] || phase;
    }

    // ---- handlers ----------------------------------------------------------------------------------

    async handleOpenPreview() {
        await this.run(async () => {
            const [preview, settings] = await Promise.all([previewSyncFields(), getSyncSettings()]);
            this.preview = preview;
            this.setSettings(settings);
            this.previewOpen = true;
        });
    }

    /** @param {Settings} settings */
    setSettings(settings) {
        this.ownerField = settings?.ownerField || '';
        this.extraFields = (settings?.extraFields || []).map((field) => field.name);
        this.intervalSeconds = settings?.intervalSeconds ?? null;
    }

    handleOwnerFieldChange(event) {
        this.ownerField = event.detail.value || '';
    }

    handleExtraFieldsChange(event) {
        this.extraFields = [...(event.detail.value || [])];
    }

    handleIntervalChange(event) {
        const value = parseInt(event.detail.value, 10);
        this.intervalSeconds = Number.isNaN(value) ? null : value;
    }

    async handleSaveSettings() {
        await this.run(async () => {
            this.setSettings(
                await updateSyncSettings({
                    ownerField: this.ownerField.trim(),
                    extraFields: this.extraFields,
                    intervalSeconds: this.intervalSeconds
                })
            );
            // The preview shows the chosen fields as this instance names them, with their warnings.
            this.preview = await previewSyncFields();
            this.toast(this.labels.settingsSaved, '', 'success');
        });
    }

    async handleStart() {
        await this.run(async () => {
            this.setStatus(await startSync());
            this.previewOpen = false;
            this.toast(this.labels.startedToast, this.labels.cautionStarted, 'success');
            this.schedulePoll();
        });
    }

    async handlePause() {
        await this.run(async () => {
            this.setStatus(await pauseSync());
            this.toast(this.labels.pausedToast, '', 'success');
            this.schedulePoll();
        });
    }

    async handleResume() {
        await this.run(async () => {
            this.setStatus(await resumeSync());
            this.toast(this.labels.resumedToast, '', 'success');
            this.schedulePoll();
        });
    }

    handleResync() {
        this.confirmingResync = true;
    }

    handleCancelResync() {
        this.confirmingResync = false;
    }

    async handleConfirmResync() {
        await this.run(async () => {
            this.setStatus(await resyncSync());
            this.confirmingResync = false;
            this.toast(this.labels.resyncToast, '', 'success');
            this.loadRuns();
            this.schedulePoll();
        });
    }

    async handleRefresh() {
        await this.load();
    }

    notifyChange() {
        this.dispatchEvent(new CustomEvent('stepchange', { detail: { step: 'sync', phase: this.phase } }));
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
