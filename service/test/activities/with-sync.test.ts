import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { salesUserAt } from '../../../emulators/shared/seed-people.js';
import { tuneForTests, syncStatus } from '../sync/helpers.js';
import { addRep, marketoByMarker, startWorld, states, tasksByMarker, waitFor, type World } from './helpers.js';

/** The people come from the real data sync (Marketo emulator → persons), then an activity reaches both systems. */
describe('activities for people brought in by the data sync', () => {
  let world: World;
  const rep = salesUserAt(11, 7);

  before(async () => {
    tuneForTests();
    world = await startWorld({ people: 240, seedPersons: false });
    await addRep(world.runtime, world.account, rep);
    const start = await world.runtime.app.inject({ method: 'POST', url: '/api/v1/sync/start', headers: world.account.auth });
    assert.equal(start.statusCode, 202, start.body);
    await waitFor('the initial load', async () => (await syncStatus(world.runtime, world.account)).phase === 'incremental', 60_000);
  });
  after(() => world?.close());

  it('logs for a synced Contact by Salesforce id and delivers to the Contact and to the Marketo lead', async () => {
    const person = await world.runtime.database.db
      .selectFrom('persons')
      .selectAll()
      .where('account_id', '=', world.account.accountId)
      .where('sfdc_contact_id', 'is not', null)
      .orderBy('marketo_id')
      .executeTakeFirstOrThrow();
    const res = await world.runtime.app.inject({
      method: 'POST',
      url: '/api/v1/activities',
      headers: { ...world.account.auth, 'idempotency-key': 'synced-1' },
      payload: { rep: { salesforceUserId: rep.id }, person: { salesforceId: person.sfdc_contact_id }, kind: 'email_sent', attributes: { subject: 'From the sync' } },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().person.marketoId, Number(person.marketo_id));
    await waitFor('delivered', async () => {
      const s = await states(world.runtime, world.account.accountId);
      return s['marketo.delivered'] === 1 && s['salesforce.delivered'] === 1;
    });
    const marker = /\(SIA-(\w+)\)/.exec(res.json().marker)![1]!;
    assert.equal(tasksByMarker(world.salesforce).get(marker)?.[0]?.WhoId, person.sfdc_contact_id);
    assert.equal(marketoByMarker(world.marketo).get(marker)?.[0]?.leadId, Number(person.marketo_id));
    const look = await world.runtime.app.inject({ method: 'GET', url: `/api/v1/persons/lookup?marketoId=${person.marketo_id}`, headers: world.account.auth });
    assert.equal(look.json().people[0].salesforceType, 'Contact');
    assert.equal(look.json().people[0].engagement.total, 1);
  });
});
