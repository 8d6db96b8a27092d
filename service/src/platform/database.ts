import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database as Tables } from './tables.js';
import { pgliteExecuteSql, pglitePool, SessionLock } from './pglite-pool.js';

export type Db = Kysely<Tables>;
export type Tx = Transaction<Tables>;
/** Either the whole database or a transaction on it: repositories accept both. */
export type DbOrTx = Db | Tx;

/** What pg-boss needs from a database: run one SQL text (possibly several statements). */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount?: number | null }>;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Executor on the shared pool (or PGlite session) for pg-boss. */
  executor: SqlExecutor;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// int8 (COUNT(*), bigserial) as numbers: our counts stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

export interface DatabaseOptions {
  /** PostgreSQL URL. When absent, PGlite is used. */
  url?: string;
  /** PGlite data directory; `memory://` or undefined for an in-memory database. */
  pgliteDir?: string;
  /** Maximum connections in the pg pool. */
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  return openPglite(options.pgliteDir);
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'msi-actions' });
  // An idle client that loses its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    executor: { executeSql: async (text, values) => pool.query(text, values) },
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

/**
 * PGlite on disk belongs to one process: a second one opening the same directory would corrupt it.
 * A lock file with the owner's pid turns that into a clear error; a stale one (dead pid) is taken over.
 */
function lockDataDirectory(dir: string): () => void {
  const lockFile = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(lockFile, 'utf8'));
      let alive = false;
      try {
        process.kill(owner, 0);
        alive = owner !== process.pid;
      } catch {
        alive = false;
      }
      if (alive) {
        throw new Error(
          `Another MSI Actions process (pid ${owner}) is using the embedded database in ${dir}. ` +
            'Stop it first, or run several processes on PostgreSQL (DATABASE_URL).',
        );
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${dir}`);
}

async function openPglite(dir: string | undefined): Promise<Database> {
  const onDisk = dir !== undefined && !dir.startsWith('memory://');
  if (onDisk) fs.mkdirSync(path.dirname(dir), { recursive: true });
  const unlock = onDisk ? lockDataDirectory(dir) : () => undefined;
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dir ?? 'memory://');
  } catch (error) {
    unlock();
    throw error;
  }
  const lock = new SessionLock();
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: pglitePool(pglite, lock) }) });
  let closed = false;
  return {
    kind: 'pglite',
    db,
    executor: { executeSql: (text, values) => lock.run(() => pgliteExecuteSql(pglite, text, values)) },
    async ping() {
      if (closed) return false;
      try {
        await lock.run(() => pglite.query('select 1'));
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await lock.run(() => pglite.close());
      unlock();
    },
  };
}

/**
 * An executor bound to a transaction, so pg-boss can enqueue a job atomically with the rows the
 * job is about (the outbox pattern): commit both, or neither.
 */
export function transactionExecutor(tx: DbOrTx): SqlExecutor {
  return {
    async executeSql(text, values) {
      const result = await tx.executeQuery(CompiledQuery.raw(text, values ?? []));
      return { rows: result.rows as unknown[], rowCount: Number(result.numAffectedRows ?? result.rows.length) };
    },
  };
}
