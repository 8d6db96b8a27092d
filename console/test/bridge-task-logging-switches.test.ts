/**
 * The console bridge's MsiActionsSetupController.applyTaskLoggingSwitches (console/bridge/apexBridge.js, answer
 * kind `taskLoggingSwitches`) against what the Apex does: it reads which activities the service logs as Tasks,
 * turns off each kind whose switch in the org's MSI_Actions_Settings__c (the console org's `msiActionsSettings`,
 * asked again since step 7 just saved them) is off, sends only those kinds, and answers their names. A kind whose
 * switch is on is left as the service has it. The bridge runs in Node with its two build-time modules stood in
 * for and `fetch` answering as the console's routes would, recording what was sent. Step 2's save
 * (updateSalesforceCustomizations) is governed the same way before it is sent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BRIDGE = path.join(ROOT, 'console/bridge/apexBridge.js');
const APEX_MAP = JSON.parse(fs.readFileSync(path.join(ROOT, 'console/bridge/apex-map.json'), 'utf8'));
const MAPPING = APEX_MAP['MsiActionsSetupController.applyTaskLoggingSwitches'];
const SAVE_MAPPING = APEX_MAP['MsiActionsSetupController.updateSalesforceCustomizations'];
const CUSTOMIZATIONS = '/console/api/v1/connections/salesforce/customizations';

type Bridge = { callApex: (mapping: unknown, params: unknown) => Promise<unknown> };
type Sent = { method: string; url: string; body: unknown };

const customizations = (logged: Record<string, boolean>) => ({
  settings: { logged, taskTypes: { email: 'Email', call: 'Call', reply: 'Reply' }, subjectPrefix: 'MSI: ' },
  salesforce: null,
  salesforceError: null,
});

describe('the console bridge: the task logging switches as the Apex applies them', () => {
  let dir: string;
  let bridge: Bridge;
  let settings: Record<string, boolean>;
  let logged: Record<string, boolean>;
  let putStatus: number;
  let sent: Sent[];
  const realFetch = globalThis.fetch;

  before(async () => {
    const source = fs
      .readFileSync(BRIDGE, 'utf8')
      .replace("import LABELS from '@console/labels';", 'const LABELS = new Proxy({}, { get: (_, name) => String(name) });')
      .replace("import { PACKAGE_VERSION } from '@console/package';", "const PACKAGE_VERSION = '1.0.0';");
    assert.doesNotMatch(source, /from '@console\//, 'every build-time import stood in for');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-bridge-'));
    const file = path.join(dir, 'apexBridge.mjs');
    fs.writeFileSync(file, source);
    bridge = (await import(pathToFileURL(file).href)) as Bridge;
    globalThis.fetch = (async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      sent.push({ method, url: String(url), body });
      const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status });
      if (url === '/console/org') return json(200, { msiActionsEnabled: settings.enabled, msiActionsSettings: settings });
      if (url === CUSTOMIZATIONS && method === 'GET') return json(200, customizations(logged));
      if (url === CUSTOMIZATIONS && method === 'PUT') {
        if (putStatus !== 200) return json(putStatus, { error: { code: 'rate_limited', message: 'Slow down.' } });
        logged = { ...logged, ...(body as { logged: Record<string, boolean> }).logged };
        return json(200, customizations(logged));
      }
      return json(404, { error: { code: 'not_found', message: `${url} was not found.` } });
    }) as typeof fetch;
  });

  after(() => {
    globalThis.fetch = realFetch;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const reset = (switches: Record<string, boolean>, service: Record<string, boolean>) => {
    settings = { enabled: true, showPersonInsight: true, ...switches };
    logged = service;
    putStatus = 200;
    sent = [];
  };

  it('turns off at the service what a switch forbids, sending only those kinds', async () => {
    reset({ logEmails: false, logCalls: true, createReminderTasks: false }, { emails: true, calls: true, reminderTasks: true });
    const turnedOff = await bridge.callApex(MAPPING, {});
    assert.deepEqual(turnedOff, ['emails', 'reminderTasks']);
    const put = sent.filter((call) => call.method === 'PUT');
    assert.equal(put.length, 1);
    assert.equal(put[0]!.url, CUSTOMIZATIONS);
    assert.deepEqual(put[0]!.body, { logged: { emails: false, reminderTasks: false } });
    assert.deepEqual(logged, { emails: false, calls: true, reminderTasks: false });
    // The org is asked again: step 7 has just saved the switches.
    assert.ok(sent.some((call) => call.url === '/console/org'));
  });

  it('leaves the service alone when it follows the switches, and turns nothing on', async () => {
    reset({ logEmails: true, logCalls: true, createReminderTasks: true }, { emails: true, calls: false, reminderTasks: false });
    assert.deepEqual(await bridge.callApex(MAPPING, {}), []);
    assert.equal(sent.filter((call) => call.method === 'PUT').length, 0);
  });

  it("step 2's save sends a kind whose switch is off as off, whatever the page asked, and the rest as asked", async () => {
    reset({ logEmails: false, logCalls: true, createReminderTasks: false }, { emails: true, calls: true, reminderTasks: false });
    const taskOwner = { mode: 'rep', fallbackUserId: null };
    await bridge.callApex(SAVE_MAPPING, { logged: { emails: true, calls: true, reminderTasks: true }, subjectPrefix: ' MSI: ', leadContactPrecedence: 'contact', taskOwner });
    const put = sent.filter((call) => call.method === 'PUT');
    assert.equal(put.length, 1);
    const body = put[0]!.body as Record<string, unknown>;
    assert.deepEqual(body.logged, { emails: false, calls: true, reminderTasks: false });
    assert.equal(body.subjectPrefix, 'MSI:', 'trimmed, as the Apex does');
    assert.deepEqual(body.taskOwner, taskOwner);
    assert.ok(sent.some((call) => call.url === '/console/org'), 'the switches are read as saved now');

    // A save that leaves `logged` out changes nothing of it.
    reset({ logEmails: false, logCalls: false, createReminderTasks: false }, { emails: true, calls: true, reminderTasks: false });
    await bridge.callApex(SAVE_MAPPING, { subjectPrefix: 'X:' });
    const second = sent.find((call) => call.method === 'PUT')!.body as Record<string, unknown>;
    assert.equal(second.logged, undefined);
    assert.equal(second.subjectPrefix, 'X:');
  });

  it('fails as the Apex does when the update is refused', async () => {
    reset({ logEmails: false, logCalls: true, createReminderTasks: true }, { emails: true, calls: true, reminderTasks: true });
    putStatus = 429;
    await assert.rejects(bridge.callApex(MAPPING, {}), (error: { body: { message: string } }) => error.body.message === 'MSI_Error_Rate_Limited');
  });
});
