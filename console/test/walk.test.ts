/**
 * The console in a real browser (Debian's Chromium through playwright-core): setup step 1 as a new admin
 * walks it in the seed's guide. Open the setup page → invite administrators with the keyboard → read the
 * activation e-mail in the sandbox mailbox → activate → see the Client ID → Return to Salesforce (the
 * console's org has the service's own address as its instance URL, so the claim code lands in the console)
 * → the Integration Info card shows the Client ID. Every page is screenshotted into test-results/console/
 * and scanned with axe-core: no serious or critical violations.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { buildConsole } from '../build.mjs';
import { startTestRuntime, type TestRuntime } from '../../service/test/helpers/runtime.js';
import { sandboxOf } from '../../service/src/sandbox/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'test-results/console');
const skip = fs.existsSync(CHROMIUM)
  ? false
  : `Chromium is not installed at ${CHROMIUM}, so the browser walk of the console is skipped (install it: apt-get install -y chromium; CI's .ci/run does).`;
if (skip) console.log(`# ${skip}`);

/** A port nobody listens on now: the service's public URL must name it before the service starts. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

/** axe-core on the page as it is now; serious and critical violations fail the walk. */
async function checkAccessibility(page: Page, what: string) {
  await page.evaluate(axeSource);
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<unknown> } }).axe.run(document, { resultTypes: ['violations'] }),
  )) as AxeResult;
  assert.ok(Array.isArray(result.violations), 'axe-core did not run');
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = result.violations.filter((v) => !bad.includes(v)).map((v) => `${v.impact} ${v.id}`);
  console.log(`# axe, ${what}: ${bad.length} serious or critical${minor.length ? `; also ${minor.join(', ')}` : ''}`);
  assert.deepEqual(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`),
    [],
    `accessibility of ${what}`,
  );
}

let shot = 0;
async function screenshot(page: Page, name: string) {
  shot += 1;
  await page.screenshot({ path: path.join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/** Presses Tab until `target` has the focus, as a keyboard user moves through the page. */
async function tabTo(page: Page, target: Locator, maxPresses = 40) {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el.matches(':focus'))) return;
  }
  assert.fail(`${maxPresses} presses of Tab did not reach ${target}`);
}

describe('the console in a browser: setup step 1', { skip, timeout: 300_000 }, () => {
  let runtime: TestRuntime;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  /** Everything the console's own routes answered the browser's code: the secret must never be among it. */
  const consoleAnswers: string[] = [];

  before(async () => {
    // The bundle of the current sources: built here when npm start has not built it yet (a fresh clone in CI).
    const build = await buildConsole({ ifStale: true });
    if (build.built) console.log(`# console built in ${(build.ms / 1000).toFixed(1)} s`);
    fs.rmSync(SHOTS, { recursive: true, force: true });
    fs.mkdirSync(SHOTS, { recursive: true });

    const port = await freePort();
    // SMTP_URL empty: the sandbox runs its own mail server, whose mail /sandbox/mail shows.
    runtime = await startTestRuntime({
      SANDBOX: 'true',
      SMTP_URL: '',
      PORT: String(port),
      SANDBOX_MARKETO_PORT: '0',
      SANDBOX_SALESFORCE_PORT: '0',
      SANDBOX_PEOPLE: '200',
      LOG_LEVEL: 'warn',
    });
    await runtime.app.listen({ host: '127.0.0.1', port });
    base = runtime.config.publicUrl;

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    // The service's own pages have a strict CSP; axe is injected by the test, not by them.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    page = await context.newPage();
    page.on('pageerror', (error) => console.log(`# page error: ${error.message}`));
    page.on('response', async (response) => {
      if (new URL(response.url()).pathname.startsWith('/console/')) consoleAnswers.push(await response.text().catch(() => ''));
    });
  });

  after(async () => {
    await browser?.close();
    await runtime?.close();
  });

  let clientId = '';
  let clientSecret = '';

  it('shows the setup checklist and the Integration Info card, as the package does', async () => {
    await page.goto(`${base}/console`);
    const checklist = page.locator('c-msi-actions-setup table');
    await checklist.waitFor();
    assert.equal(await page.locator('c-msi-actions-setup tbody tr').count(), 7);
    await page.locator('c-msi-actions-account .candidates input[type=checkbox]').waitFor();
    assert.match(await page.locator('c-msi-actions-account .client-id').innerText(), /Not available/);
    await screenshot(page, 'setup');
    await checkAccessibility(page, 'the setup page');
  });

  it('invites two administrators with the keyboard only and confirms with a toast', async () => {
    const account = page.locator('c-msi-actions-account');
    const candidate = account.locator('.candidates input[type=checkbox]').first();
    await tabTo(page, candidate);
    await page.keyboard.press('Space');
    assert.equal(await candidate.isChecked(), true);

    const name = account.locator('[data-id="other-name"] input');
    await tabTo(page, name);
    await page.keyboard.type('Grace Hopper');
    await page.keyboard.press('Tab');
    await page.keyboard.type('grace@example.com');
    const add = account.locator('.add-other button');
    await tabTo(page, add);
    await page.keyboard.press('Enter');
    await account.locator('lightning-pill').waitFor();

    const send = account.locator('.send-invitation button');
    await tabTo(page, send);
    await page.keyboard.press('Enter');
    const toast = page.locator('.console-toast[data-variant="success"]');
    await toast.waitFor();
    assert.match(await toast.innerText(), /admin@msi-sandbox\.example\.com/);
    assert.match(await toast.innerText(), /grace@example\.com/);
    await screenshot(page, 'invitation-sent');
    await checkAccessibility(page, 'the setup page with the toast');
  });

  it('finds the activation e-mail in the sandbox mailbox', async () => {
    const admin = sandboxOf(runtime.context)!.salesforce.org.admin;
    // The invitation goes out through the job queue: wait for it as a person would reload the page.
    await runtime.context.mailbox!.waitFor((mail) => mail.to.includes(admin.email), 30_000);
    await page.goto(`${base}/sandbox/mail`);
    await screenshot(page, 'mailbox');
    await checkAccessibility(page, 'the sandbox mailbox');
    await page.locator('tr', { hasText: admin.email }).locator('a').first().click();
    await page.locator('pre a[href*="/activate"]').waitFor();
    await screenshot(page, 'activation-mail');
    await page.locator('pre a[href*="/activate"]').first().click();
  });

  it('activates the account and shows the Client ID and Secret once', async () => {
    const activate = page.getByRole('button', { name: 'Activate the account' });
    await activate.waitFor();
    await screenshot(page, 'activate');
    await checkAccessibility(page, 'the activation page');
    await tabTo(page, activate);
    await page.keyboard.press('Enter');
    await page.locator('#client-id').waitFor();
    clientId = (await page.locator('#client-id').innerText()).trim();
    clientSecret = (await page.locator('#client-secret').innerText()).trim();
    assert.ok(clientId.length > 0 && clientSecret.length > 0);
    await screenshot(page, 'activated');
    await checkAccessibility(page, 'the activated page');
  });

  it('returns to the setup page with the claim code, and the Integration Info card shows the Client ID', async () => {
    const back = page.locator('#return-to-salesforce');
    assert.match((await back.getAttribute('href')) ?? '', new RegExp(`^${base}/lightning/n/MSI_Actions_Setup\\?c__claimCode=`));
    await tabTo(page, back);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/lightning\/n\/MSI_Actions_Setup\?c__claimCode=/);
    const card = page.locator('c-msi-actions-account');
    await card.locator('.client-id', { hasText: clientId }).waitFor({ timeout: 15_000 });
    assert.equal((await card.locator('.account-status').innerText()).trim(), 'Active');
    assert.match(await card.locator('.original-user').innerText(), /admin@msi-sandbox\.example\.com/);
    // The masked secret only: the last four characters.
    assert.ok(!(await card.locator('.client-secret').innerText()).includes(clientSecret));
    await page.locator('.console-toast[data-variant="success"]').first().waitFor();
    const accountRow = page.locator('c-msi-actions-setup tr[data-step="account"] .slds-badge');
    await accountRow.filter({ hasText: 'Done' }).waitFor();
    await screenshot(page, 'integration-info');
    await checkAccessibility(page, 'the setup page after the claim');
  });

  it('never hands the Client Secret to the browser\'s code: the console keeps it server-side', () => {
    assert.ok(consoleAnswers.length > 0);
    for (const answer of consoleAnswers) assert.ok(!answer.includes(clientSecret), 'a /console answer carried the Client Secret');
  });

  it('stands in for a Lead record page', async () => {
    const leadId = '00Q000000000001AAA';
    await page.goto(`${base}/console/record/Lead/${leadId}`);
    await page.locator('.record-id', { hasText: leadId }).waitFor();
    await screenshot(page, 'lead-record');
    await checkAccessibility(page, 'the Lead record page');
  });
});
