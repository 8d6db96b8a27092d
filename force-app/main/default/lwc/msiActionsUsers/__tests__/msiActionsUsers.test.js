import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import MsiActionsUsers from 'c/msiActionsUsers';
import listUsers from '@salesforce/apex/MsiActionsUsersController.listUsers';
import changeUserRole from '@salesforce/apex/MsiActionsUsersController.changeUserRole';
import addUserToTeams from '@salesforce/apex/MsiActionsUsersController.addUserToTeams';
import removeUserFromTeam from '@salesforce/apex/MsiActionsUsersController.removeUserFromTeam';
import deactivateUser from '@salesforce/apex/MsiActionsUsersController.deactivateUser';
import reactivateUser from '@salesforce/apex/MsiActionsUsersController.reactivateUser';
import deleteUser from '@salesforce/apex/MsiActionsUsersController.deleteUser';
import listTeams from '@salesforce/apex/MsiActionsUsersController.listTeams';
import resendInvitation from '@salesforce/apex/MsiActionsInvitationsController.resendInvitation';
import revokeInvitation from '@salesforce/apex/MsiActionsInvitationsController.revokeInvitation';
import { PAGE_SIZE, SEARCH_DELAY_MS } from '../msiActionsUsers';

const mockUsers = require('./data/users.json');

jest.mock('@salesforce/apex/MsiActionsUsersController.listUsers', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsUsersController.changeUserRole', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsUsersController.addUserToTeams', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsUsersController.removeUserFromTeam', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsUsersController.deactivateUser', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsUsersController.reactivateUser', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsUsersController.deleteUser', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsUsersController.listTeams', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiActionsInvitationsController.resendInvitation', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsInvitationsController.revokeInvitation', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Users_Seats', () => ({ default: '{0} of {1} seats used, {2} free' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Confirm_Delete_User', () => ({ default: 'Delete {0}?' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Users_Page', () => ({ default: 'Page {0} of {1}' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Users_Deleted', () => ({ default: '{0} is deleted; what they owned went to {1}.' }), {
    virtual: true
});

registerSa11yMatcher();

const TEAMS = {
    teams: [
        { id: 't0', name: 'Everyone', everyone: true, memberCount: 2 },
        { id: 't1', name: 'Sales', everyone: false, memberCount: 1 },
        { id: 't2', name: 'Marketing', everyone: false, memberCount: 0 }
    ],
    limit: 20,
    count: 3
};
const ORIGINAL_USER_RULE =
    'ada@example.com is the original user of this account and the data sync has been started: the sync and the ' +
    'Marketo connection run as this user, so deleting them would break the sync.';

async function flushPromises() {
    for (let i = 0; i < 10; i += 1) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function render() {
    const element = createElement('c-msi-actions-users', { is: MsiActionsUsers });
    const toasts = [];
    element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
    document.body.appendChild(element);
    return { element, toasts };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const [ADA, BO] = mockUsers.users;

function rowAction(element, name, row) {
    $(element, 'lightning-datatable.users').dispatchEvent(
        new CustomEvent('rowaction', { detail: { action: { name }, row } })
    );
}

function offeredActions(element, row) {
    const column = $(element, 'lightning-datatable.users').columns.find((c) => c.type === 'action');
    let offered;
    column.typeAttributes.rowActions(row, (actions) => {
        offered = actions.map((a) => a.name);
    });
    return offered;
}

describe('c-msi-actions-users', () => {
    beforeEach(() => {
        listUsers.mockResolvedValue(mockUsers);
        listTeams.mockResolvedValue(TEAMS);
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
        jest.useRealTimers();
    });

    it('lists the users with their teams and the seat count', async () => {
        const { element } = render();
        await flushPromises();
        expect(listUsers).toHaveBeenCalledWith({ search: '', status: '', role: '', team: '', page: 1, pageSize: PAGE_SIZE });
        const rows = $(element, 'lightning-datatable.users').data;
        expect(rows).toHaveLength(2);
        expect(rows[0].displayName).toContain('Ada Lovelace (');
        expect(rows[1].teamsText).toBe('Everyone, Sales');
        expect($(element, '.seats').textContent).toBe('30 of 100 seats used, 70 free');
        expect($(element, '.page-text').textContent).toBe('Page 1 of 2');
        expect($(element, '.previous').disabled).toBe(true);
    });

    it('offers the actions that fit each user', async () => {
        const { element } = render();
        await flushPromises();
        expect(offeredActions(element, ADA)).toEqual(['makeUser', 'teams', 'deactivate', 'delete']);
        expect(offeredActions(element, BO)).toEqual(['makeAdmin', 'teams', 'resend', 'revoke', 'delete']);
        expect(offeredActions(element, { ...BO, status: 'deactivated' })).toEqual([
            'makeAdmin',
            'teams',
            'reactivate',
            'delete'
        ]);
    });

    it('filters by status, role and team, and searches after a pause in typing', async () => {
        jest.useFakeTimers();
        const { element } = render();
        await flushPromises();
        const status = element.shadowRoot.querySelector('lightning-combobox[data-filter="status"]');
        status.dispatchEvent(new CustomEvent('change', { detail: { value: 'invited' } }));
        await flushPromises();
        expect(listUsers).toHaveBeenLastCalledWith(expect.objectContaining({ status: 'invited', page: 1 }));
        const team = element.shadowRoot.querySelector('lightning-combobox[data-filter="team"]');
        expect(team.options.map((o) => o.value)).toEqual(['', 't0', 't1', 't2']);

        const calls = listUsers.mock.calls.length;
        const search = $(element, 'lightning-input.search');
        search.dispatchEvent(new CustomEvent('change', { detail: { value: 'bo' } }));
        search.dispatchEvent(new CustomEvent('change', { detail: { value: 'bo jan' } }));
        expect(listUsers.mock.calls.length).toBe(calls);
        jest.advanceTimersByTime(SEARCH_DELAY_MS);
        await flushPromises();
        expect(listUsers.mock.calls.length).toBe(calls + 1);
        expect(listUsers).toHaveBeenLastCalledWith(expect.objectContaining({ search: 'bo jan', status: 'invited' }));
    });

    it('passes the teams of Team Management on to its container', async () => {
        const element = createElement('c-msi-actions-users', { is: MsiActionsUsers });
        const told = [];
        element.addEventListener('teamschange', (event) => told.push(event.detail.teams.map((team) => team.id)));
        document.body.appendChild(element);
        await flushPromises();
        expect(told).toEqual([['t0', 't1', 't2']]);

        // A CSV invitation created a team: the setup page asks for the users and teams again.
        listTeams.mockResolvedValue({ ...TEAMS, teams: [...TEAMS.teams, { id: 't3', name: 'Imported', everyone: false }] });
        await element.refresh();
        await flushPromises();
        expect(told).toEqual([
            ['t0', 't1', 't2'],
            ['t0', 't1', 't2', 't3']
        ]);
    });

    it('pages through the users', async () => {
        const { element } = render();
        await flushPromises();
        $(element, '.next').click();
        await flushPromises();
        expect(listUsers).toHaveBeenLastCalledWith(expect.objectContaining({ page: 2 }));
    });

    it('changes the role, resends and reactivates without asking', async () => {
        changeUserRole.mockResolvedValue({ ...BO, role: 'Admin' });
        resendInvitation.mockResolvedValue({ userId: BO.id, email: BO.email, outcome: 'resent' });
        reactivateUser.mockResolvedValue(BO);
        const { element, toasts } = render();
        await flushPromises();
        rowAction(element, 'makeAdmin', BO);
        await flushPromises();
        rowAction(element, 'resend', BO);
        await flushPromises();
        rowAction(element, 'reactivate', BO);
        await flushPromises();
        expect(changeUserRole).toHaveBeenCalledWith({ userId: 'u-bo', role: 'Admin' });
        expect(resendInvitation).toHaveBeenCalledWith({ userId: 'u-bo' });
        expect(reactivateUser).toHaveBeenCalledWith({ userId: 'u-bo' });
        expect(toasts.map((t) => t.variant)).toEqual(['success', 'success', 'success']);
    });

    it('ignores row actions while an action is under way, so a double click resends one e-mail', async () => {
        let answer;
        resendInvitation.mockImplementation(
            () =>
                new Promise((resolve) => {
                    answer = resolve;
                })
        );
        reactivateUser.mockResolvedValue(BO);
        const { element, toasts } = render();
        await flushPromises();
        rowAction(element, 'resend', BO);
        rowAction(element, 'resend', BO);
        await flushPromises();
        rowAction(element, 'makeAdmin', BO);
        rowAction(element, 'delete', BO);
        await flushPromises();
        expect(resendInvitation).toHaveBeenCalledTimes(1);
        expect(changeUserRole).not.toHaveBeenCalled();
        expect($(element, '.confirm-panel')).toBeNull();

        answer({ userId: BO.id, email: BO.email, outcome: 'resent' });
        await flushPromises();
        expect(toasts.map((t) => t.variant)).toEqual(['success']);
        // Done: the next action runs.
        rowAction(element, 'reactivate', BO);
        await flushPromises();
        expect(reactivateUser).toHaveBeenCalledWith({ userId: 'u-bo' });
        expect(resendInvitation).toHaveBeenCalledTimes(1);
    });

    it('deletes only after confirmation and names who received what they owned', async () => {
        deleteUser.mockResolvedValue({
            deleted: true,
            userId: 'u-bo',
            email: BO.email,
            transferredTo: { id: 'u-ada', email: 'ada@example.com' },
            items: {}
        });
        const { element, toasts } = render();
        await flushPromises();
        rowAction(element, 'delete', BO);
        await flushPromises();
        expect(deleteUser).not.toHaveBeenCalled();
        expect($(element, '.confirm-panel').textContent).toContain('bo@example.com');
        $(element, '.confirm').click();
        await flushPromises();
        expect(deleteUser).toHaveBeenCalledWith({ userId: 'u-bo', transferTo: null });
        expect(toasts[0].title).toBe('bo@example.com is deleted; what they owned went to ada@example.com.');
        expect($(element, '.confirm-panel')).toBeNull();
    });

    it('shows the original-user refusal exactly as the service words it', async () => {
        deleteUser.mockRejectedValue({ body: { message: ORIGINAL_USER_RULE }, ok: false, status: 500 });
        const { element, toasts } = render();
        await flushPromises();
        rowAction(element, 'delete', ADA);
        await flushPromises();
        $(element, '.confirm').click();
        await flushPromises();
        expect($(element, '.error-panel p').textContent).toBe(ORIGINAL_USER_RULE);
        expect(toasts[0]).toEqual(expect.objectContaining({ variant: 'error', message: ORIGINAL_USER_RULE }));
    });

    it('deactivates and withdraws an invitation after confirmation, or not when cancelled', async () => {
        deactivateUser.mockResolvedValue({ ...ADA, status: 'deactivated' });
        revokeInvitation.mockResolvedValue({ userId: BO.id, email: BO.email, revoked: true });
        const { element } = render();
        await flushPromises();
        rowAction(element, 'deactivate', ADA);
        await flushPromises();
        $(element, '.confirm-panel .cancel').click();
        await flushPromises();
        expect($(element, '.confirm-panel')).toBeNull();
        rowAction(element, 'deactivate', ADA);
        await flushPromises();
        $(element, '.confirm').click();
        await flushPromises();
        rowAction(element, 'revoke', BO);
        await flushPromises();
        $(element, '.confirm').click();
        await flushPromises();
        expect(deactivateUser).toHaveBeenCalledWith({ userId: 'u-ada' });
        expect(revokeInvitation).toHaveBeenCalledWith({ userId: 'u-bo' });
    });

    it('adds and removes teams of a user', async () => {
        addUserToTeams.mockResolvedValue(BO);
        removeUserFromTeam.mockResolvedValue(BO);
        const { element } = render();
        await flushPromises();
        rowAction(element, 'teams', BO);
        await flushPromises();
        const editor = $(element, 'lightning-dual-listbox.user-teams');
        expect(editor.options.map((o) => o.value)).toEqual(['t1', 't2']);
        expect(editor.value).toEqual(['t1']);
        editor.dispatchEvent(new CustomEvent('change', { detail: { value: ['t2'] } }));
        await flushPromises();
        $(element, '.save-teams').click();
        await flushPromises();
        expect(addUserToTeams).toHaveBeenCalledWith({ userId: 'u-bo', teams: ['t2'] });
        expect(removeUserFromTeam).toHaveBeenCalledWith({ userId: 'u-bo', teamId: 't1' });
        expect($(element, '.teams-editor')).toBeNull();
    });

    it('says when no user matches, and reports a failed read', async () => {
        listUsers.mockResolvedValueOnce({ ...mockUsers, users: [], total: 0 });
        const { element } = render();
        await flushPromises();
        expect($(element, '.no-users')).not.toBeNull();
        listUsers.mockRejectedValueOnce({ body: { message: 'The MSI Actions service could not be reached.' } });
        $(element, 'lightning-combobox[data-filter="role"]').dispatchEvent(
            new CustomEvent('change', { detail: { value: 'Admin' } })
        );
        await flushPromises();
        expect($(element, '.error-panel').textContent).toContain('could not be reached');
    });

    it('is accessible with a confirmation open', async () => {
        const { element } = render();
        await flushPromises();
        rowAction(element, 'delete', BO);
        await flushPromises();
        await expect(element).toBeAccessible();
    });
});
