import { setTimeout as sleep } from 'node:timers/promises';

/** How delivery behaves; the defaults suit real Marketo and Salesforce, tests shorten the waits. */
export interface DeliveryTuning {
  /** Marketo takes at most 300 activities per Add Custom Activities call. */
  marketoBatch: number;
  /** sObject Collections take at most 200 records per call. */
  salesforceBatch: number;
  /** Past this many ready Tasks of one account, Bulk API 2.0 is used (Salesforce's own advice: > 2,000). */
  bulkThreshold: number;
  bulkMaxRecords: number;
  /** A write call that has not answered by then is given up on; its outcome is unknown. */
  callTimeoutMs: number;
  /**
   * How long after an unknown outcome the remote side is searched: longer than the server-side
   * timeout (Marketo: 90 s for Add Custom Activities), so a late write has landed or never will.
   */
  settleMs: number;
  /** A partial batch waits this long for more activities (fewer calls per activity). */
  lingerMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Temporary errors are retried this many times before the delivery is kept as failed. */
  maxAttempts: number;
  /** A claimed row not settled by then belonged to a worker that died: it is claimed again, checked first. */
  leaseMs: number;
  /** Batches in flight at once per (account, system) within one job. */
  parallel: { marketo: number; salesforce: number };
  /** How often a worker process looks for ready rows no job was queued for. */
  sweepMs: number;
  bulkPollMaxMs: number;
  bulkWaitMs: number;
  /** A job stops taking new batches after this long and queues a successor, so one account's backlog cannot hold the workers from the others. */
  maxRunMs: number;
}

export const DEFAULT_TUNING: DeliveryTuning = {
  marketoBatch: 300,
  salesforceBatch: 200,
  bulkThreshold: 2000,
  bulkMaxRecords: 10_000,
  callTimeoutMs: 120_000,
  settleMs: 150_000,
  lingerMs: 1000,
  retryBaseMs: 5000,
  retryMaxMs: 30 * 60_000,
  maxAttempts: 12,
  leaseMs: 10 * 60_000,
  parallel: { marketo: 2, salesforce: 3 },
  sweepMs: 30_000,
  bulkPollMaxMs: 5000,
  bulkWaitMs: 10 * 60_000,
  maxRunMs: 60_000,
};

export class CallTimeout extends Error {
  override readonly name = 'CallTimeout';
  readonly code = 'CALL_TIMEOUT';
}

/**
 * Stops waiting for a call after `ms`. The call itself may still complete (and write) later, which
 * is why a timed-out delivery is marked outcome-unknown and searched for before it is sent again.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeout(`${what} did not answer within ${ms} ms`)), ms);
  });
  // The abandoned call must not become an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Exponential backoff with jitter, from the attempt count. */
export function backoffMs(tuning: DeliveryTuning, attempts: number): number {
  const base = Math.min(tuning.retryMaxMs, tuning.retryBaseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

export { sleep };
