// Every word the Salesforce connection step shows, as Custom Labels (translated in translations/nl_NL).
import title from '@salesforce/label/c.MSI_Salesforce_Title';
import intro from '@salesforce/label/c.MSI_Salesforce_Intro';
import status from '@salesforce/label/c.MSI_Status_Heading';
import connected from '@salesforce/label/c.MSI_Salesforce_Connected';
import notConnected from '@salesforce/label/c.MSI_Salesforce_Not_Connected';
import broken from '@salesforce/label/c.MSI_Salesforce_Broken';
import login from '@salesforce/label/c.MSI_Salesforce_Login';
import loginProduction from '@salesforce/label/c.MSI_Salesforce_Login_Production';
import loginSandbox from '@salesforce/label/c.MSI_Salesforce_Login_Sandbox';
import loginMyDomain from '@salesforce/label/c.MSI_Salesforce_Login_My_Domain';
import myDomainUrl from '@salesforce/label/c.MSI_Salesforce_My_Domain_Url';
import connect from '@salesforce/label/c.MSI_Salesforce_Connect';
import reconnect from '@salesforce/label/c.MSI_Salesforce_Reconnect';
import opened from '@salesforce/label/c.MSI_Salesforce_Opened';
import verify from '@salesforce/label/c.MSI_Salesforce_Verify';
import verifiedToast from '@salesforce/label/c.MSI_Salesforce_Verified_Toast';
import disconnect from '@salesforce/label/c.MSI_Salesforce_Disconnect';
import disconnectConfirm from '@salesforce/label/c.MSI_Salesforce_Disconnect_Confirm';
import disconnectedToast from '@salesforce/label/c.MSI_Salesforce_Disconnected_Toast';
import username from '@salesforce/label/c.MSI_Salesforce_Username';
import orgId from '@salesforce/label/c.MSI_Salesforce_Org_Id';
import instanceUrl from '@salesforce/label/c.MSI_Salesforce_Instance_Url';
import connectedBy from '@salesforce/label/c.MSI_Salesforce_Connected_By';
import connectedAt from '@salesforce/label/c.MSI_Salesforce_Connected_At';
import apiUsage from '@salesforce/label/c.MSI_Salesforce_Api_Usage';
import apiUsageText from '@salesforce/label/c.MSI_Salesforce_Api_Usage_Text';
import lastError from '@salesforce/label/c.MSI_Salesforce_Last_Error';
import fix from '@salesforce/label/c.MSI_Salesforce_Fix';
import customizations from '@salesforce/label/c.MSI_Customizations_Title';
import logged from '@salesforce/label/c.MSI_Customizations_Logged';
import logEmails from '@salesforce/label/c.MSI_Customizations_Log_Emails';
import logCalls from '@salesforce/label/c.MSI_Customizations_Log_Calls';
import logReminders from '@salesforce/label/c.MSI_Customizations_Log_Reminders';
import typeEmail from '@salesforce/label/c.MSI_Customizations_Type_Email';
import typeCall from '@salesforce/label/c.MSI_Customizations_Type_Call';
import typeReply from '@salesforce/label/c.MSI_Customizations_Type_Reply';
import prefix from '@salesforce/label/c.MSI_Customizations_Prefix';
import precedence from '@salesforce/label/c.MSI_Customizations_Precedence';
import contact from '@salesforce/label/c.MSI_Customizations_Contact';
import lead from '@salesforce/label/c.MSI_Customizations_Lead';
import owner from '@salesforce/label/c.MSI_Customizations_Owner';
import ownerRep from '@salesforce/label/c.MSI_Customizations_Owner_Rep';
import ownerFallback from '@salesforce/label/c.MSI_Customizations_Owner_Fallback';
import fallbackUser from '@salesforce/label/c.MSI_Customizations_Fallback_User';
import save from '@salesforce/label/c.MSI_Customizations_Save';
import savedToast from '@salesforce/label/c.MSI_Customizations_Saved_Toast';
import warnings from '@salesforce/label/c.MSI_Customizations_Warnings';
import warningTypeFieldMissing from '@salesforce/label/c.MSI_Customizations_Warning_Type_Field_Missing';
import warningTypeMissing from '@salesforce/label/c.MSI_Customizations_Warning_Type_Missing';
import warningTypeInactive from '@salesforce/label/c.MSI_Customizations_Warning_Type_Inactive';
import warningOwnerInactive from '@salesforce/label/c.MSI_Customizations_Warning_Owner_Inactive';
import warningOwnerMissing from '@salesforce/label/c.MSI_Customizations_Warning_Owner_Missing';
import kindEmail from '@salesforce/label/c.MSI_Customizations_Kind_Email';
import kindCall from '@salesforce/label/c.MSI_Customizations_Kind_Call';
import kindReply from '@salesforce/label/c.MSI_Customizations_Kind_Reply';
import optionalFields from '@salesforce/label/c.MSI_Customizations_Optional_Fields';
import fieldPresent from '@salesforce/label/c.MSI_Customizations_Field_Present';
import fieldMissing from '@salesforce/label/c.MSI_Customizations_Field_Missing';
import cancel from '@salesforce/label/c.MSI_Cancel';
import loading from '@salesforce/label/c.MSI_Loading';
import errorTitle from '@salesforce/label/c.MSI_Error_Title';
import notAvailable from '@salesforce/label/c.MSI_Not_Available';

export const LABELS = {
  title,
  intro,
  status,
  connected,
  notConnected,
  broken,
  login,
  loginProduction,
  loginSandbox,
  loginMyDomain,
  myDomainUrl,
  connect,
  reconnect,
  opened,
  verify,
  verifiedToast,
  disconnect,
  disconnectConfirm,
  disconnectedToast,
  username,
  orgId,
  instanceUrl,
  connectedBy,
  connectedAt,
  apiUsage,
  apiUsageText,
  lastError,
  fix,
  customizations,
  logged,
  logEmails,
  logCalls,
  logReminders,
  typeEmail,
  typeCall,
  typeReply,
  prefix,
  precedence,
  contact,
  lead,
  owner,
  ownerRep,
  ownerFallback,
  fallbackUser,
  save,
  savedToast,
  warnings,
  warningTypeFieldMissing,
  warningTypeMissing,
  warningTypeInactive,
  warningOwnerInactive,
  warningOwnerMissing,
  kindEmail,
  kindCall,
  kindReply,
  optionalFields,
  fieldPresent,
  fieldMissing,
  cancel,
  loading,
  errorTitle,
  notAvailable,
};
