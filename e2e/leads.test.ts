// Leads in the browser (issue 11, part 5): the REAL Docent server with the fake OpenRouter, the built widget
// embedded with its one <script> tag in a host page on ANOTHER origin, and the admin's Leads screen, in
// Debian's Chromium. "Talk to a person" after "I don't know" (the widget's own messages for a missing name, an
// invalid e-mail, an empty and a too long message; the thank-you state; the conversation attached), the honeypot
// (thanked, nothing stored), the pre-chat form with consent, "always" from the header, and the Leads screen
// (list, detail with transcript, status, CSV, delete, axe). Screenshots of every new state at phone and desktop
// size, light and dark, go to /tmp/docent-leads/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { ensureWidgetBuilt } from '../widget/size.js';
import { launchBrowser } from './support/browser.js';
import { setupAdmin, startDocent, TEST_PASSWORD, type AdminClient, type TestApp } from './support/harness.js';
import { FAKE_KEY } from './fakes/openrouter.js';

const SHOTS = '/tmp/docent-leads/';
const T = { timeout: 60_000 };
const NO_ANSWER = "Sorry, I couldn't find that on this site. Try asking in another way, or contact us directly.";
const XSS_NAME = '<img src=x onerror="window.__xss=1">Jane';
const CONSENT = 'I agree that Acme stores my name and e-mail address to answer me.';
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };

let docent: TestApp & { url: string };
let admin: AdminClient;
let browser: Browser;
let hostServer: http.Server;
let hostOrigin = '';
let pageNo = 0;

before(async () => {
  await ensureWidgetBuilt();
  mkdirSync(SHOTS, { recursive: true });
  hostServer = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Widgets</title><style>body { font: 16px/1.5 Georgia, serif; margin: 0 auto; max-width: 720px; padding: 24px; color: #222 }</style></head>
<body><h1>Acme Widgets</h1><p>${'Sturdy widgets since 2011, built to last and easy to care for. '.repeat(6)}</p>
<script src="${docent.url}/widget.js" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${(hostServer.address() as AddressInfo).port}`;
  [docent, browser] = await Promise.all([startDocent(), launchBrowser()]);
  admin = await setupAdmin(docent.app);
  const key = await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  assert.equal(key.statusCode, 200, key.body);
  const widget = (await admin.request('GET', '/api/admin/widget/settings')).json().widget;
  assert.equal((await admin.request('PUT', '/api/admin/widget/settings', { ...widget, botName: 'Acme Helper' })).statusCode, 200);
});

after(async () => {
  await browser?.close();
  await docent?.close();
  await new Promise<void>((resolve) => {
    if (!hostServer) return resolve();
    hostServer.close(() => resolve());
    hostServer.closeAllConnections();
  });
});

async function chatbot(patch: Record<string, unknown>) {
  const { chatbot: current, retrieval } = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  const res = await admin.request('PUT', '/api/admin/chatbot/settings', {
    chatbot: { ...current, ...patch },
    retrieval: { topK: retrieval.topK, minMatch: retrieval.minMatch },
  });
  assert.equal(res.statusCode, 200, res.body);
}

const leads = async () => (await admin.request('GET', '/api/admin/leads')).json() as { total: number; leads: Array<Record<string, any>> };

interface Host {
  context: BrowserContext;
  page: Page;
  errors: string[];
}
async function openWidget(options: BrowserContextOptions = DESKTOP): Promise<Host> {
  const context = await browser.newContext({ ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${hostOrigin}/page-${++pageNo}.html`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByRole('dialog', { name: 'Acme Helper' }).waitFor();
  return { context, page, errors };
}

const question = (page: Page) => page.getByRole('textbox', { name: 'Your question' });
const talkButtons = (page: Page) => page.getByRole('button', { name: 'Talk to a person' });
const field = (page: Page, label: 'Name' | 'E-mail' | 'Message') => page.locator('docent-widget').getByLabel(label, { exact: true });
const send = (page: Page) => page.getByRole('button', { name: 'Send', exact: true }).click();
const focusedName = (page: Page) =>
  page.evaluate(() => (document.querySelector('docent-widget')!.shadowRoot!.activeElement as HTMLInputElement | null)?.name ?? null);
/** Focus moves right after the render that shows an error or a form: wait for it, then say where it is. */
async function focusMovesTo(page: Page, name: string) {
  await page
    .waitForFunction((n) => (document.querySelector('docent-widget')!.shadowRoot!.activeElement as HTMLInputElement | null)?.name === n, name, {
      timeout: 2000,
    })
    .catch(() => {});
  return focusedName(page);
}
async function shot(page: Page, name: string) {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: `${SHOTS}${name}.png`, animations: 'disabled' });
}
async function axe(page: Page, state: string) {
  const { violations } = await new AxeBuilder({ page }).include('docent-widget').analyze();
  assert.deepEqual(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`),
    [],
    `axe, ${state}`,
  );
}

test('after "I don\'t know": Talk to a person, a message for each bad field, the thank-you, the conversation attached', T, async () => {
  await chatbot({ talkToPerson: 'after_no_answer', consentText: '', preChatForm: false });
  const { context, page, errors } = await openWidget();
  assert.equal(await talkButtons(page).count(), 0, 'not offered before the bot fails to answer');
  await question(page).fill('Do you ship pallets to Norway?');
  await question(page).press('Enter');
  await page.getByText(NO_ANSWER).waitFor();
  await talkButtons(page).click();
  await field(page, 'Name').waitFor();
  assert.equal(await focusMovesTo(page, 'name'), 'name', 'the form takes focus');
  assert.equal(await question(page).isVisible(), false, 'the question box is put away while the form shows');

  await send(page);
  await page.getByText('Enter your name.').waitFor();
  assert.equal(await field(page, 'Name').getAttribute('aria-invalid'), 'true');
  await field(page, 'Name').fill(XSS_NAME);
  await field(page, 'E-mail').fill('jane(at)example.com');
  await send(page);
  await page.getByText('Enter a valid e-mail address, such as name@example.com.').waitFor();
  assert.equal(await focusMovesTo(page, 'email'), 'email', 'the first bad field gets focus');
  assert.equal(await field(page, 'E-mail').getAttribute('aria-describedby'), 'lf-email-e');
  await field(page, 'E-mail').fill('jane@example.com');
  await send(page);
  await page.getByText('Type a message.').waitFor();
  await field(page, 'Message').fill('x'.repeat(2001));
  await send(page);
  await page.getByText('Your message is too long. Keep it to 2,000 characters or fewer.').waitFor();
  assert.equal((await leads()).total, 0, 'nothing was sent while the form had errors');
  await axe(page, 'lead form with an error');

  await field(page, 'Message').fill('Please call me about a bulk order of 40 pallets.');
  await send(page);
  await page.getByRole('status').getByText('Thank you! We have your message and will reply by e-mail.').waitFor();
  await axe(page, 'thank-you');
  const [lead] = (await leads()).leads;
  assert.deepEqual(
    [lead.kind, lead.name, lead.email, lead.message, lead.origin],
    ['talk', XSS_NAME, 'jane@example.com', 'Please call me about a bulk order of 40 pallets.', hostOrigin],
  );
  const detail = (await admin.request('GET', `/api/admin/leads/${lead.id}`)).json();
  assert.deepEqual(
    detail.transcript.map((m: any) => m.text),
    ['Do you ship pallets to Norway?', NO_ANSWER],
    'the conversation is attached',
  );

  await page.getByRole('button', { name: 'Back to chat' }).click();
  await question(page).waitFor();
  await page.getByText(NO_ANSWER).waitFor();
  assert.equal(await page.evaluate(() => (window as any).__xss), undefined);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the honeypot: a bot that fills the hidden field is thanked, and nothing is stored', T, async () => {
  await chatbot({ talkToPerson: 'always', consentText: '', preChatForm: false });
  const before = (await leads()).total;
  const { context, page } = await openWidget();
  await talkButtons(page).click(); // "always": in the header, before any question
  await field(page, 'Name').fill('Spam Bot');
  await field(page, 'E-mail').fill('bot@spam.example');
  await field(page, 'Message').fill('Cheap pills');
  const trap = page.locator('docent-widget input[name=website]');
  assert.equal(await trap.getAttribute('tabindex'), '-1');
  assert.equal(await trap.evaluate((el) => el.closest('[aria-hidden=true]') !== null), true, 'hidden from assistive tech');
  const box = await trap.boundingBox();
  assert.ok(box && box.x + box.width <= 0, `off-screen: ${JSON.stringify(box)}`);
  await trap.evaluate((el: HTMLInputElement) => {
    el.value = 'https://spam.example';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const posted = page.waitForResponse((r) => r.url().endsWith('/api/widget/leads'));
  await send(page);
  assert.equal((await posted).status(), 201);
  await page.getByText('Thank you! We have your message and will reply by e-mail.').waitFor();
  assert.equal((await leads()).total, before, 'nothing stored');
  await context.close();
});

test('the pre-chat form asks name, e-mail and consent before the first question, once', T, async () => {
  await chatbot({ talkToPerson: 'never', consentText: CONSENT, preChatForm: true });
  const { context, page, errors } = await openWidget();
  await page.getByText('Before we start, please tell us who you are.').waitFor();
  assert.equal(await focusMovesTo(page, 'name'), 'name');
  assert.equal(await question(page).isVisible(), false);
  assert.equal(await field(page, 'Message').count(), 0, 'no message on the pre-chat form');
  assert.equal(await talkButtons(page).count(), 0, '"never": no Talk to a person');
  await field(page, 'Name').fill('Pat Lee');
  await field(page, 'E-mail').fill('pat@example.com');
  await page.getByRole('button', { name: 'Start chat' }).click();
  await page.getByText('Tick the box to agree, so that we may contact you.').waitFor();
  await axe(page, 'pre-chat form with an error');
  await page.getByLabel(CONSENT).check();
  await page.getByRole('button', { name: 'Start chat' }).click();
  await question(page).waitFor();
  assert.equal(await page.evaluate(() => document.querySelector('docent-widget')!.shadowRoot!.activeElement?.tagName), 'TEXTAREA');
  await question(page).fill('What are your opening hours?');
  await question(page).press('Enter');
  await page.getByText(NO_ANSWER).waitFor();

  const lead = (await leads()).leads.find((l) => l.email === 'pat@example.com')!;
  assert.deepEqual([lead.kind, lead.name, lead.message], ['pre_chat', 'Pat Lee', '']);
  const detail = (await admin.request('GET', `/api/admin/leads/${lead.id}`)).json();
  assert.equal(detail.lead.consentText, CONSENT);
  assert.equal(detail.transcript[0].text, 'What are your opening hours?', "the visitor's conversation after the form is the lead's");

  // Filled in once: a reload goes straight to the chat.
  await page.reload();
  await page.getByRole('button', { name: 'Open chat' }).click();
  await question(page).waitFor();
  assert.equal(await page.getByText('Before we start, please tell us who you are.').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('screenshots of the new widget states: phone and desktop, light and dark', T, async () => {
  for (const [size, options] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      await chatbot({ talkToPerson: 'always', consentText: CONSENT, preChatForm: true });
      const { context, page, errors } = await openWidget({ ...options, colorScheme: scheme });
      await page.getByText('Before we start, please tell us who you are.').waitFor();
      await field(page, 'Name').fill('Pat Lee');
      await field(page, 'E-mail').fill('pat@');
      await page.getByRole('button', { name: 'Start chat' }).click();
      await page.getByText('Enter a valid e-mail address, such as name@example.com.').waitFor();
      await shot(page, `widget-prechat-${size}-${scheme}`);
      await chatbot({ preChatForm: false });
      await page.reload();
      await page.getByRole('button', { name: 'Open chat' }).click();
      await question(page).fill('Do you ship pallets to Norway?');
      await question(page).press('Enter');
      await page.getByText(NO_ANSWER).waitFor();
      assert.equal(await talkButtons(page).count(), 2, '"always": in the header and under the answer it could not give');
      await shot(page, `widget-no-answer-${size}-${scheme}`);
      await talkButtons(page).first().click();
      await field(page, 'Name').fill('Jane Doe');
      await field(page, 'E-mail').fill('jane@example.com');
      await send(page);
      await page.getByText('Type a message.').waitFor();
      await shot(page, `widget-talk-errors-${size}-${scheme}`);
      await field(page, 'Message').fill('Could someone call me about a bulk order?');
      await page.getByLabel(CONSENT).check();
      await send(page);
      await page.getByRole('status').waitFor();
      await shot(page, `widget-talk-thanks-${size}-${scheme}`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  }
});

test('the Leads screen: list by status, detail with transcript, status change, CSV, delete with confirmation, axe-clean', T, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  assert.equal((await page.request.post(`${docent.url}/api/admin/login`, { data: { password: TEST_PASSWORD } })).status(), 200);

  // The settings, beside the contact link on the Chatbot screen.
  await chatbot({ talkToPerson: 'never', consentText: '', preChatForm: false });
  await page.goto(`${docent.url}/admin/chatbot`);
  await page.getByLabel('After "I don\'t know" or a failure').check();
  await page.getByLabel('Consent text').fill('x'.repeat(501));
  await page.getByLabel("Ask for the visitor's name and e-mail before the first question").check();
  await page.getByRole('button', { name: 'Save Changes' }).click();
  await page.getByText('Keep the consent text to 500 characters or fewer.').first().waitFor();
  await page.getByLabel('Consent text').fill(CONSENT);
  await page.getByRole('button', { name: 'Save Changes' }).click();
  await page.getByText('Settings saved.').first().waitFor();
  const config = await page.request.get(`${docent.url}/api/widget/config`);
  assert.deepEqual((await config.json()).handoff, { talkToPerson: 'after_no_answer', consentText: CONSENT, preChatForm: true });
  await page.reload();
  assert.equal(await page.getByLabel('After "I don\'t know" or a failure').isChecked(), true);
  assert.equal(await page.getByLabel('Consent text').inputValue(), CONSENT);
  await page.locator('section[aria-labelledby=contact-title]').screenshot({ path: `${SHOTS}admin-chatbot-talk-settings.png` });

  const all = await leads();
  await page.goto(`${docent.url}/admin/`);
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Leads' }).click();
  await page.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
  await page.locator('.leads-table tbody tr').first().waitFor();
  assert.equal(await page.locator('.leads-table tbody tr').count(), all.total);
  assert.equal(await page.getByRole('link', { name: `New (${all.total})` }).count(), 1);
  const axeList = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(
    axeList.violations.map((v) => v.id),
    [],
    'axe, Leads list',
  );
  await page.screenshot({ path: `${SHOTS}admin-leads-list.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const axePhone = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(
    axePhone.violations.map((v) => v.id),
    [],
    'axe, Leads list, phone size',
  );
  const width = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }));
  assert.ok(width.page <= width.view, `the list scrolls sideways at phone size: ${JSON.stringify(width)}`);
  await page.screenshot({ path: `${SHOTS}admin-leads-list-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // The lead whose name carries markup: shown as text.
  await page.getByRole('link', { name: XSS_NAME }).click();
  await page.getByRole('heading', { name: `Lead: ${XSS_NAME}` }).waitFor();
  await page.getByText('Do you ship pallets to Norway?').waitFor();
  assert.equal(await page.evaluate(() => (window as any).__xss), undefined);
  const axeDetail = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(
    axeDetail.violations.map((v) => v.id),
    [],
    'axe, lead detail',
  );
  await page.screenshot({ path: `${SHOTS}admin-lead-detail.png`, fullPage: true });

  await page.getByLabel('Status', { exact: true }).selectOption('contacted');
  await page.getByRole('button', { name: 'Change status' }).click();
  await page.getByText('Status changed to Contacted.').first().waitFor();
  await page.getByRole('link', { name: /All leads/ }).click();
  await page.getByRole('link', { name: 'Contacted (1)' }).click();
  // The "All" list's rows stay on screen until the filtered list arrives: wait for the list to change.
  await page
    .waitForFunction((name) => {
      const names = [...document.querySelectorAll('.leads-table tbody tr td[data-label=Name]')].map((td) => td.textContent);
      return names.length === 1 && names[0] === name;
    }, XSS_NAME)
    .catch(() => undefined);
  assert.deepEqual(await page.locator('.leads-table tbody tr td[data-label=Name]').allTextContents(), [XSS_NAME]);

  const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
  assert.equal(href, '/api/admin/leads/export.csv?status=contacted');
  const csv = await page.request.get(`${docent.url}${href}`);
  assert.equal(csv.status(), 200);
  const lines = (await csv.text())
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');
  assert.equal(lines.length, 2);
  assert.match(
    lines[1],
    /"contacted","talk","<img src=x onerror=""window.__xss=1"">Jane","jane@example.com","Please call me about a bulk order of 40 pallets\."/,
  );

  await page.getByRole('link', { name: XSS_NAME }).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByText('Delete this lead?').waitFor();
  await page.getByRole('button', { name: 'Delete permanently' }).click();
  await page.getByText('Lead deleted.').first().waitFor();
  assert.equal((await leads()).total, all.total - 1);
  assert.deepEqual(errors, []);
  await context.close();
});
