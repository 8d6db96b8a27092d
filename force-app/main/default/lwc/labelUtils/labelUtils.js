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
import REASON_DUPLICATE_ADDRESS from '@salesforce/label/c.MSI_Reason_Duplicate_Address';
import REASON_DUPLICATE_IN_FILE from '@salesforce/label/c.MSI_Reason_Duplicate_In_File';
import REASON_EMAIL_EMPTY from '@salesforce/label/c.MSI_Reason_Email_Empty';
import REASON_EMAIL_INVALID_CHARACTERS from '@salesforce/label/c.MSI_Reason_Email_Invalid_Characters';
import REASON_EMAIL_INVALID_DOMAIN from '@salesforce/label/c.MSI_Reason_Email_Invalid_Domain';
import REASON_EMAIL_LOCAL_TOO_LONG from '@salesforce/label/c.MSI_Reason_Email_Local_Too_Long';
import REASON_EMAIL_MISSING from '@salesforce/label/c.MSI_Reason_Email_Missing';
import REASON_EMAIL_NO_AT from '@salesforce/label/c.MSI_Reason_Email_No_At';
import REASON_EMAIL_NO_DOMAIN from '@salesforce/label/c.MSI_Reason_Email_No_Domain';
import REASON_EMAIL_TOO_LONG from '@salesforce/label/c.MSI_Reason_Email_Too_Long';
import REASON_FIRST_NAME_TOO_LONG from '@salesforce/label/c.MSI_Reason_First_Name_Too_Long';
import REASON_INVALID_ROLE from '@salesforce/label/c.MSI_Reason_Invalid_Role';
import REASON_LAST_NAME_TOO_LONG from '@salesforce/label/c.MSI_Reason_Last_Name_Too_Long';
import REASON_NAME_TOO_LONG from '@salesforce/label/c.MSI_Reason_Name_Too_Long';
import REASON_SEAT_LIMIT from '@salesforce/label/c.MSI_Reason_Seat_Limit';
import REASON_TEAM_LIMIT from '@salesforce/label/c.MSI_Reason_Team_Limit';
import REASON_TEAM_NAME_TOO_LONG from '@salesforce/label/c.MSI_Reason_Team_Name_Too_Long';
import REASON_TOO_FEW_VALUES from '@salesforce/label/c.MSI_Reason_Too_Few_Values';
import REASON_TOO_MANY_VALUES from '@salesforce/label/c.MSI_Reason_Too_Many_Values';
import REASON_UNKNOWN_TEAM from '@salesforce/label/c.MSI_Reason_Unknown_Team';
import REASON_USER_DEACTIVATED from '@salesforce/label/c.MSI_Reason_User_Deactivated';
import KIND_EMAIL_SENT from '@salesforce/label/c.MSI_Activity_Email_Sent';
import KIND_EMAIL_OPENED from '@salesforce/label/c.MSI_Activity_Email_Opened';
import KIND_EMAIL_CLICKED from '@salesforce/label/c.MSI_Activity_Email_Clicked';
import KIND_EMAIL_REPLIED from '@salesforce/label/c.MSI_Activity_Email_Replied';
import KIND_EMAIL_BOUNCED from '@salesforce/label/c.MSI_Activity_Email_Bounced';
import KIND_CALL from '@salesforce/label/c.MSI_Activity_Call';
import KIND_CAMPAIGN_ADDED from '@salesforce/label/c.MSI_Activity_Campaign_Added';
import KIND_CAMPAIGN_REMOVED from '@salesforce/label/c.MSI_Activity_Campaign_Removed';

/** The service's outcome of an address or CSV row -> its words. */
const OUTCOMES = {
    invited: INVITED,
    resent: RESENT,
    already_member: ALREADY_MEMBER,
    invalid: INVALID,
    refused: REFUSED,
    duplicate: DUPLICATE
};

/** The service's activity kinds -> their words. */
const ACTIVITY_KINDS = {
    email_sent: KIND_EMAIL_SENT,
    email_opened: KIND_EMAIL_OPENED,
    email_clicked: KIND_EMAIL_CLICKED,
    email_replied: KIND_EMAIL_REPLIED,
    email_bounced: KIND_EMAIL_BOUNCED,
    call: KIND_CALL,
    campaign_added: KIND_CAMPAIGN_ADDED,
    campaign_removed: KIND_CAMPAIGN_REMOVED
};

/**
 * The service's reason codes (an address or CSV row's outcome, a row's problem) -> their words, and the names of
 * the service's params that fill `{0}`, `{1}`, ... in that order.
 */
const REASONS = {
    email_missing: [REASON_EMAIL_MISSING],
    email_empty: [REASON_EMAIL_EMPTY],
    email_too_long: [REASON_EMAIL_TOO_LONG, 'max'],
    email_no_at: [REASON_EMAIL_NO_AT],
    email_local_too_long: [REASON_EMAIL_LOCAL_TOO_LONG, 'max'],
    email_invalid_characters: [REASON_EMAIL_INVALID_CHARACTERS],
    email_no_domain: [REASON_EMAIL_NO_DOMAIN],
    email_invalid_domain: [REASON_EMAIL_INVALID_DOMAIN, 'domain'],
    duplicate_address: [REASON_DUPLICATE_ADDRESS],
    user_deactivated: [REASON_USER_DEACTIVATED],
    seat_limit: [REASON_SEAT_LIMIT, 'limit'],
    too_many_values: [REASON_TOO_MANY_VALUES, 'values', 'expected'],
    too_few_values: [REASON_TOO_FEW_VALUES, 'values', 'expected'],
    invalid_role: [REASON_INVALID_ROLE, 'role'],
    first_name_too_long: [REASON_FIRST_NAME_TOO_LONG, 'max'],
    last_name_too_long: [REASON_LAST_NAME_TOO_LONG, 'max'],
    name_too_long: [REASON_NAME_TOO_LONG, 'max'],
    duplicate_in_file: [REASON_DUPLICATE_IN_FILE, 'firstRow'],
    team_name_too_long: [REASON_TEAM_NAME_TOO_LONG, 'team', 'max'],
    unknown_team: [REASON_UNKNOWN_TEAM, 'team'],
    team_limit: [REASON_TEAM_LIMIT, 'team', 'limit']
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
 * Whether a lookup table (code -> label) has an entry for `key`: only its own entries, so a code such as
 * `constructor` from the service is not mistaken for one.
 * @param {object} table
 * @param {string|null|undefined} key
 * @returns {boolean}
 */
export function hasKey(table, key) {
    return !!key && Object.prototype.hasOwnProperty.call(table, key);
}

/**
 * The words for an activity kind (`email_sent`, `call`, ...); a kind this package does not know yet shows as the
 * service named it.
 * @param {string|null|undefined} kind
 * @returns {string}
 */
export function activityKindLabel(kind) {
    if (!kind) return '';
    return hasKey(ACTIVITY_KINDS, kind) ? ACTIVITY_KINDS[kind] : kind;
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

/**
 * One reason the service gave, `{ code, message, params }`, in the words of the user's language; a code this
 * package does not know yet shows the service's (English) message.
 * @param {{ code?: string, message?: string|null, params?: Record<string, string|number>|null }|null|undefined} reason
 * @returns {string}
 */
export function reasonLabel(reason) {
    if (!reason) return '';
    const known = hasKey(REASONS, reason.code) ? REASONS[reason.code] : undefined;
    if (!known) return reason.message || '';
    const [label, ...names] = known;
    const params = reason.params || {};
    return formatLabel(label, ...names.map((name) => params[name]));
}

/**
 * The reasons of an address or row, joined as the service joins them; without reasons (an answer from before
 * the service sent codes), the service's text.
 * @param {Array<{ code?: string, message?: string|null, params?: Record<string, string|number>|null }>|null|undefined} reasons
 * @param {string|null} [fallback] the service's `reason`
 * @returns {string}
 */
export function reasonsText(reasons, fallback = '') {
    if (!Array.isArray(reasons) || reasons.length === 0) return fallback || '';
    return reasons.map(reasonLabel).join('; ');
}
