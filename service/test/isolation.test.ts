import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { createActiveAccount, type ActiveAccount } from './helpers/accounts.js';

type Operation = { method: string; path: string; operationId: string; public: boolean };

/**
 * Tenant isolation: every /api/v1 operation in the OpenAPI document, called with account A's token,
 * either refuses account B's ids or answers with nothing of B. New routes are covered as they appear.
 */
describe('tenant isolation across every /api/v1 route', () => {
  let runtime: TestRuntime;
  let a: ActiveAccount;
  let b: ActiveAccount;
  let operations: Operation[];
  /** Every id, e-mail and name that belongs to account B. */
  let bMarkers: string[];

  before(async () => {
    runtime = await startTestRuntime();
    a = await createActiveAccount(runtime, { orgName: 'Tenant A' });
    b = await createActiveAccount(runtime, { orgName: 'Tenant B' });
    const doc = (await runtime.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    operations = [];
    for (const [path, item] of Object.entries<Record<string, { operationId: string; security?: unknown[] }>>(doc.paths)) {
      if (!path.startsWith('/api/v1')) continue;
      for (const [method, op] of Object.entries(item)) {
        operations.push({ method: method.toUpperCase(), path, operationId: op.operationId, public: !op.security });
      }
    }
    // Gather B's identifiers from every table that has an account_id column.
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.columns
      where column_name = 'account_id' and table_schema = current_schema()`.execute(runtime.database.db);
    const markers = new Set<string>([b.accountId, b.orgId, b.clientId, b.adminEmail, 'Tenant B']);
    for (const { table_name } of tables.rows) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table_name)} where account_id = ${b.accountId}`.execute(runtime.database.db);
      for (const row of rows.rows) {
        for (const value of Object.values(row)) {
          if (typeof value === 'string' && (/^[0-9a-f-]{36}$/.test(value) || value.includes('@'))) markers.add(value);
        }
      }
    }
    bMarkers = [...markers];
  });
  after(() => runtime.close());

  it('finds operations to walk', () => {
    assert.ok(operations.length >= 5, `only ${operations.length} operations`);
  });

  it('never answers A with B’s data, and refuses B’s ids in paths', async () => {
    const uuids = bMarkers.filter((m) => /^[0-9a-f-]{36}$/.test(m));
    const failures: string[] = [];
    for (const op of operations) {
      const params = op.path.match(/\{[^}]+\}/g) ?? [];
      const candidates = params.length === 0 ? [op.path] : uuids.map((id) => op.path.replace(/\{[^}]+\}/g, id));
      for (const url of candidates) {
        const res = await runtime.app.inject({
          method: op.method as 'GET',
          url,
          headers: a.auth,
          ...(['POST', 'PUT', 'PATCH'].includes(op.method) ? { payload: {} } : {}),
        });
        const leaked = bMarkers.find((m) => res.body.includes(m));
        if (leaked) failures.push(`${op.method} ${url} (${op.operationId}) answered with B's "${leaked}"`);
        if (params.length > 0 && res.statusCode < 400) failures.push(`${op.method} ${url} (${op.operationId}) accepted B's id: ${res.statusCode}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('requires a token on every operation that is not public', async () => {
    const open: string[] = [];
    for (const op of operations.filter((o) => !o.public)) {
      const res = await runtime.app.inject({ method: op.method as 'GET', url: op.path.replace(/\{[^}]+\}/g, a.accountId) });
      if (res.statusCode !== 401) open.push(`${op.method} ${op.path}: ${res.statusCode}`);
    }
    assert.deepEqual(open, []);
    const publicOps = operations.filter((o) => o.public).map((o) => o.operationId).sort();
    assert.deepEqual(publicOps, ['claimAccountCredentials', 'createAccount']);
  });
});
