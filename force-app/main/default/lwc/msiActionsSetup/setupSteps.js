// The seven setup steps of the admin setup guide, in its order, with the persona who takes each.
import MARKETO_ADMIN from '@salesforce/label/c.MSI_Persona_Marketo_Admin';
import EITHER_ADMIN from '@salesforce/label/c.MSI_Persona_Either_Admin';
import SALESFORCE_ADMIN from '@salesforce/label/c.MSI_Persona_Salesforce_Admin';
import STEP_ACCOUNT from '@salesforce/label/c.MSI_Step_Account';
import STEP_SALESFORCE from '@salesforce/label/c.MSI_Step_Salesforce';
import STEP_MARKETO from '@salesforce/label/c.MSI_Step_Marketo';
import STEP_SYNC from '@salesforce/label/c.MSI_Step_Sync';
import STEP_INVITATIONS from '@salesforce/label/c.MSI_Step_Invitations';
import STEP_PACKAGE from '@salesforce/label/c.MSI_Step_Package';
import STEP_CONFIGURATION from '@salesforce/label/c.MSI_Step_Configuration';
import NOT_STARTED from '@salesforce/label/c.MSI_Status_Not_Started';
import IN_PROGRESS from '@salesforce/label/c.MSI_Status_In_Progress';
import DONE from '@salesforce/label/c.MSI_Status_Done';
import NEEDS_ATTENTION from '@salesforce/label/c.MSI_Status_Needs_Attention';

/** @typedef {{ number: number, key: string, persona: string, title: string }} SetupStep */

/** @type {SetupStep[]} */
export const SETUP_STEPS = [
    { number: 1, key: 'account', persona: MARKETO_ADMIN, title: STEP_ACCOUNT },
    { number: 2, key: 'salesforce', persona: EITHER_ADMIN, title: STEP_SALESFORCE },
    { number: 3, key: 'marketo', persona: MARKETO_ADMIN, title: STEP_MARKETO },
    { number: 4, key: 'sync', persona: MARKETO_ADMIN, title: STEP_SYNC },
    { number: 5, key: 'invitations', persona: MARKETO_ADMIN, title: STEP_INVITATIONS },
    { number: 6, key: 'package', persona: SALESFORCE_ADMIN, title: STEP_PACKAGE },
    { number: 7, key: 'configuration', persona: SALESFORCE_ADMIN, title: STEP_CONFIGURATION }
];

/** Status key -> label and badge. */
export const STATUS = {
    notStarted: { label: NOT_STARTED, badgeClass: 'slds-badge' },
    inProgress: { label: IN_PROGRESS, badgeClass: 'slds-badge slds-theme_warning' },
    done: { label: DONE, badgeClass: 'slds-badge slds-theme_success' },
    needsAttention: { label: NEEDS_ATTENTION, badgeClass: 'slds-badge slds-theme_error' }
};

/**
 * Fills `{0}`, `{1}`, ... in a Custom Label, as Apex's String.format does.
 * @param {string} label
 * @param {...(string|number)} values
 * @returns {string}
 */
export function formatLabel(label, ...values) {
    return label.replace(/\{(\d+)\}/g, (match, index) => (index < values.length ? String(values[index]) : match));
}
