import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import MsiActionsMarketo from 'c/msiActionsMarketo';
import getMarketoConnection from '@salesforce/apex/MsiActionsSetupController.getMarketoConnection';
import connectMarketo from '@salesforce/apex/MsiActionsSetupController.connectMarketo';
import disconnectMarketo from '@salesforce/apex/MsiActionsSetupController.disconnectMarketo';
import NOT_CONNECTED from '@salesforce/label/c.MSI_Marketo_Not_Connected';
import CONNECTED from '@salesforce/label/c.MSI_Marketo_Connected';

const mockConnection = require('./data/connection.json');

jest.mock('@salesforce/apex/MsiActionsSetupController.getMarketoConnection', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsSetupController.connectMarketo', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsSetupController.disconnectMarketo', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Marketo_Calls_Of_Quota', () => ({ default: '{0} of {1}' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Marketo_Error_Text', () => ({ default: '{0}: {1} ({2})' }), { virtual: true });

registerSa11yMatcher();

const MARKETO_REFUSED = {
    body: {
        message: 'Marketo refused the Client ID or Client Secret: copy them again from Admin > LaunchPoint > View Details.'
    },
    ok: false,
    status: 500
};

async function flushPromises() {
    for (let i = 0; i < 5; i += 1) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function render() {
    const element = createElement('c-msi-actions-marketo', { is: MsiActionsMarketo });
    const toasts = [];
    const changes = [];
    element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
    element.addEventListener('stepchange', (event) => changes.push(event.detail));
    document.body.appendChild(element);
    return { element, toasts, changes };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

function type(element, field, value) {
    const input = $(element, `lightning-input[data-field="${field}"]`);
    input.value = value;
    input.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

describe('c-msi-actions-marketo', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('shows the connection with its API user, owner and calls of the daily quota', async () => {
        getMarketoConnection.mockResolvedValue(mockConnection);
        const { element } = render();
        await flushPromises();
        expect($(element, '.connection-status').textContent).toBe(CONNECTED);
        expect($(element, '.munchkin-id').textContent).toBe('123-ABC-456');
        expect($(element, '.api-user').textContent).toBe('msi-api@acme.example.com');
        expect($(element, '.connected-by').textContent).toContain('Ada Lovelace');
        expect($(element, '.calls-today').textContent).toBe('1234 of 50000');
        expect($(element, '.connected-at lightning-formatted-date-time').value).toBe('2026-11-21T09:00:00.000Z');
        expect($(element, '.connect-form')).toBeNull();
        expect($(element, '.last-error')).toBeNull();
    });

    it('shows the quota stop and the last Marketo error', async () => {
        getMarketoConnection.mockResolvedValue({
            ...mockConnection,
            dailyQuota: null,
            callsToday: 7,
            quotaStoppedUntil: '2026-11-22T06:00:00.000Z',
            lastError: { code: '607', message: 'Daily quota reached', at: '2026-11-21T18:00:00.000Z' }
        });
        const { element } = render();
        await flushPromises();
        expect($(element, '.calls-today').textContent).toBe('7');
        expect($(element, '.quota-stopped')).not.toBeNull();
        expect($(element, '.last-error').textContent).toContain('607: Daily quota reached');
    });

    it('connects with the Munchkin ID and forgets the secret', async () => {
        getMarketoConnection.mockResolvedValue({ connected: false, callsToday: 0 });
        connectMarketo.mockResolvedValue(mockConnection);
        const { element, toasts, changes } = render();
        await flushPromises();
        expect($(element, '.connection-status').textContent).toBe(NOT_CONNECTED);
        expect($(element, '.connect').disabled).toBe(true);
        type(element, 'munchkinId', ' 123-ABC-456 ');
        type(element, 'clientId', 'mkto-client');
        type(element, 'clientSecret', 's3cret');
        await flushPromises();
        expect($(element, '.connect').disabled).toBe(false);
        expect($(element, 'lightning-input[data-field="clientSecret"]').type).toBe('password');

        $(element, '.connect').click();
        await flushPromises();
        expect(connectMarketo).toHaveBeenCalledWith({
            munchkinId: '123-ABC-456',
            restUrl: '',
            identityUrl: '',
            clientId: 'mkto-client',
            clientSecret: 's3cret'
        });
        expect(toasts[0].variant).toBe('success');
        expect(changes).toEqual([{ step: 'marketo' }]);
        expect($(element, '.connection-status').textContent).toBe(CONNECTED);
        expect($(element, '.connect-form')).toBeNull();
        // Opening the form again shows an empty secret: it is never shown back.
        $(element, '.change').click();
        await flushPromises();
        expect($(element, 'lightning-input[data-field="clientSecret"]').value).toBe('');
        expect($(element, '.replace-hint')).not.toBeNull();
    });

    it('connects with pasted REST and identity endpoints', async () => {
        getMarketoConnection.mockResolvedValue({ connected: false, callsToday: 0 });
        connectMarketo.mockResolvedValue(mockConnection);
        const { element } = render();
        await flushPromises();
        $(element, 'lightning-radio-group').dispatchEvent(new CustomEvent('change', { detail: { value: 'paste' } }));
        await flushPromises();
        expect($(element, 'lightning-input[data-field="munchkinId"]')).toBeNull();
        expect($(element, '.paste-hint')).not.toBeNull();
        type(element, 'restUrl', 'https://123-ABC-456.mktorest.com/rest');
        type(element, 'identityUrl', 'https://123-ABC-456.mktorest.com/identity');
        type(element, 'clientId', 'mkto-client');
        type(element, 'clientSecret', 's3cret');
        await flushPromises();
        $(element, '.connect').click();
        await flushPromises();
        expect(connectMarketo).toHaveBeenCalledWith(
            expect.objectContaining({
                munchkinId: '',
                restUrl: 'https://123-ABC-456.mktorest.com/rest',
                identityUrl: 'https://123-ABC-456.mktorest.com/identity'
            })
        );
    });

    it('shows why Marketo refused the credentials and clears the secret', async () => {
        getMarketoConnection.mockResolvedValue({ connected: false, callsToday: 0 });
        connectMarketo.mockRejectedValue(MARKETO_REFUSED);
        const { element, toasts } = render();
        await flushPromises();
        type(element, 'munchkinId', '123-ABC-456');
        type(element, 'clientId', 'mkto-client');
        type(element, 'clientSecret', 'wrong');
        await flushPromises();
        $(element, '.connect').click();
        await flushPromises();
        expect($(element, '.error-panel').textContent).toContain('Marketo refused the Client ID');
        expect(toasts[0].variant).toBe('error');
        expect($(element, 'lightning-input[data-field="clientSecret"]').value).toBe('');
    });

    it('disconnects only after confirmation', async () => {
        getMarketoConnection.mockResolvedValue(mockConnection);
        disconnectMarketo.mockResolvedValue(null);
        const { element, changes } = render();
        await flushPromises();
        $(element, '.disconnect').click();
        await flushPromises();
        expect(disconnectMarketo).not.toHaveBeenCalled();
        $(element, '.cancel-disconnect').click();
        await flushPromises();
        expect($(element, '.confirm-disconnect')).toBeNull();

        $(element, '.disconnect').click();
        await flushPromises();
        $(element, '.confirm-disconnect-button').click();
        await flushPromises();
        expect(disconnectMarketo).toHaveBeenCalledTimes(1);
        expect($(element, '.connection-status').textContent).toBe(NOT_CONNECTED);
        expect(changes).toEqual([{ step: 'marketo' }]);
    });

    it('reports a failed status read', async () => {
        getMarketoConnection.mockRejectedValue({ body: { message: 'The MSI Actions service could not be reached.' } });
        const { element } = render();
        await flushPromises();
        expect($(element, '.error-panel').textContent).toContain('could not be reached');
    });

    it('is accessible when connected and when not', async () => {
        getMarketoConnection.mockResolvedValue(mockConnection);
        const { element } = render();
        await flushPromises();
        await expect(element).toBeAccessible();
        getMarketoConnection.mockResolvedValue({ connected: false, callsToday: 0 });
        const other = render().element;
        await flushPromises();
        await expect(other).toBeAccessible();
    });
});
