import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import MsiActionsSync, { POLL_MS } from 'c/msiActionsSync';
import previewSyncFields from '@salesforce/apex/MsiActionsSyncController.previewSyncFields';
import getSyncSettings from '@salesforce/apex/MsiActionsSyncController.getSyncSettings';
import updateSyncSettings from '@salesforce/apex/MsiActionsSyncController.updateSyncSettings';
import startSync from '@salesforce/apex/MsiActionsSyncController.startSync';
import pauseSync from '@salesforce/apex/MsiActionsSyncController.pauseSync';
import resumeSync from '@salesforce/apex/MsiActionsSyncController.resumeSync';
import resyncSync from '@salesforce/apex/MsiActionsSyncController.resyncSync';
import getSyncStatus from '@salesforce/apex/MsiActionsSyncController.getSyncStatus';
import listSyncRuns from '@salesforce/apex/MsiActionsSyncController.listSyncRuns';
import CAUTION from '@salesforce/label/c.MSI_Sync_Caution';
import CAUTION_STARTED from '@salesforce/label/c.MSI_Setup_Sync_Caution';
import PHASE_INITIAL_LOAD from '@salesforce/label/c.MSI_Sync_Phase_Initial_Load';
import PHASE_INCREMENTAL from '@salesforce/label/c.MSI_Sync_Phase_Incremental';
import PHASE_PAUSED from '@salesforce/label/c.MSI_Sync_Phase_Paused';
import KIND_INITIAL from '@salesforce/label/c.MSI_Sync_Kind_Initial';
import KIND_RESYNC from '@salesforce/label/c.MSI_Sync_Kind_Resync';
import METHOD_BULK from '@salesforce/label/c.MSI_Sync_Method_Bulk';
import METHOD_REST from '@salesforce/label/c.MSI_Sync_Method_Rest';
import STEP_PLAN from '@salesforce/label/c.MSI_Sync_Step_Plan';
import ERROR_EXPORT_LIMIT from '@salesforce/label/c.MSI_Sync_Error_Export_Limit';
import ERROR_DAILY_QUOTA from '@salesforce/label/c.MSI_Sync_Error_Daily_Quota';
import WAITING_QUOTA from '@salesforce/label/c.MSI_Sync_Waiting_Quota';
import FIELD_EMAIL from '@salesforce/label/c.MSI_Sync_Field_Email';
import FIELD_COMPANY from '@salesforce/label/c.MSI_Sync_Field_Company';
import FIELD_LINKEDIN_URL from '@salesforce/label/c.MSI_Sync_Field_Linkedin_Url';
import FIELD_SALESFORCE_OPPORTUNITY_ID from '@salesforce/label/c.MSI_Sync_Field_Salesforce_Opportunity_Id';
import COUNT_NOTE_SYNCED from '@salesforce/label/c.MSI_Sync_Count_Note_Synced';
import COUNT_NOTE_UNAVAILABLE from '@salesforce/label/c.MSI_Sync_Count_Note_Unavailable';

const mockPreview = require('./data/preview.json');
const mockStatus = require('./data/status.json');

jest.mock('@salesforce/apex/MsiActionsSyncController.previewSyncFields', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSyncController.getSyncSettings', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSyncController.updateSyncSettings', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSyncController.startSync', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSyncController.pauseSync', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSyncController.resumeSync', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSyncController.resyncSync', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSyncController.getSyncStatus', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSyncController.listSyncRuns', () => ({ default: jest.fn() }), { virtual: true });

// Labels with placeholders get their English text here, so the formatting is tested too.
jest.mock('@salesforce/label/c.MSI_Marketo_Calls_Of_Quota', () => ({ default: '{0} of {1}' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Sync_Progress_Text', () => ({ default: '{0} of about {1} people read ({2}%)' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Sync_Rate_Text', () => ({ default: '{0} people per second' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Sync_Eta_Minutes', () => ({ default: 'About {0} minutes' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Sync_Sample_Text', () => ({ default: '{0} of the {1} people read qualify' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Sync_Extra_Row', () => ({ default: 'Extra: {0}' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Sync_Lag_Text', () => ({ default: '{0} seconds' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Sync_People_Text', () => ({ default: '{0} active, {1} removed' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Sync_Step_Window', () => ({ default: 'Window {0}' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Sync_Waiting', () => ({ default: 'Waiting for Marketo until {0}. {1}' }), {
    virtual: true
});
jest.mock(
    '@salesforce/label/c.MSI_Sync_Warning_Standard_Missing',
    () => ({ default: 'No {0} field in this Marketo (looked for {1}).' }),
    { virtual: true }
);
jest.mock('@salesforce/label/c.MSI_Sync_Warning_Owner_Missing', () => ({ default: 'No "{0}" owner field in Marketo.' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Sync_Warning_Extra_Missing', () => ({ default: '"{0}" is gone from Marketo.' }), {
    virtual: true
});

registerSa11yMatcher();

const NOT_STARTED = {
    phase: 'not_started',
    marketoConnected: true,
    marketoCallsToday: 3,
    marketoDailyQuota: 50000,
    intervalSeconds: 60,
    people: { active: 0, removed: 0 },
    run: null
};
const SETTINGS = {
    ownerField: 'sfdcLeadOwnerId',
    extraFields: [{ name: 'industry', dataType: 'string' }],
    intervalSeconds: 60,
    updatedBy: null,
    updatedAt: null
};
const INCREMENTAL = {
    ...mockStatus,
    phase: 'incremental',
    run: {
        ...mockStatus.run,
        phase: 'incremental',
        loadFinishedAt: '2026-11-24T07:05:00.000Z',
        etaSeconds: null,
        incrementalRuns: 4,
        lastIncrementalAt: '2026-11-24T07:10:00.000Z',
        lastIncrementalLagSeconds: 12,
        lastIncrementalChanges: 5,
        nextIncrementalAt: '2026-11-24T07:11:00.000Z',
        errors: []
    }
};

async function flushPromises() {
    for (let i = 0; i < 5; i += 1) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function render() {
    const element = createElement('c-msi-actions-sync', { is: MsiActionsSync });
    const toasts = [];
    const changes = [];
    element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
    element.addEventListener('stepchange', (event) => changes.push(event.detail));
    document.body.appendChild(element);
    return { element, toasts, changes };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => Array.from(element.shadowRoot.querySelectorAll(selector));

describe('c-msi-actions-sync', () => {
    beforeEach(() => {
        listSyncRuns.mockResolvedValue({ runs: [] });
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
        jest.useRealTimers();
    });

    it('shows the field sync card with the caution, and the preview after Sync', async () => {
        getSyncStatus.mockResolvedValue(NOT_STARTED);
        previewSyncFields.mockResolvedValue(mockPreview);
        getSyncSettings.mockResolvedValue(SETTINGS);
        const { element } = render();
        await flushPromises();
        expect($(element, '.caution-before').textContent).toBe(CAUTION);
        expect($(element, '.caution-after')).toBeNull();
        expect($(element, '.preview')).toBeNull();
        expect($(element, '.runs-empty')).not.toBeNull();

        $(element, '.open-preview').click();
        await flushPromises();
        const rows = $$(element, '.fields-table tbody tr');
        // Three standard fields, the owner field and one extra field.
        expect(rows).toHaveLength(5);
        expect(rows[0].querySelector('.marketo-field').textContent).toBe('email');
        // Standard fields and their warnings in labels, by the service's key and code.
        expect(rows.slice(0, 3).map((row) => row.querySelector('th').textContent)).toEqual([
            FIELD_EMAIL,
            FIELD_COMPANY,
            FIELD_LINKEDIN_URL
        ]);
        expect(rows[0].querySelector('.field-warning').textContent).toBe('');
        expect(rows[2].querySelector('.field-warning').textContent).toBe(
            `No ${FIELD_LINKEDIN_URL} field in this Marketo (looked for linkedInUrl, linkedinUrl).`
        );
        expect($(element, 'tr[data-key="owner"] .marketo-field').textContent).toBe('sfdcLeadOwnerId');
        expect($(element, 'tr[data-key="extra-industry"]').textContent).toContain('Extra: Industry');
        expect($(element, '.count-note').textContent).toBe(COUNT_NOTE_UNAVAILABLE);
        expect($(element, '.sample-text').textContent).toBe('2 of the 50 people read qualify');
        const sample = $$(element, '.sample-table tbody tr');
        expect(sample).toHaveLength(2);
        expect(sample[0].textContent).toContain('Ada Lovelace');
        expect(sample[0].textContent).toContain('Contact 003000000000001AAA');
        expect(sample[1].textContent).toContain('Lead 00Q000000000001AAA');
        // The settings form starts from the saved settings.
        expect($(element, '.owner-field').value).toBe('sfdcLeadOwnerId');
        const extra = $(element, '.extra-fields');
        expect(extra.value).toEqual(['industry']);
        expect(extra.max).toBe(20);
        expect(extra.options.map((o) => o.value)).toEqual(['industry', 'leadScore']);
        expect($(element, '.interval').value).toBe(60);
        expect($(element, '.caution-before').textContent).toBe(CAUTION);
    });

    it('words the owner and extra field warnings and the synced count note in labels', async () => {
        getSyncStatus.mockResolvedValue(NOT_STARTED);
        previewSyncFields.mockResolvedValue({
            ...mockPreview,
            standardFields: [
                {
                    key: 'salesforceOpportunityId',
                    label: 'Salesforce opportunity ID',
                    marketoField: 'sfdcOpptyId',
                    dataType: 'string',
                    candidates: ['sfdcOpptyId', 'sfdcOpportunityId'],
                    warning: null,
                    warningCode: null
                }
            ],
            ownerField: {
                marketoField: 'goneOwnerId',
                dataType: null,
                warning: 'This Marketo instance has no "goneOwnerId" field: no person would qualify.',
                warningCode: 'owner_field_missing'
            },
            extraFields: [
                {
                    marketoField: 'goneField',
                    displayName: 'goneField',
                    dataType: 'string',
                    warning: '"goneField" is no longer in this Marketo instance; it will not sync.',
                    warningCode: 'extra_field_missing'
                }
            ],
            qualifyingCount: 42,
            countSource: 'synced',
            countNote: 'People with an owner in the synced copy.'
        });
        getSyncSettings.mockResolvedValue(SETTINGS);
        const { element } = render();
        await flushPromises();
        $(element, '.open-preview').click();
        await flushPromises();
        expect($(element, 'tr[data-key="std-salesforceOpportunityId"] th').textContent).toBe(
            FIELD_SALESFORCE_OPPORTUNITY_ID
        );
        expect($(element, 'tr[data-key="owner"] .field-warning').textContent).toBe('No "goneOwnerId" owner field in Marketo.');
        expect($(element, 'tr[data-key="extra-goneField"] .field-warning').textContent).toBe('"goneField" is gone from Marketo.');
        expect($(element, '.qualifying').textContent).toBe('42');
        expect($(element, '.count-note').textContent).toBe(COUNT_NOTE_SYNCED);
        await expect(element).toBeAccessible();
    });

    it("keeps the service's English for a field key, warning code or count source this package does not know", async () => {
        getSyncStatus.mockResolvedValue(NOT_STARTED);
        previewSyncFields.mockResolvedValue({
            ...mockPreview,
            standardFields: [
                {
                    key: 'mobilePhone',
                    label: 'Mobile phone',
                    marketoField: null,
                    dataType: null,
                    candidates: ['mobilePhone'],
                    warning: 'This Marketo instance has no Mobile phone field; the column stays empty.',
                    warningCode: 'standard_field_renamed'
                },
                // An answer from before the service sent codes: its text.
                {
                    key: 'linkedinUrl',
                    label: 'LinkedIn URL',
                    marketoField: null,
                    dataType: null,
                    warning: 'This Marketo instance has no LinkedIn URL field; the column stays empty.'
                },
                // A known code without the candidates its label needs: the text.
                {
                    key: 'phone',
                    label: 'Phone number',
                    marketoField: null,
                    dataType: null,
                    candidates: [],
                    warning: 'This Marketo instance has no Phone number field; the column stays empty.',
                    warningCode: 'standard_field_missing'
                }
            ],
            ownerField: {
                marketoField: 'goneOwnerId',
                dataType: null,
                warning: 'This Marketo instance has no "goneOwnerId" field: no person would qualify.',
                warningCode: 'owner_field_unreadable'
            },
            extraFields: [],
            countSource: 'estimated',
            countNote: 'Estimated from a sample.'
        });
        getSyncSettings.mockResolvedValue(SETTINGS);
        const { element } = render();
        await flushPromises();
        $(element, '.open-preview').click();
        await flushPromises();
        const rows = $$(element, '.fields-table tbody tr');
        expect(rows[0].querySelector('th').textContent).toBe('Mobile phone');
        expect(rows[0].querySelector('.field-warning').textContent).toBe(
            'This Marketo instance has no Mobile phone field; the column stays empty.'
        );
        expect(rows[1].querySelector('.field-warning').textContent).toBe(
            'This Marketo instance has no LinkedIn URL field; the column stays empty.'
        );
        expect(rows[2].querySelector('.field-warning').textContent).toBe(
            'This Marketo instance has no Phone number field; the column stays empty.'
        );
        expect($(element, 'tr[data-key="owner"] .field-warning').textContent).toBe(
            'This Marketo instance has no "goneOwnerId" field: no person would qualify.'
        );
        expect($(element, '.count-note').textContent).toBe('Estimated from a sample.');
    });

    it('saves the owner field, extra fields and interval, then shows the new preview', async () => {
        getSyncStatus.mockResolvedValue(NOT_STARTED);
        previewSyncFields.mockResolvedValue(mockPreview);
        getSyncSettings.mockResolvedValue(SETTINGS);
        updateSyncSettings.mockResolvedValue({
            ...SETTINGS,
            ownerField: 'ownerId',
            extraFields: [
                { name: 'industry', dataType: 'string' },
                { name: 'leadScore', dataType: 'integer' }
            ],
            intervalSeconds: 120
        });
        const { element, toasts } = render();
        await flushPromises();
        $(element, '.open-preview').click();
        await flushPromises();
        const owner = $(element, '.owner-field');
        owner.dispatchEvent(new CustomEvent('change', { detail: { value: ' ownerId ' } }));
        $(element, '.extra-fields').dispatchEvent(new CustomEvent('change', { detail: { value: ['industry', 'leadScore'] } }));
        $(element, '.interval').dispatchEvent(new CustomEvent('change', { detail: { value: '120' } }));
        await flushPromises();
        $(element, '.save-settings').click();
        await flushPromises();
        expect(updateSyncSettings).toHaveBeenCalledWith({
            ownerField: 'ownerId',
            extraFields: ['industry', 'leadScore'],
            intervalSeconds: 120
        });
        expect(previewSyncFields).toHaveBeenCalledTimes(2);
        expect(toasts[0].variant).toBe('success');
        expect($(element, '.extra-fields').value).toEqual(['industry', 'leadScore']);
    });

    it('does not save without an owner field', async () => {
        getSyncStatus.mockResolvedValue(NOT_STARTED);
        previewSyncFields.mockResolvedValue(mockPreview);
        getSyncSettings.mockResolvedValue(SETTINGS);
        const { element } = render();
        await flushPromises();
        $(element, '.open-preview').click();
        await flushPromises();
        $(element, '.owner-field').dispatchEvent(new CustomEvent('change', { detail: { value: '  ' } }));
        await flushPromises();
        expect($(element, '.save-settings').disabled).toBe(true);
    });

    it('starts the sync, tells the checklist, shows the caution and polls the progress until the load is done', async () => {
        jest.useFakeTimers();
        getSyncStatus.mockResolvedValue(NOT_STARTED);
        previewSyncFields.mockResolvedValue(mockPreview);
        getSyncSettings.mockResolvedValue(SETTINGS);
        startSync.mockResolvedValue({ ...mockStatus, run: { ...mockStatus.run, counts: { ...mockStatus.run.counts, read: 0 } } });
        const { element, toasts, changes } = render();
        await flushPromises();
        $(element, '.open-preview').click();
        await flushPromises();
        $(element, '.start').click();
        await flushPromises();
        expect(startSync).toHaveBeenCalledTimes(1);
        expect(changes).toEqual([{ step: 'sync', phase: 'initial_load' }]);
        expect(toasts[0].variant).toBe('success');
        expect($(element, '.caution-after').textContent).toBe(CAUTION_STARTED);
        expect($(element, '.caution-before')).toBeNull();
        expect($(element, '.preview')).toBeNull();
        expect($(element, '.phase').textContent).toBe(PHASE_INITIAL_LOAD);
        expect($(element, '.progress-bar').value).toBe(0);

        // The next read comes after the poll interval, not before.
        getSyncStatus.mockClear();
        getSyncStatus.mockResolvedValue(mockStatus);
        jest.advanceTimersByTime(POLL_MS - 1);
        expect(getSyncStatus).not.toHaveBeenCalled();
        jest.advanceTimersByTime(1);
        await flushPromises();
        expect(getSyncStatus).toHaveBeenCalledTimes(1);
        expect($(element, '.progress-bar').value).toBe(25);
        expect($(element, '.progress-text').textContent).toBe('2500 of about 10000 people read (25%)');
        expect($(element, '[data-count="read"]').textContent).toBe('2500');
        expect($(element, '[data-count="inserted"]').textContent).toBe('2400');
        expect($(element, '[data-count="skipped"]').textContent).toBe('7');
        expect($(element, '.rate').textContent).toBe('41.7 people per second');
        expect($(element, '.eta').textContent).toBe('About 3 minutes');
        expect($(element, '.calls-today').textContent).toBe('120 of 50000');
        expect($(element, '.sync-error .error-code').textContent).toBe('1029');
        // Same phase: no news for the checklist.
        expect(changes).toHaveLength(1);

        // The load finishes: the phase changes, the checklist hears it and polling stops.
        getSyncStatus.mockResolvedValue(INCREMENTAL);
        listSyncRuns.mockResolvedValue({ runs: [INCREMENTAL.run] });
        jest.advanceTimersByTime(POLL_MS);
        await flushPromises();
        expect(changes).toEqual([
            { step: 'sync', phase: 'initial_load' },
            { step: 'sync', phase: 'incremental' }
        ]);
        expect($(element, '.phase').textContent).toBe(PHASE_INCREMENTAL);
        expect($(element, '.progress-bar')).toBeNull();
        expect($(element, '.lag').textContent).toBe('12 seconds');
        expect($(element, '.changes').textContent).toBe('5');
        expect($(element, '.last-run lightning-formatted-date-time').value).toBe('2026-11-24T07:10:00.000Z');
        expect($$(element, '.run-row')).toHaveLength(1);
        getSyncStatus.mockClear();
        jest.advanceTimersByTime(POLL_MS * 5);
        await flushPromises();
        expect(getSyncStatus).not.toHaveBeenCalled();
    });

    it('shows the wait for the Marketo quota and keeps polling', async () => {
        jest.useFakeTimers();
        const waiting = {
            ...mockStatus,
            phase: 'waiting_for_quota',
            run: { ...mockStatus.run, phase: 'waiting_for_quota', waitingUntil: '2026-11-25T00:00:00.000Z', waitReason: 'Daily quota reached (607)' }
        };
        getSyncStatus.mockResolvedValue(waiting);
        const { element } = render();
        await flushPromises();
        // The service's reason is English text without a code: the page says it in its own words.
        expect($(element, '.waiting').textContent).toContain(WAITING_QUOTA);
        expect($(element, '.waiting').textContent).not.toContain('Daily quota reached (607)');
        jest.advanceTimersByTime(POLL_MS);
        await flushPromises();
        expect(getSyncStatus).toHaveBeenCalledTimes(2);
    });

    it('words the errors, steps, kinds and methods in labels; an unknown code keeps the service message', async () => {
        const errors = [
            { at: '2026-11-24T07:01:00.000Z', step: 'window 3', code: '1029', message: 'Too many jobs in queue' },
            { at: '2026-11-24T07:02:00.000Z', step: 'plan', code: '607', message: 'Daily quota reached' },
            { at: '2026-11-24T07:03:00.000Z', step: 'incremental', code: '1003', message: 'Invalid filter' }
        ];
        getSyncStatus.mockResolvedValue({ ...INCREMENTAL, run: { ...INCREMENTAL.run, errors } });
        listSyncRuns.mockResolvedValue({
            runs: [
                { ...INCREMENTAL.run, id: 'r1', kind: 'initial', method: 'bulk' },
                { ...INCREMENTAL.run, id: 'r2', kind: 'resync', method: 'rest' },
                { ...INCREMENTAL.run, id: 'r3', kind: 'later', method: 'other' }
            ]
        });
        const { element } = render();
        await flushPromises();
        const rows = $$(element, '.sync-error');
        expect(rows[0].textContent).toContain('Window 3');
        expect(rows[0].textContent).toContain(ERROR_EXPORT_LIMIT);
        expect(rows[0].textContent).not.toContain('Too many jobs in queue');
        expect(rows[1].textContent).toContain(STEP_PLAN);
        expect(rows[1].textContent).toContain(ERROR_DAILY_QUOTA);
        expect(rows[2].textContent).toContain('Invalid filter');
        expect(rows[2].querySelector('.error-code').textContent).toBe('1003');
        const runs = $$(element, '.run-row');
        expect(runs[0].textContent).toContain(KIND_INITIAL);
        expect(runs[0].textContent).toContain(METHOD_BULK);
        expect(runs[1].textContent).toContain(KIND_RESYNC);
        expect(runs[1].textContent).toContain(METHOD_REST);
        expect(runs[2].textContent).toContain('later');
        await expect(element).toBeAccessible();
    });

    it('stops polling when it leaves the page', async () => {
        jest.useFakeTimers();
        getSyncStatus.mockResolvedValue(mockStatus);
        const { element } = render();
        await flushPromises();
        expect(getSyncStatus).toHaveBeenCalledTimes(1);
        document.body.removeChild(element);
        jest.advanceTimersByTime(POLL_MS * 3);
        await flushPromises();
        expect(getSyncStatus).toHaveBeenCalledTimes(1);
    });

    it('does not poll again when it leaves the page while a read is under way', async () => {
        jest.useFakeTimers();
        getSyncStatus.mockResolvedValue(mockStatus);
        const { element } = render();
        await flushPromises();
        expect(getSyncStatus).toHaveBeenCalledTimes(1);

        // The next read starts, and the page is left before its answer comes.
        let answer;
        getSyncStatus.mockImplementationOnce(
            () =>
                new Promise((resolve) => {
                    answer = resolve;
                })
        );
        jest.advanceTimersByTime(POLL_MS);
        expect(getSyncStatus).toHaveBeenCalledTimes(2);
        document.body.removeChild(element);
        answer(mockStatus);
        await flushPromises();
        jest.advanceTimersByTime(POLL_MS * 5);
        await flushPromises();
        expect(getSyncStatus).toHaveBeenCalledTimes(2);
        expect(jest.getTimerCount()).toBe(0);

        // Back on the page: it reads the status and polls again.
        document.body.appendChild(element);
        await flushPromises();
        expect(getSyncStatus).toHaveBeenCalledTimes(3);
        jest.advanceTimersByTime(POLL_MS);
        await flushPromises();
        expect(getSyncStatus).toHaveBeenCalledTimes(4);
    });

    it('does not start polling when it leaves the page during its first read', async () => {
        jest.useFakeTimers();
        let answer;
        getSyncStatus.mockImplementationOnce(
            () =>
                new Promise((resolve) => {
                    answer = resolve;
                })
        );
        const { element } = render();
        document.body.removeChild(element);
        answer(mockStatus);
        await flushPromises();
        jest.advanceTimersByTime(POLL_MS * 3);
        await flushPromises();
        expect(getSyncStatus).toHaveBeenCalledTimes(1);
        expect(jest.getTimerCount()).toBe(0);
    });

    it('keeps polling after a failed read and shows the error', async () => {
        jest.useFakeTimers();
        getSyncStatus.mockResolvedValueOnce(mockStatus);
        getSyncStatus.mockRejectedValueOnce({ body: { message: 'The MSI Actions service could not be reached.' } });
        getSyncStatus.mockResolvedValue(mockStatus);
        const { element } = render();
        await flushPromises();
        jest.advanceTimersByTime(POLL_MS);
        await flushPromises();
        expect($(element, '.error-panel').textContent).toContain('could not be reached');
        jest.advanceTimersByTime(POLL_MS);
        await flushPromises();
        expect(getSyncStatus).toHaveBeenCalledTimes(3);
        expect($(element, '.error-panel')).toBeNull();
    });

    it('pauses and resumes', async () => {
        getSyncStatus.mockResolvedValue(INCREMENTAL);
        pauseSync.mockResolvedValue({ ...INCREMENTAL, phase: 'paused' });
        resumeSync.mockResolvedValue(INCREMENTAL);
        const { element, changes } = render();
        await flushPromises();
        expect($(element, '.resume')).toBeNull();
        $(element, '.pause').click();
        await flushPromises();
        expect(pauseSync).toHaveBeenCalledTimes(1);
        expect($(element, '.phase').textContent).toBe(PHASE_PAUSED);
        expect($(element, '.pause')).toBeNull();
        expect(changes).toEqual([{ step: 'sync', phase: 'paused' }]);
        $(element, '.resume').click();
        await flushPromises();
        expect(resumeSync).toHaveBeenCalledTimes(1);
        expect($(element, '.phase').textContent).toBe(PHASE_INCREMENTAL);
    });

    it('tells the checklist when a refresh finds a new phase', async () => {
        getSyncStatus.mockResolvedValue(INCREMENTAL);
        const { element, changes } = render();
        await flushPromises();
        expect(changes).toEqual([]);
        getSyncStatus.mockResolvedValue({ ...INCREMENTAL, phase: 'failed' });
        $(element, '.refresh').click();
        await flushPromises();
        expect(changes).toEqual([{ step: 'sync', phase: 'failed' }]);
    });

    it('resyncs only after confirmation', async () => {
        getSyncStatus.mockResolvedValue(INCREMENTAL);
        resyncSync.mockResolvedValue({ ...mockStatus, run: { ...mockStatus.run, kind: 'resync' } });
        const { element } = render();
        await flushPromises();
        $(element, '.resync').click();
        await flushPromises();
        expect(resyncSync).not.toHaveBeenCalled();
        $(element, '.cancel-resync').click();
        await flushPromises();
        expect($(element, '.confirm-resync')).toBeNull();
        $(element, '.resync').click();
        await flushPromises();
        $(element, '.confirm-resync-button').click();
        await flushPromises();
        expect(resyncSync).toHaveBeenCalledTimes(1);
        expect($(element, '.phase').textContent).toBe(PHASE_INITIAL_LOAD);
    });

    it('shows why the service refused to start', async () => {
        getSyncStatus.mockResolvedValue({ ...NOT_STARTED, marketoConnected: false });
        previewSyncFields.mockResolvedValue(mockPreview);
        getSyncSettings.mockResolvedValue(SETTINGS);
        const { element } = render();
        await flushPromises();
        expect($(element, '.marketo-not-connected')).not.toBeNull();
        $(element, '.open-preview').click();
        await flushPromises();
        expect($(element, '.start').disabled).toBe(true);
    });

    it('reports a failed start', async () => {
        getSyncStatus.mockResolvedValue(NOT_STARTED);
        previewSyncFields.mockResolvedValue(mockPreview);
        getSyncSettings.mockResolvedValue(SETTINGS);
        startSync.mockRejectedValue({ body: { message: 'Connect Marketo first.' }, ok: false, status: 409 });
        const { element, toasts, changes } = render();
        await flushPromises();
        $(element, '.open-preview').click();
        await flushPromises();
        $(element, '.start').click();
        await flushPromises();
        expect($(element, '.error-panel').textContent).toContain('Connect Marketo first.');
        expect(toasts[0].variant).toBe('error');
        expect(changes).toEqual([]);
    });

    it('is accessible before and after the start', async () => {
        getSyncStatus.mockResolvedValue(NOT_STARTED);
        previewSyncFields.mockResolvedValue(mockPreview);
        getSyncSettings.mockResolvedValue(SETTINGS);
        const { element } = render();
        await flushPromises();
        $(element, '.open-preview').click();
        await flushPromises();
        await expect(element).toBeAccessible();
        getSyncStatus.mockResolvedValue(mockStatus);
        listSyncRuns.mockResolvedValue({ runs: [mockStatus.run] });
        const other = render().element;
        await flushPromises();
        await expect(other).toBeAccessible();
    });
});
