import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  startMarketoEmulator,
  type MarketoEmulator,
  type MarketoEmulatorOptions,
} from '../../../emulators/marketo/index.js';
import { limiterFor } from '../../src/marketo/limiter.js';
import { tuneSync, type SyncTuning } from '../../src/sync/tuning.js';
import type { ActiveAccount } from '../helpers/accounts.js';
import type { TestRuntime } from '../helpers/runtime.js';

/** Waits short enough for tests: windows of a minute of creations (60 people each), quick polls and leases. */
export const TEST_TUNING: Partial<SyncTuning> = {
  windowMs: 60_000,
  pollMs: 50,
  inlineWaitMs: 30_000,
  leaseMs: 3000,
  superviseMs: 1000,
  batchSize: 50,
  pollingIntervalSeconds: 0.5,
  windowConcurrency: 4,
  idleDailyBudget: 1_000_000,
  restWindowIds: 900,
};

export function tuneForTests(extra: Partial<SyncTuning> = {}): void {
  tuneSync({ ...TEST_TUNING, ...extra });
}

export async function startEmulator(options: MarketoEmulatorOptions = {}): Promise<MarketoEmulator> {
  const emulator = await startMarketoEmulator({
    people: 600,
    seed: 7,
    bulkProcessingMs: 20,
    rateWindowMs: 2000,
    ...options,
  });
  // The emulator allows 100 calls per 2 s; the client's share of it, with short backoffs.
  limiterFor(new URL(emulator.restUrl).host, {
    maxCalls: 80,
    windowMs: 2000,
    maxConcurrent: 5,
    backoffBaseMs: 10,
    backoffMaxMs: 200,
  });
  return emulator;
}

export async function connectMarketo(
  runtime: TestRuntime,
  account: ActiveAccount,
  emulator: { restUrl: string; identityUrl: string; clientId: string; clientSecret: string },
) {
  const res = await runtime.app.inject({
    method: 'POST',
    url: '/api/v1/connections/marketo',
    headers: { ...account.auth, 'x-msi-actor': '005000000000001AAA Ada Admin' },
    payload: {
      restUrl: emulator.restUrl,
      identityUrl: emulator.identityUrl,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    },
  });
  assert.equal(res.statusCode, 200, res.body);
}

export async function syncStatus(runtime: TestRuntime, account: ActiveAccount) {
  const res = await runtime.app.inject({ method: 'GET', url: '/api/v1/sync/status', headers: account.auth });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** Polls until `check` returns a value (or throws after `ms`). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(100);
  }
}

/** Ids of the people the emulator holds now that have an owner (MSI's qualifying people). */
export function qualifyingIds(emulator: MarketoEmulator): number[] {
  const ids: number[] = [];
  for (let id = 1; id < emulator.db.overlay.nextId; id++) {
    const r = emulator.db.get(id);
    if (r && r.sfdcLeadOwnerId) ids.push(id);
  }
  return ids;
}
