import INVITED from '@salesforce/label/c.MSI_Outcome_Invited';
import RESENT from '@salesforce/label/c.MSI_Outcome_Resent';
import ALREADY_MEMBER from '@salesforce/label/c.MSI_Outcome_Already_Member';
import INVALID from '@salesforce/label/c.MSI_Outcome_Invalid';
import REFUSED from '@salesforce/label/c.MSI_Outcome_Refused';
import DUPLICATE from '@salesforce/label/c.MSI_Outcome_Duplicate';

/** The service's outcome of an address or CSV row -> its words. */
const OUTCOMES = {
    invited: INVITED,
    resent: RESENT,
    already_member: ALREADY_MEMBER,
    invalid: INVALID,
    refused: REFUSED,
    duplicate: DUPLICATE
};

/**
 * Fills `{0}`, `{1}`, ... in a Custom Label, as Apex's String.format does. Placeholders without a value
 * stay as they are, so a missing value shows instead of vanishing.
 * @param {string} label
 * @param {...(string|number|null|undefined)} values
 * @returns {string}
 */
export function formatLabel(label, ...values) {
    return label.replace(/\{(\d+)\}/g, (match, index) => {
        const value = values[index];
        return value === undefined || value === null ? match : String(value);
    });
}

/**
 * The words for an invitation outcome (`invited`, `already_member`, ...); an outcome this package does not
 * know yet shows as the service named it.
 * @param {string} outcome
 * @returns {string}
 */
export function outcomeLabel(outcome) {
    return OUTCOMES[outcome] || outcome;
}
