import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import MsiActionsDiagnostics, { PAGE_SIZE } from 'c/msiActionsDiagnostics';
import getDiagnostics from '@salesforce/apex/MsiActionsSyncController.getDiagnostics';
import retryFailedDeliveries from '@salesforce/apex/MsiActionsSyncController.retryFailedDeliveries';
import retryDelivery from '@salesforce/apex/MsiActionsSyncController.retryDelivery';
import SALESFORCE from '@salesforce/label/c.MSI_Diag_System_Salesforce';
import MARKETO from '@salesforce/label/c.MSI_Diag_System_Marketo';
import KIND_CALL from '@salesforce/label/c.MSI_Activity_Call';
import KIND_EMAIL_SENT from '@salesforce/label/c.MSI_Activity_Email_Sent';

const mockDiagnostics = require('./data/diagnostics.json');

jest.mock('@salesforce/apex/MsiActionsSyncController.getDiagnostics', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSyncController.retryFailedDeliveries', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsSyncController.retryDelivery', () => ({ default: jest.fn() }), { virtual: true });

// Labels with placeholders get their English text here, so the formatting is tested too.
jest.mock('@salesforce/label/c.MSI_Diag_Retried_Toast', () => ({ default: '{0} deliveries will be sent again' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Diag_Retrying_Text', () => ({ default: '{0}: {1} deliveries after error {2}' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Diag_Activity_Text', () => ({ default: '{0} by {1}' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Diag_Retry_Title', () => ({ default: 'Retry the delivery to {0} for {1}' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Diag_Page', () => ({ default: 'Page {0}' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Diag_Days_Option', () => ({ default: 'Last {0} days' }), { virtual: true });

registerSa11yMatcher();

async function flushPromises() {
    for (let i = 0; i < 8; i += 1) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function render() {
    const element = createElement('c-msi-actions-diagnostics', { is: MsiActionsDiagnostics });
    const toasts = [];
    element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
    document.body.appendChild(element);
    return { element, toasts };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => Array.from(element.shadowRoot.querySelectorAll(selector));

function fullPage() {
    const failure = mockDiagnostics.failures[0];
    return {
        ...mockDiagnostics,
        failures: Array.from({ length: PAGE_SIZE }, (_, index) => ({ ...failure, deliveryId: `delivery-${index}` }))
    };
}

describe('c-msi-actions-diagnostics', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('shows failed deliveries with code, message, fix, person and time, and counts per system and day', async () => {
        getDiagnostics.mockResolvedValue(mockDiagnostics);
        const { element } = render();
        await flushPromises();
        expect(getDiagnostics).toHaveBeenCalledWith({ systemName: '', days: 14, page: 1, pageSize: PAGE_SIZE });
        const rows = $$(element, '.failure-row');
        expect(rows).toHaveLength(2);
        expect(rows[0].querySelector('.failure-system').textContent).toBe(SALESFORCE);
        expect(rows[0].querySelector('.failure-code').textContent).toBe('INVALID_CROSS_REFERENCE_KEY');
        expect(rows[0].querySelector('.failure-message').textContent).toBe('invalid cross reference id');
        expect(rows[0].querySelector('.failure-hint').textContent).toContain('deleted or merged');
        expect(rows[0].querySelector('.failure-person').textContent).toContain('Ada Lovelace');
        expect(rows[0].querySelector('.failure-person').textContent).toContain('00Q000000000001AAA');
        expect(rows[0].textContent).toContain(`${KIND_CALL} by rep@acme.example.com`);
        expect(rows[0].querySelector('lightning-formatted-date-time').value).toBe('2026-11-23T10:00:00.000Z');
        expect(rows[1].querySelector('.failure-person').textContent).toContain('grace@acme.example.com');
        expect(rows[1].querySelector('.retry').title).toBe(`Retry the delivery to ${MARKETO} for grace@acme.example.com`);
        expect($(element, '.summary-row[data-system="salesforce"] .failed-count').textContent).toBe('3');
        expect($(element, '.retrying').textContent).toBe(`${MARKETO}: 4 deliveries after error 606`);
        expect($$(element, '.per-day-row')).toHaveLength(2);
        expect($(element, '.page').textContent).toBe('Page 1');
        expect($(element, '.previous').disabled).toBe(true);
        expect($(element, '.next').disabled).toBe(true);
    });

    it('words the activity kind in its label, and a kind it does not know as the service sent it', async () => {
        const [call, other] = mockDiagnostics.failures;
        getDiagnostics.mockResolvedValue({
            ...mockDiagnostics,
            failures: [
                { ...call, activity: { ...call.activity, kind: 'email_sent' } },
                { ...other, activity: { ...other.activity, kind: 'meeting_booked' } }
            ]
        });
        const { element } = render();
        await flushPromises();
        const activities = $$(element, '.failure-row').map((row) => row.querySelector('.failure-activity').textContent);
        expect(activities).toEqual([`${KIND_EMAIL_SENT} by rep@acme.example.com`, 'meeting_booked by rep@acme.example.com']);
        expect(activities[0]).not.toContain('email_sent');
    });

    it('filters by system and period, back to the first page', async () => {
        getDiagnostics.mockResolvedValue(fullPage());
        const { element } = render();
        await flushPromises();
        $(element, '.next').click();
        await flushPromises();
        expect(getDiagnostics).toHaveBeenLastCalledWith({ systemName: '', days: 14, page: 2, pageSize: PAGE_SIZE });
        $(element, '.system').dispatchEvent(new CustomEvent('change', { detail: { value: 'salesforce' } }));
        await flushPromises();
        expect(getDiagnostics).toHaveBeenLastCalledWith({
            systemName: 'salesforce',
            days: 14,
            page: 1,
            pageSize: PAGE_SIZE
        });
        // Only the chosen system's counts.
        expect($$(element, '.summary-row').map((row) => row.dataset.system)).toEqual(['salesforce']);
        $(element, '.days').dispatchEvent(new CustomEvent('change', { detail: { value: '30' } }));
        await flushPromises();
        expect(getDiagnostics).toHaveBeenLastCalledWith({
            systemName: 'salesforce',
            days: 30,
            page: 1,
            pageSize: PAGE_SIZE
        });
    });

    it('pages forward while pages are full, and back', async () => {
        getDiagnostics.mockResolvedValue(fullPage());
        const { element } = render();
        await flushPromises();
        expect($(element, '.next').disabled).toBe(false);
        $(element, '.next').click();
        await flushPromises();
        expect($(element, '.page').textContent).toBe('Page 2');
        expect($(element, '.previous').disabled).toBe(false);
        getDiagnostics.mockResolvedValue(mockDiagnostics);
        $(element, '.previous').click();
        await flushPromises();
        expect(getDiagnostics).toHaveBeenLastCalledWith({ systemName: '', days: 14, page: 1, pageSize: PAGE_SIZE });
        expect($(element, '.next').disabled).toBe(true);
    });

    it('retries one delivery and reads the list again', async () => {
        getDiagnostics.mockResolvedValue(mockDiagnostics);
        retryDelivery.mockResolvedValue({ retried: 1 });
        const { element, toasts } = render();
        await flushPromises();
        $(element, '.failure-row[data-id="0b7e1d1e-6a53-4f0a-9c43-000000000002"] .retry').click();
        await flushPromises();
        expect(retryDelivery).toHaveBeenCalledWith({ deliveryId: '0b7e1d1e-6a53-4f0a-9c43-000000000002' });
        expect(toasts[0]).toMatchObject({ title: '1 deliveries will be sent again', variant: 'success' });
        expect(getDiagnostics).toHaveBeenCalledTimes(2);
    });

    it('retries all failed deliveries of the chosen system', async () => {
        getDiagnostics.mockResolvedValue(mockDiagnostics);
        retryFailedDeliveries.mockResolvedValue({ retried: 3 });
        const { element, toasts } = render();
        await flushPromises();
        $(element, '.system').dispatchEvent(new CustomEvent('change', { detail: { value: 'salesforce' } }));
        await flushPromises();
        $(element, '.retry-all').click();
        await flushPromises();
        expect(retryFailedDeliveries).toHaveBeenCalledWith({ systemName: 'salesforce' });
        expect(toasts[0].title).toBe('3 deliveries will be sent again');
        expect(getDiagnostics).toHaveBeenCalledTimes(3);
    });

    it('keeps the refusal of a retry on screen', async () => {
        getDiagnostics.mockResolvedValue(mockDiagnostics);
        retryDelivery.mockRejectedValue({ body: { message: 'The delivery is delivered; only failed deliveries are retried by hand.' } });
        const { element, toasts } = render();
        await flushPromises();
        $(element, '.retry').click();
        await flushPromises();
        expect($(element, '.error-panel').textContent).toContain('only failed deliveries');
        expect(toasts[0].variant).toBe('error');
        expect(getDiagnostics).toHaveBeenCalledTimes(1);
    });

    it('says when nothing failed, and Retry all is off', async () => {
        getDiagnostics.mockResolvedValue({ ...mockDiagnostics, failures: [], retrying: [], perDay: [] });
        const { element } = render();
        await flushPromises();
        expect($(element, '.failures-empty')).not.toBeNull();
        expect($(element, '.retry-all').disabled).toBe(true);
        expect($(element, '.per-day')).toBeNull();
    });

    it('reports a failed read', async () => {
        getDiagnostics.mockRejectedValue({ body: { message: 'The MSI Actions service could not be reached.' } });
        const { element } = render();
        await flushPromises();
        expect($(element, '.error-panel').textContent).toContain('could not be reached');
    });

    it('is accessible', async () => {
        getDiagnostics.mockResolvedValue(mockDiagnostics);
        const { element } = render();
        await flushPromises();
        await expect(element).toBeAccessible();
    });
});
