import { renderMail, type OutgoingMail } from '../platform/mail.js';

/** The activation / invitation e-mail: who invited whom to which account, and what to do next. */
export function invitationMail(input: {
  to: string;
  inviteeName: string;
  inviterName: string | null;
  orgName: string;
  accountPending: boolean;
  role: 'Admin' | 'User';
  link: string;
  expiresAt: Date;
}): OutgoingMail {
  const who = input.inviterName ? `${input.inviterName} invited you` : 'You have been invited';
  const expires = input.expiresAt.toUTCString();
  const paragraphs = input.accountPending
    ? [
        `Hello ${input.inviteeName},`,
        `${who} to set up Marketo Sales Insight Actions for the Salesforce org "${input.orgName}" as an administrator.`,
        'To get access: open the link below, check that the org is yours and click Activate. The page then shows the Client ID and Client Secret of the account, once, and a Return to Salesforce button that finishes the setup on the MSI Actions Setup page.',
        `The link works once and expires on ${expires}. If it has expired, ask for a new invitation from the MSI Actions Setup page in Salesforce.`,
      ]
    : [
        `Hello ${input.inviteeName},`,
        `${who} to MSI Actions for the Salesforce org "${input.orgName}" as ${input.role === 'Admin' ? 'an administrator' : 'a user'}.`,
        'To get access: open the link below and click Accept. After that you can use MSI Actions from Salesforce.',
        `The link works once and expires on ${expires}.`,
      ];
  const { text, html } = renderMail({
    title: input.accountPending ? `Activate MSI Actions for ${input.orgName}` : `You're invited to MSI Actions for ${input.orgName}`,
    paragraphs,
    action: { label: input.accountPending ? 'Activate the account' : 'Accept the invitation', url: input.link },
    footer: 'If you did not expect this e-mail, you can ignore it: nothing happens until the link is used.',
  });
  return {
    to: input.to,
    subject: input.accountPending ? `Activate MSI Actions for ${input.orgName}` : `You're invited to MSI Actions for ${input.orgName}`,
    text,
    html,
  };
}
