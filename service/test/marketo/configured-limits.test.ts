import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMarketoEmulator, type MarketoEmulator } from '../../../emulators/marketo/index.js';
import { marketoConnections } from '../../src/marketo/index.js';
import { createActiveAccount, type ActiveAccount } from '../helpers/accounts.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { connectMarketo } from '../activities/helpers.js';

describe('Marketo limits from the environment (MARKETO_CALLS_PER_20S, MARKETO_CONCURRENT_CALLS, MARKETO_DAILY_QUOTA)', () => {
  let runtime: TestRuntime;
  let emulator: MarketoEmulator;
  let account: ActiveAccount;

  before(async () => {
    runtime = await startTestRuntime({ MARKETO_CALLS_PER_20S: '6', MARKETO_CONCURRENT_CALLS: '2', MARKETO_DAILY_QUOTA: '12345' });
    emulator = await startMarketoEmulator({ people: 50, latencyMs: 80 });
    account = await createActiveAccount(runtime);
    await connectMarketo(runtime, account, emulator);
  });
  after(async () => {
    await emulator.close();
    await runtime.close();
  });

  it('shows the configured daily quota in the status', async () => {
    const status = (await runtime.app.inject({ method: 'GET', url: '/api/v1/connections/marketo', headers: account.auth })).json();
    assert.equal(status.dailyQuota, 12345);
    assert.equal(status.callsToday, 1, 'the verification');
  });

  it('keeps to the configured share: 2 in flight, 6 calls per 20 s', async () => {
    const client = await marketoConnections(runtime.context).clientFor(account.accountId);
    assert.equal(client.limiter.options.maxConcurrent, 2);
    assert.equal(client.limiter.options.maxCalls, 6);
    assert.equal(client.limiter.options.windowMs, 20_000);
    // The verification used one of the 6; five more go now, the sixth waits for the window to move on.
    const calls = Array.from({ length: 6 }, (_, i) => client.getLeads({ filterType: 'id', filterValues: [i + 1], fields: ['id'] }).then((p) => p.result[0]!.id));
    const settled = await Promise.race([Promise.allSettled(calls).then(() => 'all'), new Promise((r) => setTimeout(() => r('waiting'), 1500))]);
    assert.equal(settled, 'waiting', 'the 7th call of the window was held back');
    const served = emulator.calls.filter((c) => c.path === '/rest/v1/leads.json' && c.code === null).length;
    assert.equal(served, 5);
    assert.equal(emulator.stats().maxInFlight, 2, 'never more than 2 at once (5 calls of 80 ms overlapped as far as allowed)');
    assert.ok(!emulator.calls.some((c) => c.code === '606' || c.code === '615'));
    // Let the held call go without waiting 20 s: a shorter window, and a pump of the waiting calls.
    client.limiter.configure({ ...client.limiter.options, windowMs: 1000 });
    client.limiter.resume();
    assert.deepEqual((await Promise.all(calls)).map(Number), [1, 2, 3, 4, 5, 6]);
  });
});
