import INVITED from '@salesforce/label/c.MSI_Outcome_Invited';
import RESENT from '@salesforce/label/c.MSI_Outcome_Resent';
import ALREADY_MEMBER from '@salesforce/label/c.MSI_Outcome_Already_Member';
import INVALID from '@salesforce/label/c.MSI_Outcome_Invalid';
import REFUSED from '@salesforce/label/c.MSI_Outcome_Refused';
import DUPLICATE from '@salesforce/label/c.MSI_Outcome_Duplicate';
import CONFIRM_INVITED from '@salesforce/label/c.MSI_Confirm_Invited';
import CONFIRM_RESENT from '@salesforce/label/c.MSI_Confirm_Resent';
import CONFIRM_ALREADY_MEMBER from '@salesforce/label/c.MSI_Confirm_Already_Member';
import CONFIRM_INVALID_ADDRESSES from '@salesforce/label/c.MSI_Confirm_Invalid_Addresses';
import CONFIRM_INVALID_ROWS from '@salesforce/label/c.MSI_Confirm_Invalid_Rows';
import CONFIRM_DUPLICATES from '@salesforce/label/c.MSI_Confirm_Duplicates';
import CONFIRM_REFUSED from '@salesforce/label/c.MSI_Confirm_Refused';
import CONFIRM_NOBODY from '@salesforce/label/c.MSI_Confirm_Nobody';

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

/**
 * The confirmation after invitations went out, built from the service's counts per outcome in the words of the
 * user's language (the service's own `message` is English). `unit` says what was checked: addresses typed in,
 * or rows of a file. Without counts, the service's message is all there is.
 * @param {Record<string, number>|null|undefined} counts invited, resent, already_member, invalid, refused, duplicate
 * @param {'address'|'row'} unit
 * @param {string} [fallback] the service's message
 * @returns {string}
 */
export function confirmationText(counts, unit, fallback = '') {
    if (!counts) return fallback;
    const n = (outcome) => Number(counts[outcome]) || 0;
    const parts = [];
    if (n('invited') === 0 && n('resent') === 0) parts.push(CONFIRM_NOBODY);
    if (n('invited') > 0) parts.push(formatLabel(CONFIRM_INVITED, n('invited')));
    if (n('resent') > 0) parts.push(formatLabel(CONFIRM_RESENT, n('resent')));
    if (n('already_member') > 0) parts.push(formatLabel(CONFIRM_ALREADY_MEMBER, n('already_member')));
    if (n('invalid') > 0) {
        parts.push(formatLabel(unit === 'row' ? CONFIRM_INVALID_ROWS : CONFIRM_INVALID_ADDRESSES, n('invalid')));
    }
    if (n('duplicate') > 0) parts.push(formatLabel(CONFIRM_DUPLICATES, n('duplicate')));
    if (n('refused') > 0) parts.push(formatLabel(CONFIRM_REFUSED, n('refused')));
    return parts.join(' ');
}
