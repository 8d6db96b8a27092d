import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { salesUserAt } from '../../../emulators/shared/seed-people.js';
import { ACTIVITY_KINDS, MARKETO_TYPES, type ActivityKind } from '../../src/activities/index.js';
import { addRep, marketoByMarker, startWorld, states, tasksByMarker, waitFor, type World } from './helpers.js';

const ATTRIBUTES: Record<ActivityKind, Record<string, unknown>> = {
  email_sent: { subject: 'Quick question about your roadmap', templateId: 12, templateName: 'Intro v2', templateUrl: 'https://sales.example.com/t/12', campaignName: 'Q3 outreach' },
  email_opened: { subject: 'Quick question about your roadmap' },
  email_clicked: { subject: 'Quick question about your roadmap', link: 'https://example.com/pricing' },
  email_replied: { subject: 'Re: Quick question about your roadmap' },
  email_bounced: { subject: 'Quick question', bounceDetails: '550 mailbox unavailable', bouncedEmail: 'gone@example.com' },
  call: { subject: 'Discovery call', callStatus: 'completed', callDurationSeconds: 420, phoneNumber: '+31 20 555 0100', notes: 'Wants a demo' },
  campaign_added: { campaignName: 'Q3 outreach', campaignId: 7, campaignUrl: 'https://sales.example.com/c/7' },
  campaign_removed: { campaignName: 'Q3 outreach', campaignId: 7 },
};

describe('activities reach the right records in Marketo and Salesforce', () => {
  let world: World;
  const rep = salesUserAt(11, 3);
  let contactPerson: number;
  let leadPerson: number;
  let bothPerson: number;
  let bothLeadId: string;

  before(async () => {
    world = await startWorld();
    await addRep(world.runtime, world.account, rep);
    const persons = await world.runtime.database.db.selectFrom('persons').selectAll().where('account_id', '=', world.account.accountId).orderBy('marketo_id').execute();
    const contacts = persons.filter((p) => p.sfdc_contact_id && p.sfdc_opportunity_id);
    const leads = persons.filter((p) => p.sfdc_lead_id && !p.sfdc_contact_id);
    contactPerson = Number(contacts[0]!.marketo_id);
    leadPerson = Number(leads[0]!.marketo_id);
    // A converted lead: the person has both ids; the Contact must win.
    bothPerson = Number(contacts[1]!.marketo_id);
    bothLeadId = leads[1]!.sfdc_lead_id!;
    await world.runtime.database.db.updateTable('persons').set({ sfdc_lead_id: bothLeadId }).where('account_id', '=', world.account.accountId).where('marketo_id', '=', bothPerson).execute();
    // The lead's own person is the one that was converted: it now carries the contact instead.
    await world.runtime.database.db.updateTable('persons').set({ sfdc_lead_id: null }).where('account_id', '=', world.account.accountId).where('marketo_id', '=', Number(leads[1]!.marketo_id)).execute();
  });
  after(() => world?.close());

  const log = (payload: Record<string, unknown>, key: string) =>
    world.runtime.app.inject({ method: 'POST', url: '/api/v1/activities', headers: { ...world.account.auth, 'idempotency-key': key }, payload });

  it('logs every kind and delivers each as one Marketo custom activity and one Task on the right record', async () => {
    const logged: Array<{ kind: ActivityKind; marker: string; marketoId: number }> = [];
    for (const [n, kind] of ACTIVITY_KINDS.entries()) {
      const marketoId = [contactPerson, leadPerson, bothPerson][n % 3]!;
      const res = await log({ rep: { salesforceUserId: rep.id }, person: { marketoId }, kind, attributes: ATTRIBUTES[kind] }, `kind-${kind}`);
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json();
      assert.equal(body.kind, kind);
      assert.equal(body.deliveries.marketo.state, 'pending');
      logged.push({ kind, marker: /\(SIA-(\w+)\)/.exec(body.marker)![1]!, marketoId });
    }
    await waitFor('all delivered', async () => {
      const s = await states(world.runtime, world.account.accountId);
      return s['marketo.delivered'] === 8 && s['salesforce.delivered'] === 8 ? s : null;
    });
    const tasks = tasksByMarker(world.salesforce);
    const activitiesInMarketo = marketoByMarker(world.marketo);
    const persons = new Map(
      (await world.runtime.database.db.selectFrom('persons').selectAll().where('account_id', '=', world.account.accountId).execute()).map((p) => [Number(p.marketo_id), p]),
    );
    const types = new Map((await world.runtime.database.db.selectFrom('activity_marketo_types').selectAll().execute()).map((t) => [t.kind, t.type_id]));
    assert.equal(types.size, 8, 'one custom activity type per kind');
    for (const { kind, marker, marketoId } of logged) {
      const person = persons.get(marketoId)!;
      const inMarketo = activitiesInMarketo.get(marker) ?? [];
      assert.equal(inMarketo.length, 1, `${kind}: one Marketo activity`);
      assert.equal(inMarketo[0]!.leadId, marketoId, `${kind}: on the right lead`);
      assert.equal(inMarketo[0]!.activityTypeId, types.get(kind));
      const task = tasksByMarker(world.salesforce).get(marker) ?? [];
      assert.equal(task.length, 1, `${kind}: one Task`);
      const expectedWho = person.sfdc_contact_id ?? person.sfdc_lead_id;
      assert.equal(task[0]!.WhoId, expectedWho, `${kind}: WhoId is the Contact when there is one`);
      if (person.sfdc_contact_id) assert.equal(task[0]!.WhatId, person.sfdc_opportunity_id ?? person.sfdc_account_id);
      else assert.equal(task[0]!.WhatId ?? null, null);
      assert.equal(task[0]!.OwnerId, rep.id, 'the rep owns the Task');
      assert.equal(task[0]!.Status, 'Completed');
    }
    assert.equal(tasks.size, 8);
    const call = tasks.get(logged.find((l) => l.kind === 'call')!.marker)![0]!;
    assert.equal(call.Type, 'Call');
    assert.equal(call.CallDurationInSeconds, 420);
    assert.match(String(call.Subject), /^Call: Discovery call \(SIA-\w+\)$/);
    const reply = tasks.get(logged.find((l) => l.kind === 'email_replied')!.marker)![0]!;
    assert.equal(reply.Type, 'Reply');
    const sent = tasks.get(logged.find((l) => l.kind === 'email_sent')!.marker)![0]!;
    assert.equal(sent.Type, 'Email');
    assert.equal(sent.MSE_Template__c, 'Intro v2', 'optional MSI fields the org has are filled');
    const clicked = activitiesInMarketo.get(logged.find((l) => l.kind === 'email_clicked')!.marker)![0]!;
    assert.deepEqual(
      (clicked.attributes as Array<{ apiName: string; value: unknown }>).find((a) => a.apiName === 'link')?.value,
      'https://example.com/pricing',
    );
    const described = world.marketo.handlers.customTypes.get(MARKETO_TYPES.call.apiName);
    assert.ok(described?.approved, 'the custom activity types are approved');
    assert.ok((described.approved.attributes.length ?? 0) <= 20);
    assert.ok(world.marketo.handlers.customTypes.size <= 10);
  });

  it('answers the same activity for the same idempotency key and never logs a second one', async () => {
    const payload = { rep: { salesforceUserId: rep.id }, person: { marketoId: contactPerson }, kind: 'call', attributes: { callStatus: 'no answer' } };
    const first = await log(payload, 'same-key');
    assert.equal(first.statusCode, 201, first.body);
    const again = await log(payload, 'same-key');
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().id, first.json().id);
    const inBody = await world.runtime.app.inject({ method: 'POST', url: '/api/v1/activities', headers: world.account.auth, payload: { ...payload, idempotencyKey: 'same-key' } });
    assert.equal(inBody.json().id, first.json().id);
    const other = await log({ ...payload, attributes: { callStatus: 'failed' } }, 'same-key');
    assert.equal(other.statusCode, 409);
    assert.equal(other.json().error.code, 'idempotency_key_reused');
    const parallel = await Promise.all([1, 2, 3, 4].map(() => log({ ...payload, kind: 'email_sent', attributes: { subject: 'Parallel' } }, 'parallel-key')));
    assert.equal(new Set(parallel.map((r) => r.json().id)).size, 1);
    const missing = await world.runtime.app.inject({ method: 'POST', url: '/api/v1/activities', headers: world.account.auth, payload });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().error.code, 'idempotency_key_required');
    const count = await world.runtime.database.db.selectFrom('activities').select((eb) => eb.fn.countAll<number>().as('n')).where('idempotency_key', 'in', ['same-key', 'parallel-key']).executeTakeFirst();
    assert.equal(Number(count!.n), 2);
  });

  it('logs a batch with one answer per activity, in order', async () => {
    const res = await world.runtime.app.inject({
      method: 'POST',
      url: '/api/v1/activities/batch',
      headers: world.account.auth,
      payload: {
        activities: [
          { idempotencyKey: 'batch-1', rep: { salesforceUserId: rep.id }, person: { marketoId: contactPerson }, kind: 'email_sent', attributes: { subject: 'Batch one' } },
          { idempotencyKey: 'batch-2', rep: { salesforceUserId: rep.id }, person: { marketoId: 999_998 }, kind: 'email_sent', attributes: { subject: 'Nobody' } },
          { idempotencyKey: 'batch-1', rep: { salesforceUserId: rep.id }, person: { marketoId: contactPerson }, kind: 'email_sent', attributes: { subject: 'Batch one' } },
          { idempotencyKey: 'same-key', rep: { salesforceUserId: rep.id }, person: { marketoId: contactPerson }, kind: 'call', attributes: { callStatus: 'no answer' } },
        ],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const results = res.json().results;
    assert.deepEqual(
      results.map((r: { status: number }) => r.status),
      [201, 404, 200, 200],
    );
    assert.equal(results[1].error.code, 'person_not_found');
    assert.equal(results[2].activity.id, results[0].activity.id);
  });

  it('refuses text PostgreSQL cannot store with 400 naming the field and logs nothing; in a batch only that activity fails', async () => {
    const call = (attributes: Record<string, unknown>) => ({ rep: { salesforceUserId: rep.id }, person: { marketoId: contactPerson }, kind: 'call', attributes: { callStatus: 'completed', ...attributes } });
    for (const [key, attributes, path] of [
      ['nul-notes', { notes: 'a\u0000b' }, 'body/attributes/notes'],
      ['surrogate-notes', { notes: 'Great call \ud83d' }, 'body/attributes/notes'],
      ['surrogate-subject', { subject: 'Hi \udc4d' }, 'body/attributes/subject'],
    ] as const) {
      const res = await log(call(attributes), key);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.code, 'invalid_request');
      assert.equal(res.json().error.details.issues[0].path, path);
      // Nothing was stored under the key: the corrected activity logs with it.
      const fixed = await log(call({ notes: 'Great call 👍' }), key);
      assert.equal(fixed.statusCode, 201, fixed.body);
      assert.equal(fixed.json().attributes.notes, 'Great call 👍');
    }

    const batch = (activities: unknown[]) => world.runtime.app.inject({ method: 'POST', url: '/api/v1/activities/batch', headers: world.account.auth, payload: { activities } });
    const res = await batch([
      { idempotencyKey: 'text-1', ...call({ notes: 'fine' }) },
      { idempotencyKey: 'text-2', ...call({ notes: '\u0000' }) },
      { idempotencyKey: 'text-3', ...call({ subject: 'x\udc00' }) },
      { idempotencyKey: 'text-4', ...call({ notes: 'fine too' }) },
    ]);
    assert.equal(res.statusCode, 200, res.body);
    const results = res.json().results;
    assert.deepEqual(
      results.map((r: { status: number }) => r.status),
      [201, 400, 400, 201],
    );
    assert.equal(results[1].error.code, 'invalid_request');
    assert.equal(results[1].error.details.issues[0].path, 'body/activities/1/attributes/notes');
    assert.match(results[1].error.message, /body\/activities\/1\/attributes\/notes must not contain a NUL/);
    assert.equal(results[2].error.details.issues[0].path, 'body/activities/2/attributes/subject');
    assert.equal(results[3].activity.attributes.notes, 'fine too');
    const allBad = await batch([{ idempotencyKey: 'text-5', ...call({ notes: '\u0000' }) }]);
    assert.equal(allBad.statusCode, 200, allBad.body);
    assert.equal(allBad.json().results[0].status, 400);
    const stored = await world.runtime.database.db
      .selectFrom('activities')
      .select('idempotency_key')
      .where('account_id', '=', world.account.accountId)
      .where('idempotency_key', 'in', ['text-1', 'text-2', 'text-3', 'text-4', 'text-5'])
      .orderBy('idempotency_key')
      .execute();
    assert.deepEqual(
      stored.map((r) => r.idempotency_key),
      ['text-1', 'text-4'],
    );
    // Outside the activities the batch is refused as a whole.
    const outside = await world.runtime.app.inject({
      method: 'POST',
      url: '/api/v1/activities/batch',
      headers: world.account.auth,
      payload: { activities: [{ idempotencyKey: 'text-6', ...call({}) }], ['x\u0000']: 1 },
    });
    assert.equal(outside.statusCode, 400);
    assert.doesNotMatch(world.runtime.logs.text, /unhandled error/);
  });

  it('refuses ids PostgreSQL cannot read and numbers beyond its columns with 400, never a 500', async () => {
    const get = (url: string) => world.runtime.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: world.account.auth });
    const urn = 'urn:uuid:00000000-0000-0000-0000-000000000000';
    const huge = '99999999999999999999';
    const requests: Array<[string, Promise<{ statusCode: number; body: string; json(): { error: { code: string; details: { issues: Array<{ path: string }> } } } }>, string]> = [
      ['activity urn', get(`/activities/${urn}`), 'params/activityId'],
      ['retry urn', world.runtime.app.inject({ method: 'POST', url: `/api/v1/diagnostics/${urn}/retry`, headers: world.account.auth }), 'params/deliveryId'],
      ['diagnostics page', get(`/diagnostics?page=${huge}`), 'querystring/page'],
      ['person activities', get(`/persons/${huge}/activities`), 'params/marketoId'],
      ['person activities page', get(`/persons/${contactPerson}/activities?page=1000001`), 'querystring/page'],
      ['lookup', get(`/persons/lookup?marketoId=${huge}`), 'querystring/marketoId'],
      ['lookup 2^31', get('/persons/lookup?marketoId=2147483648'), 'querystring/marketoId'],
      ['body marketoId', log({ rep: { salesforceUserId: rep.id }, person: { marketoId: 1e20 }, kind: 'call', attributes: { callStatus: 'completed' } }, 'huge-person'), 'body/person/marketoId'],
      ['template id', log({ rep: { salesforceUserId: rep.id }, person: { marketoId: contactPerson }, kind: 'email_sent', attributes: { subject: 'x', templateId: 2147483648 } }, 'huge-template'), 'body/attributes/templateId'],
    ];
    for (const [what, response, path] of requests) {
      const res = await response;
      assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
      assert.equal(res.json().error.code, 'invalid_request', what);
      assert.equal(res.json().error.details.issues[0]!.path, path, what);
    }
    assert.equal((await get('/persons/lookup?marketoId=2147483647')).statusCode, 404, 'the largest Marketo id is looked up');
    assert.doesNotMatch(world.runtime.logs.text, /unhandled error/);
  });

  it('finds the person by Lead or Contact id and by e-mail, and says clearly when it cannot', async () => {
    const person = await world.runtime.database.db.selectFrom('persons').selectAll().where('account_id', '=', world.account.accountId).where('marketo_id', '=', contactPerson).executeTakeFirstOrThrow();
    const byContact = await log({ rep: { salesforceUserId: rep.id }, person: { salesforceId: person.sfdc_contact_id!.slice(0, 15) }, kind: 'email_opened', attributes: { subject: 'x' } }, 'by-contact');
    assert.equal(byContact.statusCode, 201, byContact.body);
    assert.equal(byContact.json().person.marketoId, contactPerson);
    const byLead = await log({ rep: { salesforceUserId: rep.id }, person: { salesforceId: bothLeadId }, kind: 'email_opened', attributes: { subject: 'x' } }, 'by-lead');
    assert.equal(byLead.json().person.marketoId, bothPerson, 'the converted lead id finds the person');
    const byEmail = await log({ rep: { salesforceUserId: rep.id }, person: { email: person.email!.toUpperCase() }, kind: 'email_opened', attributes: { subject: 'x' } }, 'by-email');
    assert.equal(byEmail.statusCode, 201, byEmail.body);

    const unknown = await log({ rep: { salesforceUserId: rep.id }, person: { marketoId: 999_999 }, kind: 'call', attributes: { callStatus: 'completed' } }, 'unknown-person');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'person_not_found');

    await world.runtime.database.db.updateTable('persons').set({ removed_at: new Date(), removed_reason: 'deleted' }).where('account_id', '=', world.account.accountId).where('marketo_id', '=', leadPerson + 1).execute();
    const gone = await log({ rep: { salesforceUserId: rep.id }, person: { marketoId: leadPerson + 1 }, kind: 'call', attributes: { callStatus: 'completed' } }, 'removed-person');
    assert.equal(gone.statusCode, 410, gone.body);
    assert.equal(gone.json().error.code, 'person_not_synced');

    const twoPeople = await world.runtime.database.db.selectFrom('persons').select(['email']).where('account_id', '=', world.account.accountId).groupBy('email').having((eb) => eb.fn.countAll(), '>', 1).executeTakeFirst();
    if (twoPeople?.email) {
      const dup = await log({ rep: { salesforceUserId: rep.id }, person: { email: twoPeople.email }, kind: 'call', attributes: { callStatus: 'completed' } }, 'dup-email');
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.json().error.code, 'person_ambiguous');
    }
    const badAttrs = await log({ rep: { salesforceUserId: rep.id }, person: { marketoId: contactPerson }, kind: 'email_clicked', attributes: { subject: 'x' } }, 'no-link');
    assert.equal(badAttrs.statusCode, 400);
    assert.equal(badAttrs.json().error.code, 'missing_attributes');
  });

  it('links the rep by e-mail once, refuses unknown and deactivated users', async () => {
    const linked = await world.runtime.database.db.selectFrom('users').select(['salesforce_user_id']).where('email', '=', rep.email).executeTakeFirstOrThrow();
    assert.equal(linked.salesforce_user_id, rep.id, 'linked through the Salesforce User’s e-mail');
    const stranger = salesUserAt(11, 9);
    const unknown = await log({ rep: { salesforceUserId: stranger.id }, person: { marketoId: contactPerson }, kind: 'call', attributes: { callStatus: 'completed' } }, 'stranger');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'rep_not_found');
    const gone = salesUserAt(11, 10);
    await addRep(world.runtime, world.account, gone, 'deactivated');
    const deactivated = await log({ rep: { salesforceUserId: gone.id, email: gone.email }, person: { marketoId: contactPerson }, kind: 'call', attributes: { callStatus: 'completed' } }, 'deactivated');
    assert.equal(deactivated.statusCode, 403);
    assert.equal(deactivated.json().error.code, 'user_deactivated');
  });

  it('shows the rep the person (synced fields, Lead or Contact, engagement) and their activities newest first with delivery states', async () => {
    await waitFor('deliveries settle', async () => {
      const s = await states(world.runtime, world.account.accountId);
      return !s['marketo.pending'] && !s['salesforce.pending'] && !s['marketo.sending'] && !s['salesforce.sending'];
    });
    const person = await world.runtime.database.db.selectFrom('persons').selectAll().where('account_id', '=', world.account.accountId).where('marketo_id', '=', bothPerson).executeTakeFirstOrThrow();
    const look = await world.runtime.app.inject({ method: 'GET', url: `/api/v1/persons/lookup?salesforceId=${person.sfdc_contact_id}`, headers: world.account.auth });
    assert.equal(look.statusCode, 200, look.body);
    const [found] = look.json().people;
    assert.equal(found.marketoId, bothPerson);
    assert.equal(found.salesforceType, 'Contact');
    assert.equal(found.fields.email, person.email);
    assert.equal(found.fields.salesforceLeadId, bothLeadId);
    assert.ok(found.engagement.total >= 2);
    assert.ok(found.engagement.recent.length >= 2);

    const list = await world.runtime.app.inject({ method: 'GET', url: `/api/v1/persons/${contactPerson}/activities?pageSize=2`, headers: world.account.auth });
    assert.equal(list.statusCode, 200, list.body);
    const page = list.json();
    assert.equal(page.activities.length, 2);
    assert.ok(page.total >= 4);
    assert.ok(page.activities[0].occurredAt >= page.activities[1].occurredAt, 'newest first');
    assert.equal(page.activities[0].deliveries.marketo.state, 'delivered');
    assert.equal(page.activities[0].deliveries.salesforce.state, 'delivered');
    assert.match(page.activities[0].deliveries.salesforce.remoteId, /^00T/);
    const second = await world.runtime.app.inject({ method: 'GET', url: `/api/v1/persons/${contactPerson}/activities?pageSize=2&page=2`, headers: world.account.auth });
    assert.notEqual(second.json().activities[0].id, page.activities[0].id);
    const none = await world.runtime.app.inject({ method: 'GET', url: '/api/v1/persons/999999/activities', headers: world.account.auth });
    assert.equal(none.statusCode, 404);

    // From a record page (Apex sends the record's id): only that record's person.
    const contactRow = await world.runtime.database.db.selectFrom('persons').select(['sfdc_contact_id']).where('account_id', '=', world.account.accountId).where('marketo_id', '=', contactPerson).executeTakeFirstOrThrow();
    const ofRecord = await world.runtime.app.inject({ method: 'GET', url: `/api/v1/persons/${contactPerson}/activities?pageSize=2&salesforceId=${contactRow.sfdc_contact_id!.slice(0, 15)}`, headers: world.account.auth });
    assert.equal(ofRecord.statusCode, 200, ofRecord.body);
    assert.equal(ofRecord.json().total, page.total);
    const otherRecord = await world.runtime.app.inject({ method: 'GET', url: `/api/v1/persons/${contactPerson}/activities?salesforceId=${bothLeadId}`, headers: world.account.auth });
    assert.equal(otherRecord.statusCode, 404, 'another record’s person is not shown on this page');
    assert.equal(otherRecord.json().error.code, 'person_not_found');
    assert.doesNotMatch(otherRecord.body, /deliveries/);
  });

  it('keeps permanent errors with code and fix hint in diagnostics, and retries one or all after the fix', async () => {
    world.salesforce.injectFault({ errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Tasks need a region', times: 2, object: 'Task' });
    const ids = [];
    for (const n of [1, 2]) {
      const res = await log({ rep: { salesforceUserId: rep.id }, person: { marketoId: leadPerson }, kind: 'email_sent', attributes: { subject: `Validation ${n}` } }, `validation-${n}`);
      ids.push(res.json().id as string);
    }
    const diag = await waitFor('failures in diagnostics', async () => {
      const res = await world.runtime.app.inject({ method: 'GET', url: '/api/v1/diagnostics?system=salesforce', headers: world.account.auth });
      const body = res.json();
      return body.failures.length === 2 ? body : null;
    });
    const failure = diag.failures[0];
    assert.equal(failure.code, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    assert.equal(failure.message, 'Tasks need a region');
    assert.match(failure.hint, /validation rule/i);
    assert.equal(failure.person.marketoId, leadPerson);
    assert.ok(failure.failedAt);
    assert.ok(diag.perDay.some((d: { system: string; failed: number }) => d.system === 'salesforce' && d.failed === 2));
    assert.equal(diag.summary.salesforce.failed, 2);

    const one = await world.runtime.app.inject({ method: 'POST', url: `/api/v1/diagnostics/${failure.deliveryId}/retry`, headers: world.account.auth });
    assert.equal(one.statusCode, 200, one.body);
    assert.equal(one.json().retried, 1);
    const all = await world.runtime.app.inject({ method: 'POST', url: '/api/v1/diagnostics/retry', headers: world.account.auth, payload: {} });
    assert.equal(all.json().retried, 1);
    await waitFor('retried deliveries land', async () => {
      const s = await states(world.runtime, world.account.accountId);
      return !s['salesforce.failed'] && !s['salesforce.pending'] && !s['salesforce.sending'];
    });
    const tasks = tasksByMarker(world.salesforce);
    for (const id of ids) {
      const a = await world.runtime.app.inject({ method: 'GET', url: `/api/v1/activities/${id}`, headers: world.account.auth });
      const marker = /\(SIA-(\w+)\)/.exec(a.json().marker)![1]!;
      assert.equal(tasks.get(marker)?.length, 1);
    }
    const notFailed = await world.runtime.app.inject({ method: 'POST', url: `/api/v1/diagnostics/${failure.deliveryId}/retry`, headers: world.account.auth });
    assert.equal(notFailed.statusCode, 400);
  });
});
