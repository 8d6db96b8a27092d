// Every word the delivery diagnostics show, as Custom Labels (translated in translations/nl_NL).
import title from '@salesforce/label/c.MSI_Diag_Title';
import intro from '@salesforce/label/c.MSI_Diag_Intro';
import filters from '@salesforce/label/c.MSI_Diag_Filters';
import system from '@salesforce/label/c.MSI_Diag_System';
import systemAll from '@salesforce/label/c.MSI_Diag_System_All';
import systemMarketo from '@salesforce/label/c.MSI_Diag_System_Marketo';
import systemSalesforce from '@salesforce/label/c.MSI_Diag_System_Salesforce';
import days from '@salesforce/label/c.MSI_Diag_Days';
import daysOption from '@salesforce/label/c.MSI_Diag_Days_Option';
import summary from '@salesforce/label/c.MSI_Diag_Summary';
import pending from '@salesforce/label/c.MSI_Diag_Pending';
import sending from '@salesforce/label/c.MSI_Diag_Sending';
import delivered from '@salesforce/label/c.MSI_Diag_Delivered';
import failed from '@salesforce/label/c.MSI_Diag_Failed';
import skipped from '@salesforce/label/c.MSI_Diag_Skipped';
import retrying from '@salesforce/label/c.MSI_Diag_Retrying';
import retryingText from '@salesforce/label/c.MSI_Diag_Retrying_Text';
import perDay from '@salesforce/label/c.MSI_Diag_Per_Day';
import day from '@salesforce/label/c.MSI_Diag_Day';
import failures from '@salesforce/label/c.MSI_Diag_Failures';
import failuresEmpty from '@salesforce/label/c.MSI_Diag_Failures_Empty';
import time from '@salesforce/label/c.MSI_Sync_Column_Time';
import code from '@salesforce/label/c.MSI_Diag_Code';
import message from '@salesforce/label/c.MSI_Sync_Column_Message';
import fix from '@salesforce/label/c.MSI_Diag_Fix';
import person from '@salesforce/label/c.MSI_Diag_Person';
import activity from '@salesforce/label/c.MSI_Diag_Activity';
import activityText from '@salesforce/label/c.MSI_Diag_Activity_Text';
import attempts from '@salesforce/label/c.MSI_Diag_Attempts';
import action from '@salesforce/label/c.MSI_Column_Action';
import retry from '@salesforce/label/c.MSI_Diag_Retry';
import retryTitle from '@salesforce/label/c.MSI_Diag_Retry_Title';
import retryAll from '@salesforce/label/c.MSI_Diag_Retry_All';
import retriedToast from '@salesforce/label/c.MSI_Diag_Retried_Toast';
import refresh from '@salesforce/label/c.MSI_Sync_Refresh';
import previous from '@salesforce/label/c.MSI_Previous';
import next from '@salesforce/label/c.MSI_Next';
import page from '@salesforce/label/c.MSI_Diag_Page';
import paging from '@salesforce/label/c.MSI_Diag_Paging';
import notAvailable from '@salesforce/label/c.MSI_Not_Available';
import errorTitle from '@salesforce/label/c.MSI_Error_Title';
import loading from '@salesforce/label/c.MSI_Loading';

export const LABELS = {
    title,
    intro,
    filters,
    system,
    systemAll,
    systemMarketo,
    systemSalesforce,
    days,
    daysOption,
    summary,
    pending,
    sending,
    delivered,
    failed,
    skipped,
    retrying,
    retryingText,
    perDay,
    day,
    failures,
    failuresEmpty,
    time,
    code,
    message,
    fix,
    person,
    activity,
    activityText,
    attempts,
    action,
    retry,
    retryTitle,
    retryAll,
    retriedToast,
    refresh,
    previous,
    next,
    page,
    paging,
    notAvailable,
    errorTitle,
    loading
};
