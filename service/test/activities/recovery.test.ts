import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { salesUserAt } from '../../../emulators/shared/seed-people.js';
import { activities } from '../../src/activities/index.js';
import { marketoConnections } from '../../src/marketo/index.js';
import { addRep, marketoByMarker, startWorld, states, tasksByMarker, waitFor, type World } from './helpers.js';

/**
 * A worker that wrote and then died before recording it: its rows stay `sending` until their lease
 * runs out, then they are claimed as outcome-unknown and found in Marketo and Salesforce instead of
 * being written again. And Connections & Customizations shape the Tasks.
 */
describe('activity delivery after a crash, and under Connections & Customizations', () => {
  let world: World;
  const rep = salesUserAt(11, 5);
  let contactPerson: number;
  let bothPerson: number;
  let bothLeadId: string;

  before(async () => {
    world = await startWorld({ tuning: { leaseMs: 1500 } });
    await addRep(world.runtime, world.account, rep);
    const persons = await world.runtime.database.db.selectFrom('persons').selectAll().where('account_id', '=', world.account.accountId).orderBy('marketo_id').execute();
    const contacts = persons.filter((p) => p.sfdc_contact_id);
    const leads = persons.filter((p) => p.sfdc_lead_id && !p.sfdc_contact_id);
    contactPerson = Number(contacts[0]!.marketo_id);
    bothPerson = Number(contacts[2]!.marketo_id);
    bothLeadId = leads[2]!.sfdc_lead_id!;
    await world.runtime.database.db.updateTable('persons').set({ sfdc_lead_id: bothLeadId }).where('account_id', '=', world.account.accountId).where('marketo_id', '=', bothPerson).execute();
  });
  after(() => world?.close());

  const log = (key: string, payload: Record<string, unknown>) =>
    world.runtime.app.inject({ method: 'POST', url: '/api/v1/activities', headers: { ...world.account.auth, 'idempotency-key': key }, payload: { rep: { salesforceUserId: rep.id }, ...payload } });

  it('finds what a dead worker wrote instead of writing it again', async () => {
    const { worker } = activities(world.runtime.context);
    const db = world.runtime.database.db;
    // One delivered activity first, so the Marketo custom activity types exist.
    await log('warm-up', { person: { marketoId: contactPerson }, kind: 'email_sent', attributes: { subject: 'Warm up' } });
    await waitFor('warm-up delivered', async () => (await states(world.runtime, world.account.accountId))['marketo.delivered'] === 1);
    worker.stop();
    const logged = [];
    for (const n of [1, 2, 3]) {
      const res = await log(`crash-${n}`, { person: { marketoId: contactPerson }, kind: 'email_sent', attributes: { subject: `Crash ${n}` } });
      assert.equal(res.statusCode, 201, res.body);
      logged.push(res.json());
    }
    const ids = logged.map((a) => a.id as string);
    // The dead worker: claimed the rows, wrote them to both systems, never recorded the outcome.
    await db.updateTable('activity_deliveries').set({ state: 'sending', lease_until: new Date(Date.now() + 1500), attempts: 1 }).where('activity_id', 'in', ids).execute();
    const rows = await db.selectFrom('activity_deliveries').select(['system', 'payload']).where('activity_id', 'in', ids).execute();
    const typeId = (await db.selectFrom('activity_marketo_types').select('type_id').where('kind', '=', 'email_sent').executeTakeFirstOrThrow()).type_id;
    const client = await marketoConnections(world.runtime.context).clientFor(world.account.accountId);
    const parse = (p: unknown) => (typeof p === 'string' ? JSON.parse(p) : p) as Record<string, unknown>;
    await client.addCustomActivities(
      rows
        .filter((r) => r.system === 'marketo')
        .map((r) => {
          const p = parse(r.payload) as { leadId: number; activityDate: string; primaryAttributeValue: string; attributes: Array<{ apiName: string; value: string }> };
          return { leadId: p.leadId, activityDate: p.activityDate, activityTypeId: typeId, primaryAttributeValue: p.primaryAttributeValue, attributes: p.attributes };
        }),
    );
    for (const r of rows.filter((x) => x.system === 'salesforce')) {
      const fields = parse(r.payload).fields as Record<string, unknown>;
      const saved = world.salesforce.org.insert('Task', Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)), world.salesforce.org.admin.id);
      assert.ok(saved.success, JSON.stringify(saved));
    }
    worker.start();
    await waitFor(
      'the leases run out and the rows are settled',
      async () => (await db.selectFrom('activity_deliveries').select('state').where('activity_id', 'in', ids).where('state', '!=', 'delivered').execute()).length === 0,
      20_000,
    );
    const tasks = tasksByMarker(world.salesforce);
    const inMarketo = marketoByMarker(world.marketo);
    for (const a of logged) {
      const marker = /\(SIA-(\w+)\)/.exec(a.marker)![1]!;
      assert.equal(tasks.get(marker)?.length, 1, 'one Task, not two');
      assert.equal(inMarketo.get(marker)?.length, 1, 'one Marketo activity, not two');
    }
    assert.ok(world.salesforce.requests().some((r) => r.url.includes('/query') && r.url.includes('Crash')), 'Salesforce was asked first');
    assert.ok(world.marketo.calls.some((c) => c.path.endsWith('/activities.json')), 'Marketo was asked first');
  });

  it('follows Connections & Customizations: lead precedence, subject prefix, calls not logged, fallback owner for an inactive rep', async () => {
    const put = await world.runtime.app.inject({
      method: 'PUT',
      url: '/api/v1/connections/salesforce/customizations',
      headers: world.account.auth,
      payload: { leadContactPrecedence: 'lead', subjectPrefix: '[MSI]', logged: { calls: false }, taskOwner: { mode: 'rep', fallbackUserId: world.salesforce.org.admin.id } },
    });
    assert.equal(put.statusCode, 200, put.body);
    const asLead = await log('prefs-lead', { person: { marketoId: bothPerson }, kind: 'email_sent', attributes: { subject: 'Lead first' } });
    const call = await log('prefs-call', { person: { marketoId: bothPerson }, kind: 'call', attributes: { callStatus: 'completed' } });
    assert.equal(call.json().deliveries.salesforce.state, 'skipped');
    assert.equal(call.json().deliveries.salesforce.error.code, 'not_logged');
    world.salesforce.setUserActive(rep.id, false);
    const inactive = await log('prefs-inactive', { person: { marketoId: contactPerson }, kind: 'email_sent', attributes: { subject: 'Owner gone' } });
    await waitFor('settled', async () => {
      const s = await states(world.runtime, world.account.accountId);
      return !s['salesforce.pending'] && !s['salesforce.sending'] && !s['marketo.pending'] && !s['marketo.sending'];
    });
    world.salesforce.setUserActive(rep.id, true);
    const tasks = tasksByMarker(world.salesforce);
    const lead = tasks.get(/\(SIA-(\w+)\)/.exec(asLead.json().marker)![1]!)![0]!;
    assert.equal(lead.WhoId, bothLeadId, 'lead precedence puts the Task on the Lead');
    assert.equal(lead.WhatId ?? null, null, 'no WhatId on a Lead Task');
    assert.match(String(lead.Subject), /^\[MSI\] Email: Lead first \(SIA-\w+\)$/);
    assert.equal(tasks.get(/\(SIA-(\w+)\)/.exec(call.json().marker)![1]!), undefined, 'calls are not logged to Salesforce');
    assert.equal(marketoByMarker(world.marketo).get(/\(SIA-(\w+)\)/.exec(call.json().marker)![1]!)?.length, 1, 'but they still reach Marketo');
    const owned = tasks.get(/\(SIA-(\w+)\)/.exec(inactive.json().marker)![1]!)![0]!;
    assert.equal(owned.OwnerId, world.salesforce.org.admin.id, 'the fallback user owns the Task of an inactive rep');
  });
});
