import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMarketoEmulator, type MarketoEmulator } from '../../../emulators/marketo/index.js';
import { MarketoClient } from '../../src/marketo/client.js';
import { MarketoLimiter } from '../../src/marketo/limiter.js';
import { migrateToLatest } from '../../src/platform/migrations.js';
import { DatabaseLimiterStore } from '../../src/marketo/shared-limiter.js';
import { TokenCache } from '../../src/marketo/tokens.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('the limiter shared through the database', () => {
  let testDb: TestDatabase;
  let emulator: MarketoEmulator;
  before(async () => {
    testDb = await createTestDatabase();
    await migrateToLatest(testDb.database.db);
    // Marketo allows the share plus one call (the time between taking a slot and arriving at Marketo),
    // so the two "processes" overshooting their common share shows as 606/615.
    emulator = await startMarketoEmulator({ people: 100, rateLimit: 13, rateWindowMs: 1000, concurrencyLimit: 3, latencyMs: 20 });
  });
  after(async () => {
    await emulator.close();
    await testDb.drop();
  });

  // Each client has its own limiter, as two processes would; with a store, only the store is common.
  function twoProcesses(store: DatabaseLimiterStore | undefined): MarketoClient[] {
    return [0, 1].map(() => {
      const limiter = new MarketoLimiter({ maxCalls: 12, windowMs: 1000, maxConcurrent: 3, backoffBaseMs: 10, backoffMaxMs: 100 });
      limiter.instance = 'shared-test';
      limiter.shared = store;
      return new MarketoClient({ restUrl: emulator.restUrl, identityUrl: emulator.identityUrl, clientId: emulator.clientId, clientSecret: emulator.clientSecret, limiter, tokens: new TokenCache() });
    });
  }

  it('without the store, two processes each keeping the share overshoot it together', async () => {
    const clients = twoProcesses(undefined);
    const ids = Array.from({ length: 24 }, (_, i) => i + 1);
    await Promise.all(ids.map((id) => clients[id % 2]!.getLeads({ filterType: 'id', filterValues: [id], fields: ['id'] })));
    assert.ok(emulator.calls.some((c) => c.code === '606' || c.code === '615'));
    emulator.calls.length = 0;
    await new Promise((r) => setTimeout(r, 1100));
  });

  it('keeps two processes together under one share: no 606 or 615, every call served once', async () => {
    const clients = twoProcesses(new DatabaseLimiterStore(testDb.database.db as unknown as ConstructorParameters<typeof DatabaseLimiterStore>[0]));
    const started = Date.now();
    const ids = Array.from({ length: 36 }, (_, i) => i + 1);
    const results = await Promise.all(ids.map((id) => clients[id % 2]!.getLeads({ filterType: 'id', filterValues: [id], fields: ['id'] })));
    assert.deepEqual(results.map((r) => Number(r.result[0]!.id)), ids);
    const codes = emulator.calls.map((c) => c.code).filter((c) => c !== null);
    assert.deepEqual(codes, [], 'Marketo refused nothing');
    assert.ok(emulator.stats().maxInFlight <= 3);
    assert.ok(Date.now() - started >= 2000, '36 calls at 12 per second take at least two windows');
  });
});
