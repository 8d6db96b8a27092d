import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * PGlite is one in-process PostgreSQL with a single session. Kysely and pg-boss both think in
 * pools of connections, so this adapter hands out that one session to one holder at a time:
 * a transaction opened by Kysely can never interleave with a pg-boss statement.
 */
export class SessionLock {
  #tail: Promise<void> = Promise.resolve();

  /** Waits for the session and returns the function that gives it back. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.#tail.then(() => {
      let released = false;
      return () => {
        if (!released) {
          released = true;
          release();
        }
      };
    });
    this.#tail = this.#tail.then(() => next);
    return acquired;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

const COMMANDS = new Set(['UPDATE', 'DELETE', 'INSERT', 'SELECT', 'MERGE']);

function commandOf(text: string): PostgresQueryResult<unknown>['command'] {
  const word = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(text)?.[1]?.toUpperCase() ?? 'SELECT';
  return (COMMANDS.has(word) ? word : 'SELECT') as PostgresQueryResult<unknown>['command'];
}

export async function pgliteQuery<R>(pglite: PGlite, text: string, values: readonly unknown[] = []) {
  if (values.length === 0) {
    // Like pg's simple query protocol: a text without parameters may hold several statements.
    const results = await pglite.exec(text);
    const last = results[results.length - 1];
    return { command: commandOf(text), rowCount: last?.affectedRows ?? last?.rows.length ?? 0, rows: (last?.rows ?? []) as R[] };
  }
  const result = await pglite.query<R>(text, values as unknown[]);
  return {
    command: commandOf(text),
    rowCount: result.affectedRows ?? result.rows.length,
    rows: result.rows,
  } satisfies PostgresQueryResult<R>;
}

/** A `pg.Pool`-shaped view of one PGlite session, for Kysely's PostgresDialect. */
export function pglitePool(pglite: PGlite, lock: SessionLock): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const release = await lock.acquire();
      return {
        query: ((text: string, values: readonly unknown[]) => pgliteQuery(pglite, text, values)) as PostgresPoolClient['query'],
        release,
      };
    },
    async end() {
      // The PGlite instance is closed by its owner (see database.ts).
    },
  };
}

/**
 * Runs SQL for pg-boss. pg-boss sends whole scripts (several statements, no parameters) for its
 * schema and maintenance; PGlite's extended protocol takes one statement, so those go through `exec`.
 */
export async function pgliteExecuteSql(pglite: PGlite, text: string, values?: unknown[]) {
  if (values === undefined || values.length === 0) {
    const results = await pglite.exec(text);
    const last = results[results.length - 1];
    return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? last?.rows.length ?? 0 };
  }
  const result = await pglite.query(text, values);
  return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
}
