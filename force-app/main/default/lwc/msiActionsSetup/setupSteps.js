// The seven setup steps of the admin setup guide, in its order, with the persona who takes each.
export const SETUP_STEPS = [
    { number: 1, key: 'account', persona: 'Marketo Admin', title: 'Set up the Actions account' },
    {
        number: 2,
        key: 'salesforce',
        persona: 'Marketo Admin or Salesforce Admin',
        title: 'Connect the Actions account to Salesforce'
    },
    { number: 3, key: 'marketo', persona: 'Marketo Admin', title: 'Connect the Actions account to Marketo' },
    { number: 4, key: 'sync', persona: 'Marketo Admin', title: 'Start the data sync from Marketo' },
    { number: 5, key: 'invitations', persona: 'Marketo Admin', title: 'Invite users to MSI Actions' },
    { number: 6, key: 'package', persona: 'Salesforce Admin', title: 'Install or upgrade the MSI package' },
    { number: 7, key: 'configuration', persona: 'Salesforce Admin', title: 'Configure MSI Actions in Salesforce' }
];

export const STATUS = {
    notStarted: { label: 'Not started', badgeClass: 'slds-badge' },
    inProgress: { label: 'In progress', badgeClass: 'slds-badge slds-theme_warning' },
    done: { label: 'Done', badgeClass: 'slds-badge slds-theme_success' },
    needsAttention: { label: 'Needs attention', badgeClass: 'slds-badge slds-theme_error' }
};
