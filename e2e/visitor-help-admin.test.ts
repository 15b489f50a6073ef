// Browser test of the admin's side of what visitors are offered (issue 10, items 4 and 10): Chatbot → "When the
// bot can't help", and the public URL of Text entries and uploaded files on Data Training, then what the widget's
// API gives visitors. Real server (built admin UI in dist/admin-ui), fake OpenRouter, Debian's Chromium.
// Screenshots go to e2e/artifacts/visitor-help-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.js';
import { startDocent, TEST_PASSWORD } from './support/harness.js';
import { FAKE_KEY } from './fakes/openrouter.js';
import { ADMIN_UI_DIR, PROJECT_ROOT } from '../server/paths.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'e2e', 'artifacts');
const T = { timeout: 60_000 };
const TERMS_URL = 'https://shop.example.com/files/warranty-terms.txt';
const HOURS_URL = 'https://shop.example.com/opening-hours';

let docent: Awaited<ReturnType<typeof startDocent>>;
let browser: Browser;
let page: Page;
let csrfToken = '';
const pageErrors: string[] = [];

const url = (p: string) => docent.url + p;
/** A screenshot of one part of the screen (full-page shots misplace the sticky admin bar). */
const shot = async (name: string, selector: string) => {
  await page.mouse.move(0, 0);
  await page.locator(selector).screenshot({ path: path.join(ARTIFACTS, `visitor-help-${name}.png`), animations: 'disabled' });
};
/** axe-core over one part of a screen: the parts this change adds. */
async function axe(selector: string, what: string) {
  const { violations } = await new AxeBuilder({ page }).include(selector).analyze();
  assert.deepEqual(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`),
    [],
    `axe, ${what}`,
  );
}
/** Texts of the error elements an input points to with aria-describedby. */
const describedErrors = (selector: string) =>
  page.locator(selector).evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id))
      .filter((e): e is HTMLElement => !!e && e.getAttribute('role') === 'alert')
      .map((e) => (e.textContent ?? '').replace(/^!/, '')),
  );

before(async () => {
  if (!existsSync(path.join(ADMIN_UI_DIR, 'index.html'))) throw new Error('The admin UI is not built: run "npm run build:ui" first.');
  mkdirSync(ARTIFACTS, { recursive: true });
  docent = await startDocent();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const res = await page.request.post(url('/api/admin/setup'), { data: { password: TEST_PASSWORD } });
  assert.equal(res.status(), 201, await res.text());
  csrfToken = (await res.json()).csrfToken;
  const key = await page.request.put(url('/api/admin/settings/api'), {
    headers: { 'x-csrf-token': csrfToken },
    data: { provider: 'openrouter', apiKey: FAKE_KEY, model: 'openai/gpt-5.4-mini', fallbackModels: [], reasoningEnabled: false },
  });
  assert.equal(key.status(), 200, await key.text());
});

after(async () => {
  await browser?.close();
  await docent?.close();
});

test('Chatbot → "When the bot can\'t help": a bad link is named on its field; a saved e-mail address reaches the widget', T, async () => {
  await page.goto(url('/admin/chatbot'));
  const section = page.getByRole('region', { name: "When the bot can't help" });
  await section.waitFor();
  const link = section.getByLabel('Contact page or e-mail');
  const label = section.getByLabel('Button text');
  await label.fill('E-mail our team');
  await page.getByRole('button', { name: 'Save Changes' }).click();
  const needLink = 'Add the web address or e-mail address this label links to, or clear the label.';
  await section.getByRole('alert').filter({ hasText: needLink }).waitFor();
  assert.deepEqual(await describedErrors('#cb-contactLink'), [needLink]);
  await link.fill('example.com/contact');
  await page.getByRole('button', { name: 'Save Changes' }).click();
  const badLink = 'Enter a web address starting with https:// (or http://), or an e-mail address such as help@example.com.';
  await section.getByRole('alert').filter({ hasText: badLink }).waitFor();
  assert.equal(await link.getAttribute('aria-invalid'), 'true');
  await shot('chatbot-contact-error', 'section[aria-labelledby="contact-title"]');

  await link.fill('help@acme.example');
  await page.getByRole('button', { name: 'Save Changes' }).click();
  await page.locator('#main').getByText('Settings saved.').waitFor();
  assert.equal(await link.getAttribute('aria-invalid'), null);
  const config = await (await page.request.get(url('/api/widget/config'))).json();
  assert.deepEqual(config.contact, { label: 'E-mail our team', url: null, email: 'help@acme.example' });
  await page.reload();
  await section.waitFor();
  assert.equal(await link.inputValue(), 'help@acme.example', 'kept after a reload');
  await shot('chatbot-contact', 'section[aria-labelledby="contact-title"]');
  await axe('section[aria-labelledby="contact-title"]', 'the "When the bot can\'t help" section');
});

test('Data Training: a Text entry and an uploaded file get a public URL; the Q&A help says what happens to the answer', T, async () => {
  await page.goto(url('/admin/training'));
  const panel = page.locator('section[aria-labelledby="add-text-title"]'); // the source card has the same name
  await panel.waitFor();
  assert.match(
    (await panel.locator('#text-answer-help').textContent()) ?? '',
    /replies with this answer exactly as written \(no AI call; see Chatbot → Q&A answers\)\. When a visitor asks something similar, the chatbot reads this answer and replies in its own words\. If it can’t answer at all \(for example, the AI service is down\), visitors see this answer exactly as written\. Q&A entries are never listed as sources\./,
  );
  assert.equal(await panel.getByLabel(/Public URL/).count(), 0, 'a Q&A entry has no public URL');
  await panel.getByLabel('Question', { exact: true }).fill('What does the warranty cover?');
  await panel.getByLabel('Answer', { exact: true }).fill('Manufacturing faults, for two years from delivery.');
  await panel.getByRole('button', { name: 'Add Q&A' }).click();
  await panel.getByText(/Q&A added/).waitFor();

  // A Text entry with a public URL: a bad one is named on the field, a good one is shown in the list.
  await panel.getByRole('radio', { name: 'Text' }).check();
  await panel.getByLabel('Title', { exact: true }).fill('Opening hours');
  await panel
    .getByRole('textbox', { name: 'Text', exact: true })
    .fill('The Acme shop is open Monday to Friday, 9 to 5. Warranty claims are handled at the counter.');
  const publicUrl = panel.getByLabel('Public URL (optional)');
  await publicUrl.fill('shop.example.com/opening-hours');
  await panel.getByRole('button', { name: 'Add text' }).click();
  const badUrl = 'Enter the full public address, starting with https:// or http://, e.g. https://example.com/warranty.';
  assert.deepEqual(await describedErrors('#text-url'), [badUrl]);
  await publicUrl.fill(HOURS_URL);
  await panel.getByRole('button', { name: 'Add text' }).click();
  await panel.getByText(/Text added/).waitFor();
  const entries = panel.getByRole('list', { name: 'Text and Q&A entries' });
  const hours = entries.getByRole('listitem').filter({ hasText: 'Opening hours' });
  assert.equal(await hours.getByRole('link', { name: HOURS_URL }).getAttribute('href'), HOURS_URL);
  const qa = entries.getByRole('listitem').filter({ hasText: 'What does the warranty cover?' });
  assert.equal(await qa.locator('.doc-url').count(), 0, 'a Q&A row says nothing about URLs');
  await entries.getByRole('button', { name: 'Edit “Opening hours”' }).click();
  await panel.getByText('Editing “Opening hours”').waitFor(); // the entry loads, then fills the form
  await page.waitForFunction((url) => (document.getElementById('text-url') as HTMLInputElement | null)?.value === url, HOURS_URL);
  assert.equal(await publicUrl.inputValue(), HOURS_URL, 'the Edit form shows the address');
  await panel.getByRole('button', { name: 'Cancel' }).click();

  // An uploaded file: no public URL until the admin adds one in the list.
  const file = path.join(ARTIFACTS, 'warranty-terms.txt');
  writeFileSync(file, 'Acme warranty terms. The warranty covers manufacturing faults of every widget for two years from delivery.');
  await page.locator('#file-input').setInputFiles(file);
  const files = page.getByRole('list', { name: 'Uploaded files' });
  const row = files.getByRole('listitem').filter({ hasText: 'warranty-terms.txt' });
  await row.getByText('No public URL: never listed as a source.').waitFor();
  await row.getByRole('button', { name: 'Add the public URL of “warranty-terms.txt”' }).click();
  const field = row.getByLabel('Public URL of “warranty-terms.txt”');
  await page
    .waitForFunction(() => document.activeElement?.id.startsWith('doc-url-'), null, { timeout: 2000 })
    .catch(() => assert.fail('focus goes to the field'));
  await field.fill('ftp://shop.example.com/terms');
  await row.getByRole('button', { name: 'Save URL' }).click();
  await row.getByRole('alert').filter({ hasText: badUrl }).waitFor();
  await field.fill(TERMS_URL);
  await row.getByRole('button', { name: 'Save URL' }).click();
  await row.getByRole('link', { name: TERMS_URL }).waitFor();
  await page
    .waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Change the public URL of “warranty-terms.txt”', null, { timeout: 2000 })
    .catch(async () => assert.fail(`focus returns to the button, not ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200))}`));
  await shot('training-text-panel', 'section[aria-labelledby="add-text-title"]');
  await shot('training-files-panel', 'section[aria-labelledby="add-files-title"]');
  await axe('section[aria-labelledby="add-text-title"]', 'the Text & Q&A panel');
  await axe('section[aria-labelledby="add-files-title"]', 'the Files panel');

  // What a visitor gets: the file and the Text entry as links, the Q&A never as a source, its answer when the bot fails.
  const start = await page.request.post(url('/api/admin/training/start'), { headers: { 'x-csrf-token': csrfToken } });
  assert.equal(start.status(), 202, await start.text());
  await docent.app.training.runner.idle();
  docent.fake.fail({ route: 'chat', kind: 'server-error', times: 1 });
  const askWidget = () =>
    docent.app.inject({
      method: 'POST',
      url: '/api/widget/chat',
      headers: { origin: 'https://shop.example.com' },
      payload: { visitorId: 'visitor-admin-e2e', message: 'What does the warranty cover?' },
    });
  // The entry's own question is answered with it word for word, without the (failing) model.
  const verbatim = await askWidget();
  assert.equal(
    verbatim.body
      .split('\n\n')
      .filter((b) => b.startsWith('event: token'))
      .map((b) => JSON.parse(b.split('\n')[1].slice(6)).text)
      .join(''),
    'Manufacturing faults, for two years from delivery.',
  );
  assert.equal(docent.fake.requestsTo('/chat/completions').length, 0);
  // With word-for-word answers off, the model answers; when it fails, the entry is offered beside the apology.
  const settings = await (await page.request.get(url('/api/admin/chatbot/settings'))).json();
  const off = await page.request.put(url('/api/admin/chatbot/settings'), {
    headers: { 'x-csrf-token': csrfToken },
    data: { chatbot: { ...settings.chatbot, qaAnswerMatch: 0 }, retrieval: { topK: settings.retrieval.topK, minMatch: settings.retrieval.minMatch } },
  });
  assert.equal(off.status(), 200, await off.text());
  const res = await askWidget();
  const error = res.body.split('\n\n').find((b) => b.startsWith('event: error'))!;
  const data = JSON.parse(error.split('\n')[1].slice(6));
  assert.deepEqual(data.answers, [{ question: 'What does the warranty cover?', answer: 'Manufacturing faults, for two years from delivery.' }]);
  assert.ok(
    data.sources.some((s: { url: string }) => s.url === TERMS_URL),
    JSON.stringify(data.sources),
  );
  assert.ok(
    data.sources.every((s: { url: string | null }) => s.url),
    'links only',
  );
  assert.deepEqual(pageErrors, []);
});
