import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MarketoError } from '../../src/marketo/errors.js';
import type { LeadChange } from '../../src/marketo/types.js';
import { marketoPair } from './helpers.js';

describe('Marketo client: activities, lead changes and custom activities against the emulator', () => {
  let pair: Awaited<ReturnType<typeof marketoPair>>;
  before(async () => {
    pair = await marketoPair({ people: 200 });
  });
  after(() => pair.close());

  it('lists activity types including New Lead, Change Data Value and Delete Lead', async () => {
    const types = await pair.client.getActivityTypes();
    const byId = new Map(types.map((t) => [t.id, t.name]));
    assert.equal(byId.get(12), 'New Lead');
    assert.equal(byId.get(13), 'Change Data Value');
    assert.equal(byId.get(37), 'Delete Lead');
  });

  it('reads lead changes for the requested fields only, then new people, from a paging token', async () => {
    const token = await pair.client.getPagingToken(new Date(Date.now() - 1000));
    assert.match(token, /^[A-Z2-7]+=*$/);
    pair.emulator.changePerson(5, { title: 'Head of Everything' });
    pair.emulator.changePerson(6, { industry: 'Aerospace' });
    const [added] = pair.emulator.addPeople(1);
    pair.emulator.changePerson(7, { phone: '+1 555 010 0000' });
    const changes: LeadChange[] = [];
    let next = token;
    for (;;) {
      const page = await pair.client.getLeadChanges({ nextPageToken: next, fields: ['title', 'phone'], batchSize: 1 });
      changes.push(...page.result);
      assert.ok(page.nextPageToken, 'leadchanges always returns a nextPageToken');
      next = page.nextPageToken;
      if (!page.moreResult) break;
    }
    assert.deepEqual(
      changes.map((c) => [c.leadId, c.activityTypeId, c.fields.map((f) => f.name).join()]),
      [
        [5, 13, 'title'],
        [added, 12, ''],
        [7, 13, 'phone'],
      ],
    );
    assert.equal(changes[0]!.fields[0]!.newValue, 'Head of Everything');
    const again = await pair.client.getLeadChanges({ nextPageToken: next, fields: ['title'] });
    assert.deepEqual(again.result, [], 'nothing is read twice');
  });

  it('requires fields for lead changes (701) and at most 10 activity type ids (1003)', async () => {
    const token = await pair.client.getPagingToken('2024-01-01T00:00:00Z');
    await assert.rejects(pair.client.getLeadChanges({ nextPageToken: token, fields: [] }), (e: MarketoError) => e.code === '701');
    await assert.rejects(pair.client.getActivities({ nextPageToken: token, activityTypeIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }), (e: MarketoError) => e.code === '1003');
    await assert.rejects(pair.client.getPagingToken('yesterday'), (e: MarketoError) => e.code === '704');
  });

  it('reads seeded New Lead activities from the start of the database', async () => {
    const token = await pair.client.getPagingToken('2024-01-01T00:00:00Z');
    const page = await pair.client.getActivities({ nextPageToken: token, activityTypeIds: [12], batchSize: 50 });
    assert.equal(page.result.length, 50);
    assert.deepEqual(page.result.slice(0, 3).map((a) => a.leadId), [1, 2, 3]);
    assert.equal(page.moreResult, true);
  });

  it('reads deleted leads', async () => {
    const token = await pair.client.getPagingToken(new Date());
    pair.emulator.deletePerson(20);
    pair.emulator.deletePerson(21);
    const page = await pair.client.getDeletedLeads({ nextPageToken: token });
    assert.deepEqual(page.result.map((a) => [a.leadId, a.activityTypeId]), [
      [20, 37],
      [21, 37],
    ]);
    assert.equal((await pair.client.getLeads({ filterType: 'id', filterValues: [20] })).result.length, 0);
  });

  it('creates, extends, approves and describes a custom activity type, then adds activities', async () => {
    const created = await pair.client.createCustomActivityType({
      apiName: 'sendSalesEmail_c',
      name: 'Send Sales Email',
      triggerName: 'Was Sent Sales Email',
      filterName: 'Was Sent Sales Email',
      primaryAttribute: { apiName: 'subject', name: 'Email Subject', dataType: 'string' },
    });
    assert.equal(created.status, 'draft');
    assert.ok(created.id >= 100000);
    await pair.client.createCustomActivityTypeAttributes('sendSalesEmail_c', [
      { apiName: 'sentBy', name: 'Sent By', dataType: 'string' },
      { apiName: 'templateId', name: 'Template ID', dataType: 'integer' },
    ]);
    const approved = await pair.client.approveCustomActivityType('sendSalesEmail_c');
    assert.equal(approved.status, 'approved');
    assert.equal((await pair.client.describeCustomActivityType('sendSalesEmail_c')).attributes.length, 2);
    assert.ok((await pair.client.getActivityTypes()).some((t) => t.apiName === 'sendSalesEmail_c'));
    assert.equal((await pair.client.listCustomActivityTypes()).length, 1);

    const token = await pair.client.getPagingToken(new Date());
    const results = await pair.client.addCustomActivities([
      { leadId: 3, activityDate: new Date().toISOString(), activityTypeId: created.id, primaryAttributeValue: 'Hello (SIA-1)', attributes: [{ apiName: 'sentBy', value: 'rep@example.com' }] },
      { leadId: 999_999, activityDate: new Date().toISOString(), activityTypeId: created.id, primaryAttributeValue: 'Nobody' },
      { leadId: 3, activityDate: new Date().toISOString(), activityTypeId: created.id, primaryAttributeValue: 'x', attributes: [{ apiName: 'nope', value: 1 }] },
    ]);
    assert.equal(results[0]!.status, 'added');
    assert.equal(results[0]!.marketoGUID, String(results[0]!.id));
    assert.deepEqual(results[1], { status: 'skipped', errors: [{ code: '1004', message: 'Lead not found' }] });
    assert.equal(results[2]!.errors![0]!.code, '1006');
    const logged = await pair.client.getActivities({ nextPageToken: token, activityTypeIds: [created.id] });
    assert.equal(logged.result.length, 1);
    assert.equal(logged.result[0]!.primaryAttributeValue, 'Hello (SIA-1)');
  });

  it('enforces 300 activities per call, 20 attributes per type and 10 custom types', async () => {
    const types = await pair.client.listCustomActivityTypes();
    const input = Array.from({ length: 301 }, () => ({ leadId: 1, activityDate: new Date().toISOString(), activityTypeId: types[0]!.id, primaryAttributeValue: 'x' }));
    await assert.rejects(pair.client.addCustomActivities(input), (e: MarketoError) => e.code === '1003');
    const many = Array.from({ length: 19 }, (_, i) => ({ apiName: `a${i}`, name: `A ${i}`, dataType: 'string' }));
    await assert.rejects(pair.client.createCustomActivityTypeAttributes('sendSalesEmail_c', many), (e: MarketoError) => e.code === '1028');
    for (let i = types.length; i < 10; i++) {
      await pair.client.createCustomActivityType({ apiName: `t${i}_c`, name: `T${i}`, triggerName: `T${i}`, filterName: `T${i}`, primaryAttribute: { apiName: 'p', name: 'P', dataType: 'string' } });
    }
    await assert.rejects(
      pair.client.createCustomActivityType({ apiName: 'eleventh_c', name: 'Eleventh', triggerName: 'E', filterName: 'E', primaryAttribute: { apiName: 'p', name: 'P', dataType: 'string' } }),
      (e: MarketoError) => e.code === '1027',
    );
  });
});
