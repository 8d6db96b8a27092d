// Every word the account step shows, as Custom Labels (translated in translations/nl_NL).
import title from '@salesforce/label/c.MSI_Account_Title';
import inviteHeading from '@salesforce/label/c.MSI_Invite_Heading';
import inviteIntro from '@salesforce/label/c.MSI_Invite_Intro';
import inviteCandidates from '@salesforce/label/c.MSI_Invite_Candidates';
import inviteOther from '@salesforce/label/c.MSI_Invite_Other';
import invitees from '@salesforce/label/c.MSI_Invitees';
import adminName from '@salesforce/label/c.MSI_Admin_Name';
import adminEmail from '@salesforce/label/c.MSI_Admin_Email';
import addAdmin from '@salesforce/label/c.MSI_Add_Admin';
import sendInvitation from '@salesforce/label/c.MSI_Send_Invitation';
import resendInvitation from '@salesforce/label/c.MSI_Resend_Invitation';
import invitationSent from '@salesforce/label/c.MSI_Invitation_Sent';
import invitationSentDetail from '@salesforce/label/c.MSI_Invitation_Sent_Detail';
import clientId from '@salesforce/label/c.MSI_Client_Id';
import clientSecret from '@salesforce/label/c.MSI_Client_Secret';
import activatedOn from '@salesforce/label/c.MSI_Activated_On';
import originalUser from '@salesforce/label/c.MSI_Original_User';
import accountStatus from '@salesforce/label/c.MSI_Account_Status';
import statusPending from '@salesforce/label/c.MSI_Status_Pending';
import statusActive from '@salesforce/label/c.MSI_Status_Active';
import notAvailable from '@salesforce/label/c.MSI_Not_Available';
import noCredentialsHint from '@salesforce/label/c.MSI_No_Credentials_Hint';
import rotateSecret from '@salesforce/label/c.MSI_Rotate_Secret';
import secretRotated from '@salesforce/label/c.MSI_Secret_Rotated';
import pasteHeading from '@salesforce/label/c.MSI_Paste_Heading';
import saveCredentials from '@salesforce/label/c.MSI_Save_Credentials';
import credentialsSaved from '@salesforce/label/c.MSI_Credentials_Saved';
import credentialsSavedDetail from '@salesforce/label/c.MSI_Credentials_Saved_Detail';
import claimReceived from '@salesforce/label/c.MSI_Claim_Received';
import manualHeading from '@salesforce/label/c.MSI_Manual_Heading';
import manualSecretNote from '@salesforce/label/c.MSI_Manual_Secret_Note';
import errorTitle from '@salesforce/label/c.MSI_Error_Title';
import loading from '@salesforce/label/c.MSI_Loading';

export const LABELS = {
    title,
    inviteHeading,
    inviteIntro,
    inviteCandidates,
    inviteOther,
    invitees,
    adminName,
    adminEmail,
    addAdmin,
    sendInvitation,
    resendInvitation,
    invitationSent,
    invitationSentDetail,
    clientId,
    clientSecret,
    activatedOn,
    originalUser,
    accountStatus,
    statusPending,
    statusActive,
    notAvailable,
    noCredentialsHint,
    rotateSecret,
    secretRotated,
    pasteHeading,
    saveCredentials,
    credentialsSaved,
    credentialsSavedDetail,
    claimReceived,
    manualHeading,
    manualSecretNote,
    errorTitle,
    loading
};
