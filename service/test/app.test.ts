import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestRuntime, type TestRuntime } from './helpers/runtime.js';

describe('service basics', () => {
  let runtime: TestRuntime;
  before(async () => {
    runtime = await startTestRuntime();
  });
  after(() => runtime.close());

  it('answers /healthz and /readyz', async () => {
    const health = await runtime.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok' });
    const ready = await runtime.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready', checks: { database: 'ok', jobs: 'ok' } });
  });

  it('serves an OpenAPI 3 document in which every /api/v1 operation has an operationId', async () => {
    const res = await runtime.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.match(doc.openapi, /^3\./);
    assert.ok(doc.paths['/healthz']);
    const missing: string[] = [];
    const ids = new Set<string>();
    for (const [path, item] of Object.entries<Record<string, { operationId?: string }>>(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op.operationId) {
          if (path.startsWith('/api/v1')) missing.push(`${method.toUpperCase()} ${path}`);
          continue;
        }
        assert.ok(!ids.has(op.operationId), `duplicate operationId ${op.operationId}`);
        ids.add(op.operationId);
      }
    }
    assert.deepEqual(missing, []);
    const docs = await runtime.app.inject({ method: 'GET', url: '/docs' });
    assert.ok([200, 302].includes(docs.statusCode));
  });

  it('answers unknown routes with the error envelope and echoes the request id', async () => {
    const res = await runtime.app.inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': 'sf-req-123' } });
    assert.equal(res.statusCode, 404);
    assert.equal(res.headers['x-request-id'], 'sf-req-123');
    assert.deepEqual(res.json(), { error: { code: 'not_found', message: 'No route for GET /nope.' } });
  });

  it('keeps Authorization headers and query-string tokens out of the logs', async () => {
    await runtime.app.inject({
      method: 'GET',
      url: '/healthz?code=oauth-code-secret-value',
      headers: { authorization: 'Bearer super-secret-token-value' },
    });
    assert.ok(runtime.logs.lines.length > 0);
    assert.doesNotMatch(runtime.logs.text, /super-secret-token-value/);
    assert.doesNotMatch(runtime.logs.text, /oauth-code-secret-value/);
  });

  it('reports not ready when the job queue is stopped', async () => {
    const local = await startTestRuntime();
    await local.jobs.stop();
    const res = await local.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().checks.jobs, 'failing');
    await local.close();
  });
});
