import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { createActiveAccount, type ActiveAccount } from './helpers/accounts.js';
import { compareVersions, MINIMUM_PACKAGE_VERSION } from '../src/platform/package-version.js';

describe('package version support', () => {
  let runtime: TestRuntime;
  let account: ActiveAccount;
  before(async () => {
    runtime = await startTestRuntime();
    account = await createActiveAccount(runtime);
  });
  after(() => runtime.close());

  it('compares package version numbers, build numbers included', () => {
    assert.ok(compareVersions('1.0.0.5', '1.0.0') === 0);
    assert.ok(compareVersions('1.2.0', '1.10.0') < 0);
    assert.ok(compareVersions('2.0.0.1', '1.9.9') > 0);
  });

  it('tells the setup page whether its version is supported', async () => {
    const res = await runtime.app.inject({ method: 'GET', url: '/api/v1/package', headers: { ...account.auth, 'x-msi-package-version': `${MINIMUM_PACKAGE_VERSION}.3` } });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.supported, true);
    assert.equal(body.packageVersion, `${MINIMUM_PACKAGE_VERSION}.3`);
  });

  it('refuses calls from a package version it no longer serves with 426 and what to do', async () => {
    const res = await runtime.app.inject({ method: 'GET', url: '/api/v1/accounts/current', headers: { ...account.auth, 'x-msi-package-version': '0.9.0.1' } });
    assert.equal(res.statusCode, 426);
    assert.equal(res.json().error.code, 'package_version_unsupported');
    assert.match(res.json().error.message, /upgrade/);
    const status = await runtime.app.inject({ method: 'GET', url: '/api/v1/package', headers: { ...account.auth, 'x-msi-package-version': '0.9.0.1' } });
    assert.equal(status.json().supported, false);
  });
});
