/**
 * The sandbox's two emulators, started as `npm start` starts them (one SANDBOX_SEED), agree on who is
 * in Salesforce: every Salesforce id a Marketo lead carries (leads.json over REST) is a real record in
 * the Salesforce emulator (jsforce query through the service's client), with the same person, account
 * and owner; and the Salesforce org holds no Lead, Contact or Opportunity Marketo does not know.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sandboxOf, type Sandbox } from '../../src/sandbox/index.js';
import { createSalesforceClient, type SalesforceClient } from '../../src/salesforce/index.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

const PEOPLE = 400;

interface MarketoLead {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  sfdcType: 'Lead' | 'Contact' | null;
  sfdcLeadId: string | null;
  sfdcContactId: string | null;
  sfdcAccountId: string | null;
  sfdcOpptyId: string | null;
  sfdcLeadOwnerId: string | null;
}

type Row = Record<string, unknown> & { Id: string };

describe('the sandbox: Marketo leads and the Salesforce org from one seed', () => {
  let runtime: TestRuntime;
  let sandbox: Sandbox;
  let sf: SalesforceClient;
  const leads: MarketoLead[] = [];

  /** Every record of `object` with one of `ids`, by Id (queried 100 ids at a time). */
  async function byId(object: string, fields: string, ids: Iterable<string>): Promise<Map<string, Row>> {
    const all = [...new Set(ids)];
    const out = new Map<string, Row>();
    for (let i = 0; i < all.length; i += 100) {
      const chunk = all.slice(i, i + 100);
      const result = await sf.connection.query<Row>(`SELECT Id, ${fields} FROM ${object} WHERE Id IN (${chunk.map((id) => `'${id}'`).join(', ')})`).run({ autoFetch: true });
      for (const record of result.records) out.set(record.Id, record);
    }
    return out;
  }

  before(async () => {
    runtime = await startTestRuntime({ SANDBOX: 'true', SANDBOX_SEED: '23', SANDBOX_PEOPLE: String(PEOPLE), SANDBOX_MARKETO_PORT: '0', SANDBOX_SALESFORCE_PORT: '0' });
    sandbox = sandboxOf(runtime.context)!;
    assert.ok(sandbox, 'SANDBOX=true starts the emulators');

    const { marketo, salesforce } = sandbox;
    const tokenRes = await fetch(
      `${marketo.identityUrl}/oauth/token?${new URLSearchParams({ grant_type: 'client_credentials', client_id: marketo.clientId, client_secret: marketo.clientSecret })}`,
    );
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const fields = 'id,email,firstName,lastName,sfdcType,sfdcLeadId,sfdcContactId,sfdcAccountId,sfdcOpptyId,sfdcLeadOwnerId';
    for (let from = 1; from <= PEOPLE; from += 300) {
      const ids = Array.from({ length: Math.min(300, PEOPLE - from + 1) }, (_, i) => from + i);
      const res = await fetch(`${marketo.restUrl}/v1/leads.json?${new URLSearchParams({ filterType: 'id', filterValues: ids.join(','), fields, batchSize: '300' })}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { success: boolean; result: MarketoLead[]; moreResult?: boolean };
      assert.equal(body.success, true, JSON.stringify(body));
      assert.ok(!body.moreResult);
      leads.push(...body.result);
    }
    assert.equal(leads.length, PEOPLE);

    sf = createSalesforceClient({
      instanceUrl: salesforce.url,
      accessToken: salesforce.issueAccessToken(salesforce.org.admin.username),
      loginUrl: salesforce.url,
      clientId: salesforce.clientId,
      clientSecret: salesforce.clientSecret,
    });
  });
  after(() => runtime?.close());

  it('gives Marketo leads of every kind: Salesforce Leads, Contacts with and without an Opportunity, and people not in Salesforce', () => {
    const asLead = leads.filter((l) => l.sfdcType === 'Lead');
    const asContact = leads.filter((l) => l.sfdcType === 'Contact');
    assert.ok(asLead.length > 20, `${asLead.length} leads`);
    assert.ok(asContact.length > 20, `${asContact.length} contacts`);
    assert.ok(asContact.some((l) => l.sfdcOpptyId) && asContact.some((l) => !l.sfdcOpptyId));
    assert.ok(leads.some((l) => l.sfdcType === null));
    for (const l of asLead) assert.ok(l.sfdcLeadId && !l.sfdcContactId && !l.sfdcAccountId && !l.sfdcOpptyId && l.sfdcLeadOwnerId, JSON.stringify(l));
    for (const l of asContact) assert.ok(!l.sfdcLeadId && l.sfdcContactId && l.sfdcAccountId && l.sfdcLeadOwnerId, JSON.stringify(l));
    for (const l of leads.filter((x) => x.sfdcType === null)) {
      assert.deepEqual([l.sfdcLeadId, l.sfdcContactId, l.sfdcAccountId, l.sfdcOpptyId, l.sfdcLeadOwnerId], [null, null, null, null, null]);
    }
  });

  it("finds each Marketo lead's Salesforce Lead, Contact, Account, Opportunity and owner in the Salesforce org", async () => {
    const inSf = leads.filter((l) => l.sfdcType !== null);
    const sfLeads = await byId('Lead', 'Email, FirstName, LastName, OwnerId, IsConverted', inSf.flatMap((l) => (l.sfdcLeadId ? [l.sfdcLeadId] : [])));
    const contacts = await byId('Contact', 'Email, FirstName, LastName, AccountId, OwnerId', inSf.flatMap((l) => (l.sfdcContactId ? [l.sfdcContactId] : [])));
    const accounts = await byId('Account', 'Name', inSf.flatMap((l) => (l.sfdcAccountId ? [l.sfdcAccountId] : [])));
    const opportunities = await byId('Opportunity', 'AccountId, OwnerId', inSf.flatMap((l) => (l.sfdcOpptyId ? [l.sfdcOpptyId] : [])));
    const owners = await byId('User', 'IsActive, Username', inSf.map((l) => l.sfdcLeadOwnerId!));

    for (const l of inSf) {
      const who = `Marketo lead ${l.id} (${l.email})`;
      const owner = owners.get(l.sfdcLeadOwnerId!);
      assert.ok(owner, `${who}: owner ${l.sfdcLeadOwnerId} is no User`);
      assert.equal(owner.IsActive, true, who);
      if (l.sfdcLeadId) {
        const r = sfLeads.get(l.sfdcLeadId);
        assert.ok(r, `${who}: Lead ${l.sfdcLeadId} not in Salesforce`);
        assert.deepEqual([r.Email, r.FirstName, r.LastName, r.OwnerId, r.IsConverted], [l.email, l.firstName, l.lastName, l.sfdcLeadOwnerId, false], who);
      }
      if (l.sfdcContactId) {
        const r = contacts.get(l.sfdcContactId);
        assert.ok(r, `${who}: Contact ${l.sfdcContactId} not in Salesforce`);
        assert.deepEqual([r.Email, r.FirstName, r.LastName, r.AccountId, r.OwnerId], [l.email, l.firstName, l.lastName, l.sfdcAccountId, l.sfdcLeadOwnerId], who);
        assert.ok(accounts.has(l.sfdcAccountId!), `${who}: Account ${l.sfdcAccountId} not in Salesforce`);
      }
      if (l.sfdcOpptyId) {
        const r = opportunities.get(l.sfdcOpptyId);
        assert.ok(r, `${who}: Opportunity ${l.sfdcOpptyId} not in Salesforce`);
        assert.deepEqual([r.AccountId, r.OwnerId], [l.sfdcAccountId, l.sfdcLeadOwnerId], who);
      }
    }
    // The ids are Salesforce's own: the object's key prefix, 18 characters.
    assert.ok([...sfLeads.keys()].every((id) => /^00Q\w{15}$/.test(id)));
    assert.ok([...contacts.keys()].every((id) => /^003\w{15}$/.test(id)));
    assert.ok([...accounts.keys()].every((id) => /^001\w{15}$/.test(id)));
    assert.ok([...opportunities.keys()].every((id) => /^006\w{15}$/.test(id)));
    assert.ok([...owners.keys()].every((id) => /^005\w{15}$/.test(id)));
  });

  it('holds no Lead, Contact or Opportunity in Salesforce that no Marketo lead points to', async () => {
    const count = async (object: string) => (await sf.connection.query(`SELECT COUNT() FROM ${object}`)).totalSize;
    const distinct = (pick: (l: MarketoLead) => string | null) => new Set(leads.map(pick).filter(Boolean)).size;
    assert.equal(await count('Lead'), distinct((l) => l.sfdcLeadId));
    assert.equal(await count('Contact'), distinct((l) => l.sfdcContactId));
    assert.equal(await count('Opportunity'), distinct((l) => l.sfdcOpptyId));
  });
});
