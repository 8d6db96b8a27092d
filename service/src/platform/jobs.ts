import PgBoss from 'pg-boss';
import { transactionExecutor, type Database, type DbOrTx } from './database.js';

export interface QueueDefinition {
  name: string;
  /** How often a failed job is tried again before it is kept as failed. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  /** A job still running after this long is taken to have died with its worker and is retried. */
  expireInSeconds?: number;
}

export type JobHandler<T> = (data: T, job: { id: string; retryCount: number }) => Promise<void>;

export interface SendOptions {
  /** Enqueue inside this transaction: the job exists only if the transaction commits. */
  tx?: DbOrTx;
  /** At most one queued job per key (pg-boss singleton). */
  singletonKey?: string;
  startAfterSeconds?: number;
}

/**
 * The job queue: pg-boss on the same database as everything else, so any number of service
 * processes share the work and a job is enqueued in the same transaction as its data.
 */
export class Jobs {
  readonly #boss: PgBoss;
  readonly #database: Database;
  readonly #queues = new Map<string, QueueDefinition>();
  #started = false;

  constructor(database: Database, options: { maintenance?: boolean } = {}) {
    this.#database = database;
    this.#boss = new PgBoss({
      db: { executeSql: (text, values) => database.executor.executeSql(text, values) },
      schema: 'pgboss',
      // Maintenance (expiry, archiving) and cron run in processes that work jobs.
      supervise: options.maintenance ?? true,
      schedule: options.maintenance ?? true,
    });
    // pg-boss reports errors of its background loops as events; without a listener they would crash.
    this.#boss.on('error', (error) => this.onError(error));
  }

  onError: (error: Error) => void = () => undefined;

  async start(): Promise<void> {
    if (this.#started) return;
    await this.#boss.start();
    this.#started = true;
    for (const queue of this.#queues.values()) await this.#createQueue(queue);
  }

  async #createQueue(queue: QueueDefinition) {
    await this.#boss.createQueue(queue.name, {
      name: queue.name,
      retryLimit: queue.retryLimit ?? 5,
      retryDelay: queue.retryDelaySeconds ?? 5,
      retryBackoff: queue.retryBackoff ?? true,
      expireInSeconds: queue.expireInSeconds ?? 15 * 60,
    });
  }

  /** Declares a queue; it is created (idempotently) when the queue starts. */
  async define(queue: QueueDefinition): Promise<void> {
    this.#queues.set(queue.name, queue);
    if (this.#started) await this.#createQueue(queue);
  }

  async send<T extends object>(queue: string, data: T, options: SendOptions = {}): Promise<string | null> {
    if (!this.#queues.has(queue)) throw new Error(`Unknown queue "${queue}"`);
    const sendOptions: PgBoss.SendOptions = {};
    if (options.tx) sendOptions.db = transactionExecutor(options.tx) as PgBoss.Db;
    if (options.singletonKey) sendOptions.singletonKey = options.singletonKey;
    if (options.startAfterSeconds) sendOptions.startAfter = options.startAfterSeconds;
    return this.#boss.send(queue, data, sendOptions);
  }

  /** Works jobs of a queue in this process. */
  async work<T>(queue: string, handler: JobHandler<T>, options: { concurrency?: number; pollingIntervalSeconds?: number } = {}) {
    const concurrency = options.concurrency ?? 1;
    for (let i = 0; i < concurrency; i += 1) {
      await this.#boss.work<T>(
        queue,
        { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1, includeMetadata: true },
        async (jobs) => {
          for (const job of jobs) await handler(job.data, { id: job.id, retryCount: job.retryCount });
        },
      );
    }
  }

  async getJobState(queue: string, id: string): Promise<string | undefined> {
    const job = await this.#boss.getJobById(queue, id);
    return job?.state;
  }

  /** True when the queue's tables answer. */
  async ping(): Promise<boolean> {
    if (!this.#started) return false;
    try {
      await this.#database.executor.executeSql('select version from pgboss.version');
      return true;
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    await this.#boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
