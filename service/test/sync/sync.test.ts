import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { MarketoEmulator } from '../../../emulators/marketo/index.js';
import { ACTIVITY_DELETE_LEAD } from '../../../emulators/marketo/database.js';
import { createActiveAccount, type ActiveAccount } from '../helpers/accounts.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { connectMarketo, qualifyingIds, startEmulator, syncStatus, tuneForTests, waitFor } from './helpers.js';

type PersonRow = Record<string, unknown> & { marketo_id: number };

describe('data sync: preview, initial load, incremental, status, admin actions', () => {
  let runtime: TestRuntime;
  let emulator: MarketoEmulator;
  let account: ActiveAccount;
  let unconnected: ActiveAccount;
  const actor = { 'x-msi-actor': '005000000000001AAA Ada Admin' };
  let contactWithLead = 0;

  before(async () => {
    tuneForTests();
    emulator = await startEmulator();
    runtime = await startTestRuntime();
    account = await createActiveAccount(runtime);
    unconnected = await createActiveAccount(runtime);
    await connectMarketo(runtime, account, emulator);
  });
  after(async () => {
    await runtime.close();
    await emulator.close();
  });

  const api = (a: ActiveAccount, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    runtime.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...a.auth, ...actor },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  const persons = async (): Promise<PersonRow[]> =>
    (
      await sql<PersonRow>`select * from persons where account_id = ${account.accountId} order by marketo_id`.execute(
        runtime.database.db,
      )
    ).rows;

  it('refuses to start, with a reason, until Marketo is connected', async () => {
    const res = await api(unconnected, 'POST', '/sync/start');
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'marketo_not_connected');
    assert.match(res.json().error.message, /Marketo is connected/);
    assert.equal((await syncStatus(runtime, unconnected)).phase, 'not_started');
  });

  it('previews the 13 standard fields as this instance names them, extra fields, and 10 sample people', async () => {
    const res = await api(account, 'GET', '/sync/fields');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.standardFields.length, 13);
    const by = Object.fromEntries(
      body.standardFields.map((f: { key: string; marketoField: string }) => [f.key, f.marketoField]),
    );
    assert.deepEqual(by, {
      firstName: 'firstName',
      lastName: 'lastName',
      salesforceContactId: 'sfdcContactId',
      salesforceLeadId: 'sfdcLeadId',
      salesforceAccountId: 'sfdcAccountId',
      salesforceOpportunityId: 'sfdcOpptyId',
      marketoId: 'id',
      company: 'company',
      title: 'title',
      email: 'email',
      phone: 'phone',
      linkedinUrl: 'linkedInUrl',
      source: 'leadSource',
    });
    assert.ok(
      body.standardFields.every(
        (f: { warning: string | null; warningCode: string | null; dataType: string }) =>
          f.warning === null && f.warningCode === null && f.dataType,
      ),
    );
    const candidates = Object.fromEntries(
      body.standardFields.map((f: { key: string; candidates: string[] }) => [f.key, f.candidates]),
    );
    assert.deepEqual(candidates.salesforceOpportunityId, ['sfdcOpptyId', 'sfdcOpportunityId']);
    assert.deepEqual(candidates.phone, ['phone', 'mainPhone']);
    assert.equal(body.ownerField.marketoField, 'sfdcLeadOwnerId');
    assert.equal(body.ownerField.warningCode, null);
    assert.equal(body.countSource, 'unavailable');
    assert.equal(body.sample.length, 10);
    assert.ok(body.sample.every((s: { ownerId: string | null }) => s.ownerId));
    assert.equal(body.qualifyingCount, null);
    assert.match(body.countNote, /initial load/);
    assert.ok(body.availableFields.some((f: { marketoField: string }) => f.marketoField === 'industry'));

    const tooMany = await api(account, 'PUT', '/sync/settings', {
      extraFields: Array.from({ length: 21 }, (_, i) => `f${i}`),
    });
    assert.equal(tooMany.statusCode, 400);
    assert.equal(tooMany.json().error.code, 'too_many_fields');
    const unknown = await api(account, 'PUT', '/sync/settings', { extraFields: ['noSuchField'] });
    assert.equal(unknown.json().error.code, 'unknown_field');
    const saved = await api(account, 'PUT', '/sync/settings', {
      extraFields: ['industry', 'unsubscribed'],
      intervalSeconds: 1,
    });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.deepEqual(saved.json().extraFields, [
      { name: 'industry', dataType: 'string' },
      { name: 'unsubscribed', dataType: 'boolean' },
    ]);
    const again = (await api(account, 'GET', '/sync/fields')).json();
    assert.deepEqual(
      again.extraFields.map((e: { marketoField: string }) => e.marketoField),
      ['industry', 'unsubscribed'],
    );
    assert.equal(typeof again.sample[0].extra.unsubscribed, 'boolean');
    assert.ok(again.extraFields.every((e: { warningCode: string | null }) => e.warningCode === null));
  });

  it('codes the owner and extra field warnings next to their English text', async () => {
    // Fields that were in Marketo when saved and are gone now: the settings table is written directly, as the
    // settings route refuses unknown fields.
    const saved = await sql<{
      owner_field: string;
      extra_fields: unknown;
    }>`select owner_field, extra_fields from sync_settings where account_id = ${account.accountId}`.execute(
      runtime.database.db,
    );
    const before = saved.rows[0]!;
    const gone = JSON.stringify([
      { name: 'industry', dataType: 'string' },
      { name: 'goneField', dataType: 'string' },
    ]);
    await sql`update sync_settings set owner_field = 'goneOwnerId', extra_fields = ${gone}
      where account_id = ${account.accountId}`.execute(runtime.database.db);
    try {
      const res = await api(account, 'GET', '/sync/fields');
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.ownerField.marketoField, 'goneOwnerId');
      assert.equal(body.ownerField.warningCode, 'owner_field_missing');
      assert.match(body.ownerField.warning, /no "goneOwnerId" field/);
      assert.deepEqual(
        body.extraFields.map((e: { marketoField: string; warningCode: string | null }) => [e.marketoField, e.warningCode]),
        [
          ['industry', null],
          ['goneField', 'extra_field_missing'],
        ],
      );
      assert.match(body.extraFields[1].warning, /"goneField" is no longer in this Marketo instance/);
    } finally {
      await sql`update sync_settings set owner_field = ${before.owner_field}, extra_fields = ${JSON.stringify(before.extra_fields)}
        where account_id = ${account.accountId}`.execute(runtime.database.db);
    }
  });

  it('initial load: every qualifying person exactly once, with the right fields; duplicates by e-mail stay two; contact wins', async () => {
    // A converted lead: both ids present in Marketo; the contact must win.
    contactWithLead = qualifyingIds(emulator).find((id) => emulator.db.get(id)!.sfdcContactId)!;
    emulator.db.change(contactWithLead, { sfdcLeadId: '00Q000000000001AAA' });
    const callsBefore = emulator.calls.length;
    const start = await api(account, 'POST', '/sync/start');
    assert.equal(start.statusCode, 202, start.body);
    assert.equal(start.json().run.startedBy, `${actor['x-msi-actor']} via client:${account.clientId}`);
    const twice = await api(account, 'POST', '/sync/start');
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().error.code, 'sync_already_started');

    const status = await waitFor('the initial load', async () => {
      const s = await syncStatus(runtime, account);
      return s.phase === 'incremental' && s;
    });
    const expected = qualifyingIds(emulator);
    const rows = await persons();
    assert.deepEqual(
      rows.map((r) => Number(r.marketo_id)),
      expected,
      'every qualifying person once',
    );
    for (const row of rows) {
      const m = emulator.db.get(Number(row.marketo_id))!;
      assert.equal(row.first_name, m.firstName);
      assert.equal(row.last_name, m.lastName);
      assert.equal(row.email, m.email);
      assert.equal(row.phone, m.phone);
      assert.equal(row.company, m.company);
      assert.equal(row.title, m.title);
      assert.equal(row.linkedin_url, m.linkedInUrl);
      assert.equal(row.source, m.leadSource);
      assert.equal(row.sfdc_lead_id, m.sfdcLeadId);
      assert.equal(row.sfdc_contact_id, m.sfdcContactId);
      assert.equal(row.sfdc_account_id, m.sfdcAccountId);
      assert.equal(row.sfdc_opportunity_id, m.sfdcOpptyId);
      assert.equal(row.owner_id, m.sfdcLeadOwnerId);
      assert.equal(row.salesforce_type, m.sfdcContactId ? 'Contact' : 'Lead');
      assert.deepEqual(row.extra, { industry: m.industry, unsubscribed: false });
      assert.equal(row.removed_at, null);
    }
    const converted = rows.find((r) => Number(r.marketo_id) === contactWithLead)!;
    assert.equal(converted.sfdc_lead_id, '00Q000000000001AAA');
    assert.equal(converted.salesforce_type, 'Contact', 'contact wins over lead');

    const byEmail = new Map<string, number[]>();
    for (const r of rows)
      byEmail.set(String(r.email).toLowerCase(), [
        ...(byEmail.get(String(r.email).toLowerCase()) ?? []),
        Number(r.marketo_id),
      ]);
    const dupes = [...byEmail.values()].filter((ids) => ids.length > 1);
    assert.ok(dupes.length > 0, 'the generated database has duplicates by e-mail among qualifying people');

    const run = status.run;
    // The first incremental run adds to the same run's counts, and may already have read the
    // converted lead's change (made just before the start, inside the overlap): at most that one.
    assert.ok(run.counts.read === 600 || run.counts.read === 601, `every person of every window read once (read ${run.counts.read})`);
    assert.equal(run.counts.inserted, expected.length);
    assert.equal(run.counts.skipped, 600 - expected.length);
    assert.equal(run.counts.skippedReasons.no_owner, 600 - expected.length);
    assert.equal(run.windowsDone, run.windowsPlanned);
    assert.ok(run.windowsPlanned >= 10, `planned ${run.windowsPlanned} windows`);
    assert.equal(run.method, 'bulk');
    assert.ok(status.marketoCallsToday > 0);
    const windows = (
      await sql<{
        state: string;
        rows_done: number;
      }>`select state, rows_done from sync_windows where run_id = ${run.id}`.execute(runtime.database.db)
    ).rows;
    assert.ok(windows.every((w) => w.state === 'done'));
    assert.equal(
      windows.reduce((n, w) => n + Number(w.rows_done), 0),
      600,
    );
    // Calls Marketo counts: a file only where the export found people, one describe for the whole load.
    const served = (suffix: string) => emulator.calls.slice(callsBefore).filter((c) => c.code === null && c.path.endsWith(suffix)).length;
    const withPeople = windows.filter((w) => Number(w.rows_done) > 0).length;
    assert.ok(withPeople < windows.length, 'the plan has windows nobody was created in');
    assert.equal(served('/file.json'), withPeople, 'no file fetched for an empty export');
    assert.equal(served('/leads/describe.json'), 1, 'described once for the load, not once per window');
    const preview = (await api(account, 'GET', '/sync/fields')).json();
    assert.equal(preview.qualifyingCount, expected.length);
    assert.equal(preview.countSource, 'synced');
  });

  it('incremental: changes, new people, deletions and lost owners appear after the next run', async () => {
    const ids = qualifyingIds(emulator);
    const changed = ids[3]!;
    const deleted = ids[4]!;
    const ownerLost = ids[5]!;
    emulator.changePerson(changed, { title: 'Chief Sync Officer', email: 'changed@example.com' });
    emulator.deletePerson(deleted);
    emulator.changePerson(ownerLost, { sfdcLeadOwnerId: null });
    const added = emulator.addPeople([
      {
        firstName: 'New',
        lastName: 'Person',
        email: 'new@example.com',
        sfdcLeadOwnerId: '005000000000009AAA',
        sfdcLeadId: '00Q000000000009AAA',
      },
      { firstName: 'No', lastName: 'Owner', email: 'noowner@example.com' },
    ]);
    const row = async (id: number) => (await persons()).find((r) => Number(r.marketo_id) === id);
    await waitFor('the changes', async () => {
      const c = await row(changed);
      const d = await row(deleted);
      const o = await row(ownerLost);
      const n = await row(added[0]!);
      return c?.title === 'Chief Sync Officer' && d?.removed_at && o?.removed_at && n;
    });
    assert.equal((await row(changed))!.email, 'changed@example.com');
    assert.equal((await row(deleted))!.removed_reason, 'deleted_in_marketo');
    assert.equal((await row(ownerLost))!.removed_reason, 'owner_removed');
    assert.equal((await row(added[0]!))!.salesforce_type, 'Lead');
    assert.equal(await row(added[1]!), undefined, 'a new person without an owner does not sync');
    const status = await syncStatus(runtime, account);
    assert.ok(status.run.incrementalRuns >= 1);
    assert.ok(status.run.lastIncrementalAt);
    assert.equal(typeof status.run.lastIncrementalLagSeconds, 'number');
    assert.equal(status.people.active, ids.length - 2 + 1);
    assert.equal(status.people.removed, 2);
  });

  it('pause, resume and full resync are audited; the runs history keeps both runs', async () => {
    const paused = await api(account, 'POST', '/sync/pause');
    assert.equal(paused.statusCode, 200, paused.body);
    assert.equal(paused.json().phase, 'paused');
    assert.equal((await api(account, 'POST', '/sync/pause')).json().error.code, 'sync_already_paused');
    const resumed = await api(account, 'POST', '/sync/resume');
    assert.equal(resumed.json().phase, 'incremental');
    const resync = await api(account, 'POST', '/sync/resync');
    assert.equal(resync.statusCode, 202, resync.body);
    const done = await waitFor('the resync', async () => {
      const s = await syncStatus(runtime, account);
      return s.phase === 'incremental' && s.run.kind === 'resync' && s;
    });
    assert.equal(done.run.counts.inserted, 0, 'a resync of an unchanged database inserts nobody');
    assert.equal(done.run.counts.updated, 0);
    const runs = (await api(account, 'GET', '/sync/runs')).json().runs;
    assert.equal(runs.length, 2);
    assert.equal(runs[1].phase, 'not_started', 'the replaced run has ended');
    const audit = (
      await sql<{
        action: string;
        actor: string;
      }>`select action, actor from audit_log where account_id = ${account.accountId} and action like 'sync.%' order by id`.execute(
        runtime.database.db,
      )
    ).rows;
    assert.deepEqual(
      audit.map((a) => a.action),
      ['sync.settings', 'sync.start', 'sync.pause', 'sync.resume', 'sync.resync'],
    );
    assert.ok(audit.every((a) => a.actor.startsWith(actor['x-msi-actor'])));
  });

  it('a full resync removes people deleted in Marketo while nothing watched, and touches nobody else', async () => {
    const before = await syncStatus(runtime, account);
    const gone = qualifyingIds(emulator)[3]!;
    emulator.deletePerson(gone);
    // Deleted so long ago that Marketo no longer lists it among deleted leads (it keeps 90 days).
    const at = emulator.db.activities.findIndex((a) => a.leadId === gone && a.activityTypeId === ACTIVITY_DELETE_LEAD);
    emulator.db.activities.splice(at, 1);
    const resync = await api(account, 'POST', '/sync/resync');
    assert.equal(resync.statusCode, 202, resync.body);
    const done = await waitFor('the second resync', async () => {
      const s = await syncStatus(runtime, account);
      return s.phase === 'incremental' && s.run.id !== before.run.id && s;
    });
    const row = (await sql<{ removed_at: Date | null; removed_reason: string | null }>`select removed_at, removed_reason from persons where account_id = ${account.accountId} and marketo_id = ${gone}`.execute(runtime.database.db)).rows[0]!;
    assert.ok(row.removed_at, 'no longer active');
    assert.equal(row.removed_reason, 'deleted');
    assert.ok(done.run.counts.removed >= 1);
    assert.equal(done.run.counts.updated, 0, 'the others were seen, not rewritten');
    assert.equal(done.people.active, qualifyingIds(emulator).length);
  });

  it('the original user cannot be deleted or deactivated once the sync has started', async () => {
    const users = (await api(account, 'GET', '/users')).json().users as Array<{ id: string; original: boolean }>;
    const original = users.find((u) => u.original)!;
    for (const [method, url] of [
      ['POST', `/users/${original.id}/deactivate`],
      ['DELETE', `/users/${original.id}`],
    ] as const) {
      const res = await api(account, method, url);
      assert.equal(res.statusCode, 409, res.body);
      assert.equal(res.json().error.code, 'original_user_required');
      assert.match(res.json().error.message, /another admin connect Marketo/);
    }
  });
});
