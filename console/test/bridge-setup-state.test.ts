/**
 * The console bridge's MsiActionsSetupController.getSetupState (console/bridge/apexBridge.js, answer kind
 * `setupState`) against what the Apex returns: when the service refuses the package version (426
 * package_version_unsupported) the state says upgradeRequired with the service's latestPackageVersion and the
 * package step needs attention, so the console shows the setup page's upgrade banner too. The bridge runs in
 * Node with its two build-time modules (@console/labels, @console/package) stood in for and `fetch` answering
 * as the console's routes would; the 426 body is the service's own (unsupportedPackage, errors.ts's envelope).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyRequest } from 'fastify';
import { LATEST_PACKAGE_VERSION, PACKAGE_VERSION_HEADER, unsupportedPackage } from '../../service/src/platform/package-version.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BRIDGE = path.join(ROOT, 'console/bridge/apexBridge.js');
const MAPPING = JSON.parse(fs.readFileSync(path.join(ROOT, 'console/bridge/apex-map.json'), 'utf8'))['MsiActionsSetupController.getSetupState'];
const CONSOLE_VERSION = '0.9.0';

type Answer = { status: number; body: unknown };
type Bridge = { callApex: (mapping: unknown, params: unknown) => Promise<Record<string, unknown>> };

describe('the console bridge: getSetupState as the Apex returns it', () => {
  let dir: string;
  let bridge: Bridge;
  let answers: Record<string, Answer>;
  const realFetch = globalThis.fetch;

  before(async () => {
    // Label values are their names here: the test reads which label the bridge chose.
    const source = fs
      .readFileSync(BRIDGE, 'utf8')
      .replace("import LABELS from '@console/labels';", 'const LABELS = new Proxy({}, { get: (_, name) => String(name) });')
      .replace("import { PACKAGE_VERSION } from '@console/package';", `const PACKAGE_VERSION = ${JSON.stringify(CONSOLE_VERSION)};`);
    assert.doesNotMatch(source, /from '@console\//, 'every build-time import stood in for');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-bridge-'));
    const file = path.join(dir, 'apexBridge.mjs');
    fs.writeFileSync(file, source);
    bridge = (await import(pathToFileURL(file).href)) as Bridge;
    globalThis.fetch = (async (url: string) => {
      const answer = answers[String(url).split('?')[0] ?? ''];
      if (!answer) return new Response(JSON.stringify({ error: { code: 'not_found', message: `${url} was not found.` } }), { status: 404 });
      return new Response(JSON.stringify(answer.body), { status: answer.status });
    }) as typeof fetch;
  });

  after(() => {
    globalThis.fetch = realFetch;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the service refuses the package version: upgradeRequired, the latest version, the package step needs attention', async () => {
    const refusal = unsupportedPackage({ headers: { [PACKAGE_VERSION_HEADER]: CONSOLE_VERSION }, url: '/api/v1/accounts/current' } as unknown as FastifyRequest);
    assert.ok(refusal, `the service refuses ${CONSOLE_VERSION}`);
    answers = {
      '/console/org': { status: 200, body: { msiActionsEnabled: false } },
      '/console/api/v1/accounts/current': {
        status: refusal.statusCode,
        body: { error: { code: refusal.code, message: refusal.message, details: refusal.details } },
      },
    };
    const state = await bridge.callApex(MAPPING, {});
    assert.equal(state.upgradeRequired, true);
    assert.equal(state.latestPackageVersion, LATEST_PACKAGE_VERSION);
    assert.equal(state.packageVersion, CONSOLE_VERSION);
    // MsiActionsException.messageFor: the upgrade label with the installed version, not the service's English.
    assert.equal(state.problem, 'MSI_Error_Upgrade_Required');
    assert.equal(state.account, null);
    assert.deepEqual(state.stepStatus, { package: 'needsAttention', account: 'needsAttention', configuration: 'notStarted' });
  });

  it('a 426 without details still asks for the upgrade, without a latest version', async () => {
    answers = {
      '/console/org': { status: 200, body: { msiActionsEnabled: true } },
      '/console/api/v1/accounts/current': { status: 426, body: { error: { code: 'package_version_unsupported', message: 'Upgrade.' } } },
    };
    const state = await bridge.callApex(MAPPING, {});
    assert.equal(state.upgradeRequired, true);
    assert.equal(state.latestPackageVersion, null);
    assert.deepEqual(state.stepStatus, { package: 'needsAttention', account: 'needsAttention', configuration: 'done' });
  });

  it('no account yet, or another failure: no upgrade asked, the package step done', async () => {
    answers = { '/console/org': { status: 200, body: { msiActionsEnabled: false } } };
    const none = await bridge.callApex(MAPPING, {});
    assert.equal(none.upgradeRequired, false);
    assert.equal('latestPackageVersion' in none, false);
    assert.equal(none.problem, undefined);
    assert.deepEqual(none.stepStatus, { package: 'done', account: 'notStarted', configuration: 'notStarted' });

    answers = {
      '/console/org': { status: 200, body: { msiActionsEnabled: false } },
      '/console/api/v1/accounts/current': { status: 500, body: { error: { code: 'internal', message: 'Something went wrong.' } } },
    };
    const failed = await bridge.callApex(MAPPING, {});
    assert.equal(failed.upgradeRequired, false);
    assert.equal(failed.problem, 'Something went wrong.');
    assert.deepEqual(failed.stepStatus, { package: 'done', account: 'needsAttention', configuration: 'notStarted' });
  });
});
