import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/platform/database.js';

/**
 * A fresh database for one test file: an in-memory PGlite by default, or a new database on the
 * PostgreSQL server named by DATABASE_URL (dropped again at the end), so runs never see each
 * other's data.
 */
export interface TestDatabase {
  database: Database;
  /** The PostgreSQL URL of this test's own database, when running on PostgreSQL. */
  url?: string;
  drop(): Promise<void>;
}

export const onPostgres = Boolean(process.env.DATABASE_URL);

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = await createTestDatabaseUrl();
  if (!url) {
    const database = await openDatabase({});
    return { database, drop: () => database.close() };
  }
  const database = await openDatabase({ url: url.url, poolSize: 5 });
  return {
    database,
    url: url.url,
    async drop() {
      await database.close();
      await url.drop();
    },
  };
}

/** A new, empty PostgreSQL database on the server of DATABASE_URL; undefined on PGlite. */
export async function createTestDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) return undefined;
  const name = `msi_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
