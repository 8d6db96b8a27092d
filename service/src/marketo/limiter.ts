import { nextCentralMidnight } from './central-time.js';
import { MarketoError } from './errors.js';

/**
 * Keeps calls under a share of one Marketo instance's limits (Adobe recommends 50 calls per 20 s and
 * 5 concurrent for an integration), pauses the instance after a throttling answer, and stops it after
 * 607 until the quota resets. One limiter per instance per process (see limiterFor); with a
 * SharedLimiterStore (the database) every process sharing it stays under the same share together.
 */

/** Slots shared between processes: a lease per call, counted per instance over the window. */
export interface SharedLimiterStore {
  /** A lease id when a call may start now, or how long to wait before asking again. */
  tryAcquire(instance: string, limits: { maxCalls: number; windowMs: number; maxConcurrent: number }): Promise<{ leaseId: string } | { waitMs: number }>;
  release(leaseId: string): Promise<void>;
}

export interface LimiterOptions {
  maxCalls: number;
  windowMs: number;
  maxConcurrent: number;
  /** Backoff after a throttle or server error: base * 2^attempt, full jitter, capped. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_LIMITS: LimiterOptions = { maxCalls: 50, windowMs: 20_000, maxConcurrent: 5, backoffBaseMs: 1000, backoffMaxMs: 60_000 };

export interface LimiterState {
  /** Calls started in the current window. */
  recentCalls: number;
  inFlight: number;
  /** The concurrency and calls per window in use now (lowered after throttling answers). */
  maxConcurrentNow: number;
  maxCallsNow: number;
  /** Epoch ms until which calls wait after a throttle answer, or null. */
  pausedUntil: number | null;
  /** Epoch ms until which every call is refused after 607 (next midnight US Central), or null. */
  quotaStoppedUntil: number | null;
}

export class MarketoLimiter {
  private readonly starts: number[] = [];
  private active = 0;
  private pausedUntil = 0;
  private quotaStoppedUntil = 0;
  private readonly waiters: Array<() => void> = [];
  private pumping = false;
  private timer: NodeJS.Timeout | null = null;
  /**
   * What Marketo's answers show is really available (other integrations share the instance): halved on
   * each 615 / 606, grown back by one after a run of clean answers, never above the configured share.
   */
  private concurrentNow: number;
  private callsNow: number;
  private clean = 0;

  /** The instance this limiter guards (the REST host), the key in a shared store. */
  instance = '';
  shared: SharedLimiterStore | undefined;

  constructor(
    public options: LimiterOptions = DEFAULT_LIMITS,
    private readonly clock: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    this.concurrentNow = options.maxConcurrent;
    this.callsNow = options.maxCalls;
  }

  configure(options: LimiterOptions): void {
    this.options = options;
    this.concurrentNow = options.maxConcurrent;
    this.callsNow = options.maxCalls;
  }

  state(): LimiterState {
    const now = this.clock();
    this.prune(now);
    return {
      recentCalls: this.starts.length,
      inFlight: this.active,
      maxConcurrentNow: this.concurrentNow,
      maxCallsNow: this.callsNow,
      pausedUntil: this.pausedUntil > now ? this.pausedUntil : null,
      quotaStoppedUntil: this.quotaStoppedUntil > now ? this.quotaStoppedUntil : null,
    };
  }

  /** Waits for a slot (FIFO); the returned function gives it back. Throws when stopped by 607. */
  async acquire(): Promise<() => void> {
    this.checkQuota();
    await new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      this.pump();
    });
    this.checkQuota(true);
    let leaseId: string | undefined;
    if (this.shared) {
      try {
        leaseId = await this.sharedSlot(this.shared);
      } catch (error) {
        this.active--;
        this.pump();
        throw error;
      }
    }
    let released = false;
    const shared = this.shared;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.pump();
      if (leaseId && shared) void shared.release(leaseId).catch(() => undefined);
    };
  }

  /** Waits for the other processes' share: the store says how long until a slot frees. */
  private async sharedSlot(store: SharedLimiterStore): Promise<string> {
    for (;;) {
      this.checkQuota();
      const answer = await store.tryAcquire(this.instance, { maxCalls: this.callsNow, windowMs: this.options.windowMs, maxConcurrent: this.concurrentNow });
      if ('leaseId' in answer) return answer.leaseId;
      await new Promise((resolve) => setTimeout(resolve, Math.max(5, Math.min(answer.waitMs, 1000))));
    }
  }

  private checkQuota(holding = false): void {
    if (this.quotaStoppedUntil > this.clock()) {
      if (holding) {
        this.active--;
        this.pump();
      }
      throw new MarketoError('QUOTA_STOPPED', `Daily quota reached; calls to this instance are stopped until ${new Date(this.quotaStoppedUntil).toISOString()}`, {
        retryAt: this.quotaStoppedUntil,
      });
    }
  }

  private prune(now: number): void {
    while (this.starts.length > 0 && this.starts[0]! <= now - this.options.windowMs) this.starts.shift();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        const now = this.clock();
        this.prune(now);
        if (this.quotaStoppedUntil > now) {
          // Let the waiters see the stop and fail.
          this.active += this.waiters.length;
          for (const w of this.waiters.splice(0)) w();
          return;
        }
        if (this.active >= this.concurrentNow) return;
        let wait = 0;
        if (this.pausedUntil > now) wait = this.pausedUntil - now;
        else if (this.starts.length >= this.callsNow) wait = this.starts[this.starts.length - this.callsNow]! + this.options.windowMs - now;
        if (wait > 0) {
          this.schedule(wait);
          return;
        }
        this.starts.push(now);
        this.active++;
        this.waiters.shift()!();
      }
    } finally {
      this.pumping = false;
    }
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, ms);
    this.timer.unref?.();
  }

  /** A throttling answer: lower what this process asks of the instance. */
  throttled(code: string): void {
    this.clean = 0;
    // Answers to calls sent before the last pause tell nothing new.
    if (this.pausedUntil > this.clock()) return;
    if (code === '615') this.concurrentNow = Math.max(1, Math.floor(this.concurrentNow / 2));
    if (code === '606') this.callsNow = Math.max(1, Math.floor(this.callsNow / 2));
  }

  /** A served call: after a run of them, give back one unit of what throttling took. */
  succeeded(): void {
    if (++this.clean < 10) return;
    this.clean = 0;
    if (this.concurrentNow < this.options.maxConcurrent) this.concurrentNow++;
    if (this.callsNow < this.options.maxCalls) this.callsNow = Math.min(this.options.maxCalls, this.callsNow + Math.max(1, Math.floor(this.options.maxCalls / 10)));
    this.pump();
  }

  /** After 606/615/5xx: every call to the instance waits, longer with each attempt, with jitter. */
  backoff(attempt: number): number {
    const ceiling = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** attempt);
    const delay = Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
    this.pausedUntil = Math.max(this.pausedUntil, this.clock() + delay);
    return delay;
  }

  /** After 607: nothing goes to the instance until midnight US Central. */
  stopForQuota(): number {
    this.quotaStoppedUntil = nextCentralMidnight(this.clock());
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.pump();
    return this.quotaStoppedUntil;
  }

  /** A stop another process recorded (shared through the database): honour it here too. */
  stopUntil(until: number): void {
    if (until > this.quotaStoppedUntil) this.quotaStoppedUntil = until;
  }

  /** For an operator who raised the quota: calls may go again. */
  resume(): void {
    this.quotaStoppedUntil = 0;
    this.pausedUntil = 0;
    this.pump();
  }
}

const limiters = new Map<string, MarketoLimiter>();

/**
 * The process-wide limiter of one instance (key: the REST host), optionally shared through a store.
 * `options` override the limiter's settings (also of one that exists); `defaults` (the configured share,
 * MARKETO_CALLS_PER_20S / MARKETO_CONCURRENT_CALLS) apply only when the limiter is created here.
 */
export function limiterFor(instance: string, options?: Partial<LimiterOptions>, shared?: SharedLimiterStore, defaults?: Partial<LimiterOptions>): MarketoLimiter {
  let limiter = limiters.get(instance);
  if (!limiter) {
    limiter = new MarketoLimiter({ ...DEFAULT_LIMITS, ...defaults, ...options });
    limiter.instance = instance;
    limiters.set(instance, limiter);
  } else if (options) {
    limiter.configure({ ...limiter.options, ...options });
  }
  if (shared) limiter.shared = shared;
  return limiter;
}
