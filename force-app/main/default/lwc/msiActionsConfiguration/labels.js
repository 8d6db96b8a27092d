// Every word the configuration step shows, as Custom Labels (translated in translations/nl_NL).
import title from '@salesforce/label/c.MSI_Config_Title';
import settings from '@salesforce/label/c.MSI_Config_Settings';
import enabled from '@salesforce/label/c.MSI_Config_Enabled';
import enabledHelp from '@salesforce/label/c.MSI_Config_Enabled_Help';
import logEmails from '@salesforce/label/c.MSI_Config_Log_Emails';
import logCalls from '@salesforce/label/c.MSI_Config_Log_Calls';
import createReminderTasks from '@salesforce/label/c.MSI_Config_Reminder_Tasks';
import showPersonInsight from '@salesforce/label/c.MSI_Config_Person_Insight';
import saved from '@salesforce/label/c.MSI_Config_Saved';
import serviceUpdated from '@salesforce/label/c.MSI_Config_Service_Updated';
import serviceInLine from '@salesforce/label/c.MSI_Config_Service_In_Line';
import serviceFailed from '@salesforce/label/c.MSI_Config_Service_Failed';
import serviceFailedTitle from '@salesforce/label/c.MSI_Config_Service_Failed_Title';
import serviceRetry from '@salesforce/label/c.MSI_Config_Service_Retry';
import kindEmails from '@salesforce/label/c.MSI_Customizations_Log_Emails';
import kindCalls from '@salesforce/label/c.MSI_Customizations_Log_Calls';
import kindReminderTasks from '@salesforce/label/c.MSI_Customizations_Log_Reminders';
import save from '@salesforce/label/c.MSI_Save';
import permissions from '@salesforce/label/c.MSI_Config_Permissions';
import permissionsIntro from '@salesforce/label/c.MSI_Config_Permissions_Intro';
import findUsers from '@salesforce/label/c.MSI_Config_Find_Users';
import search from '@salesforce/label/c.MSI_Config_Search';
import permissionSet from '@salesforce/label/c.MSI_Config_Permission_Set';
import permUser from '@salesforce/label/c.MSI_Config_Perm_User';
import permAdmin from '@salesforce/label/c.MSI_Config_Perm_Admin';
import assign from '@salesforce/label/c.MSI_Config_Assign';
import assigned from '@salesforce/label/c.MSI_Config_Assigned';
import usersTable from '@salesforce/label/c.MSI_Config_Users_Table';
import columnName from '@salesforce/label/c.MSI_Column_Name';
import columnUsername from '@salesforce/label/c.MSI_Column_Username';
import columnEmail from '@salesforce/label/c.MSI_Column_Email';
import check from '@salesforce/label/c.MSI_Config_Check';
import checkIntro from '@salesforce/label/c.MSI_Config_Check_Intro';
import checkButton from '@salesforce/label/c.MSI_Config_Check_Button';
import statusOk from '@salesforce/label/c.MSI_Check_Status_Ok';
import statusUnauthorized from '@salesforce/label/c.MSI_Check_Status_Unauthorized';
import statusUnreachable from '@salesforce/label/c.MSI_Check_Status_Unreachable';
import statusUpgrade from '@salesforce/label/c.MSI_Check_Status_Upgrade';
import statusError from '@salesforce/label/c.MSI_Check_Status_Error';
import fix from '@salesforce/label/c.MSI_Check_Fix';
import version from '@salesforce/label/c.MSI_Config_Version';
import installed from '@salesforce/label/c.MSI_Config_Installed';
import latest from '@salesforce/label/c.MSI_Config_Latest';
import minimum from '@salesforce/label/c.MSI_Config_Minimum';
import serviceVersion from '@salesforce/label/c.MSI_Config_Service_Version';
import supported from '@salesforce/label/c.MSI_Config_Supported';
import upgradeAvailable from '@salesforce/label/c.MSI_Config_Upgrade_Available';
import unsupported from '@salesforce/label/c.MSI_Config_Unsupported';
import supportUnknown from '@salesforce/label/c.MSI_Config_Support_Unknown';
import notAvailable from '@salesforce/label/c.MSI_Not_Available';
import errorTitle from '@salesforce/label/c.MSI_Error_Title';
import loading from '@salesforce/label/c.MSI_Loading';

export const LABELS = {
    title,
    settings,
    enabled,
    enabledHelp,
    logEmails,
    logCalls,
    createReminderTasks,
    showPersonInsight,
    saved,
    serviceUpdated,
    serviceInLine,
    serviceFailed,
    serviceFailedTitle,
    serviceRetry,
    kindEmails,
    kindCalls,
    kindReminderTasks,
    save,
    permissions,
    permissionsIntro,
    findUsers,
    search,
    permissionSet,
    permUser,
    permAdmin,
    assign,
    assigned,
    usersTable,
    columnName,
    columnUsername,
    columnEmail,
    check,
    checkIntro,
    checkButton,
    statusOk,
    statusUnauthorized,
    statusUnreachable,
    statusUpgrade,
    statusError,
    fix,
    version,
    installed,
    latest,
    minimum,
    serviceVersion,
    supported,
    upgradeAvailable,
    unsupported,
    supportUnknown,
    notAvailable,
    errorTitle,
    loading
};
