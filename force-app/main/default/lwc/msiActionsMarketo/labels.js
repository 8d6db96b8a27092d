// Every word the Marketo step shows, as Custom Labels (translated in translations/nl_NL).
import title from '@salesforce/label/c.MSI_Marketo_Title';
import intro from '@salesforce/label/c.MSI_Marketo_Intro';
import status from '@salesforce/label/c.MSI_Status_Heading';
import connected from '@salesforce/label/c.MSI_Marketo_Connected';
import notConnected from '@salesforce/label/c.MSI_Marketo_Not_Connected';
import munchkinId from '@salesforce/label/c.MSI_Marketo_Munchkin_Id';
import munchkinHelp from '@salesforce/label/c.MSI_Marketo_Munchkin_Help';
import clientId from '@salesforce/label/c.MSI_Marketo_Client_Id';
import clientSecret from '@salesforce/label/c.MSI_Marketo_Client_Secret';
import secretHelp from '@salesforce/label/c.MSI_Marketo_Secret_Help';
import restUrl from '@salesforce/label/c.MSI_Marketo_Rest_Url';
import identityUrl from '@salesforce/label/c.MSI_Marketo_Identity_Url';
import way from '@salesforce/label/c.MSI_Marketo_Way';
import wayMunchkin from '@salesforce/label/c.MSI_Marketo_Way_Munchkin';
import wayPaste from '@salesforce/label/c.MSI_Marketo_Way_Paste';
import pasteHint from '@salesforce/label/c.MSI_Marketo_Paste_Hint';
import connect from '@salesforce/label/c.MSI_Marketo_Connect';
import change from '@salesforce/label/c.MSI_Marketo_Change';
import replaceHint from '@salesforce/label/c.MSI_Marketo_Replace_Hint';
import connectedToast from '@salesforce/label/c.MSI_Marketo_Connected_Toast';
import disconnect from '@salesforce/label/c.MSI_Marketo_Disconnect';
import disconnectConfirm from '@salesforce/label/c.MSI_Marketo_Disconnect_Confirm';
import disconnectedToast from '@salesforce/label/c.MSI_Marketo_Disconnected_Toast';
import cancel from '@salesforce/label/c.MSI_Cancel';
import apiUser from '@salesforce/label/c.MSI_Marketo_Api_User';
import connectedBy from '@salesforce/label/c.MSI_Marketo_Connected_By';
import connectedAt from '@salesforce/label/c.MSI_Marketo_Connected_At';
import lastVerified from '@salesforce/label/c.MSI_Marketo_Last_Verified';
import callsToday from '@salesforce/label/c.MSI_Marketo_Calls_Today';
import callsOfQuota from '@salesforce/label/c.MSI_Marketo_Calls_Of_Quota';
import quotaStopped from '@salesforce/label/c.MSI_Marketo_Quota_Stopped';
import lastError from '@salesforce/label/c.MSI_Marketo_Last_Error';
import errorText from '@salesforce/label/c.MSI_Marketo_Error_Text';
import notAvailable from '@salesforce/label/c.MSI_Not_Available';
import errorTitle from '@salesforce/label/c.MSI_Error_Title';
import loading from '@salesforce/label/c.MSI_Loading';

export const LABELS = {
    title,
    intro,
    status,
    connected,
    notConnected,
    munchkinId,
    munchkinHelp,
    clientId,
    clientSecret,
    secretHelp,
    restUrl,
    identityUrl,
    way,
    wayMunchkin,
    wayPaste,
    pasteHint,
    connect,
    change,
    replaceHint,
    connectedToast,
    disconnect,
    disconnectConfirm,
    disconnectedToast,
    cancel,
    apiUser,
    connectedBy,
    connectedAt,
    lastVerified,
    callsToday,
    callsOfQuota,
    quotaStopped,
    lastError,
    errorText,
    notAvailable,
    errorTitle,
    loading
};
