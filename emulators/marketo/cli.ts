import { parseArgs } from 'node:util';
import { startMarketoEmulator } from './server.js';

// npm run emulator:marketo -- --people 5000 --seed 42 --port 4100
const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '1' },
    port: { type: 'string', default: '4100' },
    host: { type: 'string', default: '127.0.0.1' },
    'salesforce-share': { type: 'string' },
    'daily-quota': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
  },
});

const seed = /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed;
const emulator = await startMarketoEmulator({
  people: Number(values.people),
  seed,
  port: Number(values.port),
  host: values.host,
  salesforceShare: values['salesforce-share'] === undefined ? undefined : Number(values['salesforce-share']),
  dailyQuota: values['daily-quota'] === undefined ? undefined : Number(values['daily-quota']),
  clients:
    values['client-id'] && values['client-secret']
      ? [{ clientId: values['client-id'], clientSecret: values['client-secret'], scope: 'msi-actions-api@sandbox.example.com' }]
      : undefined,
});

console.log(`Marketo emulator: ${values.people} people, seed ${values.seed}`);
console.log(`  REST endpoint      ${emulator.restUrl}`);
console.log(`  Identity endpoint  ${emulator.identityUrl}`);
console.log(`  Client ID          ${emulator.clientId}`);
console.log(`  Client Secret      ${emulator.clientSecret}`);
console.log(`  Munchkin ID        ${emulator.munchkinId}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
