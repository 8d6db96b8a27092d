import { createElement } from 'lwc';
import { CurrentPageReference } from 'lightning/navigation';
import { registerSa11yMatcher } from '@sa11y/jest';
import MsiActionsAccount, { SPENT_CLAIM_CODES_KEY } from 'c/msiActionsAccount';
import getAccount from '@salesforce/apex/MsiActionsSetupController.getAccount';
import getAdminCandidates from '@salesforce/apex/MsiActionsSetupController.getAdminCandidates';
import createAccount from '@salesforce/apex/MsiActionsSetupController.createAccount';
import claimCredentials from '@salesforce/apex/MsiActionsSetupController.claimCredentials';
import saveCredentials from '@salesforce/apex/MsiActionsSetupController.saveCredentials';
import rotateSecret from '@salesforce/apex/MsiActionsSetupController.rotateSecret';
import resendInvitation from '@salesforce/apex/MsiActionsSetupController.resendInvitation';
import NOT_AVAILABLE from '@salesforce/label/c.MSI_Not_Available';
import STATUS_PENDING from '@salesforce/label/c.MSI_Status_Pending';

const mockAccount = require('./data/account.json');
const mockCandidates = require('./data/candidates.json');

jest.mock('@salesforce/apex/MsiActionsSetupController.getAccount', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSetupController.getAdminCandidates', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsSetupController.createAccount', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSetupController.claimCredentials', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsSetupController.saveCredentials', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsSetupController.rotateSecret', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSetupController.resendInvitation', () => ({ default: jest.fn() }), {
    virtual: true
});

registerSa11yMatcher();

const APEX_ERROR = { body: { message: 'The MSI Actions service could not be reached (Read timed out).' }, ok: false, status: 500 };

/** Lets pending promises (Apex calls and re-renders) settle. */
async function flushPromises() {
    for (let i = 0; i < 5; i += 1) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function render() {
    const element = createElement('c-msi-actions-account', { is: MsiActionsAccount });
    const toasts = [];
    element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
    document.body.appendChild(element);
    return { element, toasts };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

function type(input, value) {
    input.value = value;
    input.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

describe('c-msi-actions-account', () => {
    beforeEach(() => {
        getAccount.mockResolvedValue(mockAccount);
        getAdminCandidates.mockResolvedValue(mockCandidates);
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
        window.sessionStorage.clear();
    });

    it('shows the Integration Info card of an active account', async () => {
        const { element } = render();
        await flushPromises();
        expect($(element, '.client-id').textContent).toBe('msi_cid_123');
        expect($(element, '.client-secret').textContent).toBe('••••abcd');
        expect($(element, '.original-user').textContent).toBe('Ada Lovelace (ada@example.com)');
        expect($(element, 'lightning-formatted-date-time').value).toBe('2026-11-20T10:00:00.000Z');
        expect($(element, '.rotate-secret')).not.toBeNull();
        // Once active, further users come through user management, not this form.
        expect($(element, '.send-invitation')).toBeNull();
    });

    it('still offers the Salesforce admins to invite when the account cannot be read, and says why', async () => {
        getAccount.mockRejectedValue({ body: { message: 'The MSI Actions service could not be reached.' } });
        const { element } = render();
        await flushPromises();
        const group = $(element, 'lightning-checkbox-group');
        expect(group).not.toBeNull();
        expect(group.options.map((o) => o.value)).toEqual(['005000000000001AAA', '005000000000002AAA']);
        expect(element.shadowRoot.textContent).toContain('The MSI Actions service could not be reached.');
    });

    it('invites ticked Salesforce admins and people added by hand', async () => {
        getAccount.mockResolvedValueOnce(null).mockResolvedValueOnce({ ...mockAccount, status: 'pending', integration: null });
        createAccount.mockResolvedValue({ status: 'pending', created: true, invited: [{ email: 'ada@example.com' }] });
        const { element, toasts } = render();
        await flushPromises();
        expect($(element, '.client-id').textContent).toBe(NOT_AVAILABLE);
        expect($(element, '.no-credentials-hint')).not.toBeNull();
        expect($(element, '.send-invitation').disabled).toBe(true);

        const group = $(element, 'lightning-checkbox-group');
        expect(group.options.map((o) => o.value)).toEqual(['005000000000001AAA', '005000000000002AAA']);
        group.dispatchEvent(new CustomEvent('change', { detail: { value: ['005000000000001AAA'] } }));
        type($(element, 'lightning-input[data-id="other-name"]'), 'Linus');
        type($(element, 'lightning-input[data-id="other-email"]'), 'linus@example.com');
        await flushPromises();
        $(element, 'lightning-input[data-id="other-email"]').reportValidity = () => true;
        $(element, '.add-other').click();
        await flushPromises();
        expect($(element, 'lightning-pill').label).toBe('Linus');

        $(element, '.send-invitation').click();
        await flushPromises();
        expect(createAccount).toHaveBeenCalledWith({
            admins: [
                { name: 'Ada Lovelace', email: 'ada@example.com' },
                { name: 'Linus', email: 'linus@example.com' }
            ]
        });
        expect(toasts[0].variant).toBe('success');
        expect($(element, '.account-status').textContent).toBe(STATUS_PENDING);
    });

    it('removes a person added by hand', async () => {
        getAccount.mockResolvedValue(null);
        const { element } = render();
        await flushPromises();
        type($(element, 'lightning-input[data-id="other-name"]'), 'Linus');
        type($(element, 'lightning-input[data-id="other-email"]'), 'linus@example.com');
        await flushPromises();
        $(element, 'lightning-input[data-id="other-email"]').reportValidity = () => true;
        $(element, '.add-other').click();
        await flushPromises();
        $(element, 'lightning-pill').dispatchEvent(new CustomEvent('remove'));
        await flushPromises();
        expect($(element, 'lightning-pill')).toBeNull();
        expect($(element, '.send-invitation').disabled).toBe(true);
    });

    it('exchanges the claim code from the page URL once', async () => {
        claimCredentials.mockResolvedValue({ stored: true, clientId: 'msi_cid_123' });
        const { element, toasts } = render();
        await flushPromises();
        CurrentPageReference.emit({ state: { c__claimCode: 'claim-123456' } });
        CurrentPageReference.emit({ state: { c__claimCode: 'claim-123456' } });
        await flushPromises();
        expect(claimCredentials).toHaveBeenCalledTimes(1);
        expect(claimCredentials).toHaveBeenCalledWith({ claimCode: 'claim-123456' });
        expect(toasts.map((t) => t.variant)).toEqual(['success']);
        expect($(element, '.manual-steps')).toBeNull();
    });

    it('does not exchange the claim code again when it is created anew with the same page state', async () => {
        claimCredentials.mockResolvedValue({ stored: true, clientId: 'msi_cid_123' });
        const first = render();
        CurrentPageReference.emit({ state: { c__claimCode: 'claim-123456' } });
        await flushPromises();
        expect(claimCredentials).toHaveBeenCalledTimes(1);
        expect(JSON.parse(window.sessionStorage.getItem(SPENT_CLAIM_CODES_KEY))).toEqual(['claim-123456']);

        // The checklist opens the step again (lwc:if) or the tab is reloaded: the URL still carries the code.
        document.body.removeChild(first.element);
        claimCredentials.mockRejectedValue({ body: { message: 'The claim code is unknown, already used or expired.' } });
        const second = render();
        CurrentPageReference.emit({ state: { c__claimCode: 'claim-123456' } });
        await flushPromises();
        expect(claimCredentials).toHaveBeenCalledTimes(1);
        expect($(second.element, '.error-panel')).toBeNull();
        expect(second.toasts).toEqual([]);
        expect($(second.element, '.client-id').textContent).toBe('msi_cid_123');
    });

    it('does not send a claim code again after its exchange failed, but sends a new one', async () => {
        claimCredentials.mockRejectedValueOnce(APEX_ERROR);
        const first = render();
        CurrentPageReference.emit({ state: { c__claimCode: 'claim-failed' } });
        await flushPromises();
        expect($(first.element, '.error-panel').textContent).toContain('Read timed out');
        document.body.removeChild(first.element);

        claimCredentials.mockResolvedValue({ stored: true, clientId: 'msi_cid_123' });
        const second = render();
        CurrentPageReference.emit({ state: { c__claimCode: 'claim-failed' } });
        await flushPromises();
        expect(claimCredentials).toHaveBeenCalledTimes(1);
        expect($(second.element, '.error-panel')).toBeNull();

        // A new activation link carries a new code: that one is exchanged.
        CurrentPageReference.emit({ state: { c__claimCode: 'claim-new' } });
        await flushPromises();
        expect(claimCredentials).toHaveBeenCalledTimes(2);
        expect(claimCredentials).toHaveBeenLastCalledWith({ claimCode: 'claim-new' });
        expect(second.toasts.map((t) => t.variant)).toEqual(['success']);
        await expect(second.element).toBeAccessible();
    });

    it('shows the manual steps and the secret when the credentials could not be stored', async () => {
        claimCredentials.mockResolvedValue({
            stored: false,
            clientId: 'msi_cid_123',
            clientSecret: 's3cret',
            manualSteps: ['Open Setup.', 'Edit the principal.']
        });
        const { element } = render();
        CurrentPageReference.emit({ state: { c__claimCode: 'claim-123456' } });
        await flushPromises();
        const steps = element.shadowRoot.querySelectorAll('.manual-steps li');
        expect([...steps].map((li) => li.textContent)).toEqual(['Open Setup.', 'Edit the principal.']);
        expect($(element, '.manual-client-secret').value).toBe('s3cret');
        await expect(element).toBeAccessible();
    });

    it('saves credentials typed in by hand', async () => {
        saveCredentials.mockResolvedValue({ stored: true, clientId: 'cid' });
        const { element, toasts } = render();
        await flushPromises();
        expect($(element, '.save-credentials').disabled).toBe(true);
        type($(element, '.paste-client-id'), ' cid ');
        type($(element, '.paste-client-secret'), 'sec');
        await flushPromises();
        expect($(element, '.paste-client-secret').type).toBe('password');
        $(element, '.save-credentials').click();
        await flushPromises();
        expect(saveCredentials).toHaveBeenCalledWith({ clientId: 'cid', clientSecret: 'sec' });
        expect(toasts[0].variant).toBe('success');
        expect(getAccount).toHaveBeenCalledTimes(2);
    });

    it('rotates the secret and resends the invitation', async () => {
        rotateSecret.mockResolvedValue({ stored: true, clientId: 'msi_cid_123' });
        resendInvitation.mockResolvedValue(['bob@example.com']);
        const { element, toasts } = render();
        await flushPromises();
        $(element, '.rotate-secret').click();
        await flushPromises();
        $(element, '.resend-invitation').click();
        await flushPromises();
        expect(rotateSecret).toHaveBeenCalledTimes(1);
        expect(resendInvitation).toHaveBeenCalledTimes(1);
        expect(toasts.map((t) => t.variant)).toEqual(['success', 'success']);
        expect(toasts[1].message).toContain('bob@example.com');
    });

    it('shows a failed action as an error panel and an error toast', async () => {
        rotateSecret.mockRejectedValue(APEX_ERROR);
        const { element, toasts } = render();
        await flushPromises();
        $(element, '.rotate-secret').click();
        await flushPromises();
        expect($(element, '.error-panel').textContent).toContain('Read timed out');
        expect(toasts[0]).toMatchObject({ variant: 'error', message: APEX_ERROR.body.message });
    });

    it('keeps the invitation form usable when the service cannot be reached', async () => {
        getAccount.mockRejectedValue(APEX_ERROR);
        const { element } = render();
        await flushPromises();
        expect($(element, '.error-panel').getAttribute('role')).toBe('alert');
        expect($(element, '.send-invitation')).not.toBeNull();
        await expect(element).toBeAccessible();
    });

    it('tells its container when the account changes', async () => {
        const element = createElement('c-msi-actions-account', { is: MsiActionsAccount });
        const handler = jest.fn();
        element.addEventListener('accountchange', handler);
        document.body.appendChild(element);
        await flushPromises();
        expect(handler.mock.calls[0][0].detail.account.status).toBe('active');
    });

    it('is accessible with an active account', async () => {
        const { element } = render();
        await flushPromises();
        await expect(element).toBeAccessible();
    });
});
