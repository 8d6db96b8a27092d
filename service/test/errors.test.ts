import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../src/platform/config.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { AppError } from '../src/platform/errors.js';
import { unstorableTextIssue } from '../src/platform/request-text.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { LogCapture } from './helpers/runtime.js';

describe('the central error handler', () => {
  let runtime: Runtime;
  let testDb: TestDatabase;
  const logs = new LogCapture();
  /** The bodies that reached a handler. */
  const reached: unknown[] = [];
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
            app.post('/echo/:id', { schema: { hide: true } }, async (request) => {
              reached.push(request.body);
              return { ok: true };
            });
            app.get('/echo/:id', { schema: { hide: true, querystring: Type.Object({ q: Type.Optional(Type.String()), n: Type.Optional(Type.Integer()) }) } }, async (request) => {
              reached.push(request.query);
              return { ok: true };
            });
            // A route with its own error shape (as /oauth/token has) answers the refusal in that shape.
            app.post(
              '/own-errors',
              { schema: { hide: true }, errorHandler: (error, _request, reply) => reply.status(error.statusCode ?? 500).send({ error: 'invalid_request', error_description: 'malformed' }) },
              async () => ({ ok: true }),
            );
            // A batch route answers its items one by one.
            app.post('/batch', { schema: { hide: true }, config: { textCheckPerItem: 'items' } }, async (request) => {
              const body = request.body as { items: unknown[] };
              return { issues: body.items.map((item, i) => unstorableTextIssue(item, `body/items/${i}`) ?? null) };
            });
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

  it('refuses text PostgreSQL cannot store (a NUL, a lone surrogate) anywhere in the path, query or body: 400 naming the field, before any handler runs', async () => {
    reached.length = 0;
    const logged = logs.lines.length;
    const post = (url: string, payload: unknown) => runtime.app.inject({ method: 'POST', url, payload: payload as object });
    const cases: Array<[string, Promise<{ statusCode: number; json(): { error: { code: string; message: string; details: { issues: Array<{ path: string }> } } } }>, string]> = [
      ['NUL in a value', post('/echo/1', { name: 'a\u0000b' }), 'body/name'],
      ['deep in arrays and objects', post('/echo/1', { list: [{ ok: 'fine' }, { notes: ['x', 'Great call \ud83d'] }] }), 'body/list/1/notes/1'],
      ['a lone low surrogate', post('/echo/1', { s: '\udc00 trailing' }), 'body/s'],
      ['a property name', post('/echo/1', { ['k\u0000']: 1 }), 'body/k\\u0000'],
      ['a top-level string body', runtime.app.inject({ method: 'POST', url: '/echo/1', headers: { 'content-type': 'text/plain' }, payload: 'a\u0000' }), 'body'],
      ['the query string', runtime.app.inject({ method: 'GET', url: '/echo/1?q=a%00b' }), 'querystring/q'],
      ['a path parameter', runtime.app.inject({ method: 'GET', url: '/echo/a%00b' }), 'params/id'],
    ];
    for (const [label, response, path] of cases) {
      const res = await response;
      assert.equal(res.statusCode, 400, label);
      const error = res.json().error;
      assert.equal(error.code, 'invalid_request', label);
      assert.equal(error.details.issues[0]!.path, path, label);
      assert.ok(error.message.startsWith(`The request is not valid: ${path} must not contain`), `${label}: ${error.message}`);
    }
    let deep: unknown = 'x';
    for (let i = 0; i < 300; i += 1) deep = { a: deep };
    const tooDeep = await post('/echo/1', deep);
    assert.equal(tooDeep.statusCode, 400, 'a body nested deeper than any request is refused, not walked');
    assert.match(tooDeep.json().error.message, /must not nest objects and arrays more than 256 levels deep/);
    assert.deepEqual(reached, [], 'no handler saw any of them');
    assert.doesNotMatch(logs.lines.slice(logged).join('\n'), /unhandled error/);

    // Whole characters pass: an emoji is a surrogate pair; so do other control characters and a GET without parameters.
    assert.equal((await post('/echo/1', { notes: 'Great call 👍', tab: 'a\tb', key: { 'ü👍': 'x' } })).statusCode, 200);
    assert.equal((await runtime.app.inject({ method: 'GET', url: `/echo/1?q=${encodeURIComponent('Zoë 👍')}` })).statusCode, 200);
    assert.equal(reached.length, 2);
  });

  it('answers the refusal in a route’s own error shape, and leaves a batch route’s items to the route', async () => {
    const own = await runtime.app.inject({ method: 'POST', url: '/own-errors', payload: { client_id: 'a\u0000' } });
    assert.equal(own.statusCode, 400);
    assert.deepEqual(own.json(), { error: 'invalid_request', error_description: 'malformed' });

    const batch = await runtime.app.inject({ method: 'POST', url: '/batch', payload: { items: [{ a: 'fine' }, { a: 'x\ud800' }] } });
    assert.equal(batch.statusCode, 200, batch.body);
    assert.deepEqual(batch.json().issues, [null, { path: 'body/items/1/a', message: batch.json().issues[1].message }]);
    assert.match(batch.json().issues[1].message, /unpaired UTF-16 surrogate/);
    // Outside the items the request is still refused as a whole.
    const outside = await runtime.app.inject({ method: 'POST', url: '/batch', payload: { items: [], note: '\u0000' } });
    assert.equal(outside.statusCode, 400);
    assert.equal(outside.json().error.details.issues[0].path, 'body/note');
  });
});
