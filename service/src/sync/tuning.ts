/**
 * How the sync paces itself. The defaults suit a real Marketo instance; tests and the benchmark,
 * talking to the emulator, shorten the waits. Set before the runtime starts (the queues read it).
 */
export interface SyncTuning {
  /** Length of a bulk export's createdAt window; Marketo allows at most 31 days. */
  windowMs: number;
  /** Exports this account keeps at Marketo at once (Marketo: 2 processing, 10 queued including those). */
  maxQueuedExports: number;
  /** Between two status checks of an export (Marketo updates the status at most once a minute). */
  pollMs: number;
  /** A job may wait this long for an export inside itself before handing the wait to the queue. */
  inlineWaitMs: number;
  /** A claim on a piece of work lasts this long unless renewed (every batch renews it). */
  leaseMs: number;
  /** The supervisor's beat: resumes work whose worker died, picks up lost jobs. */
  superviseMs: number;
  /** Rows per database write. */
  batchSize: number;
  /** Ids per REST window (the fallback when bulk extract is unavailable); read 300 at a time. */
  restWindowIds: number;
  /** The incremental sync starts this long before the load began, so no change falls between. */
  overlapMs: number;
  /** Marketo calls an idle instance may use per day at the default interval (leadchanges + deletedleads). */
  idleDailyBudget: number;
  /** Pages of changes one incremental run reads before it lets the next run continue. */
  pagesPerRun: number;
  /** Window jobs one process works at once. */
  windowConcurrency: number;
  /** How often idle workers ask the queue for work. */
  pollingIntervalSeconds: number;
  /** Whether this process works the sync's queues (a process may leave them to dedicated workers). */
  workQueues: boolean;
}

export const DEFAULT_SYNC_TUNING: Readonly<SyncTuning> = {
  windowMs: 31 * 86_400_000,
  maxQueuedExports: 10,
  pollMs: 30_000,
  inlineWaitMs: 0,
  leaseMs: 60_000,
  superviseMs: 30_000,
  batchSize: 2000,
  restWindowIds: 30_000,
  overlapMs: 10 * 60_000,
  idleDailyBudget: 1500,
  pagesPerRun: 50,
  windowConcurrency: 2,
  pollingIntervalSeconds: 1,
  workQueues: true,
};

export const syncTuning: SyncTuning = { ...DEFAULT_SYNC_TUNING };

export function tuneSync(overrides: Partial<SyncTuning>): void {
  Object.assign(syncTuning, overrides);
}

/**
 * Deleted-people checks are spaced so that an idle instance stays within the daily budget: one
 * leadchanges call per run, plus one deletedleads call every k runs.
 */
export function deletedEveryRuns(intervalSeconds: number, budget = syncTuning.idleDailyBudget): number {
  const runsPerDay = Math.ceil(86_400 / intervalSeconds);
  const left = budget - runsPerDay;
  // Below the budget's reach (very short intervals): deletions every ten minutes.
  if (left <= 0) return Math.max(1, Math.round(600 / intervalSeconds));
  return Math.max(1, Math.ceil(runsPerDay / left));
}
