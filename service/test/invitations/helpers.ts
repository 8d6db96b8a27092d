import assert from 'node:assert/strict';
import type { TestRuntime } from '../helpers/runtime.js';
import type { ActiveAccount } from '../helpers/accounts.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** An authenticated call of `account`, with the Salesforce user Apex names in X-MSI-Actor. */
export function apiOf(runtime: TestRuntime, account: ActiveAccount) {
  return (method: Method, url: string, payload?: object) =>
    runtime.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...account.auth, 'x-msi-actor': '005000000000001AAA Ada Admin' },
      ...(payload ? { payload } : {}),
    });
}

/** The activation token in the newest invitation e-mail to `email`. */
export async function linkFor(runtime: TestRuntime, email: string, after = 0): Promise<string> {
  const mail = await runtime.mailbox.waitFor((m) => m.to.includes(email) && runtime.mailbox.messages.filter((x) => x.to.includes(email)).indexOf(m) >= after);
  const match = /\/activate\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
  assert.ok(match?.[1], 'the mail has an activation link');
  return match[1];
}

export const mailsTo = (runtime: TestRuntime, email: string) => runtime.mailbox.messages.filter((m) => m.to.includes(email));

// Generous: on a two-core CI machine these waits share the CPU with the heaviest suites.
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
