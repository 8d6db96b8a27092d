// Every word the CSV invitation step shows, as Custom Labels (translated in translations/nl_NL).
import title from '@salesforce/label/c.MSI_Csv_Title';
import intro from '@salesforce/label/c.MSI_Csv_Intro';
import file from '@salesforce/label/c.MSI_Csv_File';
import next from '@salesforce/label/c.MSI_Csv_Next';
import startOver from '@salesforce/label/c.MSI_Csv_Start_Over';
import tooLarge from '@salesforce/label/c.MSI_Csv_Too_Large';
import unreadable from '@salesforce/label/c.MSI_Csv_Unreadable';
import chosen from '@salesforce/label/c.MSI_Csv_Chosen';
import detected from '@salesforce/label/c.MSI_Csv_Detected';
import yes from '@salesforce/label/c.MSI_Yes';
import no from '@salesforce/label/c.MSI_No';
import summary from '@salesforce/label/c.MSI_Csv_Summary';
import seats from '@salesforce/label/c.MSI_Csv_Seats';
import mapping from '@salesforce/label/c.MSI_Csv_Mapping';
import column from '@salesforce/label/c.MSI_Csv_Column';
import samples from '@salesforce/label/c.MSI_Csv_Samples';
import field from '@salesforce/label/c.MSI_Csv_Field';
import fieldFor from '@salesforce/label/c.MSI_Csv_Field_For';
import fieldNone from '@salesforce/label/c.MSI_Csv_Field_None';
import fieldEmail from '@salesforce/label/c.MSI_Csv_Field_Email';
import fieldFirstName from '@salesforce/label/c.MSI_Csv_Field_First_Name';
import fieldLastName from '@salesforce/label/c.MSI_Csv_Field_Last_Name';
import fieldName from '@salesforce/label/c.MSI_Csv_Field_Name';
import fieldRole from '@salesforce/label/c.MSI_Role';
import fieldTeams from '@salesforce/label/c.MSI_Teams';
import emailRequired from '@salesforce/label/c.MSI_Csv_Email_Required';
import preview from '@salesforce/label/c.MSI_Csv_Preview';
import problems from '@salesforce/label/c.MSI_Csv_Problems';
import problemCount from '@salesforce/label/c.MSI_Csv_Problem_Count';
import rowProblem from '@salesforce/label/c.MSI_Csv_Row_Problem';
import unknownTeams from '@salesforce/label/c.MSI_Csv_Unknown_Teams';
import inviteHint from '@salesforce/label/c.MSI_Csv_Invite_Hint';
import invite from '@salesforce/label/c.MSI_Invite_Button';
import invited from '@salesforce/label/c.MSI_Invite_Done';
import results from '@salesforce/label/c.MSI_Csv_Results';
import alreadyCommitted from '@salesforce/label/c.MSI_Csv_Already_Committed';
import download from '@salesforce/label/c.MSI_Csv_Download';
import teamsCreated from '@salesforce/label/c.MSI_Csv_Teams_Created';
import columnRow from '@salesforce/label/c.MSI_Column_Row';
import columnEmail from '@salesforce/label/c.MSI_Column_Email';
import columnName from '@salesforce/label/c.MSI_Column_Name';
import columnRole from '@salesforce/label/c.MSI_Role';
import columnTeams from '@salesforce/label/c.MSI_Teams';
import columnOutcome from '@salesforce/label/c.MSI_Column_Outcome';
import columnReason from '@salesforce/label/c.MSI_Column_Reason';
import columnProblems from '@salesforce/label/c.MSI_Column_Problems';
import roleAdmin from '@salesforce/label/c.MSI_Role_Admin';
import roleUser from '@salesforce/label/c.MSI_Role_User';
import errorTitle from '@salesforce/label/c.MSI_Error_Title';
import loading from '@salesforce/label/c.MSI_Loading';

export const LABELS = {
    title,
    intro,
    file,
    next,
    startOver,
    tooLarge,
    unreadable,
    chosen,
    detected,
    yes,
    no,
    summary,
    seats,
    mapping,
    column,
    samples,
    field,
    fieldFor,
    fieldNone,
    fieldEmail,
    fieldFirstName,
    fieldLastName,
    fieldName,
    fieldRole,
    fieldTeams,
    emailRequired,
    preview,
    problems,
    problemCount,
    rowProblem,
    unknownTeams,
    inviteHint,
    invite,
    invited,
    results,
    alreadyCommitted,
    download,
    teamsCreated,
    columnRow,
    columnEmail,
    columnName,
    columnRole,
    columnTeams,
    columnOutcome,
    columnReason,
    columnProblems,
    roleAdmin,
    roleUser,
    errorTitle,
    loading
};
