import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { salesUserAt } from '../../emulators/shared/seed-people.js';
import { createActiveAccount, newOrgId, type ActiveAccount } from './helpers/accounts.js';
import type { TestRuntime } from './helpers/runtime.js';
import { addRep, startWorld, states, waitFor, type World } from './activities/helpers.js';
import { tuneForTests } from './sync/helpers.js';

/**
 * Tenant isolation: every /api/v1 operation in the OpenAPI document is called with account A's token
 * and with valid requests that name account B's ids (in the path, the query or the body). Account B
 * holds real data of every kind (connections, a finished sync run and its people, an activity and its
 * deliveries, users, teams, an invitation, a CSV upload). Every call that names B's ids is refused
 * (404/403 for ids in the path, a refusal for ids in the query or body); no answer carries anything of
 * B's; and B's rows are the same after the walk as before it. A route added later is walked too: its
 * path parameters get B's ids and its body is built from its request schema.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  minimum?: number;
  minLength?: number;
  minItems?: number;
  format?: string;
  default?: unknown;
};
type Parameter = { in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema?: Schema };
type Operation = {
  method: Method;
  path: string;
  operationId: string;
  public: boolean;
  parameters: Parameter[];
  body?: Schema;
};
/** One request of the walk. `refersToB` says what of B's it names: path ids must get 404/403. */
type Probe = { op: Operation; url: string; body?: unknown; refersToB: 'path' | 'query' | 'body' | 'none' };

/** Values for request fields by name, so that a body built from a schema passes the route's own checks. */
const PLAIN_VALUES: Record<string, unknown> = {
  orgId: newOrgId(),
  instanceUrl: 'https://probe.my.salesforce.com',
  restUrl: 'http://127.0.0.1:9/rest',
  identityUrl: 'http://127.0.0.1:9/identity',
  email: 'probe-person@tenant-a.example',
  addresses: ['probe-invitee@tenant-a.example'],
  fileName: 'probe.csv',
  content: 'email,name\nprobe-csv@tenant-a.example,Probe Csv\n',
  name: 'Probe team',
  claimCode: 'not-a-real-claim-code',
  subject: 'Isolation probe',
  callStatus: 'completed',
};

/** A value a schema accepts (required fields only), preferring PLAIN_VALUES by field name. */
function sample(schema: Schema, name = ''): unknown {
  const plain = PLAIN_VALUES[name];
  if (plain !== undefined && (schema.anyOf || schema.oneOf || (Array.isArray(plain) ? schema.type === 'array' : typeof plain === schema.type))) return plain;
  const choice = schema.anyOf ?? schema.oneOf;
  if (choice) return sample(choice.find((s) => s.type !== 'null') ?? choice[0]!, name);
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key] ?? {}, key);
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sample(schema.items ?? {}, name));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      if (schema.format === 'date-time') return new Date(Date.now() - 60_000).toISOString();
      return 'probe'.padEnd(Math.max(5, schema.minLength ?? 0), 'x');
  }
}

describe('tenant isolation across every /api/v1 route', () => {
  let world: World;
  let runtime: TestRuntime;
  let a: ActiveAccount;
  let b: ActiveAccount;
  let operations: Operation[];
  /** Every id, e-mail and name that belongs to account B. */
  let bMarkers: string[];
  /** Ids of each kind, by path parameter name, of both accounts. */
  const idsOf: Record<'a' | 'b', Record<string, string[]>> = { a: {}, b: {} };
  /** Values of B that requests may name in a query or a body, by field name. */
  let bValues: Record<string, unknown[]>;
  const repA = salesUserAt(11, 6);
  const repB = salesUserAt(11, 3);

  const snapshotOfB = async () => {
    const tables = await accountTables();
    const out: Record<string, string> = {};
    for (const table of tables) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)} where account_id = ${b.accountId}`.execute(runtime.database.db);
      out[table] = rows.rows.map((r) => JSON.stringify(r)).sort().join('\n');
    }
    return out;
  };
  const accountTables = async () =>
    (
      await sql<{ table_name: string }>`
        select table_name from information_schema.columns
        where column_name = 'account_id' and table_schema = current_schema() order by table_name`.execute(runtime.database.db)
    ).rows.map((r) => r.table_name);
  const asB = (method: Method, url: string, payload?: object) =>
    runtime.app.inject({ method, url: `/api/v1${url}`, headers: { ...b.auth, 'x-msi-actor': '005000000000002AAA Bea Bravo' }, ...(payload ? { payload } : {}) });

  before(async () => {
    tuneForTests();
    // B: connected to Marketo and Salesforce (the emulated org), then synced for real.
    world = await startWorld({ people: 60, seedPersons: false });
    runtime = world.runtime;
    b = world.account;
    a = await createActiveAccount(runtime, { orgName: 'Tenant Alpha' });

    const started = await asB('POST', '/sync/start');
    assert.equal(started.statusCode, 202, started.body);
    await waitFor('B’s initial load', async () => (await asB('GET', '/sync/status')).json().phase === 'incremental', 60_000);
    assert.equal((await asB('POST', '/sync/pause')).statusCode, 200);
    await waitFor('B’s sync to stop', async () => {
      const runs = (await asB('GET', '/sync/runs')).json().runs as Array<{ finishedAt: string | null }>;
      return runs.length > 0 && runs.every((r) => r.finishedAt !== null);
    });

    // B: a rep, an activity on one of its people, delivered to both systems.
    await addRep(runtime, b, repB);
    const person = await runtime.database.db.selectFrom('persons').selectAll().where('account_id', '=', b.accountId).where('sfdc_lead_id', 'is not', null).orderBy('marketo_id').executeTakeFirstOrThrow();
    const logged = await runtime.app.inject({
      method: 'POST',
      url: '/api/v1/activities',
      headers: { ...b.auth, 'idempotency-key': 'bravo-activity-1' },
      payload: { rep: { salesforceUserId: repB.id }, person: { marketoId: Number(person.marketo_id) }, kind: 'call', attributes: { subject: 'Bravo call', callStatus: 'completed' } },
    });
    assert.equal(logged.statusCode, 201, logged.body);
    await waitFor('B’s deliveries', async () => {
      const s = await states(runtime, b.accountId);
      return s['marketo.delivered'] === 1 && s['salesforce.delivered'] === 1;
    });

    // B: a team, an invited user in it, a CSV upload waiting to be committed.
    const team = await asB('POST', '/teams', { name: 'Bravo Secret Team' });
    assert.equal(team.statusCode, 201, team.body);
    const invited = await asB('POST', '/invitations', { addresses: ['bella.bravo@tenant-b.example'], teams: ['Bravo Secret Team'] });
    assert.ok(invited.statusCode < 300, invited.body);
    // The invitation mail goes out in the background: wait for it, so B's rows are at rest before the walk.
    await runtime.mailbox.waitFor((m) => m.to.includes('bella.bravo@tenant-b.example'));
    const upload = await asB('POST', '/invitations/csv', { fileName: 'bravo-people.csv', content: 'email,name\nbert.bravo@tenant-b.example,Bert Bravo\n' });
    assert.equal(upload.statusCode, 200, upload.body);

    // A: its own rep (already linked to its Salesforce user) and a team, so A's valid requests get past every check but the account's.
    await runtime.database.db
      .insertInto('users')
      .values({ account_id: a.accountId, email: repA.email, name: `${repA.firstName} ${repA.lastName}`, first_name: repA.firstName, last_name: repA.lastName, role: 'User', status: 'active', salesforce_user_id: repA.id, invitation_error: null })
      .execute();
    const aTeam = await runtime.app.inject({ method: 'POST', url: '/api/v1/teams', headers: a.auth, payload: { name: 'Alpha Team' } });
    assert.equal(aTeam.statusCode, 201, aTeam.body);
    // Bodies that name teams name A's own, so that only the other id (B's, in the path) can be refused.
    PLAIN_VALUES.teams = [aTeam.json().id];

    const db = runtime.database.db;
    for (const [key, account] of [['a', a] as const, ['b', b] as const]) {
      const ids = idsOf[key];
      // The original admin first: the walk's requests on A's own user must find a user they cannot remove.
      ids.userId = (await db.selectFrom('users').select('id').where('account_id', '=', account.accountId).orderBy('original', 'desc').execute()).map((r) => r.id);
      ids.teamId = (await db.selectFrom('teams').select('id').where('account_id', '=', account.accountId).execute()).map((r) => r.id);
      ids.uploadId = (await db.selectFrom('invitation_csv_uploads').select('id').where('account_id', '=', account.accountId).execute()).map((r) => r.id);
      ids.activityId = (await db.selectFrom('activities').select('id').where('account_id', '=', account.accountId).execute()).map((r) => r.id);
      ids.deliveryId = (await db.selectFrom('activity_deliveries').select('id').where('account_id', '=', account.accountId).execute()).map((r) => r.id);
      ids.marketoId = (await db.selectFrom('persons').select('marketo_id').where('account_id', '=', account.accountId).orderBy('marketo_id').limit(3).execute()).map((r) => String(r.marketo_id));
    }
    for (const kind of ['userId', 'teamId', 'uploadId', 'activityId', 'deliveryId', 'marketoId']) {
      assert.ok(idsOf.b[kind]!.length > 0, `B holds a ${kind}`);
    }
    const bUsers = await db.selectFrom('users').selectAll().where('account_id', '=', b.accountId).execute();
    const bTeams = await db.selectFrom('teams').selectAll().where('account_id', '=', b.accountId).execute();
    bValues = {
      orgId: [b.orgId],
      salesforceId: [person.sfdc_lead_id],
      marketoId: [Number(person.marketo_id)],
      email: [person.email, b.adminEmail],
      search: [b.adminEmail, 'Bravo'],
      team: bTeams.map((t) => t.id),
      teams: bTeams.filter((t) => !t.everyone).flatMap((t) => [[t.id], [t.name]]),
      transferTo: bUsers.map((u) => u.id),
      idempotencyKey: ['bravo-activity-1'],
      salesforceUserId: [repB.id],
    };

    const doc = (await runtime.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    operations = [];
    for (const [path, item] of Object.entries<Record<string, { operationId: string; security?: unknown[]; parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>(doc.paths)) {
      if (!path.startsWith('/api/v1')) continue;
      for (const [method, op] of Object.entries(item)) {
        operations.push({
          method: method.toUpperCase() as Method,
          path,
          operationId: op.operationId,
          public: !op.security,
          parameters: op.parameters ?? [],
          ...(op.requestBody ? { body: Object.values(op.requestBody.content)[0]!.schema } : {}),
        });
      }
    }

    // Everything that is B's: ids, e-mails, Salesforce ids, the Client ID, and the names given above.
    const markers = new Set<string>([b.accountId, b.orgId, b.clientId, b.adminEmail, 'Bravo Secret Team', 'bravo-people.csv', 'Bravo call', 'bravo-activity-1']);
    for (const table of await accountTables()) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)} where account_id = ${b.accountId}`.execute(db);
      for (const row of rows.rows) {
        for (const value of Object.values(row)) {
          if (typeof value !== 'string') continue;
          if (/^[0-9a-f-]{36}$/.test(value) || /^\S+@\S+$/.test(value) || /^00[A-Za-z0-9]{13}([A-Za-z0-9]{3})?$/.test(value)) markers.add(value);
        }
      }
    }
    // A Salesforce user id of B's org that A names itself is not B's data.
    markers.delete(repA.id);
    bMarkers = [...markers];
  });
  after(async () => {
    await world?.close();
  });

  /** The requests of the walk: B's ids in each path parameter (alone and beside A's), B's values in each query and body field. */
  function probesOf(op: Operation): Probe[] {
    const pathParams = op.parameters.filter((p) => p.in === 'path');
    const queryParams = op.parameters.filter((p) => p.in === 'query');
    const baseQuery: Record<string, string> = {};
    for (const p of queryParams) if (p.required) baseQuery[p.name] = String(sample(p.schema ?? {}, p.name));
    if (queryParams.some((p) => p.name === 'pageSize')) baseQuery.pageSize = '200';
    if (op.operationId === 'getActivityDiagnostics') baseQuery.days = '30';
    const bodies = bodiesOf(op);
    const urls: Array<{ path: string; refersToB: boolean }> = [];
    if (pathParams.length === 0) urls.push({ path: op.path, refersToB: false });
    else {
      const pool = (who: 'a' | 'b', name: string) => {
        const known = idsOf[who][name];
        if (known) return known;
        // A parameter this test does not know yet: every id of B's, of every kind.
        return who === 'b' ? [...new Set(Object.values(idsOf.b).flat())] : [];
      };
      for (const target of pathParams) {
        for (const id of pool('b', target.name)) {
          let path = op.path.replace(`{${target.name}}`, encodeURIComponent(id));
          let complete = true;
          for (const other of pathParams.filter((p) => p !== target)) {
            const own = pool('a', other.name)[0] ?? pool('b', other.name)[0];
            if (!own) complete = false;
            else path = path.replace(`{${other.name}}`, encodeURIComponent(own));
          }
          if (complete) urls.push({ path, refersToB: true });
        }
      }
      // A's own ids in the path, with B's values in the body or query (only those: the walk must not change A's data under itself).
      if (pathParams.every((p) => idsOf.a[p.name]?.length)) {
        let own = op.path;
        for (const p of pathParams) own = own.replace(`{${p.name}}`, encodeURIComponent(idsOf.a[p.name]![0]!));
        urls.push({ path: own, refersToB: false });
      }
    }
    const probes: Probe[] = [];
    const withQuery = (path: string, query: Record<string, string>) => {
      const q = new URLSearchParams(query).toString();
      return q ? `${path}?${q}` : path;
    };
    for (const { path, refersToB } of urls) {
      if (refersToB) {
        // Ids in the path: the plain request is enough, the route must not find B's record.
        probes.push({ op, url: withQuery(path, baseQuery), ...(bodies[0] ? { body: bodies[0].body } : {}), refersToB: 'path' });
        continue;
      }
      for (const { body, refersToB: bodyRefersToB } of bodies.length ? bodies : [{ body: undefined, refersToB: false }]) {
        if (pathParams.length > 0 && !bodyRefersToB) continue;
        probes.push({ op, url: withQuery(path, baseQuery), ...(body !== undefined ? { body } : {}), refersToB: bodyRefersToB ? 'body' : 'none' });
      }
      // B's values in each query parameter that can carry one.
      for (const p of queryParams) {
        for (const value of bValues[p.name] ?? []) {
          probes.push({ op, url: withQuery(path, { ...baseQuery, [p.name]: String(value) }), ...(bodies[0] ? { body: bodies[0].body } : {}), refersToB: 'query' });
        }
      }
    }
    return probes;
  }

  /** Valid bodies for an operation: a plain one, then one per field that can name something of B's. */
  function bodiesOf(op: Operation): Array<{ body: unknown; refersToB: boolean }> {
    if (!op.body) return [];
    if (op.operationId === 'logActivity' || op.operationId === 'logActivities') {
      // A's own rep, a person named in each of the three ways by B's values, and B's idempotency key.
      const activity = (person: Record<string, unknown>, key: string) => ({
        idempotencyKey: key,
        rep: { salesforceUserId: repA.id },
        person,
        kind: 'call',
        attributes: { subject: 'Isolation probe', callStatus: 'completed' },
      });
      const variants = [
        activity({ marketoId: bValues.marketoId![0] }, 'probe-1'),
        activity({ salesforceId: bValues.salesforceId![0] }, 'probe-2'),
        activity({ email: bValues.email![0] }, 'probe-3'),
        activity({ marketoId: bValues.marketoId![0] }, 'bravo-activity-1'),
        { ...activity({ marketoId: bValues.marketoId![0] }, 'probe-4'), rep: { salesforceUserId: repB.id } },
      ];
      return variants.map((v) => ({ body: op.operationId === 'logActivities' ? { activities: [v] } : v, refersToB: true }));
    }
    const plain = sample(op.body) as Record<string, unknown>;
    const out: Array<{ body: unknown; refersToB: boolean }> = [{ body: plain, refersToB: false }];
    // Each top-level field that names B's things, one at a time (optional ones too).
    for (const key of Object.keys(op.body.properties ?? {})) {
      for (const value of bValues[key] ?? []) out.push({ body: { ...plain, [key]: value }, refersToB: true });
    }
    return out;
  }

  it('walks every operation, with B holding data of every kind', () => {
    assert.ok(operations.length >= 40, `only ${operations.length} operations`);
    for (const key of ['userId', 'teamId', 'uploadId', 'activityId', 'deliveryId', 'marketoId']) assert.ok(idsOf.b[key]!.length > 0, key);
    assert.ok(bMarkers.length > 50, `B has only ${bMarkers.length} markers`);
  });

  it('never answers A with B’s data, refuses B’s ids, and leaves B’s rows as they were', async () => {
    // B's background work (the invitation mail's bookkeeping) has ended once two looks agree.
    let before = await snapshotOfB();
    for (let settled = false, tries = 0; !settled; tries += 1) {
      assert.ok(tries < 30, 'B’s rows never came to rest');
      await new Promise((r) => setTimeout(r, 300));
      const again = await snapshotOfB();
      settled = JSON.stringify(again) === JSON.stringify(before);
      before = again;
    }
    const failures: string[] = [];
    const counts = { path: 0, query: 0, body: 0, none: 0 };
    for (const op of operations) {
      const probes = probesOf(op);
      assert.ok(probes.length > 0, `${op.operationId}: no request`);
      for (const probe of probes) {
        counts[probe.refersToB] += 1;
        const res = await runtime.app.inject({
          method: probe.op.method,
          url: probe.url,
          headers: { ...a.auth, 'x-msi-actor': '005000000000001AAA Ada Alpha' },
          ...(probe.body !== undefined ? { payload: probe.body as object } : {}),
        });
        const what = `${op.method} ${probe.url} (${op.operationId})${probe.body !== undefined ? ` ${JSON.stringify(probe.body).slice(0, 160)}` : ''}`;
        let code: string | undefined;
        try {
          code = res.json()?.error?.code;
        } catch {
          code = undefined;
        }
        // The walk must reach the account check: a request the schema refuses proves nothing.
        if (res.statusCode === 400 && code === 'invalid_request') failures.push(`${what}: the walk sent an invalid request: ${res.body}`);
        // What A sent may come back (an echo); anything else of B's is a leak.
        const sent = `${decodeURIComponent(probe.url)} ${JSON.stringify(probe.body ?? null)}`.toLowerCase();
        const leaked = bMarkers.find((m) => !sent.includes(m.toLowerCase()) && res.body.toLowerCase().includes(m.toLowerCase()));
        if (leaked) failures.push(`${what}: answered with B's "${leaked}"`);
        if (probe.refersToB === 'path' && res.statusCode !== 404 && res.statusCode !== 403) {
          failures.push(`${what}: B's id in the path answered ${res.statusCode}, not 404/403: ${res.body.slice(0, 200)}`);
        }
        // A batch answers 200 with one result per item: each must be a refusal.
        const batch = res.statusCode === 200 ? (res.json() as { results?: Array<{ status: number }> }).results : undefined;
        const refused = res.statusCode >= 400 || (Array.isArray(batch) && batch.length > 0 && batch.every((r) => r.status >= 400));
        if (probe.refersToB === 'body' && !refused) failures.push(`${what}: B's value in the body was accepted: ${res.statusCode} ${res.body.slice(0, 200)}`);
        if (res.statusCode >= 500) failures.push(`${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(counts.path >= 30 && counts.body >= 10 && counts.query >= 5, JSON.stringify(counts));
    const afterWalk = await snapshotOfB();
    for (const table of Object.keys(before)) assert.equal(afterWalk[table], before[table], `B's ${table} changed while A walked the API`);
  });

  it('requires a token on every operation that is not public', async () => {
    const open: string[] = [];
    for (const op of operations.filter((o) => !o.public)) {
      const res = await runtime.app.inject({ method: op.method, url: op.path.replace(/\{[^}]+\}/g, a.accountId) });
      if (res.statusCode !== 401) open.push(`${op.method} ${op.path}: ${res.statusCode}`);
    }
    assert.deepEqual(open, []);
    const publicOps = operations.filter((o) => o.public).map((o) => o.operationId).sort();
    assert.deepEqual(publicOps, ['claimAccountCredentials', 'createAccount']);
  });
});
