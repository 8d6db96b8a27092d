import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import MsiActionsInvite from 'c/msiActionsInvite';
import inviteUsers from '@salesforce/apex/MsiActionsInvitationsController.inviteUsers';
import listTeams from '@salesforce/apex/MsiActionsUsersController.listTeams';
import INVITED from '@salesforce/label/c.MSI_Outcome_Invited';
import INVALID from '@salesforce/label/c.MSI_Outcome_Invalid';

// The confirmation is built from the counts in labels (the service's message is English).
jest.mock('@salesforce/label/c.MSI_Confirm_Invited', () => ({ default: 'Invited: {0}.' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Confirm_Invalid_Addresses', () => ({ default: 'Not valid: {0}.' }), {
    virtual: true
});

// The service's reason codes in labels, filled with the reason's params.
jest.mock('@salesforce/label/c.MSI_Reason_Email_No_At', () => ({ default: 'no "@" in it' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Reason_Seat_Limit', () => ({ default: 'no seat left (limit {0})' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Reason_User_Deactivated', () => ({ default: 'deactivated' }), { virtual: true });

jest.mock('@salesforce/apex/MsiActionsInvitationsController.inviteUsers', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsUsersController.listTeams', () => ({ default: jest.fn() }), { virtual: true });

registerSa11yMatcher();

const TEAMS = {
    teams: [
        { id: 't0', name: 'Everyone', everyone: true, memberCount: 3 },
        { id: 't1', name: 'Sales', everyone: false, memberCount: 2 }
    ],
    limit: 20,
    count: 2
};

const RESULT = {
    results: [
        { address: 'ada@example.com', email: 'ada@example.com', outcome: 'invited', reason: null, userId: 'u1' },
        {
            address: 'nope',
            email: null,
            outcome: 'invalid',
            reason: 'the address has no "@" with a name before it',
            reasons: [{ code: 'email_no_at', message: 'the address has no "@" with a name before it', params: {} }],
            userId: null
        }
    ],
    counts: { invited: 1, resent: 0, already_member: 0, invalid: 1, refused: 0, duplicate: 0 },
    duplicates: 0,
    message: '1 person was invited; the invitation e-mails are on their way. 1 address is not valid.'
};

async function flushPromises() {
    for (let i = 0; i < 5; i += 1) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function render() {
    const element = createElement('c-msi-actions-invite', { is: MsiActionsInvite });
    const toasts = [];
    const changes = [];
    element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
    element.addEventListener('stepchange', (event) => changes.push(event.detail));
    document.body.appendChild(element);
    return { element, toasts, changes };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

function change(control, value) {
    control.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

describe('c-msi-actions-invite', () => {
    beforeEach(() => {
        listTeams.mockResolvedValue(TEAMS);
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('offers the teams besides Everyone and the two roles', async () => {
        const { element } = render();
        await flushPromises();
        expect($(element, 'lightning-dual-listbox').options).toEqual([{ label: 'Sales', value: 't1' }]);
        expect($(element, 'lightning-combobox').options.map((o) => o.value)).toEqual(['User', 'Admin']);
        expect($(element, 'lightning-combobox').value).toBe('User');
        expect($(element, '.invite').disabled).toBe(true);
    });

    it('sends the addresses as typed with role and teams, and shows the outcome per address', async () => {
        inviteUsers.mockResolvedValue(RESULT);
        const { element, toasts, changes } = render();
        await flushPromises();
        change($(element, 'lightning-textarea'), 'ada@example.com;\nnope');
        change($(element, 'lightning-combobox'), 'Admin');
        change($(element, 'lightning-dual-listbox'), ['t1']);
        await flushPromises();
        $(element, '.invite').click();
        await flushPromises();
        expect(inviteUsers).toHaveBeenCalledWith({ addresses: 'ada@example.com;\nnope', role: 'Admin', teams: ['t1'] });
        expect($(element, '.confirmation').textContent).toBe('Invited: 1. Not valid: 1.');
        const rows = $(element, 'lightning-datatable').data;
        expect(rows.map((r) => r.outcomeText)).toEqual([INVITED, INVALID]);
        // The reason from its code, in a label; not the service's English.
        expect(rows.map((r) => r.reasonText)).toEqual(['', 'no "@" in it']);
        expect(toasts[0]).toEqual(expect.objectContaining({ variant: 'success', message: 'Invited: 1. Not valid: 1.' }));
        expect(changes).toEqual([{ step: 'invitations' }]);
        // What did not work stays in the box to be corrected.
        expect($(element, 'lightning-textarea').value).toBe('nope');
    });

    it('fills each reason label with its params, and shows the service text for a code it does not know', async () => {
        inviteUsers.mockResolvedValue({
            results: [
                {
                    address: 'late@example.com',
                    email: 'late@example.com',
                    outcome: 'refused',
                    reason: 'the account has no free seat (limit 100)',
                    reasons: [
                        {
                            code: 'seat_limit',
                            message: 'the account has no free seat (limit 100)',
                            params: { limit: 100 }
                        }
                    ],
                    userId: null
                },
                {
                    address: 'old@example.com',
                    email: 'old@example.com',
                    outcome: 'already_member',
                    reason: 'the user is deactivated: reactivate them instead',
                    reasons: [
                        {
                            code: 'user_deactivated',
                            message: 'the user is deactivated: reactivate them instead',
                            params: {}
                        }
                    ],
                    userId: 'u2'
                },
                {
                    address: 'new@example.com',
                    email: 'new@example.com',
                    outcome: 'refused',
                    reason: 'a reason this package does not know yet',
                    reasons: [
                        { code: 'some_future_code', message: 'a reason this package does not know yet', params: {} }
                    ],
                    userId: null
                },
                // An answer from a service without codes.
                { address: 'x', email: null, outcome: 'invalid', reason: 'Not an address.', userId: null }
            ],
            counts: { invited: 0, resent: 0, already_member: 1, invalid: 1, refused: 2, duplicate: 0 },
            duplicates: 0,
            message: 'Nobody new was invited.'
        });
        const { element } = render();
        await flushPromises();
        change($(element, 'lightning-textarea'), 'late@example.com old@example.com new@example.com x');
        await flushPromises();
        $(element, '.invite').click();
        await flushPromises();
        expect($(element, 'lightning-datatable').data.map((r) => r.reasonText)).toEqual([
            'no seat left (limit 100)',
            'deactivated',
            'a reason this package does not know yet',
            'Not an address.'
        ]);
        expect($(element, 'lightning-datatable').columns.map((c) => c.fieldName)).toContain('reasonText');
    });

    it('shows the service refusal, such as too many addresses', async () => {
        inviteUsers.mockRejectedValue({ body: { message: '600 addresses at once is more than 500.' } });
        const { element, toasts } = render();
        await flushPromises();
        change($(element, 'lightning-textarea'), 'a@example.com');
        await flushPromises();
        $(element, '.invite').click();
        await flushPromises();
        expect($(element, '.error-panel').textContent).toContain('600 addresses');
        expect(toasts[0].variant).toBe('error');
        expect($(element, '.confirmation')).toBeNull();
    });

    it('offers the teams its container hands over, and reads them again when asked without', async () => {
        const { element } = render();
        await flushPromises();
        change($(element, 'lightning-dual-listbox'), ['t1']);
        await flushPromises();
        expect(listTeams).toHaveBeenCalledTimes(1);

        // Team Management created a team and deleted Sales.
        await element.refresh([TEAMS.teams[0], { id: 't2', name: 'Support', everyone: false, memberCount: 0 }]);
        await flushPromises();
        expect(listTeams).toHaveBeenCalledTimes(1);
        expect($(element, 'lightning-dual-listbox').options).toEqual([{ label: 'Support', value: 't2' }]);
        // A team that is gone is no longer chosen.
        expect($(element, 'lightning-dual-listbox').value).toEqual([]);

        // A CSV invitation created a team: read again.
        listTeams.mockResolvedValue({
            ...TEAMS,
            teams: [...TEAMS.teams, { id: 't3', name: 'Imported', everyone: false, memberCount: 4 }]
        });
        await element.refresh();
        await flushPromises();
        expect(listTeams).toHaveBeenCalledTimes(2);
        expect($(element, 'lightning-dual-listbox').options.map((o) => o.label)).toEqual(['Sales', 'Imported']);

        inviteUsers.mockResolvedValue(RESULT);
        change($(element, 'lightning-textarea'), 'ada@example.com');
        change($(element, 'lightning-dual-listbox'), ['t3']);
        await flushPromises();
        $(element, '.invite').click();
        await flushPromises();
        expect(inviteUsers).toHaveBeenCalledWith({ addresses: 'ada@example.com', role: 'User', teams: ['t3'] });
        await expect(element).toBeAccessible();
    });

    it('works without teams to offer', async () => {
        listTeams.mockRejectedValue({ body: { message: 'No access' } });
        const { element } = render();
        await flushPromises();
        expect($(element, 'lightning-dual-listbox')).toBeNull();
        expect($(element, '.error-panel').textContent).toContain('No access');
    });

    it('is accessible with results', async () => {
        inviteUsers.mockResolvedValue(RESULT);
        const { element } = render();
        await flushPromises();
        change($(element, 'lightning-textarea'), 'ada@example.com');
        await flushPromises();
        $(element, '.invite').click();
        await flushPromises();
        await expect(element).toBeAccessible();
    });
});
