import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import MsiActionsSalesforce from 'c/msiActionsSalesforce';
import getSalesforceAuthorizeUrl from '@salesforce/apex/MsiActionsSetupController.getSalesforceAuthorizeUrl';
import getSalesforceConnection from '@salesforce/apex/MsiActionsSetupController.getSalesforceConnection';
import verifySalesforceConnection from '@salesforce/apex/MsiActionsSetupController.verifySalesforceConnection';
import disconnectSalesforce from '@salesforce/apex/MsiActionsSetupController.disconnectSalesforce';
import getSalesforceCustomizations from '@salesforce/apex/MsiActionsSetupController.getSalesforceCustomizations';
import updateSalesforceCustomizations from '@salesforce/apex/MsiActionsSetupController.updateSalesforceCustomizations';
import CONNECTED from '@salesforce/label/c.MSI_Salesforce_Connected';
import NOT_CONNECTED from '@salesforce/label/c.MSI_Salesforce_Not_Connected';
import BROKEN from '@salesforce/label/c.MSI_Salesforce_Broken';
import TYPE_FIELD_MISSING from '@salesforce/label/c.MSI_Customizations_Warning_Type_Field_Missing';
import OWNER_MISSING from '@salesforce/label/c.MSI_Customizations_Warning_Owner_Missing';
import KIND_EMAIL from '@salesforce/label/c.MSI_Customizations_Kind_Email';
import KIND_CALL from '@salesforce/label/c.MSI_Customizations_Kind_Call';
import KIND_REPLY from '@salesforce/label/c.MSI_Customizations_Kind_Reply';

jest.mock('@salesforce/apex/MsiActionsSetupController.getSalesforceAuthorizeUrl', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex/MsiActionsSetupController.getSalesforceConnection', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex/MsiActionsSetupController.verifySalesforceConnection', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex/MsiActionsSetupController.disconnectSalesforce', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex/MsiActionsSetupController.getSalesforceCustomizations', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex/MsiActionsSetupController.updateSalesforceCustomizations', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/label/c.MSI_Salesforce_Api_Usage_Text', () => ({ default: '{0} of {1}' }), { virtual: true });
// The warnings' labels with placeholders get their English text here, so the formatting is tested too.
jest.mock(
  '@salesforce/label/c.MSI_Customizations_Warning_Type_Missing',
  () => ({ default: '"{0}" (the Task Type for {1}) is not a value of the Task Type picklist.' }),
  { virtual: true },
);
jest.mock(
  '@salesforce/label/c.MSI_Customizations_Warning_Type_Inactive',
  () => ({ default: '"{0}" (the Task Type for {1}) is an inactive value of the Task Type picklist.' }),
  { virtual: true },
);
jest.mock(
  '@salesforce/label/c.MSI_Customizations_Warning_Owner_Inactive',
  () => ({ default: 'The fallback Task owner {0} is no longer active in Salesforce.' }),
  { virtual: true },
);

registerSa11yMatcher();

const CONNECTION = {
  status: 'connected',
  orgId: '00D000000000001AAA',
  instanceUrl: 'https://acme.my.salesforce.com',
  username: 'integration@acme.com',
  connectedBy: 'admin@acme.com',
  connectedAt: '2026-11-21T09:00:00.000Z',
  apiUsage: { used: 1200, limit: 15000, at: '2026-11-21T10:00:00.000Z' },
  lastError: null,
};
const BROKEN_CONNECTION = {
  ...CONNECTION,
  status: 'broken',
  lastError: {
    code: 'invalid_grant',
    message: 'expired access/refresh token',
    hint: 'Connect again: Salesforce no longer accepts the connection.',
    at: '2026-11-21T10:00:00.000Z',
    reconnect: true,
  },
};
const CUSTOMIZATIONS = {
  settings: {
    logged: { emails: true, calls: true, reminderTasks: false },
    taskTypes: { email: 'Email', call: 'Call', reply: 'Reply' },
    subjectPrefix: '',
    leadContactPrecedence: 'contact',
    taskOwner: { mode: 'rep', fallbackUserId: null },
  },
  salesforce: {
    checkedAt: '2026-11-21T10:00:00.000Z',
    taskTypeValues: ['Call', 'Email', 'Other'],
    warnings: [
      {
        code: 'task_type_missing',
        setting: 'taskTypes.reply',
        value: 'Reply',
        message: 'Reply is not a value of the Task Type picklist.',
      },
    ],
    optionalFields: [{ name: 'CallDurationInSeconds', label: 'Call Duration', present: true }],
    fallbackOwner: null,
  },
  salesforceError: null,
};

async function flushPromises() {
  for (let i = 0; i < 6; i += 1) {
    // eslint-disable-next-line no-await-in-loop
    await Promise.resolve();
  }
}

function render() {
  const element = createElement('c-msi-actions-salesforce', { is: MsiActionsSalesforce });
  const toasts = [];
  const changes = [];
  element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
  element.addEventListener('stepchange', (event) => changes.push(event.detail));
  document.body.appendChild(element);
  return { element, toasts, changes };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

function change(input, value, checked) {
  if (checked !== undefined) input.checked = checked;
  else input.value = value;
  input.dispatchEvent(new CustomEvent('change', { detail: { value, checked } }));
}

describe('c-msi-actions-salesforce', () => {
  let open;
  beforeEach(() => {
    open = jest.spyOn(window, 'open').mockImplementation(() => null);
    getSalesforceCustomizations.mockResolvedValue(CUSTOMIZATIONS);
  });

  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
    open.mockRestore();
  });

  it('shows the connection with its user, org, API usage and no connect form', async () => {
    getSalesforceConnection.mockResolvedValue(CONNECTION);
    const { element } = render();
    await flushPromises();
    expect($(element, '.connection-status').textContent).toBe(CONNECTED);
    expect($(element, '.username').textContent).toBe('integration@acme.com');
    expect($(element, '.org-id').textContent).toBe('00D000000000001AAA');
    expect($(element, '.api-usage').textContent).toBe('1200 of 15000');
    expect($(element, '.connect-form')).toBeNull();
    expect($(element, '.last-error')).toBeNull();
  });

  it('connects through the authorize URL with the chosen login and verifies after', async () => {
    getSalesforceConnection.mockResolvedValue({ status: 'not_connected' });
    getSalesforceAuthorizeUrl.mockResolvedValue({ url: 'https://test.salesforce.com/services/oauth2/authorize?x=1' });
    verifySalesforceConnection.mockResolvedValue(CONNECTION);
    const { element, changes, toasts } = render();
    await flushPromises();
    expect($(element, '.connection-status').textContent).toBe(NOT_CONNECTED);
    change($(element, 'lightning-radio-group.login'), 'https://test.salesforce.com');
    await flushPromises();
    $(element, '.connect').click();
    await flushPromises();
    expect(getSalesforceAuthorizeUrl).toHaveBeenCalledWith({ loginUrl: 'https://test.salesforce.com' });
    expect(open).toHaveBeenCalledWith('https://test.salesforce.com/services/oauth2/authorize?x=1', '_blank');
    expect($(element, '.opened-hint')).not.toBeNull();

    $(element, '.verify-after-connect').click();
    await flushPromises();
    expect(verifySalesforceConnection).toHaveBeenCalledTimes(1);
    expect($(element, '.connection-status').textContent).toBe(CONNECTED);
    expect(changes).toEqual([{ step: 'salesforce' }]);
    expect(toasts[0].variant).toBe('success');
  });

  it('needs the My Domain URL before it connects there', async () => {
    getSalesforceConnection.mockResolvedValue({ status: 'not_connected' });
    getSalesforceAuthorizeUrl.mockResolvedValue({ url: 'https://acme.my.salesforce.com/services/oauth2/authorize' });
    const { element } = render();
    await flushPromises();
    change($(element, 'lightning-radio-group.login'), 'myDomain');
    await flushPromises();
    expect($(element, '.connect').disabled).toBe(true);
    change($(element, '.my-domain'), ' https://acme.my.salesforce.com ');
    await flushPromises();
    $(element, '.connect').click();
    await flushPromises();
    expect(getSalesforceAuthorizeUrl).toHaveBeenCalledWith({ loginUrl: 'https://acme.my.salesforce.com' });
  });

  it('shows a broken connection with its last error, the fix and Connect again', async () => {
    getSalesforceConnection.mockResolvedValue(BROKEN_CONNECTION);
    const { element } = render();
    await flushPromises();
    expect($(element, '.connection-status').textContent).toBe(BROKEN);
    expect($(element, '.last-error').textContent).toContain('invalid_grant: expired access/refresh token');
    expect($(element, '.fix-hint').textContent).toContain('Connect again: Salesforce');
    expect($(element, '.connect')).not.toBeNull();
  });

  it('disconnects only after confirmation', async () => {
    getSalesforceConnection.mockResolvedValue(CONNECTION);
    disconnectSalesforce.mockResolvedValue({ status: 'not_connected', tokenRevoked: true });
    const { element, changes } = render();
    await flushPromises();
    $(element, '.disconnect').click();
    await flushPromises();
    expect(disconnectSalesforce).not.toHaveBeenCalled();
    $(element, '.cancel-disconnect').click();
    await flushPromises();
    expect($(element, '.confirm-disconnect')).toBeNull();
    $(element, '.disconnect').click();
    await flushPromises();
    $(element, '.confirm-disconnect-button').click();
    await flushPromises();
    expect(disconnectSalesforce).toHaveBeenCalledTimes(1);
    expect($(element, '.connection-status').textContent).toBe(NOT_CONNECTED);
    expect(changes).toEqual([{ step: 'salesforce' }]);
  });

  it('shows the warnings and optional fields, and saves the customizations', async () => {
    getSalesforceConnection.mockResolvedValue(CONNECTION);
    updateSalesforceCustomizations.mockResolvedValue({
      ...CUSTOMIZATIONS,
      salesforce: { ...CUSTOMIZATIONS.salesforce, warnings: [] },
    });
    const { element, toasts } = render();
    await flushPromises();
    expect($(element, '.warning').textContent).toBe(
      `"Reply" (the Task Type for ${KIND_REPLY}) is not a value of the Task Type picklist.`,
    );
    expect($(element, '.optional-fields').textContent).toContain('Call Duration (CallDurationInSeconds)');
    const reply = $(element, 'lightning-combobox[data-field="reply"]');
    expect(reply.options.map((o) => o.value)).toEqual(['Call', 'Email', 'Other', 'Reply']);
    change(reply, 'Other');
    change($(element, 'lightning-input[data-field="calls"]'), undefined, false);
    change($(element, '.prefix'), 'MSI: ');
    change($(element, 'lightning-radio-group.owner'), 'fallback_user');
    await flushPromises();
    expect($(element, '.save').disabled).toBe(true);
    change($(element, '.fallback-user'), ' 005000000000001AAA ');
    await flushPromises();
    $(element, '.save').click();
    await flushPromises();
    expect(updateSalesforceCustomizations).toHaveBeenCalledWith({
      logged: { emails: true, calls: false, reminderTasks: false },
      taskTypes: { email: 'Email', call: 'Call', reply: 'Other' },
      subjectPrefix: 'MSI: ',
      leadContactPrecedence: 'contact',
      taskOwner: { mode: 'fallback_user', fallbackUserId: '005000000000001AAA' },
    });
    expect(toasts[0].variant).toBe('success');
    expect($(element, '.warnings')).toBeNull();
  });

  it('words each warning code in labels with its value, kind and owner name', async () => {
    getSalesforceConnection.mockResolvedValue(CONNECTION);
    const warning = (code, setting, value, extra = {}) => ({
      code,
      setting,
      value,
      message: `English ${code}`,
      ...extra,
    });
    getSalesforceCustomizations.mockResolvedValue({
      ...CUSTOMIZATIONS,
      salesforce: {
        ...CUSTOMIZATIONS.salesforce,
        warnings: [
          warning('task_type_field_missing', 'taskTypes', null),
          warning('task_type_missing', 'taskTypes.email', 'E-mail'),
          warning('task_type_inactive', 'taskTypes.call', 'Phone'),
          warning('task_type_inactive', 'taskTypes.reply', 'Answer'),
          warning('fallback_owner_inactive', 'taskOwner.fallbackUserId', '005000000000001AAA', {
            ownerName: 'Ada Admin',
          }),
          warning('fallback_owner_inactive', 'taskOwner.fallbackUserId', '005000000000002AAA', { ownerName: null }),
        ],
      },
    });
    const { element } = render();
    await flushPromises();
    expect(Array.from(element.shadowRoot.querySelectorAll('.warning')).map((li) => li.textContent)).toEqual([
      TYPE_FIELD_MISSING,
      `"E-mail" (the Task Type for ${KIND_EMAIL}) is not a value of the Task Type picklist.`,
      `"Phone" (the Task Type for ${KIND_CALL}) is an inactive value of the Task Type picklist.`,
      `"Answer" (the Task Type for ${KIND_REPLY}) is an inactive value of the Task Type picklist.`,
      'The fallback Task owner Ada Admin is no longer active in Salesforce.',
      OWNER_MISSING,
    ]);
    await expect(element).toBeAccessible();
  });

  it("shows the service's message for a code it does not know, or a warning without what its label needs", async () => {
    getSalesforceConnection.mockResolvedValue(CONNECTION);
    getSalesforceCustomizations.mockResolvedValue({
      ...CUSTOMIZATIONS,
      salesforce: {
        ...CUSTOMIZATIONS.salesforce,
        warnings: [
          { code: 'task_subject_too_long', setting: 'subjectPrefix', value: 'MSI', message: 'The prefix is too long.' },
          // A kind this package does not know yet.
          { code: 'task_type_missing', setting: 'taskTypes.meeting', value: 'Meeting', message: 'Meeting is missing.' },
          // An answer from before the service sent the owner's name.
          {
            code: 'fallback_owner_inactive',
            setting: 'taskOwner.fallbackUserId',
            value: '005000000000001AAA',
            message: 'The fallback Task owner Ada Admin is no longer active in Salesforce.',
          },
        ],
      },
    });
    const { element } = render();
    await flushPromises();
    expect(Array.from(element.shadowRoot.querySelectorAll('.warning')).map((li) => li.textContent)).toEqual([
      'The prefix is too long.',
      'Meeting is missing.',
      'The fallback Task owner Ada Admin is no longer active in Salesforce.',
    ]);
  });

  it('says why Salesforce could not be checked once, without repeating a hint that is the message', async () => {
    const message = 'The Salesforce connection is broken: connect again in step 2.';
    getSalesforceConnection.mockResolvedValue(BROKEN_CONNECTION);
    getSalesforceCustomizations.mockResolvedValue({
      ...CUSTOMIZATIONS,
      salesforce: null,
      salesforceError: { code: 'salesforce_connection_broken', message, hint: message },
    });
    const { element } = render();
    await flushPromises();
    expect($(element, '.salesforce-error').textContent).toBe(message);
    await expect(element).toBeAccessible();
  });

  it('adds the hint to the message when it says something else', async () => {
    getSalesforceConnection.mockResolvedValue(CONNECTION);
    getSalesforceCustomizations.mockResolvedValue({
      ...CUSTOMIZATIONS,
      salesforce: null,
      salesforceError: {
        code: 'UNABLE_TO_LOCK_ROW',
        message: 'unable to obtain exclusive access to this record',
        hint: 'Salesforce could not be reached; the check runs again the next time this page opens.',
      },
    });
    const { element } = render();
    await flushPromises();
    expect($(element, '.salesforce-error').textContent).toBe(
      'unable to obtain exclusive access to this record Salesforce could not be reached; the check runs again the next time this page opens.',
    );
  });

  it('reports a failed read', async () => {
    getSalesforceConnection.mockRejectedValue({ body: { message: 'The MSI Actions service could not be reached.' } });
    const { element } = render();
    await flushPromises();
    expect($(element, '.error-panel').textContent).toContain('could not be reached');
  });

  it('is accessible when connected and when not', async () => {
    getSalesforceConnection.mockResolvedValue(CONNECTION);
    const { element } = render();
    await flushPromises();
    await expect(element).toBeAccessible();
    getSalesforceConnection.mockResolvedValue({ status: 'not_connected' });
    const other = render().element;
    await flushPromises();
    await expect(other).toBeAccessible();
  });
});
