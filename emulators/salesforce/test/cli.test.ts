/**
 * The emulator run alone, as `npm run emulator:salesforce` runs it: the CLI in a child process on a
 * free port (--port 0), its printed URL, the versions list, the OAuth login page with the printed
 * connected app and user, and a clean exit on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CALLBACK = 'http://127.0.0.1:3000/oauth/salesforce/callback';

/** Starts the CLI and resolves with everything it printed once `ready` matches its stdout. */
function startCli(args: string[], ready: RegExp): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'emulators/salesforce/cli.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the CLI printed nothing ready in 30 s:\n${stdout}\n${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: string) => {
      stdout += chunk;
      if (ready.test(stdout)) {
        clearTimeout(timer);
        resolve({ child, output: () => stdout });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the CLI exited (${code ?? signal}) before it was ready:\n${stdout}\n${stderr}`));
    });
  });
}

describe('Salesforce emulator CLI (npm run emulator:salesforce)', () => {
  let child: ChildProcess | undefined;
  let printed = '';
  let url = '';

  before(async () => {
    const started = await startCli(['--port', '0', '--seed', '7', '--people', '50', '--callback', CALLBACK], /users \(password [^\n]*\n/);
    child = started.child;
    printed = started.output();
    url = /Salesforce emulator on (http:\/\/\S+) /.exec(printed)?.[1] ?? '';
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, printed);
    assert.notEqual(new URL(url).port, '0');
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('prints the seed, org, connected app, callback and users it runs with', () => {
    assert.match(printed, /\(seed 7, org 00D\w{15}, 50 people\)/);
    assert.match(printed, /connected app: client id \S+, secret \S+/);
    assert.match(printed, new RegExp(`callback URLs: ${CALLBACK.replace(/[.]/g, '\\.')}`));
    assert.match(printed, /users \(password \S+\): \S+@\S+/);
  });

  it('answers the versions list at /services/data/', async () => {
    const res = await fetch(`${url}/services/data/`);
    assert.equal(res.status, 200);
    const versions = (await res.json()) as { label: string; url: string; version: string }[];
    assert.ok(versions.length > 5);
    const v62 = versions.find((v) => v.version === '62.0');
    assert.deepEqual(v62 && { url: v62.url, version: v62.version }, { url: '/services/data/v62.0', version: '62.0' });
    // Without a token the REST API refuses, in Salesforce's error shape.
    const query = await fetch(`${url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Lead LIMIT 1')}`);
    assert.equal(query.status, 401);
    assert.deepEqual(((await query.json()) as { errorCode: string }[])[0]!.errorCode, 'INVALID_SESSION_ID');
  });

  it('shows the OAuth login page for the printed connected app, and the printed user can log in', async () => {
    const clientId = /client id (\S+),/.exec(printed)![1]!;
    const [, password, username] = /users \(password (\S+)\): ([^,\s]+)/.exec(printed)!;
    const authorize = `${url}/services/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: CALLBACK, state: 's1' })}`;
    const first = await fetch(authorize, { redirect: 'manual' });
    assert.equal(first.status, 302);
    const loginUrl = new URL(first.headers.get('location')!, url);
    assert.equal(loginUrl.pathname, '/login');

    const page = await fetch(loginUrl);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /<form method="post" action="\/login" id="login_form">/);

    const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
    const login = await fetch(`${url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hidden, username: username!, pw: password! }).toString(),
    });
    assert.equal(login.status, 302, await login.text());
    assert.match(login.headers.get('set-cookie') ?? '', /^sid=/);
    assert.match(login.headers.get('location') ?? '', /\/services\/oauth2\/authorize\?/);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = once(child!, 'exit');
    child!.kill('SIGTERM');
    const [code] = (await exited) as [number | null, string | null];
    assert.equal(code, 0);
    await assert.rejects(fetch(`${url}/services/data/`));
  });
});
