// Browser test of the chat admin screens: Chatbot, Widget (snippet, live preview), Playground (streamed answer and
// "What the bot saw"), Dashboard (stats, alerts), Conversations (filters, detail, CSV, delete).
// Runs the real server (built admin UI in dist/admin-ui, built widget in dist/widget) against the fake OpenRouter,
// in Debian's Chromium. Screenshots go to e2e/artifacts/chat-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { ensureWidgetBuilt } from '../widget/size.js';
import { launchBrowser } from './support/browser.js';
import { PUBLIC_URL, TEST_PASSWORD, setupAdmin, startDocent, type AdminClient } from './support/harness.js';
import { FAKE_KEY } from './fakes/openrouter.js';
import { ADMIN_UI_DIR, PROJECT_ROOT } from '../server/paths.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'e2e', 'artifacts');
const QUESTION = 'What does the warranty cover?';
const ANSWER = 'Every Acme widget has a two-year warranty covering manufacturing faults [1].';
const WARRANTY_TEXT = 'Every Acme widget has a two-year warranty covering manufacturing faults. Claims go through support@acme.example.';
const SITE_ORIGIN = 'https://www.example.com';
const VISITOR = 'e2e-visitor-0001';

type Docent = Awaited<ReturnType<typeof startDocent>>;

let docent: Docent;
let admin: AdminClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const apiRequests: Request[] = [];
const pageErrors: string[] = [];
const cspErrors: string[] = [];

const url = (p: string) => docent.url + p;

async function shot(name: string, fullPage = true) {
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `chat-${name}.png`), fullPage, animations: 'disabled' });
}

async function apiJson(p: string) {
  const res = await page.request.get(url(p));
  assert.equal(res.status(), 200, `${p}: ${await res.text()}`);
  return res.json();
}

/** A visitor's question through the public widget API, from a site on SITE_ORIGIN. */
async function widgetAsk(message: string) {
  const res = await page.request.post(url('/api/widget/chat'), { headers: { Origin: SITE_ORIGIN }, data: { visitorId: VISITOR, message } });
  assert.equal(res.status(), 200, await res.text());
  const events = (await res.text())
    .split('\n\n')
    .filter((b) => b.startsWith('event:'))
    .map((b) => {
      const [e, d] = b.split('\n');
      return { event: e.slice(7), data: JSON.parse(d.slice(6)) };
    });
  return events;
}

async function noHorizontalScroll() {
  const { sw, w } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: window.innerWidth }));
  assert.ok(sw <= w, `page scrolls sideways: ${sw} > ${w}`);
}

before(async () => {
  if (!existsSync(path.join(ADMIN_UI_DIR, 'index.html'))) {
    throw new Error('The admin UI is not built: run "npx vite build --config admin-ui/vite.config.ts" first.');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureWidgetBuilt(); // the Widget screen's live preview loads /widget.js
  docent = await startDocent();
  admin = await setupAdmin(docent.app);
  const put = await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  assert.equal(put.statusCode, 200, put.body);
  await admin.request('GET', '/api/admin/models');
  for (const entry of [
    { title: 'Warranty', text: WARRANTY_TEXT, url: 'https://shop.example.com/warranty' },
    { question: QUESTION, answer: 'Every Acme widget has a two-year warranty covering manufacturing faults.' },
  ]) {
    const res = await admin.request('POST', '/api/admin/training/text', entry);
    assert.equal(res.statusCode, 201, res.body);
  }
  assert.equal((await admin.request('POST', '/api/admin/training/start')).statusCode, 202);
  for (let i = 0; ; i++) {
    const { jobs, active } = (await admin.request('GET', '/api/admin/training/jobs')).json();
    if (!active && jobs[0]?.status === 'done') break;
    assert.ok(i < 200 && !['failed', 'stopped'].includes(jobs[0]?.status), `training did not finish: ${JSON.stringify(jobs[0])}`);
    await new Promise((r) => setTimeout(r, 50));
  }

  // These screens show the model's answers: the Q&A entry's own question would be answered word for word without
  // it (Q&A answers are tested in e2e/improve-answer.test.ts).
  const { chatbot, retrieval } = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  assert.equal(
    (
      await admin.request('PUT', '/api/admin/chatbot/settings', {
        chatbot: { ...chatbot, qaAnswerMatch: 0 },
        retrieval: { topK: retrieval.topK, minMatch: retrieval.minMatch },
      })
    ).statusCode,
    200,
  );

  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: docent.url });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('request', (r) => {
    if (r.url().includes('/api/')) apiRequests.push(r);
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
  });
  const login = await page.request.post(url('/api/admin/login'), { data: { password: TEST_PASSWORD } });
  assert.equal(login.status(), 200);
});

after(async () => {
  await browser?.close();
  await docent?.close();
});

describe('chat admin screens', () => {
  it('sidebar lists Chatbot, Widget, Conversations and Playground after Data Training', async () => {
    await page.goto(url('/admin/'));
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const labels = await page.getByRole('navigation', { name: 'Main menu' }).locator('.adminmenu-item > .adminmenu-link').allTextContents();
    assert.deepEqual(
      labels.map((l) => l.trim()),
      ['Dashboard', 'Data Training', 'Chatbot', 'Widget', 'Conversations', 'Leads', 'Playground', 'Settings'],
    );
  });

  it('Chatbot: counter, a field error, save and reload, server errors shown by the field', async () => {
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Chatbot' }).click();
    await page.getByRole('heading', { name: 'Chatbot', level: 1 }).waitFor();
    const instructions = page.getByLabel('Custom Instructions');
    await instructions.waitFor();
    const counter = page.locator('#cb-instructions-counter');
    const initial = await instructions.inputValue();
    assert.match((await counter.textContent()) ?? '', new RegExp(`^${initial.length.toLocaleString('en')} / 4,000`));

    const mine = 'Be brief and friendly. Mention support@acme.example when a visitor needs a human.';
    await instructions.fill(mine);
    assert.match((await counter.textContent()) ?? '', new RegExp(`^${mine.length} / 4,000`));
    await page.getByLabel('Always reply in one language').check();
    await page.getByLabel('Language', { exact: true }).selectOption('de');

    // A client-side field error: nothing is sent, the field says why and gets focus.
    const temperature = page.getByLabel('Temperature');
    await temperature.fill('5');
    const putsBefore = apiRequests.filter((r) => r.method() === 'PUT').length;
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.locator('#cb-temperature-error').getByText('Temperature is between 0 and 2.').waitFor();
    assert.equal(await temperature.getAttribute('aria-invalid'), 'true');
    assert.ok(await temperature.evaluate((el) => el === document.activeElement), 'focus moves to the invalid field');
    assert.equal(apiRequests.filter((r) => r.method() === 'PUT').length, putsBefore, 'nothing sent while invalid');
    await shot('chatbot-error', false);

    await temperature.fill('0.5');
    await page.getByLabel('Max answer tokens').fill('600');
    await page.getByLabel('History length').fill('4');
    await page.getByLabel('Chunks per answer').fill('5');
    await page.getByLabel('Minimum match').fill('20');
    await page.getByLabel('Daily spend cap').fill('2.5');
    await page.getByLabel('Keep conversations for').fill('30');
    await page.getByLabel(/^Relaxed/).check();
    await page.getByText('You have unsaved changes.').waitFor();
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.locator('#main').getByText('Settings saved.').waitFor();

    const saved = await apiJson('/api/admin/chatbot/settings');
    assert.equal(saved.chatbot.instructions, mine);
    assert.equal(saved.chatbot.language, 'de');
    assert.equal(saved.chatbot.temperature, 0.5);
    assert.equal(saved.chatbot.maxAnswerTokens, 600);
    assert.equal(saved.chatbot.historyTurns, 4);
    assert.equal(saved.chatbot.mode, 'relaxed');
    assert.equal(saved.chatbot.dailySpendCapUsd, 2.5);
    assert.equal(saved.chatbot.retentionDays, 30);
    assert.equal(saved.retrieval.topK, 5);
    assert.equal(saved.retrieval.minMatch, 20);

    await page.reload();
    await instructions.waitFor();
    assert.equal(await instructions.inputValue(), mine);
    assert.equal(await temperature.inputValue(), '0.5');
    assert.equal(await page.getByLabel('Chunks per answer').inputValue(), '5');
    assert.equal(await page.getByLabel('Minimum match').inputValue(), '20');
    assert.equal(await page.getByLabel('Language', { exact: true }).inputValue(), 'de');
    assert.ok(await page.getByLabel(/^Relaxed/).isChecked());

    // Back to strict (the recommended mode) for the rest of the run.
    await page.getByLabel(/^Strict/).check();

    // The server's own validation: nested errors come back under "chatbot"; the screen puts them on the field.
    await page.route(
      '**/api/admin/chatbot/settings',
      async (route) => {
        if (route.request().method() !== 'PUT') return route.continue();
        const body = route.request().postDataJSON();
        body.chatbot.maxAnswerTokens = 9000; // past the server's limit, valid for nothing else
        await route.continue({ postData: JSON.stringify(body) });
      },
      { times: 1 },
    );
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.locator('#main').getByText('Settings not saved: Please correct the highlighted fields.').waitFor();
    await page.locator('#cb-maxAnswerTokens-error').getByText('Allow at most 8,000 tokens per answer.').waitFor();
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.locator('#main').getByText('Settings saved.').waitFor();
    assert.equal((await apiJson('/api/admin/chatbot/settings')).chatbot.mode, 'strict');

    // Restore default puts the server's default instructions back (not saved until Save).
    await page.getByRole('button', { name: 'Restore default' }).first().click();
    assert.match(await instructions.inputValue(), /^You are the friendly assistant of this website\./);
    assert.match((await counter.textContent()) ?? '', new RegExp(`^${(await instructions.inputValue()).length} / 4,000`));
    await page.getByText('You have unsaved changes.').waitFor();
    await shot('chatbot');
    await page.reload(); // drop the unsaved restore
    await instructions.waitFor();
  });

  it('Widget: snippet with Copy, live preview of unsaved changes, allowed domains, save and reload', async () => {
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Widget' }).click();
    await page.getByRole('heading', { name: 'Widget', level: 1 }).waitFor();
    const snippet = page.getByLabel('Embed snippet');
    assert.equal(await snippet.inputValue(), `<script src="${PUBLIC_URL}/widget.js" async></script>`);
    await page.getByText('Not seen on a website yet.').waitFor();

    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await snippet.inputValue());

    // The preview embeds the real /widget.js: its launcher shows up.
    const frame = page.frameLocator('iframe[title="Widget preview"]');
    await frame.getByRole('button', { name: 'Open chat' }).waitFor();

    // Unsaved changes reach the preview.
    await page.getByLabel('Bot name').fill('Acme Helper');
    await page.locator('#w-primaryColor-hex').fill('#aa3300');
    await page.getByLabel('Bottom left').check();
    await page.getByLabel('Welcome message').fill('Hello! Ask me about **Acme** products.');
    await page.getByRole('button', { name: 'Add question' }).click();
    await page.getByRole('textbox', { name: 'Suggested question 1' }).fill(QUESTION);
    const iframe = page.locator('iframe[title="Widget preview"]');
    await page.waitForFunction(() => document.querySelector('iframe[title="Widget preview"]')?.getAttribute('srcdoc')?.includes('data-position="bottom-left"'));
    const srcdoc = (await iframe.getAttribute('srcdoc')) ?? '';
    assert.match(srcdoc, /<script src="\/widget\.js" async data-color="#aa3300" data-position="bottom-left"><\/script>/);
    const launcher = frame.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    await page.waitForFunction(() => {
      const doc = (document.querySelector('iframe[title="Widget preview"]') as HTMLIFrameElement | null)?.contentDocument;
      const btn = doc?.querySelector('docent-widget')?.shadowRoot?.querySelector('button');
      return !!btn && btn.classList.contains('left') && getComputedStyle(btn).backgroundColor === 'rgb(170, 51, 0)';
    });
    await launcher.click();
    const dialog = frame.getByRole('dialog', { name: 'Acme Helper' });
    await dialog.waitFor();
    await dialog.getByText('Acme products.').waitFor();
    await dialog.getByRole('button', { name: QUESTION }).waitFor();

    // Allowed domains: a bad entry is caught beside the field.
    const domains = page.getByLabel('Allowed domains');
    await domains.fill('example.com\nnot a domain!');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page
      .locator('#w-allowedDomains-error')
      .getByText(/"not a domain!" is not a domain/)
      .waitFor();
    assert.equal(await domains.getAttribute('aria-invalid'), 'true');
    await domains.fill('example.com\n*.example.com');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page
      .locator('#main')
      .getByText(/^Settings saved\./)
      .waitFor();

    const saved = (await apiJson('/api/admin/widget/settings')).widget;
    assert.equal(saved.botName, 'Acme Helper');
    assert.equal(saved.primaryColor, '#aa3300');
    assert.equal(saved.position, 'bottom-left');
    assert.deepEqual(saved.suggestedQuestions, [QUESTION]);
    assert.deepEqual(saved.allowedDomains, ['example.com', '*.example.com']);

    // With allowed domains set, this admin's own preview still works, chat included.
    await page.reload();
    await page.getByLabel('Bot name').waitFor();
    assert.equal(await page.getByLabel('Bot name').inputValue(), 'Acme Helper');
    assert.equal(await page.locator('#w-primaryColor-hex').inputValue(), '#aa3300');
    assert.equal(await domains.inputValue(), 'example.com\n*.example.com');
    docent.fake.setChatReply(ANSWER);
    await frame.getByRole('button', { name: 'Open chat' }).click();
    await frame.getByRole('dialog', { name: 'Acme Helper' }).getByRole('button', { name: QUESTION }).click();
    await frame.getByText('two-year warranty covering manufacturing faults').waitFor();
    await shot('widget-preview-chat', false);

    // A visit from a real site shows up as "Last seen on".
    const events = await widgetAsk(QUESTION);
    assert.ok(events.some((e) => e.event === 'done'));
    await page.reload();
    await page.getByText(`Last seen on ${SITE_ORIGIN}`).waitFor();
    await frame.getByRole('button', { name: 'Open chat' }).waitFor();
    await shot('widget');
  });

  it('Playground: the answer streams in as text, "What the bot saw" shows chunks, prompt and model; Stop; New chat', async () => {
    docent.fake.setChatReply(ANSWER);
    docent.fake.setOptions({ tokenDelayMs: 60 });
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Playground' }).click();
    await page.getByRole('heading', { name: 'Playground', level: 1 }).waitFor();
    const input = page.getByLabel('Your question');
    await input.fill(QUESTION);
    await input.press('Enter');

    const log = page.getByRole('log', { name: 'Conversation' });
    const stop = page.getByRole('button', { name: 'Stop' });
    await stop.waitFor();
    // Part of the answer is on screen while the rest is still coming.
    await log.locator('.bubble-bot.is-streaming').waitFor();
    const partial = (await log.locator('.bubble-bot').last().textContent()) ?? '';
    assert.ok(partial.length > 0 && partial.length < ANSWER.length, `streaming: "${partial}"`);
    await page.getByRole('button', { name: 'Send' }).waitFor();
    assert.equal(await log.locator('.bubble-bot').last().textContent(), ANSWER);
    await log.locator('.message-sources').getByRole('link', { name: 'Warranty (opens in a new tab)' }).waitFor(); // a source with a public URL

    const panel = page.getByRole('region', { name: 'What the bot saw' });
    const chunk = panel.locator('.chunk').filter({ hasText: 'Warranty' }).first();
    await chunk.waitFor();
    assert.match((await chunk.locator('.match-badge').textContent()) ?? '', /^\d+% match$/);
    assert.match((await chunk.textContent()) ?? '', /By meaning: #\d+/);
    assert.match((await chunk.textContent()) ?? '', /By words: (#\d+|—)/);
    assert.match((await chunk.locator('.chunk-text').textContent()) ?? '', /two-year warranty/);
    await panel.getByText('openai/gpt-5.4-mini').waitFor();
    const prompts = panel.locator('.prompt-message pre');
    assert.ok((await prompts.count()) >= 2);
    assert.match((await prompts.first().textContent()) ?? '', /Always reply in German/); // the Chatbot screen's setting
    assert.match((await prompts.first().textContent()) ?? '', /Be brief and friendly/);
    assert.equal(await prompts.last().textContent(), QUESTION);
    await shot('playground');

    // Stop: the answer ends where it was, marked as stopped.
    docent.fake.setChatReply(`The warranty covers manufacturing faults. ${'It lasts two years from the date of purchase. '.repeat(10)}`);
    docent.fake.setOptions({ tokenDelayMs: 120 });
    await input.fill('Tell me more about the warranty.');
    await page.getByRole('button', { name: 'Send' }).click();
    await log.locator('.bubble-bot.is-streaming').waitFor();
    await stop.click();
    await log.getByText('Stopped', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    docent.fake.setOptions({ tokenDelayMs: 0 });

    await page.getByRole('button', { name: 'New chat' }).click();
    await log.getByText(/Ask a question below/).waitFor();
    assert.equal(await log.locator('.chat-turn').count(), 0);
  });

  it('Dashboard: usage numbers, and an alert when OpenRouter rejects the key, which can be dismissed', async () => {
    // A failing answer in the Playground raises the alert.
    docent.fake.setChatReply(ANSWER);
    docent.fake.fail({ route: 'chat', kind: 'invalid-key', times: 1 });
    const input = page.getByLabel('Your question');
    await input.fill(QUESTION);
    await input.press('Enter');
    const panel = page.getByRole('region', { name: 'What the bot saw' });
    await panel.getByText(/Problem: OpenRouter rejected this key/).waitFor();
    await page.getByRole('log', { name: 'Conversation' }).getByText('The visitor would see:').waitFor();

    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Dashboard' }).click();
    const alerts = page.getByRole('region', { name: 'Alerts' });
    const alert = alerts.locator('.notice-error').filter({ hasText: 'OpenRouter rejected this key' });
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Happened once/);
    await alert.getByRole('link', { name: /API Configuration/ }).waitFor();

    const stats = await apiJson('/api/admin/dashboard/stats');
    // Visitor traffic only: the Playground and the Widget screen's live preview are the admin's own chats.
    assert.ok(stats.today.conversations >= 1, JSON.stringify(stats.today));
    const today = page.getByRole('region', { name: 'Today' });
    await today.getByText(String(stats.today.conversations), { exact: true }).first().waitFor();
    assert.match((await today.textContent()) ?? '', new RegExp(`Messages${stats.today.messages}`));
    await page.getByRole('region', { name: 'This month' }).getByText('Conversations').waitFor();
    await page.getByRole('region', { name: 'Setup checklist' }).waitFor();
    await shot('dashboard');

    await alert.getByRole('button', { name: /^Dismiss alert/ }).click();
    await alert.waitFor({ state: 'detached' });
    assert.deepEqual((await apiJson('/api/admin/dashboard/stats')).alerts, []);
  });

  it('Conversations: list, filters, detail with sources and chunks, CSV export, delete', async () => {
    // The site visitor found one answer unhelpful.
    const ask = await widgetAsk('How long is the warranty?');
    const done = ask.find((e) => e.event === 'done');
    const feedback = await page.request.post(url('/api/widget/feedback'), {
      headers: { Origin: SITE_ORIGIN },
      data: { visitorId: VISITOR, messageId: done!.data.messageId, value: 'down' },
    });
    assert.equal(feedback.status(), 204);

    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Conversations' }).click();
    await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
    const table = page.locator('table.conversations-table');
    await table.waitFor();
    const all = (await apiJson('/api/admin/conversations?filter=all')).conversations;
    assert.equal(await table.locator('tbody tr').count(), all.length);
    assert.ok(all.length >= 4, `conversations: ${all.length}`);
    await page.getByText(`${all.length} conversations`).waitFor();
    // Two Playground chats, plus the Widget screen's live-preview chat (from the admin's own origin).
    const playgroundRows = table.locator('tbody tr').filter({ hasText: 'Playground' });
    assert.equal(await playgroundRows.count(), 3);
    await table.locator('tbody tr').filter({ hasText: 'www.example.com' }).first().waitFor();
    assert.match(
      (await table.locator('tbody tr').filter({ hasText: 'How long is the warranty?' }).locator('.feedback-down').textContent()) ?? '',
      /1 thumbs down/,
    );
    await shot('conversations');

    // CSV export of everything, as a download.
    const exportLink = page.getByRole('link', { name: 'Export CSV' });
    assert.equal(await exportLink.getAttribute('href'), '/api/admin/conversations/export.csv?filter=all');
    const [download] = await Promise.all([page.waitForEvent('download'), exportLink.click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.match(csv, /"conversation","time","role","text"/);
    assert.ok(csv.includes(`"${QUESTION}"`), 'the question is in the CSV');
    assert.match(download.suggestedFilename(), /^docent-conversations-\d{4}-\d{2}-\d{2}\.csv$/);

    // Filters.
    const tabs = page.getByRole('navigation', { name: 'Conversation filters' });
    // While the filtered page loads, the list says so instead of showing the previous filter's rows as its own.
    const isUnansweredPage = (u: URL) => u.pathname === '/api/admin/conversations' && u.searchParams.get('filter') === 'unanswered';
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let passed!: () => void;
    const passedOn = new Promise<void>((resolve) => (passed = resolve));
    // Held once, then passed on; unrouted only after that (an unroute while the handler waits could let the request
    // go first, and the handler's own continue would then throw into the run).
    await page.route(
      isUnansweredPage,
      async (route) => {
        await held;
        await route.continue();
        passed();
      },
      { times: 1 },
    );
    await tabs.getByRole('link', { name: 'Unanswered' }).click();
    await page.waitForURL((u) => u.search === '?filter=unanswered');
    await page.getByRole('status').filter({ hasText: 'Loading' }).waitFor();
    assert.equal(await table.locator('tbody tr').count(), 0, 'no rows of the previous filter while the filtered page loads');
    release();
    await passedOn;
    const unanswered = (await apiJson('/api/admin/conversations?filter=unanswered')).conversations;
    assert.equal(unanswered.length, 1);
    // The filtered page replaces the list (with a loading box in between): wait until it shows one row.
    await page.waitForFunction(() => document.querySelectorAll('table.conversations-table tbody tr').length === 1, null, { timeout: 10_000 });
    await table.locator('tbody tr').getByText('Unanswered', { exact: true }).waitFor();
    assert.equal(await exportLink.getAttribute('href'), '/api/admin/conversations/export.csv?filter=unanswered');

    await tabs.getByRole('link', { name: 'Thumbs down' }).click();
    await page.waitForURL((u) => u.search === '?filter=thumbs-down');
    await table.locator('tbody tr').filter({ hasText: 'How long is the warranty?' }).waitFor();
    assert.equal(await table.locator('tbody tr').count(), 1);

    // Detail of the Playground conversation: answer, sources, stats, chunks, the stopped answer.
    await tabs.getByRole('link', { name: 'All' }).click();
    await page.waitForURL((u) => u.search === '');
    const answered = all.find((c: any) => c.channel === 'playground' && c.unanswered === 0);
    await table
      .locator('tbody tr')
      .filter({ hasText: 'Playground' })
      .filter({ has: page.locator(`a[href="/admin/conversations/${answered.id}"]`) })
      .locator('td.col-date')
      .click();
    await page.waitForURL((u) => u.pathname === `/admin/conversations/${answered.id}`);
    const transcript = page.getByRole('region', { name: 'Transcript' });
    await transcript.locator('.bubble-user').getByText(QUESTION, { exact: true }).first().waitFor();
    await transcript.getByText(ANSWER, { exact: true }).waitFor();
    const first = transcript.locator('.transcript-item.is-assistant').first();
    await first.locator('.message-sources').getByRole('link', { name: 'Warranty (opens in a new tab)' }).waitFor(); // a source with a public URL
    await first.getByText('openai/gpt-5.4-mini').waitFor();
    assert.match((await first.locator('.answer-meta').textContent()) ?? '', /Tokens\d+.*Cost\$.*Latency\d+/);
    await first.getByText(/^Retrieved chunks \(\d+\)$/).click();
    await first.locator('.retrieved-table').getByRole('link', { name: 'Warranty (opens in a new tab)' }).waitFor();
    assert.match((await first.locator('.retrieved-table').textContent()) ?? '', /\d+% match/);
    await transcript.locator('.transcript-item.is-assistant').nth(1).getByText('Stopped', { exact: true }).waitFor();
    await shot('conversation-detail');

    // The failed answer shows the admin-facing error; deleting asks first.
    const failed = unanswered[0];
    await page.goto(url(`/admin/conversations/${failed.id}`));
    await transcript.getByText('Error', { exact: true }).waitFor();
    await transcript.getByText(/What went wrong: OpenRouter rejected this key/).waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('Delete this conversation?').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Delete permanently' }).click();
    await page.waitForURL((u) => u.pathname === '/admin/conversations');
    await page.locator('#main').getByText('Conversation deleted.').waitFor();
    const gone = await page.request.get(url(`/api/admin/conversations/${failed.id}`));
    assert.equal(gone.status(), 404);
    await table.waitFor();
    assert.equal(await table.locator('tbody tr').count(), all.length - 1);
  });

  it('works 390px wide: no sideways scrolling on the four screens', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url('/admin/conversations'));
    await page.locator('table.conversations-table tbody tr').first().waitFor();
    await noHorizontalScroll();
    await shot('mobile-conversations');

    await page.goto(url('/admin/playground'));
    const input = page.getByLabel('Your question');
    await input.fill(QUESTION);
    await input.press('Enter');
    await page.getByRole('region', { name: 'What the bot saw' }).locator('.chunk').first().waitFor();
    await noHorizontalScroll();
    await shot('mobile-playground');

    await page.goto(url('/admin/widget'));
    await page.frameLocator('iframe[title="Widget preview"]').getByRole('button', { name: 'Open chat' }).waitFor();
    await noHorizontalScroll();
    await shot('mobile-widget');

    await page.goto(url('/admin/chatbot'));
    await page.getByLabel('Custom Instructions').waitFor();
    await noHorizontalScroll();
    await shot('mobile-chatbot');

    await page.goto(url('/admin/'));
    await page.getByRole('region', { name: 'Today' }).getByText('Conversations').waitFor();
    await noHorizontalScroll();
    await shot('mobile-dashboard');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('no page errors and no Content-Security-Policy violations', () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(cspErrors, []);
  });
});
