import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/platform/config.js';

describe('configuration from the environment', () => {
  it('has working defaults: 127.0.0.1:3000, PGlite in .data, sandbox on', () => {
    const config = loadConfig({}, '/srv/app');
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 3000);
    assert.equal(config.dataDir, path.resolve('/srv/app/.data'));
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.sandbox, true);
    assert.equal(config.publicUrl, 'http://127.0.0.1:3000');
  });

  it('turns the sandbox off by default when a real Marketo is configured', () => {
    assert.equal(loadConfig({ MARKETO_REST_URL: 'https://123-abc-456.mktorest.com' }).sandbox, false);
    assert.equal(loadConfig({ MARKETO_REST_URL: 'https://123-abc-456.mktorest.com', SANDBOX: 'true' }).sandbox, true);
  });

  it('reads this service’s share of the Marketo limits and the daily quota, with one clear line per bad value', () => {
    const defaults = loadConfig({});
    assert.deepEqual([defaults.marketoCallsPer20s, defaults.marketoConcurrentCalls, defaults.marketoDailyQuota], [50, 5, 50_000]);
    const set = loadConfig({ MARKETO_CALLS_PER_20S: '80', MARKETO_CONCURRENT_CALLS: ' 8 ', MARKETO_DAILY_QUOTA: '10000' });
    assert.deepEqual([set.marketoCallsPer20s, set.marketoConcurrentCalls, set.marketoDailyQuota], [80, 8, 10_000]);
    try {
      loadConfig({ MARKETO_CALLS_PER_20S: '150', MARKETO_CONCURRENT_CALLS: '0', MARKETO_DAILY_QUOTA: '50k' });
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems, [
        'MARKETO_CALLS_PER_20S must be a whole number from 1 to 100 (got "150")',
        'MARKETO_CONCURRENT_CALLS must be a whole number from 1 to 10 (got "0")',
        'MARKETO_DAILY_QUOTA must be a whole number from 1 to 100000000 (got "50k")',
      ]);
    }
  });

  it('believes X-Forwarded-For from no one by default, and from the proxies TRUST_PROXY names', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
    assert.deepEqual(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, loopback ,fd00::/8,192.0.2.1' }).trustProxy, ['10.0.0.0/8', 'loopback', 'fd00::/8', '192.0.2.1']);
    for (const bad of ['2', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/1', ',']) {
      assert.throws(
        () => loadConfig({ TRUST_PROXY: bad }),
        (error: unknown) => error instanceof ConfigError && /^TRUST_PROXY must be false, true, or the proxies' addresses, CIDRs and loopback\/linklocal\/uniquelocal/.test(error.problems[0] ?? ''),
        bad,
      );
    }
  });

  it('names every bad variable in one error, without echoing secrets', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://root:hunter2@db/x', SANDBOX: 'maybe', ENCRYPTION_KEY: 'short' });
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 4);
      assert.match(error.message, /PORT must be a whole number/);
      assert.match(error.message, /DATABASE_URL must start with postgres:\/\//);
      assert.match(error.message, /SANDBOX must be true or false/);
      assert.match(error.message, /ENCRYPTION_KEY must be 32 bytes/);
      assert.doesNotMatch(error.message, /hunter2/);
    }
  });
});
