import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import MsiPersonInsight from 'c/msiPersonInsight';
import lookupPerson from '@salesforce/apex/MsiPersonInsightController.lookupPerson';
import listPersonActivities from '@salesforce/apex/MsiPersonInsightController.listPersonActivities';
import logCall from '@salesforce/apex/MsiPersonInsightController.logCall';
import getPersonInsightSettings from '@salesforce/apex/MsiPersonInsightController.getPersonInsightSettings';
import DISABLED from '@salesforce/label/c.MSI_Error_Disabled';
import DELIVERED from '@salesforce/label/c.MSI_Delivery_Delivered';
import FAILED from '@salesforce/label/c.MSI_Delivery_Failed';
import KIND_CALL from '@salesforce/label/c.MSI_Activity_Call';
import NOT_AVAILABLE from '@salesforce/label/c.MSI_Not_Available';

jest.mock('@salesforce/apex/MsiPersonInsightController.lookupPerson', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex/MsiPersonInsightController.listPersonActivities', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex/MsiPersonInsightController.logCall', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/MsiPersonInsightController.getPersonInsightSettings', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/label/c.MSI_Person_Engagement', () => ({ default: '{0} activities in {1} days' }), {
  virtual: true,
});
jest.mock('@salesforce/label/c.MSI_Person_Delivery', () => ({ default: 'Marketo: {0} / Salesforce: {1}' }), {
  virtual: true,
});

registerSa11yMatcher();

const LEAD_ID = '00Q000000000001AAA';
const PERSON = {
  marketoId: 42,
  salesforceType: 'Lead',
  salesforceId: LEAD_ID,
  synced: true,
  fields: { email: 'jan@example.nl', company: 'Acme', leadScore: 12, nothing: null },
  engagement: { days: 30, total: 3, byKind: {}, lastActivityAt: null, recent: [] },
};
const ACTIVITY = {
  id: 'a1',
  kind: 'call',
  occurredAt: '2026-11-21T09:00:00.000Z',
  attributes: { subject: 'Intro call' },
  deliveries: {
    marketo: { state: 'delivered', error: null },
    salesforce: {
      state: 'failed',
      error: {
        code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Task validation failed',
        hint: 'Check the validation rules on Task.',
      },
    },
  },
};

async function flushPromises() {
  for (let i = 0; i < 6; i += 1) {
    // eslint-disable-next-line no-await-in-loop
    await Promise.resolve();
  }
}

function render() {
  const element = createElement('c-msi-person-insight', { is: MsiPersonInsight });
  element.recordId = LEAD_ID;
  element.objectApiName = 'Lead';
  const toasts = [];
  element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
  document.body.appendChild(element);
  return { element, toasts };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

function type(element, field, value) {
  const input = $(element, `[data-field="${field}"]`);
  input.value = value;
  input.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

const SWITCHED_ON = { enabled: true, showPersonInsight: true, logCalls: true, logEmails: true };

describe('c-msi-person-insight', () => {
  beforeEach(() => {
    getPersonInsightSettings.mockResolvedValue(SWITCHED_ON);
  });

  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
  });

  it('shows the synced fields, the engagement and the activities with their delivery state', async () => {
    lookupPerson.mockResolvedValue({ people: [PERSON] });
    listPersonActivities.mockResolvedValue({ page: 1, pageSize: 10, total: 1, activities: [ACTIVITY] });
    const { element } = render();
    await flushPromises();
    expect(lookupPerson).toHaveBeenCalledWith({ recordId: LEAD_ID });
    expect(listPersonActivities).toHaveBeenCalledWith({ recordId: LEAD_ID, marketoId: 42, page: 1, pageSize: 10 });
    expect($(element, '.person-type').textContent).toBe('Lead');
    expect($(element, '.engagement').textContent).toBe('3 activities in 30 days');
    expect($(element, '.fields').textContent).toContain('jan@example.nl');
    expect($(element, '.fields').textContent).not.toContain('nothing');
    // Delivery states and the activity kind in labels, not the service's values.
    expect($(element, '.delivery').textContent).toBe(`Marketo: ${DELIVERED} / Salesforce: ${FAILED}`);
    expect($(element, '.activity strong').textContent).toBe(KIND_CALL);
    expect($(element, '.problem').textContent).toContain('Check the validation rules');
  });

  it('shows a delivery state or kind it does not know as the service sent it', async () => {
    lookupPerson.mockResolvedValue({ people: [PERSON] });
    listPersonActivities.mockResolvedValue({
      activities: [{ ...ACTIVITY, kind: 'meeting', deliveries: { marketo: { state: 'queued' }, salesforce: null } }],
    });
    const { element } = render();
    await flushPromises();
    expect($(element, '.delivery').textContent).toBe(`Marketo: queued / Salesforce: ${NOT_AVAILABLE}`);
    expect($(element, '.activity strong').textContent).toBe('meeting');
  });

  it('says clearly when the person is not synced', async () => {
    lookupPerson.mockResolvedValue({ people: [] });
    const { element } = render();
    await flushPromises();
    expect($(element, '.not-synced')).not.toBeNull();
    expect($(element, '.log-call')).toBeNull();
    expect(listPersonActivities).not.toHaveBeenCalled();
  });

  it('logs a call, with a new key for the next call, and reads the activities again', async () => {
    lookupPerson.mockResolvedValue({ people: [PERSON] });
    listPersonActivities.mockResolvedValue({ activities: [] });
    logCall.mockResolvedValue(ACTIVITY);
    const { element, toasts } = render();
    await flushPromises();
    expect($(element, '.no-activities')).not.toBeNull();
    expect($(element, '.log').disabled).toBe(true);
    type(element, 'subject', ' Intro call ');
    type(element, 'callStatus', 'no answer');
    type(element, 'durationMinutes', '2.5');
    type(element, 'notes', 'Call back Monday');
    await flushPromises();
    $(element, '.log').click();
    await flushPromises();
    const first = logCall.mock.calls[0][0];
    expect(first.recordId).toBe(LEAD_ID);
    expect(first.call).toEqual({
      subject: 'Intro call',
      callStatus: 'no answer',
      callDurationSeconds: 150,
      notes: 'Call back Monday',
    });
    expect(first.idempotencyKey).toBeTruthy();
    expect(toasts[0].variant).toBe('success');
    expect(listPersonActivities).toHaveBeenCalledTimes(2);

    type(element, 'subject', 'Second call');
    await flushPromises();
    $(element, '.log').click();
    await flushPromises();
    expect(logCall.mock.calls[1][0].idempotencyKey).not.toBe(first.idempotencyKey);
    expect(logCall.mock.calls[1][0].call.callDurationSeconds).toBeNull();
  });

  it('sends the same key when the same call is submitted again after a failure, and a new one after success', async () => {
    lookupPerson.mockResolvedValue({ people: [PERSON] });
    listPersonActivities.mockResolvedValue({ activities: [] });
    logCall
      .mockRejectedValueOnce({ body: { message: 'The MSI Actions service could not be reached (Read timed out).' } })
      .mockResolvedValue(ACTIVITY);
    const { element, toasts } = render();
    await flushPromises();
    type(element, 'subject', 'Intro call');
    type(element, 'notes', 'Call back Monday');
    await flushPromises();
    $(element, '.log').click();
    await flushPromises();
    expect($(element, '.error-panel').textContent).toContain('Read timed out');

    // The rep tries again with the form as it was: the service may have logged the call already.
    $(element, '.log').click();
    await flushPromises();
    expect(logCall).toHaveBeenCalledTimes(2);
    const [first, second] = logCall.mock.calls.map((call) => call[0]);
    expect(first.idempotencyKey).toBeTruthy();
    expect(second.idempotencyKey).toBe(first.idempotencyKey);
    expect(second.call).toEqual(first.call);
    expect(toasts.map((t) => t.variant)).toEqual(['error', 'success']);

    // Logged: the next call is another one.
    type(element, 'subject', 'Intro call');
    await flushPromises();
    $(element, '.log').click();
    await flushPromises();
    expect(logCall.mock.calls[2][0].idempotencyKey).not.toBe(first.idempotencyKey);
  });

  it('makes a new key when the form changes after a failure', async () => {
    lookupPerson.mockResolvedValue({ people: [PERSON] });
    listPersonActivities.mockResolvedValue({ activities: [] });
    logCall.mockRejectedValue({ body: { message: 'Read timed out' } });
    const { element } = render();
    await flushPromises();
    type(element, 'subject', 'Intro call');
    await flushPromises();
    $(element, '.log').click();
    await flushPromises();

    type(element, 'callStatus', 'no answer');
    await flushPromises();
    $(element, '.log').click();
    await flushPromises();
    // A change event with the value the field already had changes nothing.
    type(element, 'callStatus', 'no answer');
    await flushPromises();
    $(element, '.log').click();
    await flushPromises();

    const keys = logCall.mock.calls.map((call) => call[0].idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(keys[1]).not.toBe(keys[0]);
    expect(keys[2]).toBe(keys[1]);
    expect(logCall.mock.calls[1][0].call.callStatus).toBe('no answer');
    await expect(element).toBeAccessible();
  });

  it('shows why a call was not logged', async () => {
    lookupPerson.mockResolvedValue({ people: [PERSON] });
    listPersonActivities.mockResolvedValue({ activities: [] });
    logCall.mockRejectedValue({ body: { message: 'This person is not synced from Marketo.' } });
    const { element, toasts } = render();
    await flushPromises();
    type(element, 'subject', 'Intro');
    await flushPromises();
    $(element, '.log').click();
    await flushPromises();
    expect($(element, '.error-panel').textContent).toContain('not synced');
    expect(toasts[0].variant).toBe('error');
  });

  it('is accessible with a person and without one', async () => {
    lookupPerson.mockResolvedValue({ people: [PERSON] });
    listPersonActivities.mockResolvedValue({ activities: [ACTIVITY] });
    const { element } = render();
    await flushPromises();
    await expect(element).toBeAccessible();
    lookupPerson.mockResolvedValue({ people: [] });
    const other = render().element;
    await flushPromises();
    await expect(other).toBeAccessible();
  });

  it('shows nothing at all while Show Person Insight is off', async () => {
    getPersonInsightSettings.mockResolvedValue({ ...SWITCHED_ON, showPersonInsight: false });
    const { element } = render();
    await flushPromises();
    expect($(element, 'lightning-card')).toBeNull();
    expect(lookupPerson).not.toHaveBeenCalled();
    expect(listPersonActivities).not.toHaveBeenCalled();
  });

  it('says MSI Actions is switched off and reads nothing while it is disabled', async () => {
    getPersonInsightSettings.mockResolvedValue({ ...SWITCHED_ON, enabled: false });
    const { element } = render();
    await flushPromises();
    expect($(element, '.switched-off').textContent).toBe(DISABLED);
    expect(lookupPerson).not.toHaveBeenCalled();
    expect($(element, '.log-call')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('offers no call form while Log Calls is off', async () => {
    getPersonInsightSettings.mockResolvedValue({ ...SWITCHED_ON, logCalls: false });
    lookupPerson.mockResolvedValue({ people: [PERSON] });
    listPersonActivities.mockResolvedValue({ activities: [ACTIVITY] });
    const { element } = render();
    await flushPromises();
    expect($(element, '.fields').textContent).toContain('jan@example.nl');
    expect($(element, '.activities')).not.toBeNull();
    expect($(element, '.log-call')).toBeNull();
  });

  it('shows why the switches could not be read', async () => {
    getPersonInsightSettings.mockRejectedValue({ body: { message: 'No access to MSI_Actions_Settings__c' } });
    const { element } = render();
    await flushPromises();
    expect($(element, '.error-panel').textContent).toContain('No access');
    expect(lookupPerson).not.toHaveBeenCalled();
  });
});
