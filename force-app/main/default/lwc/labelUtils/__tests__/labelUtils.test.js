import { formatLabel, outcomeLabel } from 'c/labelUtils';
import INVITED from '@salesforce/label/c.MSI_Outcome_Invited';

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
});
