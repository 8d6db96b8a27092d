import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { startMarketoEmulator, type MarketoEmulator } from '../../../emulators/marketo/index.js';

// node-marketo-rest (MadKudu, npm) is a Marketo client written against the real API, not against
// this emulator: if it works here, the emulator speaks Marketo and not only our client's dialect.
interface MarketoRestClient {
  lead: {
    find(filterType: string, values: Array<string | number>, options?: { fields?: string[] }): Promise<{ success: boolean; result: Array<Record<string, unknown>> }>;
    describe(): Promise<{ success: boolean; result: Array<{ rest?: { name: string } }> }>;
    createOrUpdate(input: Array<Record<string, unknown>>, options?: Record<string, unknown>): Promise<{ success: boolean; result: Array<Record<string, unknown>> }>;
  };
  _connection: { getOAuthToken(force?: boolean): Promise<{ access_token: string; expires_in: number; token_type: string; scope: string }> };
}
const require = createRequire(import.meta.url);
const Marketo = require('node-marketo-rest') as new (options: Record<string, unknown>) => MarketoRestClient;

describe('a third-party Marketo client (node-marketo-rest) against the emulator', () => {
  let emulator: MarketoEmulator;
  let marketo: MarketoRestClient;
  before(async () => {
    emulator = await startMarketoEmulator({ people: 300, seed: 5 });
    marketo = new Marketo({ endpoint: emulator.restUrl, identity: emulator.identityUrl, clientId: emulator.clientId, clientSecret: emulator.clientSecret });
  });
  after(() => emulator.close());

  it('gets a token from the identity endpoint', async () => {
    const token = await marketo._connection.getOAuthToken(true);
    assert.equal(token.token_type, 'bearer');
    assert.ok(token.expires_in > 3500 && token.expires_in <= 3599);
    assert.equal(token.scope, emulator.scope);
  });

  it('finds leads by id and by e-mail', async () => {
    const byId = await marketo.lead.find('id', [1, 2]);
    assert.equal(byId.success, true);
    assert.deepEqual(byId.result.map((l) => l.id), [1, 2]);
    const email = String(emulator.db.get(7)!.email);
    const byEmail = await marketo.lead.find('email', [email], { fields: ['id', 'email', 'sfdcContactId'] });
    assert.ok(byEmail.result.some((l) => l.id === 7 && l.email === email && 'sfdcContactId' in l));
  });

  it('syncs leads', async () => {
    const synced = await marketo.lead.createOrUpdate([{ email: 'third.party@example.org', firstName: 'Third' }], { lookupField: 'email' });
    assert.equal(synced.result[0]!.status, 'created');
  });

  it('describes the lead fields', async () => {
    const described = await marketo.lead.describe();
    assert.equal(described.success, true);
    assert.ok(described.result.some((f) => f.rest?.name === 'sfdcLeadId'));
  });
});
