/**
 * Runs the Salesforce emulator alone: `npm run emulator:salesforce -- --seed 7 --port 8801
 * [--people 5000] [--callback http://127.0.0.1:3000/oauth/salesforce/callback]`.
 */
import { parseArgs } from 'node:util';
import { startSalesforceEmulator } from './index.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    port: { type: 'string', default: '8801' },
    host: { type: 'string', default: '127.0.0.1' },
    people: { type: 'string', default: '1000' },
    callback: { type: 'string', multiple: true, default: ['http://127.0.0.1:3000/oauth/salesforce/callback'] },
    'task-types': { type: 'string', default: 'Call,Email,Meeting,Other' },
  },
});

const seed = /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed;
const emulator = await startSalesforceEmulator({
  seed,
  port: Number(values.port),
  host: values.host,
  people: Number(values.people),
  callbackUrls: values.callback,
  taskTypes: values['task-types'].split(',').map((s) => s.trim()).filter(Boolean),
});

console.log(`Salesforce emulator on ${emulator.url} (seed ${String(seed)}, org ${emulator.org.id}, ${values.people} people)`);
console.log(`  connected app: client id ${emulator.clientId}, secret ${emulator.clientSecret}`);
console.log(`  callback URLs: ${values.callback.join(', ')}`);
console.log(`  users (password ${emulator.org.admin.password}): ${emulator.org.users.slice(0, 3).map((u) => u.username).join(', ')}, ...`);

const stop = async () => {
  await emulator.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
