import { startMarketoEmulator, type MarketoEmulator, type MarketoEmulatorOptions } from '../../../emulators/marketo/index.js';
import { MarketoClient, type MarketoClientOptions } from '../../src/marketo/client.js';
import { TokenCache } from '../../src/marketo/tokens.js';

/** An emulator and a client for it, with windows and backoffs short enough for tests. */
export async function marketoPair(
  emulatorOptions: MarketoEmulatorOptions = {},
  clientOptions: Partial<MarketoClientOptions> = {},
): Promise<{ emulator: MarketoEmulator; client: MarketoClient; close: () => Promise<void> }> {
  const emulator = await startMarketoEmulator({ people: 500, seed: 11, bulkProcessingMs: 20, rateWindowMs: 2000, ...emulatorOptions });
  const client = new MarketoClient({
    restUrl: emulator.restUrl,
    identityUrl: emulator.identityUrl,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    tokens: new TokenCache(),
    ...clientOptions,
    limits: { maxCalls: 50, windowMs: 2000, maxConcurrent: 5, backoffBaseMs: 10, backoffMaxMs: 200, ...clientOptions.limits },
  });
  return { emulator, client, close: () => emulator.close() };
}

/** Served (not refused) calls of one method and path, from the emulator's log. */
export function served(emulator: MarketoEmulator, method: string, path: string): number {
  return emulator.calls.filter((c) => c.method === method && c.path === path && c.code === null).length;
}
