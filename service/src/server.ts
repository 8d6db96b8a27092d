/** Starts the service: `npm start` (through scripts/start.mjs) runs this. */
import { ConfigError, loadConfig } from './platform/config.js';
import { createRuntime } from './runtime.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  if (!config.inProcessWorker && !config.databaseUrl) {
    console.error('IN_PROCESS_WORKER=false needs PostgreSQL (DATABASE_URL) and `npm run worker`: with the embedded database no other process could work the jobs.');
    process.exit(78);
  }
  const runtime = await createRuntime(config);
  await runtime.app.listen({ host: config.host, port: config.port });
  const base = config.publicUrl;
  const lines = [
    '',
    `MSI Actions service is running (${runtime.database.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL'})`,
    `  Setup console ${base}/console   (the package's setup pages, outside Salesforce)`,
    `  API docs      ${base}/docs`,
    `  OpenAPI       ${base}/openapi.json`,
    `  Health        ${base}/healthz  ${base}/readyz`,
    ...(config.sandbox
      ? [
          `  Sandbox       ${base}/sandbox   (local Marketo, Salesforce and mail: what to type where)`,
          `  Mailbox       ${base}/sandbox/mail`,
        ]
      : []),
    '',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 15_000);
    timer.unref();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error('MSI Actions service failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
