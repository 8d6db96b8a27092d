/** `npm run worker`: works jobs without serving HTTP, beside any number of other processes. */
import { loadConfig } from './platform/config.js';
import { createRuntime } from './runtime.js';

const config = loadConfig();
if (!config.databaseUrl) {
  // The embedded PGlite belongs to one process, and that process (npm start) works the jobs itself.
  console.error('npm run worker shares the work of other processes through PostgreSQL: set DATABASE_URL. With the embedded database, `npm start` works the jobs itself.');
  process.exit(78);
}
const runtime = await createRuntime(config, { worker: true });
runtime.app.log.info('worker started');
const stop = async () => {
  await runtime.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
