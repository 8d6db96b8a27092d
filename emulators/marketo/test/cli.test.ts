/**
 * The Marketo emulator run alone, as `npm run emulator:marketo` runs it: the CLI in a child process on
 * a free port (--port 0), a token from the printed identity endpoint and client, leads.json from the
 * printed REST endpoint, and a clean exit on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { personAt } from '../../shared/seed-people.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('Marketo emulator CLI (npm run emulator:marketo)', () => {
  let child: ChildProcess | undefined;
  let printed = '';
  const line = (label: string) => new RegExp(`${label}\\s+(\\S+)`).exec(printed)?.[1] ?? '';

  before(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'emulators/marketo/cli.ts', '--port', '0', '--people', '60', '--seed', '9'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (stderr += chunk));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the CLI printed nothing ready in 30 s:\n${printed}\n${stderr}`)), 30_000);
      child!.stdout!.on('data', (chunk: string) => {
        printed += chunk;
        if (/Munchkin ID\s+\S+\n/.test(printed)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the CLI exited (${code ?? signal}) before it was ready:\n${printed}\n${stderr}`));
      });
    });
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('prints its endpoints on a real port, takes a token and answers leads.json for the seed', async () => {
    assert.match(printed, /Marketo emulator: 60 people, seed 9/);
    const restUrl = line('REST endpoint');
    const identityUrl = line('Identity endpoint');
    assert.match(restUrl, /^http:\/\/127\.0\.0\.1:\d+\/rest$/, printed);
    assert.notEqual(new URL(restUrl).port, '0');
    assert.equal(identityUrl, restUrl.replace(/\/rest$/, '/identity'));

    const tokenRes = await fetch(
      `${identityUrl}/oauth/token?${new URLSearchParams({ grant_type: 'client_credentials', client_id: line('Client ID'), client_secret: line('Client Secret') })}`,
    );
    assert.equal(tokenRes.status, 200);
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    assert.ok(token);

    const first = personAt(9, 0);
    const leads = await fetch(`${restUrl}/v1/leads.json?${new URLSearchParams({ filterType: 'email', filterValues: first.email, fields: 'id,email,lastName' })}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(leads.status, 200);
    const body = (await leads.json()) as { success: boolean; result: { id: number; email: string; lastName: string }[] };
    assert.equal(body.success, true, JSON.stringify(body));
    assert.ok(body.result.some((r) => r.email === first.email && r.lastName === first.lastName), JSON.stringify(body.result));

    const refused = await fetch(`${restUrl}/v1/leads.json?filterType=email&filterValues=x@example.com`, { headers: { Authorization: 'Bearer nope' } });
    assert.deepEqual(((await refused.json()) as { errors: { code: string }[] }).errors[0]!.code, '601');
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = once(child!, 'exit');
    child!.kill('SIGTERM');
    const [code] = (await exited) as [number | null, string | null];
    assert.equal(code, 0);
  });
});
