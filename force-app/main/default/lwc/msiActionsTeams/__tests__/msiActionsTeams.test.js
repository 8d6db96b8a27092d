import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import MsiActionsTeams from 'c/msiActionsTeams';
import listTeams from '@salesforce/apex/MsiActionsUsersController.listTeams';
import createTeam from '@salesforce/apex/MsiActionsUsersController.createTeam';
import renameTeam from '@salesforce/apex/MsiActionsUsersController.renameTeam';
import deleteTeam from '@salesforce/apex/MsiActionsUsersController.deleteTeam';

jest.mock('@salesforce/apex/MsiActionsUsersController.listTeams', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsUsersController.createTeam', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsUsersController.renameTeam', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsUsersController.deleteTeam', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Teams_Count', () => ({ default: '{0} of {1} teams' }), { virtual: true });

registerSa11yMatcher();

const EVERYONE = { id: 't0', name: 'Everyone', everyone: true, memberCount: 4, createdAt: '2026-11-20T10:00:00.000Z' };
const SALES = { id: 't1', name: 'Sales', everyone: false, memberCount: 2, createdAt: '2026-11-20T10:00:00.000Z' };
const TEAMS = { teams: [EVERYONE, SALES], limit: 20, count: 2 };

async function flushPromises() {
    for (let i = 0; i < 8; i += 1) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function render() {
    const element = createElement('c-msi-actions-teams', { is: MsiActionsTeams });
    const toasts = [];
    const changes = [];
    element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
    element.addEventListener('teamschange', (event) => changes.push(event.detail.teams));
    document.body.appendChild(element);
    return { element, toasts, changes };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

function rowAction(element, name, row) {
    $(element, 'lightning-datatable').dispatchEvent(new CustomEvent('rowaction', { detail: { action: { name }, row } }));
}

describe('c-msi-actions-teams', () => {
    beforeEach(() => {
        listTeams.mockResolvedValue(TEAMS);
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('lists the teams with the team limit and tells the user list', async () => {
        const { element, changes } = render();
        await flushPromises();
        expect($(element, 'lightning-datatable').data).toEqual([EVERYONE, SALES]);
        expect($(element, '.team-count').textContent).toBe('2 of 20 teams');
        expect(changes).toEqual([[EVERYONE, SALES]]);
    });

    it('switches off renaming and deleting Everyone', async () => {
        const { element } = render();
        await flushPromises();
        const rowActions = $(element, 'lightning-datatable').columns.find((c) => c.type === 'action').typeAttributes
            .rowActions;
        const offered = [];
        rowActions(EVERYONE, (actions) => offered.push(actions));
        rowActions(SALES, (actions) => offered.push(actions));
        expect(offered[0].every((a) => a.disabled)).toBe(true);
        expect(offered[1].some((a) => a.disabled)).toBe(false);
        rowAction(element, 'delete', EVERYONE);
        await flushPromises();
        expect($(element, '.confirm-delete')).toBeNull();
    });

    it('creates a team and reads the teams again', async () => {
        createTeam.mockResolvedValue({ ...SALES, id: 't2', name: 'Marketing' });
        const { element, toasts } = render();
        await flushPromises();
        const input = $(element, '.new-name');
        input.dispatchEvent(new CustomEvent('change', { detail: { value: ' Marketing ' } }));
        await flushPromises();
        $(element, '.create').click();
        await flushPromises();
        expect(createTeam).toHaveBeenCalledWith({ name: 'Marketing' });
        expect(listTeams).toHaveBeenCalledTimes(2);
        expect(toasts[0].variant).toBe('success');
    });

    it('renames a team', async () => {
        renameTeam.mockResolvedValue({ ...SALES, name: 'Field Sales' });
        const { element } = render();
        await flushPromises();
        rowAction(element, 'rename', SALES);
        await flushPromises();
        const input = $(element, '.rename-name');
        expect(input.value).toBe('Sales');
        input.dispatchEvent(new CustomEvent('change', { detail: { value: 'Field Sales' } }));
        await flushPromises();
        $(element, '.save-rename').click();
        await flushPromises();
        expect(renameTeam).toHaveBeenCalledWith({ teamId: 't1', name: 'Field Sales' });
        expect($(element, '.rename-panel')).toBeNull();
    });

    it('deletes a team after confirmation and shows a refusal as the service words it', async () => {
        deleteTeam.mockRejectedValueOnce({ body: { message: 'The team was not found.' } });
        deleteTeam.mockResolvedValueOnce({ deleted: true, id: 't1', name: 'Sales' });
        const { element, toasts } = render();
        await flushPromises();
        rowAction(element, 'delete', SALES);
        await flushPromises();
        expect(deleteTeam).not.toHaveBeenCalled();
        $(element, '.confirm-delete-button').click();
        await flushPromises();
        expect($(element, '.error-panel').textContent).toContain('The team was not found.');
        expect(toasts[0].variant).toBe('error');
        $(element, '.confirm-delete-button').click();
        await flushPromises();
        expect(deleteTeam).toHaveBeenCalledWith({ teamId: 't1' });
        expect($(element, '.confirm-delete')).toBeNull();
        expect($(element, '.error-panel')).toBeNull();
    });

    it('offers no create at the team limit', async () => {
        listTeams.mockResolvedValue({ teams: [EVERYONE, SALES], limit: 2, count: 2 });
        const { element } = render();
        await flushPromises();
        $(element, '.new-name').dispatchEvent(new CustomEvent('change', { detail: { value: 'More' } }));
        await flushPromises();
        expect($(element, '.create').disabled).toBe(true);
    });

    it('is accessible', async () => {
        const { element } = render();
        await flushPromises();
        rowAction(element, 'rename', SALES);
        await flushPromises();
        await expect(element).toBeAccessible();
    });
});
