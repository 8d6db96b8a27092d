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
import SYNC_CAUTION from '@salesforce/label/c.MSI_Setup_Sync_Caution';
import UPGRADE_TITLE from '@salesforce/label/c.MSI_Setup_Upgrade_Title';
import UPGRADE_HINT from '@salesforce/label/c.MSI_Setup_Upgrade_Hint';
import getMarketoConnection from '@salesforce/apex/MsiActionsSetupController.getMarketoConnection';
import listTeams from '@salesforce/apex/MsiActionsUsersController.listTeams';
import listUsers from '@salesforce/apex/MsiActionsUsersController.listUsers';
import getSettings from '@salesforce/apex/MsiActionsConfigurationController.getSettings';
import getPermissionSetUsers from '@salesforce/apex/MsiActionsConfigurationController.getPermissionSetUsers';
import getPackageSupport from '@salesforce/apex/MsiActionsConfigurationController.getPackageSupport';
import getSalesforceConnection from '@salesforce/apex/MsiActionsSetupController.getSalesforceConnection';
import getSalesforceCustomizations from '@salesforce/apex/MsiActionsSetupController.getSalesforceCustomizations';
import getSyncStatus from '@salesforce/apex/MsiActionsSyncController.getSyncStatus';
import listSyncRuns from '@salesforce/apex/MsiActionsSyncController.listSyncRuns';
import getDiagnostics from '@salesforce/apex/MsiActionsSyncController.getDiagnostics';
import { formatLabel } from '../setupSteps';

jest.mock('@salesforce/apex/MsiActionsSetupController.getSetupState', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSetupController.getAccount', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSetupController.getAdminCandidates', () => ({ default: jest.fn() }), {
    virtual: true
});

// The step pages read their own data when they open.
jest.mock('@salesforce/apex/MsiActionsSetupController.getMarketoConnection', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsUsersController.listTeams', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsUsersController.listUsers', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsConfigurationController.getSettings', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsConfigurationController.getPermissionSetUsers', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsConfigurationController.getPackageSupport', () => ({ default: jest.fn() }), {
    virtual: true
});

jest.mock('@salesforce/apex/MsiActionsSetupController.getSalesforceConnection', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsSetupController.getSalesforceCustomizations', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsSyncController.getSyncStatus', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSyncController.listSyncRuns', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsSyncController.getDiagnostics', () => ({ default: jest.fn() }), { virtual: true });

// Labels with placeholders get their English text here, so the formatting is tested too.
jest.mock('@salesforce/label/c.MSI_Package_Version', () => ({ default: 'Package version {0}' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Setup_Progress', () => ({ default: '{0} of {1} steps done' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Setup_Upgrade_Latest', () => ({ default: 'The latest version is {0}.' }), { virtual: true });
jest.mock(
    '@salesforce/label/c.MSI_Error_Upgrade_Required',
    () => ({ default: 'MSI Actions package version {0} is no longer supported.' }),
    { virtual: true }
);

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
        getMarketoConnection.mockResolvedValue({ connected: false, callsToday: 0 });
        getSalesforceConnection.mockResolvedValue({ status: 'not_connected' });
        getSalesforceCustomizations.mockRejectedValue({ body: { message: 'not connected' } });
        listTeams.mockResolvedValue({ teams: [], limit: 20, count: 0 });
        listUsers.mockResolvedValue({ users: [], page: 1, pageSize: 25, total: 0, seats: { limit: 100, used: 0, available: 100 } });
        getSettings.mockResolvedValue({ enabled: false });
        getPermissionSetUsers.mockResolvedValue([]);
        getPackageSupport.mockRejectedValue({ body: { message: 'unreachable' } });
        getSyncStatus.mockResolvedValue({ phase: 'not_started', marketoConnected: false, marketoCallsToday: 0, people: { active: 0, removed: 0 }, run: null });
        listSyncRuns.mockResolvedValue({ runs: [] });
        getDiagnostics.mockResolvedValue({ summary: null, retrying: [], perDay: [], page: 1, pageSize: 20, failures: [] });
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

    it('opens the page of each step that has one and reloads the checklist when a page changes it', async () => {
        const element = await render();
        const openButtons = () => Array.from(element.shadowRoot.querySelectorAll('lightning-button.open-step'));
        // The account step is open; the install has no page here.
        expect(openButtons().map((b) => b.dataset.step)).toEqual(['salesforce', 'marketo', 'sync', 'invitations', 'configuration']);
        expect(element.shadowRoot.querySelector('tr[data-step="account"] .current-step')).not.toBeNull();

        element.shadowRoot.querySelector('lightning-button[data-step="salesforce"]').click();
        await flushPromises();
        const salesforce = element.shadowRoot.querySelector('c-msi-actions-salesforce');
        expect(salesforce).not.toBeNull();
        salesforce.dispatchEvent(new CustomEvent('stepchange', { detail: { step: 'salesforce' } }));
        await flushPromises();
        expect(getSetupState).toHaveBeenCalledTimes(2);

        element.shadowRoot.querySelector('lightning-button[data-step="marketo"]').click();
        await flushPromises();
        const marketo = element.shadowRoot.querySelector('c-msi-actions-marketo');
        expect(marketo).not.toBeNull();
        expect(element.shadowRoot.querySelector('c-msi-actions-account')).toBeNull();
        marketo.dispatchEvent(new CustomEvent('stepchange', { detail: { step: 'marketo' } }));
        await flushPromises();
        expect(getSetupState).toHaveBeenCalledTimes(3);

        element.shadowRoot.querySelector('lightning-button[data-step="sync"]').click();
        await flushPromises();
        const sync = element.shadowRoot.querySelector('c-msi-actions-sync');
        expect(sync).not.toBeNull();
        expect(element.shadowRoot.querySelector('c-msi-actions-diagnostics')).not.toBeNull();
        sync.dispatchEvent(new CustomEvent('stepchange', { detail: { step: 'sync', phase: 'initial_load' } }));
        await flushPromises();
        expect(getSetupState).toHaveBeenCalledTimes(4);

        element.shadowRoot.querySelector('lightning-button[data-step="invitations"]').click();
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-msi-actions-invite')).not.toBeNull();
        expect(element.shadowRoot.querySelector('c-msi-actions-csv-invite')).not.toBeNull();
        expect(element.shadowRoot.querySelector('c-msi-actions-users')).not.toBeNull();

        element.shadowRoot.querySelector('lightning-button[data-step="configuration"]').click();
        await flushPromises();
        const configuration = element.shadowRoot.querySelector('c-msi-actions-configuration');
        expect(configuration.packageVersion).toBe('1.0.0');
    });

    it('reads the users and teams again when the invite cards sent invitations', async () => {
        const element = await render();
        element.shadowRoot.querySelector('lightning-button[data-step="invitations"]').click();
        await flushPromises();
        expect(listUsers).toHaveBeenCalledTimes(1);
        // The teams card and the invite cards each read the teams once.
        const teamReads = listTeams.mock.calls.length;
        listUsers.mockResolvedValue({
            users: [{ id: 'u1', email: 'linus@example.com', name: 'Linus', role: 'user', status: 'invited', teams: [] }],
            page: 1,
            pageSize: 25,
            total: 1,
            seats: { limit: 100, used: 1, available: 99 }
        });

        element.shadowRoot.querySelector('c-msi-actions-invite').dispatchEvent(new CustomEvent('stepchange', { detail: { step: 'invitations' } }));
        await flushPromises();
        expect(listUsers).toHaveBeenCalledTimes(2);
        expect(listTeams).toHaveBeenCalledTimes(teamReads + 1);
        expect(getSetupState).toHaveBeenCalledTimes(2);

        // A CSV invitation may create teams: both lists again.
        element.shadowRoot.querySelector('c-msi-actions-csv-invite').dispatchEvent(new CustomEvent('stepchange', { detail: { step: 'invitations' } }));
        await flushPromises();
        expect(listUsers).toHaveBeenCalledTimes(3);
        expect(listTeams).toHaveBeenCalledTimes(teamReads + 2);
    });

    it('offers the invite card the teams Team Management or a CSV invitation changed', async () => {
        const element = await render();
        element.shadowRoot.querySelector('lightning-button[data-step="invitations"]').click();
        await flushPromises();
        const invite = element.shadowRoot.querySelector('c-msi-actions-invite');
        const teamsOffered = () => {
            const listbox = invite.shadowRoot.querySelector('lightning-dual-listbox');
            return listbox ? listbox.options.map((option) => option.label) : [];
        };
        expect(teamsOffered()).toEqual([]);
        const teamReads = listTeams.mock.calls.length;

        // Team Management created a team: the users card passes the teams on, nothing is read again.
        const everyone = { id: 't0', name: 'Everyone', everyone: true, memberCount: 1 };
        const sales = { id: 't1', name: 'Sales', everyone: false, memberCount: 0 };
        element.shadowRoot
            .querySelector('c-msi-actions-users')
            .dispatchEvent(new CustomEvent('teamschange', { detail: { teams: [everyone, sales] } }));
        await flushPromises();
        expect(teamsOffered()).toEqual(['Sales']);
        expect(listTeams).toHaveBeenCalledTimes(teamReads);

        // A CSV invitation created a team: Team Management reads the teams again, and the invite card offers them.
        listTeams.mockResolvedValue({
            teams: [everyone, sales, { id: 't2', name: 'Imported', everyone: false, memberCount: 3 }],
            limit: 20,
            count: 3
        });
        element.shadowRoot.querySelector('c-msi-actions-csv-invite').dispatchEvent(new CustomEvent('stepchange', { detail: { step: 'invitations' } }));
        await flushPromises();
        await flushPromises();
        expect(teamsOffered()).toEqual(['Sales', 'Imported']);
        expect(listTeams).toHaveBeenCalledTimes(teamReads + 1);
        await expect(element).toBeAccessible();
    });

    it('shows the caution of step 4 once the sync has started', async () => {
        let element = await render();
        expect(element.shadowRoot.querySelector('.sync-caution')).toBeNull();
        getSetupState.mockResolvedValue({ packageVersion: '1.0.0', stepStatus: { sync: 'inProgress' }, syncStarted: true });
        element = await render();
        expect(element.shadowRoot.querySelector('.sync-caution').textContent).toBe(SYNC_CAUTION);
    });

    it('asks for an upgrade when the service refuses the package version', async () => {
        getSetupState.mockResolvedValue({
            packageVersion: '1.0.0',
            stepStatus: { package: 'needsAttention', account: 'needsAttention' },
            problem: 'MSI Actions package version 1.0.0 is no longer supported. Install the latest version of the package.',
            upgradeRequired: true,
            latestPackageVersion: '1.3.0'
        });
        const element = await render();
        const banner = element.shadowRoot.querySelector('.upgrade-banner');
        expect(banner).not.toBeNull();
        expect(banner.classList).toContain('slds-alert_warning');
        expect(banner.querySelector('.upgrade-title').textContent).toBe(UPGRADE_TITLE);
        expect(banner.querySelector('.upgrade-message').textContent).toBe(
            'MSI Actions package version 1.0.0 is no longer supported. Install the latest version of the package. The latest version is 1.3.0.'
        );
        expect(banner.querySelector('.upgrade-hint').textContent).toBe(UPGRADE_HINT);
        const packageRow = element.shadowRoot.querySelector('tr[data-step="package"]');
        expect(packageRow.textContent).toContain(NEEDS_ATTENTION);
        expect(packageRow.textContent).not.toContain(DONE);
        await expect(element).toBeAccessible();
    });

    it('words the upgrade from its own label when the state carries no message', async () => {
        getSetupState.mockResolvedValue({ packageVersion: '1.0.0', stepStatus: { package: 'needsAttention' }, upgradeRequired: true });
        const element = await render();
        expect(element.shadowRoot.querySelector('.upgrade-message').textContent.trim()).toBe(
            'MSI Actions package version 1.0.0 is no longer supported.'
        );
    });

    it('shows no upgrade banner while the version is served', async () => {
        getSetupState.mockResolvedValue({ packageVersion: '1.0.0', stepStatus: { package: 'done' }, problem: 'Read timed out', upgradeRequired: false });
        const element = await render();
        expect(element.shadowRoot.querySelector('.upgrade-banner')).toBeNull();
        expect(element.shadowRoot.querySelector('tr[data-step="package"]').textContent).toContain(DONE);
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
