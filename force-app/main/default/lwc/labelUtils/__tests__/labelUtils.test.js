import { activityKindLabel, confirmationText, formatLabel, outcomeLabel, reasonLabel, reasonsText } from 'c/labelUtils';
import INVITED from '@salesforce/label/c.MSI_Outcome_Invited';
import KIND_EMAIL_SENT from '@salesforce/label/c.MSI_Activity_Email_Sent';
import KIND_CAMPAIGN_REMOVED from '@salesforce/label/c.MSI_Activity_Campaign_Removed';
import CONFIRM_NOBODY from '@salesforce/label/c.MSI_Confirm_Nobody';

// The confirmation sentences get their English text here, so the formatting is tested too.
jest.mock('@salesforce/label/c.MSI_Confirm_Invited', () => ({ default: 'Invited: {0}.' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Confirm_Resent', () => ({ default: 'Sent again: {0}.' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Confirm_Already_Member', () => ({ default: 'Members: {0}.' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Confirm_Invalid_Addresses', () => ({ default: 'Bad addresses: {0}.' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Confirm_Invalid_Rows', () => ({ default: 'Bad rows: {0}.' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Confirm_Duplicates', () => ({ default: 'Duplicates: {0}.' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Confirm_Refused', () => ({ default: 'No seat: {0}.' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Reason_Too_Many_Values', () => ({ default: '{0} values, header {1}' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Reason_Team_Name_Too_Long', () => ({ default: 'team "{0}" over {1}' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Reason_Email_Missing', () => ({ default: 'no address' }), { virtual: true });

describe('c-label-utils', () => {
    it('fills the placeholders in order and keeps those without a value', () => {
        expect(formatLabel('{0} of {1} seats used', 3, 100)).toBe('3 of 100 seats used');
        expect(formatLabel('{1} before {0}', 'a', 'b')).toBe('b before a');
        expect(formatLabel('{0} and {1}', 'a', null)).toBe('a and {1}');
        expect(formatLabel('no placeholders')).toBe('no placeholders');
    });

    it('names each invitation outcome, and an unknown one as the service did', () => {
        expect(outcomeLabel('invited')).toBe(INVITED);
        expect(outcomeLabel('postponed')).toBe('postponed');
    });

    it('names each activity kind, and an unknown one as the service did', () => {
        expect(activityKindLabel('email_sent')).toBe(KIND_EMAIL_SENT);
        expect(activityKindLabel('campaign_removed')).toBe(KIND_CAMPAIGN_REMOVED);
        expect(activityKindLabel('meeting_booked')).toBe('meeting_booked');
        expect(activityKindLabel('toString')).toBe('toString');
        expect(activityKindLabel(null)).toBe('');
    });

    it('builds the confirmation from the counts, in labels', () => {
        const counts = { invited: 2, resent: 1, already_member: 1, invalid: 3, refused: 1, duplicate: 1 };
        expect(confirmationText(counts, 'address', 'English from the service')).toBe(
            'Invited: 2. Sent again: 1. Members: 1. Bad addresses: 3. Duplicates: 1. No seat: 1.'
        );
        expect(confirmationText({ ...counts, resent: 0, already_member: 0, refused: 0, duplicate: 0 }, 'row')).toBe(
            'Invited: 2. Bad rows: 3.'
        );
        expect(confirmationText({ invited: 0, resent: 0, already_member: 2 }, 'address')).toBe(
            `${CONFIRM_NOBODY} Members: 2.`
        );
    });

    it('words each reason code in its label with the params in order, and an unknown code as the service did', () => {
        expect(reasonLabel({ code: 'too_many_values', message: 'English', params: { expected: 2, values: 3 } })).toBe(
            '3 values, header 2'
        );
        expect(
            reasonLabel({ code: 'team_name_too_long', message: 'English', params: { team: 'Sales…', max: 80 } })
        ).toBe('team "Sales…" over 80');
        expect(reasonLabel({ code: 'email_missing', message: 'English' })).toBe('no address');
        expect(reasonLabel({ code: 'some_future_code', message: 'the service says so', params: {} })).toBe(
            'the service says so'
        );
        expect(reasonLabel({ code: 'toString', message: 'not a label' })).toBe('not a label');
        expect(reasonLabel({ message: 'no code at all' })).toBe('no code at all');
        expect(reasonLabel(null)).toBe('');
    });

    it('joins the reasons of a row, and falls back to the service text without them', () => {
        expect(
            reasonsText(
                [
                    { code: 'email_missing', message: 'a', params: {} },
                    { code: 'some_future_code', message: 'b', params: {} }
                ],
                'a; b'
            )
        ).toBe('no address; b');
        expect(reasonsText([], 'English reason')).toBe('English reason');
        expect(reasonsText(undefined, 'English reason')).toBe('English reason');
        expect(reasonsText(undefined, null)).toBe('');
    });

    it('falls back to the service message only without counts', () => {
        expect(confirmationText(undefined, 'address', 'English from the service')).toBe('English from the service');
        expect(confirmationText(null, 'row')).toBe('');
    });
});
