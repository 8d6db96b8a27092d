import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { sandboxOf } from '../../src/sandbox/index.js';
import { newOrgId } from '../helpers/accounts.js';

describe('the sandbox of npm start', () => {
  let runtime: TestRuntime;
  before(async () => {
    runtime = await startTestRuntime({ SANDBOX: 'true', SANDBOX_MARKETO_PORT: '0', SANDBOX_SALESFORCE_PORT: '0', SANDBOX_PEOPLE: '200' });
  });
  after(() => runtime.close());

  it('starts the Marketo and Salesforce emulators from one seed and says how to connect', async () => {
    const sandbox = sandboxOf(runtime.context);
    assert.ok(sandbox);
    const token = await fetch(`${sandbox.marketo.identityUrl}/oauth/token?grant_type=client_credentials&client_id=${sandbox.marketo.clientId}&client_secret=${sandbox.marketo.clientSecret}`);
    assert.equal(token.status, 200);
    const versions = await fetch(`${sandbox.salesforce.url}/services/data/`);
    assert.equal(versions.status, 200);
    const page = await runtime.app.inject({ method: 'GET', url: '/sandbox' });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(sandbox.marketo.restUrl));
    assert.ok(page.body.includes(sandbox.salesforce.org.id));
  });

  it('shows sent e-mail in the mailbox page', async () => {
    const created = await runtime.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      payload: { orgId: newOrgId(), orgName: 'Sandbox Org', instanceUrl: 'https://sandbox.my.salesforce.com', admins: [{ name: 'S', email: 's@sandbox.example' }] },
    });
    assert.equal(created.statusCode, 201, created.body);
    await runtime.mailbox.waitFor((m) => m.to.includes('s@sandbox.example'));
    // The test runtime sends through its own SMTP server; the page lists the in-process mailbox when the
    // sandbox runs one, and says where mail goes otherwise.
    const page = await runtime.app.inject({ method: 'GET', url: '/sandbox/mail' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Sandbox mailbox/);
  });

  it('stops the emulators with the service', async () => {
    const sandbox = sandboxOf(runtime.context);
    assert.ok(sandbox);
    const url = sandbox.marketo.url;
    await runtime.close();
    await assert.rejects(fetch(`${url}/identity/oauth/token`));
    runtime = await startTestRuntime();
  });
});
