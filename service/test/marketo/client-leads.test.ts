import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MarketoClient } from '../../src/marketo/client.js';
import { MarketoError } from '../../src/marketo/errors.js';
import { TokenCache } from '../../src/marketo/tokens.js';
import { marketoPair, served } from './helpers.js';

describe('Marketo client: identity, describe and leads against the emulator', () => {
  let pair: Awaited<ReturnType<typeof marketoPair>>;
  before(async () => {
    pair = await marketoPair({ people: 3000 });
  });
  after(() => pair.close());

  it('gets one token and reuses it; identity calls are not counted', async () => {
    const a = await pair.client.token();
    const b = await pair.client.token();
    assert.equal(a.accessToken, b.accessToken);
    assert.equal(a.scope, pair.emulator.scope);
    assert.ok(a.expiresAt - Date.now() > 3500_000);
    assert.equal(pair.emulator.stats().callsToday, 0);
    assert.equal(pair.emulator.stats().identityCalls, 1);
  });

  it('reports bad credentials and an unknown client id as different errors', async () => {
    const bad = new MarketoClient({ restUrl: pair.emulator.restUrl, identityUrl: pair.emulator.identityUrl, clientId: pair.emulator.clientId, clientSecret: 'wrong', tokens: new TokenCache() });
    await assert.rejects(bad.describe(), (e: MarketoError) => e.code === 'invalid_client' && e.details.httpStatus === 401);
    const unknown = new MarketoClient({ restUrl: pair.emulator.restUrl, identityUrl: pair.emulator.identityUrl, clientId: 'nobody', clientSecret: 'x', tokens: new TokenCache() });
    await assert.rejects(unknown.describe(), (e: MarketoError) => e.code === 'unauthorized' && /No client with requested id/.test(e.message));
  });

  it('reads describe and describe2', async () => {
    const fields = await pair.client.describe();
    const email = fields.find((f) => f.rest?.name === 'email');
    assert.deepEqual(email, { id: 56, displayName: 'Email Address', dataType: 'email', length: 255, rest: { name: 'email', readOnly: false }, soap: { name: 'Email', readOnly: false } });
    const d2 = await pair.client.describe2();
    assert.equal(d2.name, 'API Lead');
    assert.ok(d2.searchableFields.some((s) => s[0] === 'sfdcLeadId'));
    assert.ok(d2.fields.find((f) => f.name === 'sfdcContactId')?.crmManaged);
  });

  it('gets leads by id with default fields and explicit nulls for requested empty fields', async () => {
    const page = await pair.client.getLeads({ filterType: 'id', filterValues: [1, 2, 99999] });
    assert.equal(page.result.length, 2);
    assert.deepEqual(Object.keys(page.result[0]!), ['id', 'email', 'updatedAt', 'createdAt', 'firstName', 'lastName']);
    const withNulls = await pair.client.getLeads({ filterType: 'id', filterValues: [1], fields: ['middleName', 'sfdcLeadId'] });
    assert.ok('middleName' in withNulls.result[0]!);
    assert.equal(withNulls.result[0]!.middleName, null);
  });

  it('finds duplicates by e-mail and pages with nextPageToken', async () => {
    const dup = pair.emulator.db.seedPerson(pair.emulator.db.people)!;
    let duplicateEmail: string | null = null;
    for (let id = 60; id <= 3000 && !duplicateEmail; id++) {
      const p = pair.emulator.db.seedPerson(id)!;
      if (p.duplicateOf !== null) duplicateEmail = p.email;
    }
    assert.ok(dup && duplicateEmail);
    const byEmail = await pair.client.getLeads({ filterType: 'email', filterValues: [duplicateEmail] });
    assert.ok(byEmail.result.length >= 2, 'duplicates by e-mail are separate leads');
    const ids = Array.from({ length: 25 }, (_, i) => i + 1);
    const seen: number[] = [];
    for await (const batch of pair.client.iterateLeads({ filterType: 'id', filterValues: ids, batchSize: 10 })) seen.push(...batch.map((l) => Number(l.id)));
    assert.deepEqual(seen, ids);
  });

  it('answers 1003 when more than 1,000 leads match, 1011 for an unsupported filter, 1006 for an unknown field', async () => {
    const owners = new Set<string>();
    for (let id = 1; id <= 300; id++) {
      const o = pair.emulator.db.get(id)!.sfdcLeadOwnerId;
      if (o) owners.add(String(o));
    }
    await assert.rejects(pair.client.getLeads({ filterType: 'sfdcLeadOwnerId', filterValues: [...owners] }), (e: MarketoError) => e.code === '1003' && /Too many results/.test(e.message));
    await assert.rejects(pair.client.getLeads({ filterType: 'firstName', filterValues: ['Emma'] }), (e: MarketoError) => e.code === '1011');
    await assert.rejects(pair.client.getLeads({ filterType: 'id', filterValues: [1], fields: ['shoeSize'] }), (e: MarketoError) => e.code === '1006');
    await assert.rejects(pair.client.getLeads({ filterType: 'id', filterValues: Array.from({ length: 301 }, (_, i) => i + 1) }), (e: MarketoError) => e.code === '1003');
  });

  it('sends a long filter as POST ?_method=GET with a form body', async () => {
    const emails = Array.from({ length: 300 }, (_, i) => String(pair.emulator.db.get(i + 1)!.email));
    const before = served(pair.emulator, 'POST', '/rest/v1/leads.json');
    const page = await pair.client.getLeads({ filterType: 'email', filterValues: emails, fields: ['id'], batchSize: 300 });
    assert.ok(page.result.length >= 300);
    assert.equal(served(pair.emulator, 'POST', '/rest/v1/leads.json'), before + 1);
  });

  it('syncs leads: created, updated, skipped with reasons, in input order', async () => {
    const existing = pair.emulator.db.get(10)!;
    const results = await pair.client.syncLeads({
      input: [{ email: 'new.person@example.org', firstName: 'New', lastName: 'Person' }, { email: String(existing.email), title: 'Chief Sync Officer' }, { email: 'not-an-email' }, { email: 'x@example.org', shoeSize: 42 }],
    });
    assert.equal(results[0]!.status, 'created');
    assert.ok(results[0]!.id! > 3000);
    assert.deepEqual(results[1], { id: 10, status: 'updated' });
    assert.equal(results[2]!.status, 'skipped');
    assert.equal(results[2]!.reasons![0]!.code, '1003');
    assert.deepEqual(results[3]!.reasons, [{ code: '1006', message: "Field 'shoeSize' not found" }]);
    assert.equal(pair.emulator.db.get(10)!.title, 'Chief Sync Officer');
    const only = await pair.client.syncLeads({ action: 'createOnly', input: [{ email: String(existing.email) }] });
    assert.equal(only[0]!.reasons![0]!.code, '1005');
    const upd = await pair.client.syncLeads({ action: 'updateOnly', input: [{ email: 'nobody@nowhere.example' }] });
    assert.equal(upd[0]!.reasons![0]!.code, '1004');
    const byId = await pair.client.syncLeads({ action: 'updateOnly', lookupField: 'id', input: [{ id: 11, leadStatus: 'Working' }] });
    assert.deepEqual(byId[0], { id: 11, status: 'updated' });
  });

  it('skips with 1007 when the lookup matches several leads', async () => {
    const [a] = pair.emulator.addPeople([{ email: 'twin@example.org', firstName: 'A' }]);
    const [b] = pair.emulator.addPeople([{ email: 'twin@example.org', firstName: 'B' }]);
    assert.ok(a && b);
    const r = await pair.client.syncLeads({ input: [{ email: 'twin@example.org', title: 'Twin' }] });
    assert.equal(r[0]!.reasons![0]!.code, '1007');
  });

  it('answers 603 when the API role lacks the permission', async () => {
    const limited = await marketoPair({ clients: [{ clientId: 'ro', clientSecret: 'ro-secret', permissions: ['Read-Only Lead'] }] }, { clientId: 'ro', clientSecret: 'ro-secret' });
    try {
      assert.equal((await limited.client.getLeads({ filterType: 'id', filterValues: [1] })).result.length, 1);
      await assert.rejects(limited.client.syncLeads({ input: [{ email: 'a@b.example' }] }), (e: MarketoError) => e.code === '603' && e.marketoMessage === 'Access denied');
      await assert.rejects(limited.client.getActivityTypes(), (e: MarketoError) => e.code === '603');
    } finally {
      await limited.close();
    }
  });
});
