// Every word User Management shows, as Custom Labels (translated in translations/nl_NL).
import title from '@salesforce/label/c.MSI_Users_Title';
import seats from '@salesforce/label/c.MSI_Users_Seats';
import search from '@salesforce/label/c.MSI_Users_Search';
import filterStatus from '@salesforce/label/c.MSI_Users_Filter_Status';
import filterRole from '@salesforce/label/c.MSI_Users_Filter_Role';
import filterTeam from '@salesforce/label/c.MSI_Users_Filter_Team';
import all from '@salesforce/label/c.MSI_All';
import statusInvited from '@salesforce/label/c.MSI_User_Status_Invited';
import statusActive from '@salesforce/label/c.MSI_User_Status_Active';
import statusDeactivated from '@salesforce/label/c.MSI_User_Status_Deactivated';
import roleUser from '@salesforce/label/c.MSI_Role_User';
import roleAdmin from '@salesforce/label/c.MSI_Role_Admin';
import original from '@salesforce/label/c.MSI_Users_Original';
import table from '@salesforce/label/c.MSI_Users_Table';
import none from '@salesforce/label/c.MSI_Users_None';
import page from '@salesforce/label/c.MSI_Users_Page';
import previous from '@salesforce/label/c.MSI_Previous';
import next from '@salesforce/label/c.MSI_Next';
import makeAdmin from '@salesforce/label/c.MSI_Action_Make_Admin';
import makeUser from '@salesforce/label/c.MSI_Action_Make_User';
import teamsAction from '@salesforce/label/c.MSI_Action_Teams';
import resend from '@salesforce/label/c.MSI_Action_Resend';
import revoke from '@salesforce/label/c.MSI_Action_Revoke';
import deactivate from '@salesforce/label/c.MSI_Action_Deactivate';
import reactivate from '@salesforce/label/c.MSI_Action_Reactivate';
import remove from '@salesforce/label/c.MSI_Action_Delete';
import confirmDeactivate from '@salesforce/label/c.MSI_Confirm_Deactivate';
import confirmDelete from '@salesforce/label/c.MSI_Confirm_Delete_User';
import confirmRevoke from '@salesforce/label/c.MSI_Confirm_Revoke';
import confirm from '@salesforce/label/c.MSI_Confirm';
import cancel from '@salesforce/label/c.MSI_Cancel';
import save from '@salesforce/label/c.MSI_Save';
import teamsOf from '@salesforce/label/c.MSI_User_Teams_Of';
import teamsAvailable from '@salesforce/label/c.MSI_Teams_Available';
import teamsSelected from '@salesforce/label/c.MSI_Teams_Selected';
import updated from '@salesforce/label/c.MSI_Users_Updated';
import deleted from '@salesforce/label/c.MSI_Users_Deleted';
import resent from '@salesforce/label/c.MSI_Users_Resent';
import revoked from '@salesforce/label/c.MSI_Users_Revoked';
import columnName from '@salesforce/label/c.MSI_Column_Name';
import columnEmail from '@salesforce/label/c.MSI_Column_Email';
import columnRole from '@salesforce/label/c.MSI_Column_Role';
import columnStatus from '@salesforce/label/c.MSI_Column_User_Status';
import columnTeams from '@salesforce/label/c.MSI_Column_Teams';
import errorTitle from '@salesforce/label/c.MSI_Error_Title';
import loading from '@salesforce/label/c.MSI_Loading';

export const LABELS = {
    title,
    seats,
    search,
    filterStatus,
    filterRole,
    filterTeam,
    all,
    statusInvited,
    statusActive,
    statusDeactivated,
    roleUser,
    roleAdmin,
    original,
    table,
    none,
    page,
    previous,
    next,
    makeAdmin,
    makeUser,
    teamsAction,
    resend,
    revoke,
    deactivate,
    reactivate,
    remove,
    confirmDeactivate,
    confirmDelete,
    confirmRevoke,
    confirm,
    cancel,
    save,
    teamsOf,
    teamsAvailable,
    teamsSelected,
    updated,
    deleted,
    resent,
    revoked,
    columnName,
    columnEmail,
    columnRole,
    columnStatus,
    columnTeams,
    errorTitle,
    loading
};
