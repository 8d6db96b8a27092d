import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../src/platform/config.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { AppError } from '../src/platform/errors.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { LogCapture } from './helpers/runtime.js';

describe('the central error handler', () => {
  let runtime: Runtime;
  let testDb: TestDatabase;
  const logs = new LogCapture();
  before(async () => {
    testDb = await createTestDatabase();
    runtime = await createRuntime(loadConfig({ SANDBOX: 'false', DATA_DIR: '/tmp/msi-errors-test', LOG_LEVEL: 'info' }), {
      database: testDb.database,
      logStream: logs,
      capabilities: [
        {
          name: 'faulty',
          rootRoutes: async (app) => {
            app.get('/boom', { schema: { hide: true } }, async () => {
              throw new Error('connect ECONNREFUSED 10.1.2.3:5432 password=hunter2');
            });
            app.get('/refused', { schema: { hide: true } }, async () => {
              throw new AppError(409, 'seat_limit_reached', 'The account has no free seat.', { limit: 100 });
            });
            app.post('/typed', { schema: { hide: true, body: Type.Object({ n: Type.Integer({ minimum: 1 }) }) } }, async () => ({ ok: true }));
          },
        },
      ],
    });
  });
  after(async () => {
    await runtime.close();
    await testDb.drop();
  });

  it('answers 5xx without internals, with the request id to quote, and logs the cause', async () => {
    const res = await runtime.app.inject({ method: 'GET', url: '/boom' });
    assert.equal(res.statusCode, 500);
    const body = res.json();
    assert.equal(body.error.code, 'internal_error');
    assert.ok(body.error.message.includes(res.headers['x-request-id'] as string));
    assert.doesNotMatch(res.body, /ECONNREFUSED|10\.1\.2\.3|hunter2/);
    assert.match(logs.text, /ECONNREFUSED/);
  });

  it('passes a stable code, message and details through for errors a client may see', async () => {
    const res = await runtime.app.inject({ method: 'GET', url: '/refused' });
    assert.equal(res.statusCode, 409);
    assert.deepEqual(res.json(), { error: { code: 'seat_limit_reached', message: 'The account has no free seat.', details: { limit: 100 } } });
  });

  it('turns schema violations and malformed JSON into 400 invalid_request / bad_request', async () => {
    const invalid = await runtime.app.inject({ method: 'POST', url: '/typed', payload: { n: 0 } });
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json().error.code, 'invalid_request');
    assert.equal(invalid.json().error.details.issues[0].path, 'body/n');
    const malformed = await runtime.app.inject({ method: 'POST', url: '/typed', headers: { 'content-type': 'application/json' }, payload: '{"n":' });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error.code, 'bad_request');
  });
});
