import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import MsiActionsConfiguration from 'c/msiActionsConfiguration';
import getSettings from '@salesforce/apex/MsiActionsConfigurationController.getSettings';
import saveSettings from '@salesforce/apex/MsiActionsConfigurationController.saveSettings';
import getPermissionSetUsers from '@salesforce/apex/MsiActionsConfigurationController.getPermissionSetUsers';
import assignPermissionSet from '@salesforce/apex/MsiActionsConfigurationController.assignPermissionSet';
import checkConnection from '@salesforce/apex/MsiActionsConfigurationController.checkConnection';
import getPackageSupport from '@salesforce/apex/MsiActionsConfigurationController.getPackageSupport';
import applyTaskLoggingSwitches from '@salesforce/apex/MsiActionsSetupController.applyTaskLoggingSwitches';
import KIND_CALLS from '@salesforce/label/c.MSI_Customizations_Log_Calls';
import KIND_EMAILS from '@salesforce/label/c.MSI_Customizations_Log_Emails';
import SERVICE_IN_LINE from '@salesforce/label/c.MSI_Config_Service_In_Line';
import SERVICE_FAILED_TITLE from '@salesforce/label/c.MSI_Config_Service_Failed_Title';
import STATUS_UNREACHABLE from '@salesforce/label/c.MSI_Check_Status_Unreachable';
import STATUS_OK from '@salesforce/label/c.MSI_Check_Status_Ok';
import UPGRADE_AVAILABLE from '@salesforce/label/c.MSI_Config_Upgrade_Available';
import UNSUPPORTED from '@salesforce/label/c.MSI_Config_Unsupported';

jest.mock('@salesforce/apex/MsiActionsConfigurationController.getSettings', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsConfigurationController.saveSettings', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsConfigurationController.getPermissionSetUsers', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsConfigurationController.assignPermissionSet', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsConfigurationController.checkConnection', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsConfigurationController.getPackageSupport', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsSetupController.applyTaskLoggingSwitches', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Config_Service_Updated', () => ({ default: 'The service no longer logs: {0}.' }), {
    virtual: true
});
jest.mock(
    '@salesforce/label/c.MSI_Config_Service_Failed',
    () => ({ default: 'Saved in Salesforce, the service could not be updated ({0}) and still logs until you retry.' }),
    { virtual: true }
);
jest.mock('@salesforce/label/c.MSI_Config_Assigned', () => ({ default: '{0} assigned, {1} had it already' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Config_Support_Unknown', () => ({ default: 'Unknown: {0}' }), { virtual: true });

registerSa11yMatcher();

const SETTINGS = {
    enabled: false,
    logEmails: true,
    logCalls: true,
    createReminderTasks: false,
    showPersonInsight: true
};
const USERS = [
    { userId: '005000000000001AAA', name: 'Ada Lovelace', username: 'ada@acme.example', email: 'ada@example.com', hasUser: true, hasAdmin: true },
    { userId: '005000000000002AAA', name: 'Bo Jansen', username: 'bo@acme.example', email: 'bo@example.com', hasUser: false, hasAdmin: false }
];
const SUPPORT = {
    installedVersion: '1.0.0',
    serviceVersion: '1.4.0',
    packageVersion: '1.0.0',
    supported: true,
    upgradeAvailable: true,
    minimumPackageVersion: '1.0.0',
    latestPackageVersion: '1.1.0'
};

async function flushPromises() {
    for (let i = 0; i < 8; i += 1) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function render(props = {}) {
    const element = createElement('c-msi-actions-configuration', { is: MsiActionsConfiguration });
    Object.assign(element, props);
    const toasts = [];
    const changes = [];
    element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
    element.addEventListener('stepchange', (event) => changes.push(event.detail));
    document.body.appendChild(element);
    return { element, toasts, changes };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

function toggle(input, checked) {
    input.checked = checked;
    input.dispatchEvent(new CustomEvent('change'));
}

describe('c-msi-actions-configuration', () => {
    beforeEach(() => {
        getSettings.mockResolvedValue(SETTINGS);
        getPermissionSetUsers.mockResolvedValue(USERS);
        getPackageSupport.mockResolvedValue(SUPPORT);
        applyTaskLoggingSwitches.mockResolvedValue([]);
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('enables MSI Actions with its switches and saves them', async () => {
        saveSettings.mockImplementation(({ settings }) => Promise.resolve(settings));
        const { element, toasts, changes } = render();
        await flushPromises();
        const switches = element.shadowRoot.querySelectorAll('lightning-input.switch');
        expect(switches).toHaveLength(4);
        expect(switches[0].disabled).toBe(true);
        toggle($(element, 'lightning-input.enabled'), true);
        await flushPromises();
        expect(element.shadowRoot.querySelector('lightning-input.switch').disabled).toBe(false);
        toggle(element.shadowRoot.querySelector('lightning-input[data-name="logCalls"]'), false);
        await flushPromises();
        $(element, '.save').click();
        await flushPromises();
        expect(saveSettings).toHaveBeenCalledWith({ settings: { ...SETTINGS, enabled: true, logCalls: false } });
        expect(toasts[0].variant).toBe('success');
        expect(changes).toEqual([{ step: 'configuration' }]);
    });

    it('applies the saved switches at the service and says which activities it no longer logs', async () => {
        saveSettings.mockImplementation(({ settings }) => Promise.resolve(settings));
        applyTaskLoggingSwitches.mockResolvedValue(['emails', 'calls']);
        const { element, toasts } = render();
        await flushPromises();
        $(element, '.save').click();
        await flushPromises();
        expect(applyTaskLoggingSwitches).toHaveBeenCalledTimes(1);
        expect(saveSettings.mock.invocationCallOrder[0]).toBeLessThan(applyTaskLoggingSwitches.mock.invocationCallOrder[0]);
        expect(toasts).toHaveLength(1);
        expect(toasts[0].variant).toBe('success');
        expect(toasts[0].message).toBe(`The service no longer logs: ${KIND_EMAILS}, ${KIND_CALLS}.`);
        expect($(element, '.service-problem')).toBeNull();
    });

    it('says so when the service already follows the switches', async () => {
        saveSettings.mockImplementation(({ settings }) => Promise.resolve(settings));
        const { element, toasts } = render();
        await flushPromises();
        $(element, '.save').click();
        await flushPromises();
        expect(toasts[0].variant).toBe('success');
        expect(toasts[0].message).toBe(SERVICE_IN_LINE);
    });

    it('says the switches are saved in Salesforce only when the service cannot be updated, and retries', async () => {
        saveSettings.mockImplementation(({ settings }) => Promise.resolve(settings));
        applyTaskLoggingSwitches
            .mockRejectedValueOnce({ body: { message: 'Rate limit exceeded' } })
            .mockResolvedValueOnce(['reminderTasks']);
        const { element, toasts, changes } = render();
        await flushPromises();
        $(element, '.save').click();
        await flushPromises();
        // The save itself succeeded: the checklist hears of it, and no error panel claims otherwise.
        expect(changes).toEqual([{ step: 'configuration' }]);
        expect($(element, '.error-panel')).toBeNull();
        expect(toasts[0].variant).toBe('warning');
        expect(toasts[0].title).toBe(SERVICE_FAILED_TITLE);
        const problem = $(element, '.service-problem-text').textContent;
        expect(problem).toBe('Saved in Salesforce, the service could not be updated (Rate limit exceeded) and still logs until you retry.');
        await expect(element).toBeAccessible();

        $(element, '.retry-service').click();
        await flushPromises();
        expect(applyTaskLoggingSwitches).toHaveBeenCalledTimes(2);
        expect(saveSettings).toHaveBeenCalledTimes(1);
        expect($(element, '.service-problem')).toBeNull();
        expect(toasts[1].variant).toBe('success');
    });

    it('assigns the chosen permission set to the chosen users', async () => {
        assignPermissionSet.mockResolvedValue({ assigned: 1, alreadyAssigned: 0 });
        const { element, toasts } = render();
        await flushPromises();
        expect($(element, 'lightning-datatable.users').data).toEqual(USERS);
        expect($(element, '.assign').disabled).toBe(true);
        $(element, 'lightning-datatable.users').dispatchEvent(
            new CustomEvent('rowselection', { detail: { selectedRows: [USERS[1]] } })
        );
        $(element, 'lightning-combobox.permission-set').dispatchEvent(
            new CustomEvent('change', { detail: { value: 'MSI_Actions_Admin' } })
        );
        await flushPromises();
        $(element, '.assign').click();
        await flushPromises();
        expect(assignPermissionSet).toHaveBeenCalledWith({
            userIds: ['005000000000002AAA'],
            permissionSet: 'MSI_Actions_Admin'
        });
        expect(toasts[0].title).toBe('1 assigned, 0 had it already');
        expect(getPermissionSetUsers).toHaveBeenCalledTimes(2);
    });

    it('searches users', async () => {
        const { element } = render();
        await flushPromises();
        $(element, 'lightning-input.user-search').dispatchEvent(new CustomEvent('change', { detail: { value: ' bo ' } }));
        await flushPromises();
        $(element, '.search-users').click();
        await flushPromises();
        expect(getPermissionSetUsers).toHaveBeenLastCalledWith({ search: 'bo' });
    });

    it('shows the result of the Named Credential check with the fix', async () => {
        checkConnection.mockResolvedValueOnce({
            status: 'unreachable',
            message: 'The MSI Actions service could not be reached (Unknown host).',
            fix: 'Set the URL of MSI_Actions.',
            checkedAt: '2026-11-21T09:00:00.000Z'
        });
        checkConnection.mockResolvedValueOnce({ status: 'ok', statusCode: 200, message: 'Accepted.', fix: null, checkedAt: '2026-11-21T09:01:00.000Z' });
        const { element } = render();
        await flushPromises();
        $(element, '.check-button').click();
        await flushPromises();
        expect($(element, '.check-status').textContent).toBe(STATUS_UNREACHABLE);
        expect($(element, '.check-message').textContent).toContain('Unknown host');
        expect($(element, '.check-fix').textContent).toContain('Set the URL of MSI_Actions.');
        $(element, '.check-button').click();
        await flushPromises();
        expect($(element, '.check-status').textContent).toBe(STATUS_OK);
        expect($(element, '.check-fix')).toBeNull();
    });

    it('shows the installed version and the service’s word on it', async () => {
        const { element } = render();
        await flushPromises();
        expect($(element, '.installed-version').textContent).toBe('1.0.0');
        expect($(element, '.latest-version').textContent).toBe('1.1.0');
        expect($(element, '.support-text').textContent).toBe(UPGRADE_AVAILABLE);
    });

    it('asks for an upgrade when the version is no longer supported', async () => {
        getPackageSupport.mockResolvedValue({ ...SUPPORT, supported: false });
        const { element } = render();
        await flushPromises();
        expect($(element, '.support-text').textContent).toBe(UNSUPPORTED);
    });

    it('still shows the installed version when the service cannot be asked', async () => {
        getPackageSupport.mockRejectedValue({ body: { message: 'The MSI Actions service could not be reached.' } });
        const { element } = render({ packageVersion: '1.0.0' });
        await flushPromises();
        expect($(element, '.installed-version').textContent).toBe('1.0.0');
        expect($(element, '.support-problem').textContent).toBe('Unknown: The MSI Actions service could not be reached.');
    });

    it('reports a refused save', async () => {
        saveSettings.mockRejectedValue({ body: { message: 'Insufficient access rights on object id' } });
        const { element, toasts } = render();
        await flushPromises();
        $(element, '.save').click();
        await flushPromises();
        expect($(element, '.error-panel').textContent).toContain('Insufficient access');
        expect(toasts[0].variant).toBe('error');
        expect(applyTaskLoggingSwitches).not.toHaveBeenCalled();
    });

    it('is accessible with a check result', async () => {
        checkConnection.mockResolvedValue({ status: 'unauthorized', message: 'Refused.', fix: 'Store them again.', checkedAt: '2026-11-21T09:00:00.000Z' });
        const { element } = render();
        await flushPromises();
        $(element, '.check-button').click();
        await flushPromises();
        await expect(element).toBeAccessible();
    });
});
