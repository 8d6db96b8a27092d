/** `npm run worker`: works jobs without serving HTTP, beside any number of other processes. */
import { loadConfig } from './platform/config.js';
import { createRuntime } from './runtime.js';

const config = loadConfig();
const runtime = await createRuntime(config, { worker: true });
runtime.app.log.info('worker started');
const stop = async () => {
  await runtime.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
