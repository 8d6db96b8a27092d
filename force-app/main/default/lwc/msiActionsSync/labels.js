// Every word the data sync step shows, as Custom Labels (translated in translations/nl_NL).
import title from '@salesforce/label/c.MSI_Sync_Title';
import intro from '@salesforce/label/c.MSI_Sync_Intro';
import status from '@salesforce/label/c.MSI_Status_Heading';
import fieldSync from '@salesforce/label/c.MSI_Sync_Field_Sync';
import openPreview from '@salesforce/label/c.MSI_Sync_Open_Preview';
import preview from '@salesforce/label/c.MSI_Sync_Preview';
import columnMsiField from '@salesforce/label/c.MSI_Sync_Column_Msi_Field';
import columnMarketoField from '@salesforce/label/c.MSI_Sync_Column_Marketo_Field';
import columnType from '@salesforce/label/c.MSI_Sync_Column_Type';
import columnWarning from '@salesforce/label/c.MSI_Sync_Column_Warning';
import ownerRow from '@salesforce/label/c.MSI_Sync_Owner_Row';
import extraRow from '@salesforce/label/c.MSI_Sync_Extra_Row';
import fieldFirstName from '@salesforce/label/c.MSI_Sync_Field_First_Name';
import fieldLastName from '@salesforce/label/c.MSI_Sync_Field_Last_Name';
import fieldSalesforceContactId from '@salesforce/label/c.MSI_Sync_Field_Salesforce_Contact_Id';
import fieldSalesforceLeadId from '@salesforce/label/c.MSI_Sync_Field_Salesforce_Lead_Id';
import fieldSalesforceAccountId from '@salesforce/label/c.MSI_Sync_Field_Salesforce_Account_Id';
import fieldSalesforceOpportunityId from '@salesforce/label/c.MSI_Sync_Field_Salesforce_Opportunity_Id';
import fieldMarketoId from '@salesforce/label/c.MSI_Sync_Field_Marketo_Id';
import fieldCompany from '@salesforce/label/c.MSI_Sync_Field_Company';
import fieldTitle from '@salesforce/label/c.MSI_Sync_Field_Title';
import fieldEmail from '@salesforce/label/c.MSI_Sync_Field_Email';
import fieldPhone from '@salesforce/label/c.MSI_Sync_Field_Phone';
import fieldLinkedinUrl from '@salesforce/label/c.MSI_Sync_Field_Linkedin_Url';
import fieldSource from '@salesforce/label/c.MSI_Sync_Field_Source';
import warningStandardMissing from '@salesforce/label/c.MSI_Sync_Warning_Standard_Missing';
import warningOwnerMissing from '@salesforce/label/c.MSI_Sync_Warning_Owner_Missing';
import warningExtraMissing from '@salesforce/label/c.MSI_Sync_Warning_Extra_Missing';
import countNoteSynced from '@salesforce/label/c.MSI_Sync_Count_Note_Synced';
import countNoteUnavailable from '@salesforce/label/c.MSI_Sync_Count_Note_Unavailable';
import qualifying from '@salesforce/label/c.MSI_Sync_Qualifying';
import sample from '@salesforce/label/c.MSI_Sync_Sample';
import sampleText from '@salesforce/label/c.MSI_Sync_Sample_Text';
import sampleEmpty from '@salesforce/label/c.MSI_Sync_Sample_Empty';
import columnName from '@salesforce/label/c.MSI_Column_Name';
import columnEmail from '@salesforce/label/c.MSI_Column_Email';
import columnCompany from '@salesforce/label/c.MSI_Sync_Column_Company';
import columnSalesforce from '@salesforce/label/c.MSI_Sync_Column_Salesforce';
import columnOwner from '@salesforce/label/c.MSI_Sync_Column_Owner';
import settings from '@salesforce/label/c.MSI_Sync_Settings';
import ownerField from '@salesforce/label/c.MSI_Sync_Owner_Field';
import ownerHelp from '@salesforce/label/c.MSI_Sync_Owner_Help';
import extraFields from '@salesforce/label/c.MSI_Sync_Extra_Fields';
import extraHelp from '@salesforce/label/c.MSI_Sync_Extra_Help';
import extraAvailable from '@salesforce/label/c.MSI_Sync_Extra_Available';
import extraSelected from '@salesforce/label/c.MSI_Sync_Extra_Selected';
import interval from '@salesforce/label/c.MSI_Sync_Interval';
import saveSettings from '@salesforce/label/c.MSI_Sync_Save_Settings';
import settingsSaved from '@salesforce/label/c.MSI_Sync_Settings_Saved';
import caution from '@salesforce/label/c.MSI_Sync_Caution';
import cautionStarted from '@salesforce/label/c.MSI_Setup_Sync_Caution';
import start from '@salesforce/label/c.MSI_Sync_Start';
import startedToast from '@salesforce/label/c.MSI_Sync_Started_Toast';
import phase from '@salesforce/label/c.MSI_Sync_Phase';
import phaseNotStarted from '@salesforce/label/c.MSI_Sync_Phase_Not_Started';
import phaseInitialLoad from '@salesforce/label/c.MSI_Sync_Phase_Initial_Load';
import phaseIncremental from '@salesforce/label/c.MSI_Sync_Phase_Incremental';
import phasePaused from '@salesforce/label/c.MSI_Sync_Phase_Paused';
import phaseWaiting from '@salesforce/label/c.MSI_Sync_Phase_Waiting';
import phaseFailed from '@salesforce/label/c.MSI_Sync_Phase_Failed';
import progress from '@salesforce/label/c.MSI_Sync_Progress';
import progressText from '@salesforce/label/c.MSI_Sync_Progress_Text';
import countRead from '@salesforce/label/c.MSI_Sync_Count_Read';
import countInserted from '@salesforce/label/c.MSI_Sync_Count_Inserted';
import countUpdated from '@salesforce/label/c.MSI_Sync_Count_Updated';
import countUnchanged from '@salesforce/label/c.MSI_Sync_Count_Unchanged';
import countRemoved from '@salesforce/label/c.MSI_Sync_Count_Removed';
import countSkipped from '@salesforce/label/c.MSI_Sync_Count_Skipped';
import counts from '@salesforce/label/c.MSI_Sync_Counts';
import rate from '@salesforce/label/c.MSI_Sync_Rate';
import rateText from '@salesforce/label/c.MSI_Sync_Rate_Text';
import eta from '@salesforce/label/c.MSI_Sync_Eta';
import etaMinutes from '@salesforce/label/c.MSI_Sync_Eta_Minutes';
import etaUnderMinute from '@salesforce/label/c.MSI_Sync_Eta_Under_Minute';
import callsToday from '@salesforce/label/c.MSI_Marketo_Calls_Today';
import callsOfQuota from '@salesforce/label/c.MSI_Marketo_Calls_Of_Quota';
import waiting from '@salesforce/label/c.MSI_Sync_Waiting';
import people from '@salesforce/label/c.MSI_Sync_People';
import peopleText from '@salesforce/label/c.MSI_Sync_People_Text';
import lastRun from '@salesforce/label/c.MSI_Sync_Last_Run';
import lag from '@salesforce/label/c.MSI_Sync_Lag';
import lagText from '@salesforce/label/c.MSI_Sync_Lag_Text';
import changes from '@salesforce/label/c.MSI_Sync_Changes';
import nextRun from '@salesforce/label/c.MSI_Sync_Next_Run';
import notConnected from '@salesforce/label/c.MSI_Sync_Marketo_Not_Connected';
import pause from '@salesforce/label/c.MSI_Sync_Pause';
import resume from '@salesforce/label/c.MSI_Sync_Resume';
import resync from '@salesforce/label/c.MSI_Sync_Resync';
import resyncConfirm from '@salesforce/label/c.MSI_Sync_Resync_Confirm';
import refresh from '@salesforce/label/c.MSI_Sync_Refresh';
import pausedToast from '@salesforce/label/c.MSI_Sync_Paused_Toast';
import resumedToast from '@salesforce/label/c.MSI_Sync_Resumed_Toast';
import resyncToast from '@salesforce/label/c.MSI_Sync_Resync_Toast';
import errors from '@salesforce/label/c.MSI_Sync_Errors';
import columnTime from '@salesforce/label/c.MSI_Sync_Column_Time';
import columnStep from '@salesforce/label/c.MSI_Sync_Column_Step';
import columnCode from '@salesforce/label/c.MSI_Sync_Column_Code';
import columnMessage from '@salesforce/label/c.MSI_Sync_Column_Message';
import runs from '@salesforce/label/c.MSI_Sync_Runs';
import runsEmpty from '@salesforce/label/c.MSI_Sync_Runs_Empty';
import columnStarted from '@salesforce/label/c.MSI_Sync_Column_Started';
import columnKind from '@salesforce/label/c.MSI_Sync_Column_Kind';
import columnMethod from '@salesforce/label/c.MSI_Sync_Column_Method';
import columnStartedBy from '@salesforce/label/c.MSI_Sync_Column_Started_By';
import columnEnded from '@salesforce/label/c.MSI_Sync_Column_Ended';
import cancel from '@salesforce/label/c.MSI_Cancel';
import notAvailable from '@salesforce/label/c.MSI_Not_Available';
import errorTitle from '@salesforce/label/c.MSI_Error_Title';
import loading from '@salesforce/label/c.MSI_Loading';

import kindInitial from '@salesforce/label/c.MSI_Sync_Kind_Initial';
import kindResync from '@salesforce/label/c.MSI_Sync_Kind_Resync';
import methodBulk from '@salesforce/label/c.MSI_Sync_Method_Bulk';
import methodRest from '@salesforce/label/c.MSI_Sync_Method_Rest';
import stepPlan from '@salesforce/label/c.MSI_Sync_Step_Plan';
import stepWindow from '@salesforce/label/c.MSI_Sync_Step_Window';
import stepIncremental from '@salesforce/label/c.MSI_Sync_Step_Incremental';
import errorToken from '@salesforce/label/c.MSI_Sync_Error_Token';
import errorAccessDenied from '@salesforce/label/c.MSI_Sync_Error_Access_Denied';
import errorTimeout from '@salesforce/label/c.MSI_Sync_Error_Timeout';
import errorRateLimit from '@salesforce/label/c.MSI_Sync_Error_Rate_Limit';
import errorDailyQuota from '@salesforce/label/c.MSI_Sync_Error_Daily_Quota';
import errorUnavailable from '@salesforce/label/c.MSI_Sync_Error_Unavailable';
import errorUnreachable from '@salesforce/label/c.MSI_Sync_Error_Unreachable';
import errorExportLimit from '@salesforce/label/c.MSI_Sync_Error_Export_Limit';
import waitingQuota from '@salesforce/label/c.MSI_Sync_Waiting_Quota';

export const LABELS = {
    kindInitial,
    kindResync,
    methodBulk,
    methodRest,
    stepPlan,
    stepWindow,
    stepIncremental,
    errorToken,
    errorAccessDenied,
    errorTimeout,
    errorRateLimit,
    errorDailyQuota,
    errorUnavailable,
    errorUnreachable,
    errorExportLimit,
    waitingQuota,
    title,
    intro,
    status,
    fieldSync,
    openPreview,
    preview,
    columnMsiField,
    columnMarketoField,
    columnType,
    columnWarning,
    ownerRow,
    extraRow,
    fieldFirstName,
    fieldLastName,
    fieldSalesforceContactId,
    fieldSalesforceLeadId,
    fieldSalesforceAccountId,
    fieldSalesforceOpportunityId,
    fieldMarketoId,
    fieldCompany,
    fieldTitle,
    fieldEmail,
    fieldPhone,
    fieldLinkedinUrl,
    fieldSource,
    warningStandardMissing,
    warningOwnerMissing,
    warningExtraMissing,
    countNoteSynced,
    countNoteUnavailable,
    qualifying,
    sample,
    sampleText,
    sampleEmpty,
    columnName,
    columnEmail,
    columnCompany,
    columnSalesforce,
    columnOwner,
    settings,
    ownerField,
    ownerHelp,
    extraFields,
    extraHelp,
    extraAvailable,
    extraSelected,
    interval,
    saveSettings,
    settingsSaved,
    caution,
    cautionStarted,
    start,
    startedToast,
    phase,
    phaseNotStarted,
    phaseInitialLoad,
    phaseIncremental,
    phasePaused,
    phaseWaiting,
    phaseFailed,
    progress,
    progressText,
    countRead,
    countInserted,
    countUpdated,
    countUnchanged,
    countRemoved,
    countSkipped,
    counts,
    rate,
    rateText,
    eta,
    etaMinutes,
    etaUnderMinute,
    callsToday,
    callsOfQuota,
    waiting,
    people,
    peopleText,
    lastRun,
    lag,
    lagText,
    changes,
    nextRun,
    notConnected,
    pause,
    resume,
    resync,
    resyncConfirm,
    refresh,
    pausedToast,
    resumedToast,
    resyncToast,
    errors,
    columnTime,
    columnStep,
    columnCode,
    columnMessage,
    runs,
    runsEmpty,
    columnStarted,
    columnKind,
    columnMethod,
    columnStartedBy,
    columnEnded,
    cancel,
    notAvailable,
    errorTitle,
    loading
};
