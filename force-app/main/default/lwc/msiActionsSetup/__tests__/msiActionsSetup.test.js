import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import MsiActionsSetup from 'c/msiActionsSetup';
import getSetupState from '@salesforce/apex/MsiActionsSetupController.getSetupState';
import getAccount from '@salesforce/apex/MsiActionsSetupController.getAccount';
import getAdminCandidates from '@salesforce/apex/MsiActionsSetupController.getAdminCandidates';
import STEP_ACCOUNT from '@salesforce/label/c.MSI_Step_Account';
import STEP_CONFIGURATION from '@salesforce/label/c.MSI_Step_Configuration';
import EITHER_ADMIN from '@salesforce/label/c.MSI_Persona_Either_Admin';
import NEEDS_ATTENTION from '@salesforce/label/c.MSI_Status_Needs_Attention';
import NOT_STARTED from '@salesforce/label/c.MSI_Status_Not_Started';
import DONE from '@salesforce/label/c.MSI_Status_Done';
import TABLE from '@salesforce/label/c.MSI_Setup_Table';
import { formatLabel } from '../setupSteps';

jest.mock('@salesforce/apex/MsiActionsSetupController.getSetupState', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSetupController.getAccount', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSetupController.getAdminCandidates', () => ({ default: jest.fn() }), {
    virtual: true
});

// Labels with placeholders get their English text here, so the formatting is tested too.
jest.mock('@salesforce/label/c.MSI_Package_Version', () => ({ default: 'Package version {0}' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Setup_Progress', () => ({ default: '{0} of {1} steps done' }), { virtual: true });

registerSa11yMatcher();

async function flushPromises() {
    for (let i = 0; i < 5; i += 1) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

describe('c-msi-actions-setup', () => {
    beforeEach(() => {
        getSetupState.mockResolvedValue({ packageVersion: '1.0.0', stepStatus: { package: 'done' }, enabled: false });
        getAccount.mockResolvedValue(null);
        getAdminCandidates.mockResolvedValue([]);
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    async function render(stepStatus) {
        const element = createElement('c-msi-actions-setup', { is: MsiActionsSetup });
        if (stepStatus) element.stepStatus = stepStatus;
        document.body.appendChild(element);
        await flushPromises();
        return element;
    }

    it('lists the seven steps of the setup guide in order, with their persona', async () => {
        const element = await render();
        const rows = element.shadowRoot.querySelectorAll('tbody tr');
        expect(rows).toHaveLength(7);
        expect(rows[0].textContent).toContain(STEP_ACCOUNT);
        expect(rows[1].textContent).toContain(EITHER_ADMIN);
        expect(rows[6].textContent).toContain(STEP_CONFIGURATION);
    });

    it('shows the status the org reports, overridden by the stepStatus property', async () => {
        const element = await render({ account: 'done', salesforce: 'done', marketo: 'needsAttention' });
        const marketo = element.shadowRoot.querySelector('tr[data-step="marketo"]');
        expect(marketo.textContent).toContain(NEEDS_ATTENTION);
        expect(element.shadowRoot.querySelector('tr[data-step="sync"]').textContent).toContain(NOT_STARTED);
        expect(element.shadowRoot.querySelector('tr[data-step="package"]').textContent).toContain(DONE);
        expect(getSetupState).toHaveBeenCalledTimes(1);
        expect(element.shadowRoot.querySelector('.package-version').textContent).toBe('Package version 1.0.0');
        expect(element.shadowRoot.querySelector('.summary').textContent).toContain('3 of 7 steps done');
    });

    it('counts the finished steps', () => {
        expect(formatLabel('{0} of {1} steps done', 3, 7)).toBe('3 of 7 steps done');
        expect(formatLabel('{0} and {2}', 'a')).toBe('a and {2}');
    });

    it('shows the account step and reloads the checklist when the account changes', async () => {
        const element = await render();
        const account = element.shadowRoot.querySelector('c-msi-actions-account');
        expect(account).not.toBeNull();
        account.dispatchEvent(new CustomEvent('accountchange', { detail: { account: null } }));
        await flushPromises();
        expect(getSetupState).toHaveBeenCalledTimes(1);
        account.dispatchEvent(new CustomEvent('accountchange', { detail: { account: { status: 'pending' } } }));
        await flushPromises();
        expect(getSetupState).toHaveBeenCalledTimes(2);
    });

    it('reports a failed state read', async () => {
        getSetupState.mockRejectedValue({ body: { message: 'No access' } });
        const element = await render();
        expect(element.shadowRoot.querySelector('.error-panel').textContent).toContain('No access');
    });

    it('labels its table for assistive technology and is accessible', async () => {
        const element = await render();
        const table = element.shadowRoot.querySelector('table');
        expect(table.getAttribute('aria-label')).toBe(TABLE);
        element.shadowRoot.querySelectorAll('th').forEach((th) => expect(th.getAttribute('scope')).toBeTruthy());
        await expect(element).toBeAccessible();
    });
});
