/** `npm run migrate`: brings the configured database to the latest schema, then exits. */
import path from 'node:path';
import { loadConfig } from './config.js';
import { openDatabase } from './database.js';
import { migrateToLatest } from './migrations.js';

const config = loadConfig();
const database = await openDatabase({ url: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pglite') });
try {
  const applied = await migrateToLatest(database.db);
  console.log(applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}` : 'Database is up to date.');
} finally {
  await database.close();
}
