import { LightningElement } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getDiagnostics from '@salesforce/apex/MsiActionsSyncController.getDiagnostics';
import retryFailedDeliveries from '@salesforce/apex/MsiActionsSyncController.retryFailedDeliveries';
import retryDelivery from '@salesforce/apex/MsiActionsSyncController.retryDelivery';
import { reduceErrors } from 'c/ldsUtils';
import { activityKindLabel, formatLabel } from 'c/labelUtils';
import { LABELS } from './labels';

/**
 * @typedef {{ pending: number, sending: number, delivered: number, failed: number, skipped: number }} Counts
 * @typedef {{ deliveryId: string, system: string, code: string, message: string, hint: string|null,
 *   failedAt: string|null, attempts: number,
 *   activity: { id: string, kind: string, occurredAt: string, repEmail: string },
 *   person: { marketoId: number, email: string|null, name: string|null, salesforceId: string|null } }} Failure
 * @typedef {{ summary: { marketo: Counts, salesforce: Counts },
 *   retrying: { system: string, code: string, count: number }[],
 *   perDay: { day: string, system: string, failed: number, delivered: number }[],
 *   page: number, pageSize: number, failures: Failure[] }} Diagnostics
 */

/** Failed deliveries per page. */
export const PAGE_SIZE = 20;
const DAY_CHOICES = [1, 7, 14, 30, 90];
const DEFAULT_DAYS = 14;

/**
 * "My activities are not in Salesforce": the activity deliveries that failed, per system (Marketo or
 * Salesforce), with the error code, the message, the fix, the person and the time; what is waiting for another
 * attempt; counts per day; retry one or all; paging.
 */
export default class MsiActionsDiagnostics extends LightningElement {
    labels = LABELS;

    /** @type {Diagnostics|null} */
    diagnostics = null;
    /** `marketo`, `salesforce`, or empty for both. */
    systemName = '';
    days = DEFAULT_DAYS;
    pageNumber = 1;
    busy = false;
    /** @type {unknown} */
    error;

    connectedCallback() {
        this.load();
    }

    async load() {
        await this.run(async () => {
            this.diagnostics = await getDiagnostics({
                systemName: this.systemName,
                days: this.days,
                page: this.pageNumber,
                pageSize: PAGE_SIZE
            });
        }, false);
    }

    // ---- what the template shows -------------------------------------------------------------------

    get hasError() {
        return !!this.error;
    }

    get errorMessages() {
        return reduceErrors(this.error).join(' ');
    }

    /** @param {string} name */
    systemWords(name) {
        if (name === 'marketo') return this.labels.systemMarketo;
        if (name === 'salesforce') return this.labels.systemSalesforce;
        return name;
    }

    get systemOptions() {
        return [
            { label: this.labels.systemAll, value: '' },
            { label: this.labels.systemMarketo, value: 'marketo' },
            { label: this.labels.systemSalesforce, value: 'salesforce' }
        ];
    }

    get dayOptions() {
        return DAY_CHOICES.map((value) => ({ label: formatLabel(this.labels.daysOption, value), value: String(value) }));
    }

    get daysValue() {
        return String(this.days);
    }

    get summaryRows() {
        const summary = this.diagnostics?.summary;
        if (!summary) return [];
        return ['marketo', 'salesforce']
            .filter((name) => !this.systemName || name === this.systemName)
            .filter((name) => !!summary[name])
            .map((name) => ({ key: name, system: this.systemWords(name), ...summary[name] }));
    }

    get retryingItems() {
        return (this.diagnostics?.retrying || []).map((item, index) => ({
            key: `${item.system}-${item.code}-${index}`,
            text: formatLabel(this.labels.retryingText, this.systemWords(item.system), item.count, item.code)
        }));
    }

    get hasRetrying() {
        return this.retryingItems.length > 0;
    }

    get perDayRows() {
        return (this.diagnostics?.perDay || []).map((row) => ({
            key: `${row.day}-${row.system}`,
            day: row.day,
            system: this.systemWords(row.system),
            delivered: row.delivered,
            failed: row.failed
        }));
    }

    get hasPerDay() {
        return this.perDayRows.length > 0;
    }

    get failureRows() {
        return (this.diagnostics?.failures || []).map((failure) => {
            const who = failure.person?.name || failure.person?.email || String(failure.person?.marketoId ?? '');
            return {
                key: failure.deliveryId,
                deliveryId: failure.deliveryId,
                failedAt: failure.failedAt,
                system: this.systemWords(failure.system),
                code: failure.code,
                message: failure.message,
                hint: failure.hint || this.labels.notAvailable,
                person: who,
                personDetail: [failure.person?.email !== who ? failure.person?.email : null, failure.person?.salesforceId]
                    .filter((part) => !!part)
                    .join(' · '),
                // The kind in the user's words (`email_sent` is "E-mail sent"), as the rep's card shows it.
                activity: formatLabel(
                    this.labels.activityText,
                    activityKindLabel(failure.activity?.kind),
                    failure.activity?.repEmail
                ),
                attempts: failure.attempts,
                retryTitle: formatLabel(this.labels.retryTitle, this.systemWords(failure.system), who)
            };
        });
    }

    get hasFailures() {
        return this.failureRows.length > 0;
    }

    get retryAllDisabled() {
        return this.busy || !this.hasFailures;
    }

    get pageText() {
        return formatLabel(this.labels.page, this.pageNumber);
    }

    get previousDisabled() {
        return this.busy || this.pageNumber <= 1;
    }

    /** The service gives no total: a full page may have a next one. */
    get nextDisabled() {
        return this.busy || (this.diagnostics?.failures || []).length < PAGE_SIZE;
    }

    // ---- handlers ----------------------------------------------------------------------------------

    handleSystemChange(event) {
        this.systemName = event.detail.value || '';
        this.pageNumber = 1;
        this.load();
    }

    handleDaysChange(event) {
        this.days = parseInt(event.detail.value, 10) || DEFAULT_DAYS;
        this.pageNumber = 1;
        this.load();
    }

    handlePrevious() {
        this.pageNumber = Math.max(1, this.pageNumber - 1);
        this.load();
    }

    handleNext() {
        this.pageNumber += 1;
        this.load();
    }

    handleRefresh() {
        this.load();
    }

    async handleRetry(event) {
        const deliveryId = event.target.dataset.id;
        const done = await this.run(async () => {
            const answer = await retryDelivery({ deliveryId });
            this.toast(formatLabel(this.labels.retriedToast, answer?.retried ?? 0), '', 'success');
        });
        // The refusal stays on screen; after a retry the list shows what is still failing.
        if (done) await this.load();
    }

    async handleRetryAll() {
        const done = await this.run(async () => {
            const answer = await retryFailedDeliveries({ systemName: this.systemName });
            this.toast(formatLabel(this.labels.retriedToast, answer?.retried ?? 0), '', 'success');
        });
        if (done) {
            this.pageNumber = 1;
            await this.load();
        }
    }

    /**
     * Runs one action with the spinner on, and turns its failure into the error panel (and a toast when asked).
     * @param {() => Promise<void>} action
     * @param {boolean} [toastFailure]
     * @returns {Promise<boolean>} whether the action worked
     */
    async run(action, toastFailure = true) {
        this.busy = true;
        try {
            await action();
            this.error = undefined;
            return true;
        } catch (error) {
            this.error = error;
            if (toastFailure) this.toast(this.labels.errorTitle, reduceErrors(error).join(' '), 'error');
            return false;
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
