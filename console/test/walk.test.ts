/**
 * The console in a real browser (Debian's Chromium through playwright-core): the seed's guide in order, as a
 * new admin walks it. Step 1: open the setup page → invite administrators with the keyboard → read the
 * activation e-mail in the sandbox mailbox → activate → see the Client ID → Return to Salesforce (the
 * console's org has the service's own address as its instance URL, so the claim code lands in the console)
 * → the Integration Info card shows the Client ID. Step 2: connect Salesforce (log in on the emulated org's
 * page, Allow, Verify). Step 3: connect Marketo with the sandbox's details. Step 4: open the field preview,
 * start the sync, watch the initial load until the incremental phase, the checklist In progress then Done.
 * Step 5: invite three users by e-mail, then two by a CSV with Dutch headers (console/test/fixtures), and find
 * everyone in the Everyone team. Step 7: the Named Credential check, MSI Actions switched on, a permission set
 * assigned (the user's row chosen with the keyboard). Then as the rep (the console's running user, the sandbox
 * org's admin, who is an active Actions user): the console's Record pages menu leads to a synced Lead, whose
 * page shows the synced data; Log a call, and the call is a Task on the Lead in the Salesforce emulator and an
 * activity of the person in the Marketo emulator; the same on a synced Contact's page. Every page, the
 * Salesforce emulator's login page included, is screenshotted into test-results/console/ and scanned with
 * axe-core: no serious or critical violations.
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
import { tuneSync } from '../../service/src/sync/tuning.js';
import { limiterFor } from '../../service/src/marketo/limiter.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'test-results/console');
const CSV_FIXTURE = path.join(ROOT, 'console/test/fixtures/gebruikers.csv');
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

/** The three people of step 5(a), and the two of the CSV (console/test/fixtures/gebruikers.csv). */
const INVITED = ['linus@example.com', 'margaret@example.com', 'barbara@example.com'];
const CSV_PEOPLE = ['nina.devries@example.com', 'pieter.jansen@example.com'];
/** MSI_Config_Assigned for one user who did not have the permission set yet. */
const ASSIGNED_ONE = '1 assigned, 0 had it already';
/** The subject of the call the rep logs on the Contact page. */
const CALL_SUBJECT = 'Walk: intro call';
/** The subject of the call the rep logs on the Lead page. */
const LEAD_CALL_SUBJECT = 'Walk: first call with a Lead';

/** Opens a step's page from the checklist with the keyboard: Tab to its *Open* button, Enter. */
async function openStep(page: Page, step: string) {
  const open = page.locator(`c-msi-actions-setup lightning-button.open-step[data-step="${step}"] button`);
  await open.waitFor();
  await tabTo(page, open, 80);
  await page.keyboard.press('Enter');
  await page.locator(`c-msi-actions-setup tr[data-step="${step}"] .current-step`).waitFor();
}

/** Types into a text field reached with Tab. */
async function tabAndType(page: Page, field: Locator, text: string) {
  await tabTo(page, field, 60);
  await page.keyboard.type(text);
}

/** A read-only lightning-combobox is a button (role combobox) whose data-value is the chosen option's label. */
const comboboxButton = (combobox: Locator) => combobox.locator('button[role="combobox"]');

/** Picks an option of a lightning-combobox with the keyboard: focus, open with Enter, Home and arrows to the option, Enter. */
async function chooseOption(page: Page, combobox: Locator, optionLabel: string) {
  const input = comboboxButton(combobox);
  await tabTo(page, input, 80);
  await page.keyboard.press('Enter');
  const options = combobox.locator('[role="option"]');
  await options.first().waitFor();
  const labels = (await options.allInnerTexts()).map((text) => text.trim());
  const index = labels.indexOf(optionLabel);
  assert.ok(index >= 0, `no option ${optionLabel} in [${labels.join(', ')}]`);
  // Arrow keys move the active option from the selected one (or the first).
  // What the keyboard did, for the failure message: whether the list is open, which option is active, the value.
  const steps: string[] = [];
  const state = async (what: string) =>
    steps.push(
      `${what}: expanded=${await input.getAttribute('aria-expanded')} active=${(await combobox.locator('[role="option"].slds-has-focus').allInnerTexts()).join('|')} value=${await input.getAttribute('data-value')}`,
    );
  const active = combobox.locator('[role="option"].slds-has-focus');
  // The list opens with the chosen option active; keys pressed before that are lost.
  await active.waitFor({ timeout: 5_000 });
  await state('open');
  await page.keyboard.press('Home');
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  await state(`home, ${index}× down`);
  await active.filter({ hasText: optionLabel }).waitFor({ timeout: 5_000 });
  await page.keyboard.press('Enter');
  await state('enter');
  await combobox
    .locator(`button[role="combobox"][data-value="${optionLabel}"]`)
    .waitFor({ timeout: 5_000 })
    .catch(async (error: unknown) => {
      await state('after 5 s');
      assert.fail(`${optionLabel} was not chosen (${steps.join('; ')}): ${String(error)}`);
    });
}

/** Presses Tab until `target` has the focus, as a keyboard user moves through the page. */
async function tabTo(page: Page, target: Locator, maxPresses = 40) {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el.matches(':focus'))) return;
  }
  assert.fail(`${maxPresses} presses of Tab did not reach ${target}`);
}

/** Whether the element (or something inside it) has the focus. */
const hasFocus = (target: Locator) => target.evaluate((el) => el.matches(':focus, :focus-within'));

/**
 * Selects a lightning-datatable row as a keyboard user does: Tab into the grid (it keeps one cell in the tab
 * order), arrow up or down to the row, left to its selection checkbox, Space.
 */
async function selectRowWithKeyboard(page: Page, table: Locator, row: Locator) {
  for (let i = 0; i < 40 && !(await hasFocus(table)); i++) await page.keyboard.press('Tab');
  assert.ok(await hasFocus(table), '40 presses of Tab did not reach the data table');
  const rows = table.locator('tbody tr');
  // The focused row (-1: a header cell) and the wanted one, then as many arrow presses as rows between them.
  const focused = await rows.evaluateAll((els) => els.findIndex((el) => el.matches(':focus-within')));
  const wanted = await rows.evaluateAll((els, target) => els.indexOf(target as HTMLElement), await row.elementHandle());
  assert.ok(wanted >= 0, 'the row is not in the table');
  for (let i = 0; i < Math.abs(wanted - focused); i++) await page.keyboard.press(wanted > focused ? 'ArrowDown' : 'ArrowUp');
  assert.ok(await hasFocus(row), `the arrow keys did not reach row ${wanted} (from ${focused})`);
  const checkbox = row.locator('input[type="checkbox"]');
  const checkboxCell = row.locator('td', { has: page.locator('input[type="checkbox"]') });
  for (let i = 0; i < 10 && !(await hasFocus(checkboxCell)); i++) await page.keyboard.press('ArrowLeft');
  assert.ok(await hasFocus(checkboxCell), 'ArrowLeft did not reach the row\'s selection checkbox');
  await page.keyboard.press('Space');
  await checkbox.and(page.locator(':checked')).waitFor({ timeout: 5_000 });
  // Space put the grid in action mode (Tab would walk its cells); Escape returns to it, and Tab leaves it.
  await page.keyboard.press('Escape');
}

/** Logs a call on a record page's msiPersonInsight card with the keyboard, and waits for it in the card's list. */
async function logCall(page: Page, card: Locator, subject: string, notes: string) {
  await tabAndType(page, card.locator('[data-field="subject"] input'), subject);
  await tabAndType(page, card.locator('[data-field="durationMinutes"] input'), '7');
  await tabAndType(page, card.locator('[data-field="notes"] textarea'), notes);
  const log = card.locator('lightning-button.log button');
  await tabTo(page, log, 40);
  await page.keyboard.press('Enter');
  await page.locator('.console-toast[data-variant="success"]', { hasText: 'Call logged' }).waitFor({ timeout: 15_000 });
  await card.locator('li.activity', { hasText: subject }).waitFor({ timeout: 15_000 });
}

describe('the console in a browser: the setup guide', { skip, timeout: 300_000 }, () => {
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
    // Step 4 against the sandbox's few people: the export job waits for its export itself, checking it often,
    // instead of Marketo's minute between status checks through the queue.
    tuneSync({ pollMs: 200, inlineWaitMs: 30_000, superviseMs: 1000, leaseMs: 3000, pollingIntervalSeconds: 0.5 });
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
    // The sandbox's people span 2024 to now: the initial load exports some thirty 31-day windows, mostly empty.
    // Marketo's 100 calls per 20 s would make that minutes; the emulator and the service's share of it allow
    // the same calls per 2 s here, as the sync's own tests do (service/test/sync/helpers.ts).
    const sandboxMarketo = sandboxOf(runtime.context)!.marketo;
    sandboxMarketo.knobs.rateWindowMs = 2000;
    limiterFor(new URL(sandboxMarketo.restUrl).host, { maxCalls: 80, windowMs: 2000, maxConcurrent: 5, backoffBaseMs: 10, backoffMaxMs: 200 });

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

  /** The logged call as the two emulators have it (waiting up to a minute for the deliveries): a Task about the record, a Marketo activity. */
  async function delivered(recordId: string, personMarketoId: number, subject: string) {
    const sandbox = sandboxOf(runtime.context)!;
    const deadline = Date.now() + 60_000;
    let task: Record<string, unknown> | undefined;
    let activity: { leadId: number; activityTypeId: number; primaryAttributeValue?: unknown } | undefined;
    while (Date.now() < deadline && !(task && activity)) {
      task = [...sandbox.salesforce.org.scan('Task')].find((t) => t.WhoId === recordId && t.Subject && String(t.Subject).includes(subject));
      activity = sandbox.marketo.db.activities.find((a) => a.leadId === personMarketoId && JSON.stringify(a).includes(subject));
      if (!(task && activity)) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return { task, activity };
  }

  let clientId = '';
  let clientSecret = '';
  /** The synced person the rep calls: its Contact id and Marketo id. */
  let contactId = '';
  let marketoId = 0;

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

  it('connects Salesforce: Connect opens the emulated org\'s login page, log in, Allow, back on the setup tab, Verify', async () => {
    const salesforce = sandboxOf(runtime.context)!.salesforce;
    // A fresh page load: the claim code is single-use, the credentials stay in the console's session.
    await page.goto(`${base}/console`);
    await page.locator('c-msi-actions-setup tr[data-step="account"] .slds-badge', { hasText: 'Done' }).waitFor();
    await openStep(page, 'salesforce');
    const card = page.locator('c-msi-actions-salesforce');
    await card.locator('.connection-status').waitFor();
    // The emulated org's login host is the My Domain choice (the third of the login options).
    await tabTo(page, card.locator('lightning-radio-group input[type="radio"]').first());
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await tabAndType(page, card.locator('lightning-input.my-domain input'), salesforce.url);
    await screenshot(page, 'salesforce-connect');
    await checkAccessibility(page, 'the Salesforce page');
    const connect = card.locator('lightning-button.connect button');
    await tabTo(page, connect);
    const opened = context.waitForEvent('page');
    await page.keyboard.press('Enter');
    const login = await opened;
    await login.locator('#password').waitFor();
    await login.locator('#username').fill(salesforce.org.admin.username);
    await login.locator('#password').fill(salesforce.org.admin.password);
    await screenshot(login, 'salesforce-login');
    // The emulated org's page, standing in for Salesforce's login page: scanned as the service's own are.
    await checkAccessibility(login, 'the Salesforce emulator\'s login page');
    await login.locator('#Login').click();
    // The consent page (first authorization), then the service's callback sends the admin back to the setup tab.
    const allow = login.locator('#oaapprove');
    if (await allow.waitFor({ timeout: 5_000 }).then(() => true, () => false)) {
      await screenshot(login, 'salesforce-consent');
      await checkAccessibility(login, 'the Salesforce emulator\'s consent page');
      await allow.click();
    }
    // The service's callback page says it worked and links back to the setup tab; the admin closes the window.
    await login.getByRole('heading', { name: 'Connected to Salesforce' }).waitFor({ timeout: 15_000 });
    assert.equal(await login.getByRole('link', { name: 'Return to Salesforce' }).getAttribute('href'), `${base}/lightning/n/MSI_Actions_Setup`);
    await screenshot(login, 'salesforce-callback');
    await checkAccessibility(login, 'the Salesforce callback page');
    await login.close();
    const verify = card.locator('lightning-button.verify-after-connect button, lightning-button.verify button').first();
    await tabTo(page, verify, 60);
    await page.keyboard.press('Enter');
    await card.locator('.connection-status', { hasText: /^Connected$/ }).waitFor({ timeout: 15_000 });
    assert.equal((await card.locator('.org-id').innerText()).trim(), salesforce.org.id);
    await page.locator('c-msi-actions-setup tr[data-step="salesforce"] .slds-badge', { hasText: 'Done' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'salesforce-connected');
    await checkAccessibility(page, 'the Salesforce page, connected');
  });

  it('connects Marketo with the sandbox\'s details, pasted as the seed\'s fallback, and shows it connected', async () => {
    const marketo = sandboxOf(runtime.context)!.marketo;
    await openStep(page, 'marketo');
    const card = page.locator('c-msi-actions-marketo');
    await card.locator('.connection-status', { hasText: /^Not connected$/ }).waitFor();
    // The emulator listens on this machine, not on <munchkin>.mktorest.com: paste the endpoints.
    await tabTo(page, card.locator('lightning-radio-group input[value="munchkin"]'));
    await page.keyboard.press('ArrowDown');
    assert.equal(await card.locator('lightning-radio-group input[value="paste"]').isChecked(), true);
    await tabAndType(page, card.locator('[data-field="restUrl"] input'), marketo.restUrl);
    await tabAndType(page, card.locator('[data-field="identityUrl"] input'), marketo.identityUrl);
    await tabAndType(page, card.locator('[data-field="clientId"] input'), marketo.clientId);
    await tabAndType(page, card.locator('[data-field="clientSecret"] input'), marketo.clientSecret);
    await screenshot(page, 'marketo-details');
    await checkAccessibility(page, 'the Marketo page with the details');
    const connect = card.locator('lightning-button.connect button');
    await tabTo(page, connect);
    await page.keyboard.press('Enter');
    await card.locator('.connection-status', { hasText: /^Connected$/ }).waitFor({ timeout: 15_000 });
    assert.equal((await card.locator('.rest-url').innerText()).trim(), marketo.restUrl);
    await page.locator('c-msi-actions-setup tr[data-step="marketo"] .slds-badge', { hasText: 'Done' }).waitFor();
    await screenshot(page, 'marketo-connected');
    await checkAccessibility(page, 'the Marketo page, connected');
  });

  it('step 4: opens the field preview, starts the sync and watches the initial load finish; the checklist follows', async () => {
    await openStep(page, 'sync');
    const card = page.locator('c-msi-actions-sync');
    const open = card.locator('lightning-button.open-preview button');
    await open.waitFor();
    await screenshot(page, 'sync-not-started');
    await checkAccessibility(page, 'the sync page before the preview');
    await tabTo(page, open, 80);
    await page.keyboard.press('Enter');
    // The fields MSI Actions syncs, with the Marketo field each comes from, and a sample of the people.
    const fields = card.locator('table.fields-table tbody tr');
    await fields.first().waitFor({ timeout: 15_000 });
    assert.ok((await fields.count()) > 3, 'the preview lists the synced fields');
    assert.match(await card.locator('table.fields-table').innerText(), /email/i);
    await card.locator('table.sample-table tbody tr').first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'sync-preview');
    await checkAccessibility(page, 'the field preview');
    const start = card.locator('lightning-button.start button');
    await tabTo(page, start, 80);
    await page.keyboard.press('Enter');
    await card.locator('section.status .phase').waitFor({ timeout: 15_000 });
    const syncRow = page.locator('c-msi-actions-setup tr[data-step="sync"] .slds-badge');
    // While it loads: the checklist says In progress (unless the few sandbox people were loaded before it asked).
    await syncRow.filter({ hasText: /^(In progress|Done)$/ }).waitFor({ timeout: 15_000 });
    console.log(`# sync: checklist ${(await syncRow.innerText()).trim()} right after Start, phase ${(await card.locator('section.status .phase').innerText()).trim()}`);
    await screenshot(page, 'sync-started');
    await checkAccessibility(page, 'the sync page while it loads');
    // The page polls the status; the initial load ends in the incremental phase, and the checklist says Done.
    const started = Date.now();
    await card
      .locator('section.status .phase', { hasText: /^Keeping up to date$/ })
      .waitFor({ timeout: 120_000 })
      .catch(async (error: unknown) => {
        await screenshot(page, 'sync-not-done');
        const windows = await runtime.database.db.selectFrom('sync_windows').select(['state']).execute();
        const states = windows.reduce<Record<string, number>>((n, w) => ({ ...n, [w.state]: (n[w.state] ?? 0) + 1 }), {});
        const codes: Record<string, number> = {};
        for (const call of sandboxOf(runtime.context)!.marketo.calls) {
          const key = `${call.path.replace(/\/[\w-]{20,}|\/\d+/g, '/:id')} ${call.code ?? 'ok'}`;
          codes[key] = (codes[key] ?? 0) + 1;
        }
        console.log(`# sync windows ${JSON.stringify(states)}; Marketo calls ${JSON.stringify(codes)}`);
        assert.fail(`the initial load did not finish: ${(await card.locator('section.status').innerText()).replace(/\s+/g, ' ')} (${String(error)})`);
      });
    await syncRow.filter({ hasText: /^Done$/ }).waitFor({ timeout: 15_000 });
    console.log(`# sync: initial load done ${((Date.now() - started) / 1000).toFixed(1)} s after Start; ${(await card.locator('.people').innerText()).trim()} people`);
    await screenshot(page, 'sync-done');
    await checkAccessibility(page, 'the sync page after the initial load');
  });

  it('invites three users by e-mail with the keyboard and shows the confirmation', async () => {
    await openStep(page, 'invitations');
    const card = page.locator('c-msi-actions-invite');
    await tabAndType(page, card.locator('lightning-textarea textarea'), INVITED.join(', '));
    const invite = card.locator('lightning-button.invite button');
    await tabTo(page, invite);
    await page.keyboard.press('Enter');
    const confirmation = card.locator('.confirmation');
    await confirmation.waitFor({ timeout: 15_000 });
    console.log(`# invite: ${(await confirmation.innerText()).trim()}`);
    const results = await card.locator('.results').innerText();
    for (const address of INVITED) assert.ok(results.includes(address), `${address} is not in the results`);
    // The users list under the invite cards reads itself again: the people just invited are in it.
    const users = page.locator('c-msi-actions-users lightning-datatable.users');
    for (const address of INVITED) await users.locator('tbody tr', { hasText: address }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'invited');
    await checkAccessibility(page, 'the invitations page after inviting');
  });

  it('invites via a CSV with Dutch headers: the suggested mapping has E-mail for the e-mail column, and per-row results', async () => {
    const card = page.locator('c-msi-actions-csv-invite');
    // A person picks the file in the browser's own dialog; the test hands it to the file input.
    await card.locator('input[type="file"]').setInputFiles(CSV_FIXTURE);
    await card.locator('.chosen').waitFor();
    const next = card.locator('lightning-button.next button');
    await tabTo(page, next, 80);
    await page.keyboard.press('Enter');
    const mapping = card.locator('.mapping-table');
    await mapping.waitFor({ timeout: 15_000 });
    const emailField = comboboxButton(mapping.locator('tr', { has: page.locator('th', { hasText: 'E-mailadres' }) }).locator('lightning-combobox'));
    assert.equal(await emailField.getAttribute('data-value'), 'E-mail address');
    await screenshot(page, 'csv-mapping');
    await checkAccessibility(page, 'the CSV mapping');
    // The team of the CSV does not exist yet: let the invitation create it.
    const createTeams = card.locator('.create-teams input[type="checkbox"]');
    if (await createTeams.count()) {
      await tabTo(page, createTeams, 80);
      await page.keyboard.press('Space');
      assert.equal(await createTeams.isChecked(), true);
    }
    const invite = card.locator('.mapping lightning-button.invite button');
    await tabTo(page, invite, 80);
    await page.keyboard.press('Enter');
    const results = card.locator('section.results');
    await results.locator('.confirmation').waitFor({ timeout: 15_000 });
    console.log(`# csv: ${(await results.locator('.confirmation').innerText()).trim()}`);
    const rows = results.locator('.result-rows tbody tr');
    assert.equal(await rows.count(), CSV_PEOPLE.length);
    const text = await results.innerText();
    for (const address of CSV_PEOPLE) assert.ok(text.includes(address), `${address} is not in the CSV results`);
    await screenshot(page, 'csv-invited');
    await checkAccessibility(page, 'the CSV results');
  });

  it('finds everyone in the Everyone team', async () => {
    const users = page.locator('c-msi-actions-users');
    await chooseOption(page, users.locator('lightning-combobox[data-filter="team"]'), 'Everyone');
    const table = users.locator('lightning-datatable.users');
    for (const address of [...INVITED, ...CSV_PEOPLE]) await table.locator('tbody tr', { hasText: address }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'everyone-team');
    await checkAccessibility(page, 'the users page filtered by team');
  });

  it('opens the configuration step and checks the Named Credential', async () => {
    await openStep(page, 'configuration');
    const card = page.locator('c-msi-actions-configuration');
    await card.locator('lightning-datatable.users tbody tr').first().waitFor();
    const check = card.locator('lightning-button.check-button button');
    await tabTo(page, check, 80);
    await page.keyboard.press('Enter');
    await card.locator('.check-status', { hasText: /^Connected$/ }).waitFor({ timeout: 10_000 });
    assert.match(await card.locator('.check-message').innerText(), /accepted this org's credentials/);
    await card.locator('.installed-version').waitFor();
    await screenshot(page, 'configuration-check');
    await checkAccessibility(page, 'the configuration page after the check');
  });

  it('switches MSI Actions on and gives a user the MSI Actions User permission set', async () => {
    const card = page.locator('c-msi-actions-configuration');
    const enabled = card.locator('lightning-input.enabled input[type="checkbox"]');
    await tabTo(page, enabled, 80);
    await page.keyboard.press('Space');
    assert.equal(await enabled.isChecked(), true);
    const save = card.locator('lightning-button.save button');
    await tabTo(page, save);
    await page.keyboard.press('Enter');
    await page.locator('c-msi-actions-setup tr[data-step="configuration"] .slds-badge', { hasText: 'Done' }).waitFor({ timeout: 10_000 });
    // The switches reach the service too: Create open reminder Tasks is off by default, so the service stops creating them.
    await page
      .locator('.console-toast[data-variant="success"]', { hasText: 'no longer logs these as Salesforce Tasks: Reminder tasks' })
      .waitFor({ timeout: 10_000 });

    const admin = sandboxOf(runtime.context)!.salesforce.org.admin;
    const table = card.locator('lightning-datatable.users');
    const row = table.locator('tbody tr', { hasText: admin.email });
    await selectRowWithKeyboard(page, table, row);
    const assign = card.locator('lightning-button.assign button');
    await assign.and(page.locator(':enabled')).waitFor();
    await tabTo(page, assign);
    await page.keyboard.press('Enter');
    await page.locator('.console-toast[data-variant="success"]', { hasText: ASSIGNED_ONE }).waitFor({ timeout: 10_000 });
    // The list is read again: the admin's MSI Actions User cell shows the permission set (a boolean cell's check icon).
    await row.locator('td[data-label="MSI Actions User"] lightning-primitive-icon').waitFor({ timeout: 10_000 });
    await screenshot(page, 'configuration-enabled');
    await checkAccessibility(page, 'the configuration page after saving and assigning');
  });

  it('never hands the Client Secret to the browser\'s code: the console keeps it server-side', () => {
    assert.ok(consoleAnswers.length > 0);
    for (const answer of consoleAnswers) assert.ok(!answer.includes(clientSecret), 'a /console answer carried the Client Secret');
  });

  it('as the rep: reaches a synced Lead\'s page from the Record pages menu with the keyboard, sees the synced data and logs a call', async () => {
    const sandbox = sandboxOf(runtime.context)!;
    await page.goto(`${base}/console`);
    await page.locator('c-msi-actions-setup table').waitFor();
    // The console's navigation: Record pages lists a few synced Leads and Contacts, as a Lightning tab's recent records.
    const menu = page.locator('console-app lightning-button-menu.records-menu-button');
    await tabTo(page, menu.locator('button').first(), 20);
    await page.keyboard.press('Enter');
    const leadLink = menu.locator('lightning-menu-item.record-link[data-object="Lead"] a').first();
    await leadLink.waitFor({ timeout: 20_000 });
    assert.ok((await menu.locator('lightning-menu-item.record-link[data-object="Contact"]').count()) > 0, 'the menu lists no Contact');
    await screenshot(page, 'record-pages-menu');
    await checkAccessibility(page, 'the setup page with the Record pages menu open');
    // The menu puts the focus on its first entry; the arrow keys move it to the first Lead.
    for (let i = 0; i < 15 && !(await hasFocus(leadLink)); i++) await page.keyboard.press('ArrowDown');
    assert.ok(await hasFocus(leadLink), 'the arrow keys did not reach the first Lead of the menu');
    const leadId = /\/console\/record\/Lead\/(\w+)$/.exec((await leadLink.getAttribute('href')) ?? '')?.[1];
    assert.ok(leadId, `the Lead entry links to ${await leadLink.getAttribute('href')}`);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/console/record/Lead/${leadId}`);
    await page.locator('.record-id', { hasText: leadId }).waitFor();

    const person = await runtime.database.db
      .selectFrom('persons')
      .select(['marketo_id', 'email', 'last_name'])
      .where('sfdc_lead_id', '=', leadId)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    assert.ok(person, `the menu's Lead ${leadId} is not a synced person`);
    assert.ok(sandbox.salesforce.org.get('Lead', leadId), `Lead ${leadId} is not in the emulated org`);
    const card = page.locator('c-msi-person-insight');
    await card.locator('.person-type').waitFor({ timeout: 15_000 });
    assert.equal((await card.locator('.person-type').innerText()).trim(), 'Lead');
    const fields = await card.locator('dl.fields').innerText();
    if (person.email) assert.ok(fields.toLowerCase().includes(person.email.toLowerCase()), `the synced e-mail ${person.email} is not on the card: ${fields}`);
    if (person.last_name) assert.ok(fields.includes(person.last_name), 'the synced last name is not on the card');
    await screenshot(page, 'lead-record');
    await checkAccessibility(page, 'the Lead record page');

    await logCall(page, card, LEAD_CALL_SUBJECT, 'Interested; send the pricing sheet.');
    await screenshot(page, 'lead-call-logged');
    await checkAccessibility(page, 'the Lead record page after logging a call');
    const { task, activity } = await delivered(leadId, person.marketo_id, LEAD_CALL_SUBJECT);
    assert.ok(task, `no Task about Lead ${leadId} with the subject in the Salesforce emulator`);
    assert.equal(task.OwnerId, sandbox.salesforce.org.admin.id, 'the Task belongs to the rep (the console\'s running user)');
    assert.ok(activity, `no activity of Marketo person ${person.marketo_id} with the subject in the Marketo emulator`);
    console.log(`# lead call: Task ${String(task.Id)} on ${leadId}, Marketo activity of ${person.marketo_id}`);
  });

  it('as the rep: opens a synced Contact\'s page, sees the synced data and logs a call', async () => {
    const sandbox = sandboxOf(runtime.context)!;
    const person = await runtime.database.db
      .selectFrom('persons')
      .select(['marketo_id', 'email', 'first_name', 'last_name', 'sfdc_contact_id'])
      .where('sfdc_contact_id', 'is not', null)
      .where('removed_at', 'is', null)
      .orderBy('marketo_id')
      .executeTakeFirst();
    assert.ok(person?.sfdc_contact_id, 'the sync loaded no person with a Contact');
    assert.ok(sandbox.salesforce.org.get('Contact', person.sfdc_contact_id), `Contact ${person.sfdc_contact_id} is not in the emulated org`);
    contactId = person.sfdc_contact_id;
    marketoId = person.marketo_id;
    await page.goto(`${base}/console/record/Contact/${contactId}`);
    await page.locator('.record-id', { hasText: contactId }).waitFor();
    const card = page.locator('c-msi-person-insight');
    await card.locator('.person-type').waitFor({ timeout: 15_000 });
    assert.equal((await card.locator('.person-type').innerText()).trim(), 'Contact');
    const fields = await card.locator('dl.fields').innerText();
    if (person.email) assert.ok(fields.toLowerCase().includes(person.email.toLowerCase()), `the synced e-mail ${person.email} is not on the card: ${fields}`);
    if (person.last_name) assert.ok(fields.includes(person.last_name), `the synced last name is not on the card`);
    await screenshot(page, 'contact-record');
    await checkAccessibility(page, 'the Contact record page');

    await logCall(page, card, CALL_SUBJECT, 'Asked for a demo next week.');
    await screenshot(page, 'call-logged');
    await checkAccessibility(page, 'the Contact record page after logging a call');
  });

  it('the call reaches Salesforce as a Task on the Contact and Marketo as an activity of the person', async () => {
    const sandbox = sandboxOf(runtime.context)!;
    const admin = sandbox.salesforce.org.admin;
    const { task, activity } = await delivered(contactId, marketoId, CALL_SUBJECT);
    assert.ok(task, `no Task about ${contactId} with the subject in the Salesforce emulator`);
    assert.equal(task.OwnerId, admin.id, 'the Task belongs to the rep (the console\'s running user)');
    assert.ok(activity, `no activity of Marketo person ${marketoId} with the subject in the Marketo emulator`);
    console.log(`# call: Task ${task.Id} (${String(task.Subject)}), Marketo activity ${JSON.stringify(activity).slice(0, 160)}`);
    // The card reads the deliveries again on a fresh load: both delivered.
    await page.reload();
    const row = page.locator('c-msi-person-insight li.activity', { hasText: CALL_SUBJECT });
    await row.waitFor({ timeout: 15_000 });
    console.log(`# call: the card says ${(await row.locator('.delivery').innerText()).trim()}`);
    await screenshot(page, 'call-delivered');
    await checkAccessibility(page, 'the Contact record page with the delivered call');
  });
});
