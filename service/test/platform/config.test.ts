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
