// Full-stack widget tests: the REAL Docent server (startDocent: real routes, SQLite, training, retrieval,
// chat pipeline) with the fake OpenRouter behind it, and the built widget (dist/widget) embedded with one
// <script> tag in a third-party host page served from ANOTHER origin, driven in Debian's Chromium.
// The visitor's side goes through the browser only; the admin's side through app.inject with a session.
// Screenshots go to e2e/artifacts/fullstack-*.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { ensureWidgetBuilt } from '../widget/size.js';
import { launchBrowser } from './support/browser.js';
import { setupAdmin, startDocent, type AdminClient, type TestApp } from './support/harness.js';
import { FAKE_KEY } from './fakes/openrouter.js';
import { startStaticSite, type StaticSite } from './fakes/static-site.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const T = { timeout: 30_000 };

const WARRANTY_Q = 'What does the warranty cover?';
const WARRANTY_A = 'Every Acme widget has a two-year warranty covering manufacturing faults.';
const SHIPPING_Q = 'How long does standard shipping take?';
// ~20 words, streamed one word per chunk 60 ms apart: long enough to see it grow.
const STREAMED_REPLY =
  'Every Acme widget comes with a two-year warranty. It covers manufacturing faults, ' + 'so a widget that breaks on its own is repaired or replaced for free.';
const SHIPPING_REPLY = 'Standard shipping takes **3 to 5 business days** and costs $4.95; it is free on orders over $50.';
// Payloads in trained content (text of a Text entry, title of a web page) and in the model's output.
const TRAINED_XSS_IMG = '<img src=x onerror="window.__xss=1">';
const TRAINED_XSS_SCRIPT = '<script>window.__xss=2</script>';
const MODEL_XSS_IMG = '<img src=x onerror="window.__xss=3">';
const MODEL_XSS_LINK = '[click](javascript:window.__xss=4)';
const TITLE_XSS = '<img src=x onerror="window.__xss=5">';
const FRIENDLY_WITH_LINKS = "Sorry, I can't answer right now, but these pages may help:";
const FRIENDLY_WITH_HELP = "Sorry, I can't answer right now, but this may help:";
const NO_ANSWER = "Sorry, I couldn't find that on this site. Try asking in another way, or contact us directly.";
const CONTACT = 'help@acme.example';
const CLEANING_URL = 'https://acme.example/care/cleaning';

let docent: TestApp & { url: string };
let admin: AdminClient;
let site: StaticSite;
let browser: Browser;
let hostServer: http.Server;
let hostOrigin = '';
const hostPages = new Map<string, string>();
let pageNo = 0;
/** The conversation of the first scenario, checked from the admin's side at the end. */
let firstConversation: { id: string; vid: string } | null = null;

async function startHost(): Promise<void> {
  hostServer = http.createServer((req, res) => {
    const html = hostPages.get(new URL(req.url ?? '/', 'http://host').pathname);
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${(hostServer.address() as AddressInfo).port}`;
}

async function ok(res: { statusCode: number; body: string }, status: number, what: string) {
  assert.equal(res.statusCode, status, `${what}: ${res.statusCode} ${res.body}`);
}

/** Every PUT /api/admin/widget/settings answer, checked in the allowed-domains test. */
const widgetPuts: Array<{ status: number; body: string }> = [];
/**
 * Saves widget settings the way the admin UI does (GET, change, PUT everything), then proves through GET
 * that they took effect. The PUT's own answer is recorded and asserted in one test only (before e53381b it
 * answered 500 although it had saved), so a broken response does not hide every visitor scenario.
 */
async function putWidgetSettings(patch: Record<string, unknown>) {
  const current = (await admin.request('GET', '/api/admin/widget/settings')).json().widget;
  const res = await admin.request('PUT', '/api/admin/widget/settings', { ...current, ...patch });
  widgetPuts.push({ status: res.statusCode, body: res.body });
  const saved = (await admin.request('GET', '/api/admin/widget/settings')).json().widget;
  for (const [k, v] of Object.entries(patch)) assert.deepEqual(saved[k], v, `widget setting ${k} saved (PUT answered ${res.statusCode} ${res.body})`);
}

before(async () => {
  await ensureWidgetBuilt(); // before the server starts: widget-assets lists dist/widget once
  mkdirSync(ARTIFACTS, { recursive: true });
  await startHost();
  [docent, site, browser] = await Promise.all([startDocent(), startStaticSite(), launchBrowser()]);
  assert.notEqual(new URL(hostOrigin).port, new URL(docent.url).port, 'the host page is on another origin');
  const { app } = docent;
  admin = await setupAdmin(app);
  await ok(
    await admin.request('PUT', '/api/admin/settings/api', {
      provider: 'openrouter',
      apiKey: FAKE_KEY,
      model: 'openai/gpt-5.4-mini',
      fallbackModels: [],
      reasoningEnabled: false,
    }),
    200,
    'PUT api settings',
  );
  await putWidgetSettings({ botName: 'Acme Helper', welcomeMessage: 'Hi! Ask me about Acme widgets.' });
  // The fake's hashed-word embeddings score lower than real ones: the shipping question's best chunk (ranked
  // first by both vectors and keywords) has a 27.9 % match, under the default minimum of 30 %, and strict mode
  // would answer "couldn't find that" without a model call. 20 % keeps the unrelated chunks (≤ 14 %) out.
  // "When the bot can't help": the admin's e-mail address, offered in the no-answer and failure states.
  const { chatbot } = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  // qaAnswerMatch 0: the visitor below asks the Q&A entry's own question, which would otherwise be answered word for
  // word without the model; this test is about the model's streamed answer (Q&A answers: e2e/improve-answer.test.ts).
  await ok(
    await admin.request('PUT', '/api/admin/chatbot/settings', {
      chatbot: { ...chatbot, contactLink: CONTACT, qaAnswerMatch: 0 },
      retrieval: { topK: 6, minMatch: 20 },
    }),
    200,
    'PUT chatbot settings',
  );

  // Trained content: a Q&A, a Text entry carrying XSS payloads in its text, and web pages
  // (one real fixture page, one whose <title> carries a payload).
  await ok(await admin.request('POST', '/api/admin/training/text', { question: WARRANTY_Q, answer: WARRANTY_A }), 201, 'Q&A');
  await ok(
    await admin.request('POST', '/api/admin/training/text', {
      title: 'Cleaning your Acme widget',
      url: CLEANING_URL,
      text: `Cleaning your Acme widget: wipe the widget with a dry cloth once a month. ${TRAINED_XSS_IMG} ${TRAINED_XSS_SCRIPT} Never use solvents on the widget.`,
    }),
    201,
    'text entry',
  );
  site.setPage(
    '/care.html',
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Widget care ${TITLE_XSS.replace(/</g, '&lt;').replace(/>/g, '&gt;')} tips</title></head>
<body><main><article><h1>Widget care tips</h1>
<p>To clean an Acme widget, wipe it with a dry cloth. Cleaning the widget with water or solvents voids the warranty.</p>
<p>Store the widget in a dry place between uses, away from direct sunlight and heat sources.</p></article></main></body></html>`,
  );
  const src = await admin.request('POST', '/api/admin/training/sources', {
    kind: 'web',
    config: { mode: 'urls', urls: [`${site.url}/shipping.html`, `${site.url}/care.html`] },
  });
  await ok(src, 201, 'web source');
  await app.training.runner.idle();
  await ok(await admin.request('POST', '/api/admin/training/start'), 202, 'training start');
  await app.training.runner.idle();
  const sources = (await admin.request('GET', '/api/admin/training/sources')).json().sources as Array<{ kind: string; status: string; documents: number }>;
  for (const kind of ['text', 'web']) {
    const s = sources.find((x) => x.kind == kind)!;
    assert.equal(s.status, 'trained', `${kind} source trained: ${JSON.stringify(sources)}`);
  }
  assert.equal(sources.find((x) => x.kind == 'web')!.documents, 2);
});

after(async () => {
  await browser?.close();
  await docent?.close();
  await site?.close();
  await new Promise<void>((resolve) => {
    if (!hostServer) return resolve();
    hostServer.close(() => resolve());
    hostServer.closeAllConnections();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Host page and helpers
// ---------------------------------------------------------------------------------------------------------------

interface Host {
  context: BrowserContext;
  page: Page;
  url: string;
  errors: string[];
  dialogs: string[];
  requests: string[];
}

/** A third-party page whose only Docent integration is the one <script> tag. */
async function openHost(opts: { head?: string; body?: string; context?: BrowserContextOptions } = {}): Promise<Host> {
  const path = `/page-${++pageNo}.html`;
  hostPages.set(
    path,
    `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme Widgets</title>
<style>body { font: 16px/1.5 Georgia, serif; margin: 0 auto; max-width: 720px; padding: 24px; color: #222 }</style>${opts.head ?? ''}</head>
<body><h1>Acme Widgets</h1><p>Sturdy widgets since 2011. ${'Our widgets are built to last and easy to care for. '.repeat(5)}</p>${opts.body ?? ''}
<script src="${docent.url}/widget.js" async></script></body></html>`,
  );
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts.context });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000); // fail with a locator's name well before the test's own timeout
  const errors: string[] = [];
  const dialogs: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
  const url = hostOrigin + path;
  await page.goto(url);
  return { context, page, url, errors, dialogs, requests };
}

const launcher = (page: Page) => page.getByRole('button', { name: 'Open chat' });
const dialog = (page: Page) => page.getByRole('dialog', { name: 'Acme Helper' });
const input = (page: Page) => page.getByRole('textbox', { name: 'Your question' });
const answers = (page: Page) => page.locator('docent-widget .m.b:not(:first-child)');
const lastAnswer = (page: Page) => answers(page).last();
const copyButtons = (page: Page) => page.getByRole('button', { name: 'Copy answer' });
async function ask(page: Page, question: string) {
  await input(page).fill(question);
  await input(page).press('Enter');
}
async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
/** Waits for the n-th finished answer (the Copy button appears when `done` arrives). */
const answered = (page: Page, n: number) => until(async () => (await copyButtons(page).count()) >= n, `answer #${n}`, 15_000);
const shot = async (page: Page, name: string) => {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: `${ARTIFACTS}fullstack-${name}.png` });
};
const chatCalls = () => docent.fake.requestsTo('/chat/completions').length;
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
/** axe-core over the widget, its shadow root included: no violation. */
async function axe(page: Page, state: string) {
  const { violations } = await new AxeBuilder({ page }).include('docent-widget').analyze();
  assert.deepEqual(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`),
    [],
    `axe, ${state}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------------------------

test('allowed domains: another site gets no launcher and nothing thrown; the allowed site gets the widget', T, async () => {
  await putWidgetSettings({ allowedDomains: ['shop.example.com'] });
  const denied = await openHost();
  const configRequests = () => denied.requests.filter((r) => r == `GET ${docent.url}/api/widget/config`).length;
  await until(() => configRequests() > 0, 'config request');
  await denied.page.waitForTimeout(400);
  assert.equal(await denied.page.locator('docent-widget').count(), 0, 'no widget element on a site that is not allowed');
  assert.equal(await launcher(denied.page).count(), 0);
  // The public API itself refuses that origin (and gives it no CORS header).
  const refused = await docent.app.inject({ method: 'GET', url: '/api/widget/config', headers: { origin: hostOrigin } });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.headers['access-control-allow-origin'], undefined);
  const refusedChat = await docent.app.inject({
    method: 'POST',
    url: '/api/widget/chat',
    headers: { origin: hostOrigin },
    payload: { visitorId: 'visitor-denied-1', message: WARRANTY_Q },
  });
  assert.equal(refusedChat.statusCode, 403);
  // The page's own API keeps working and never throws.
  assert.equal(await denied.page.evaluate(() => typeof (window as any).Docent), 'function');
  await denied.page.evaluate(() => {
    (window as any).Docent('open');
    (window as any).Docent.open();
    (window as any).Docent.reset();
  });
  await denied.page.waitForTimeout(200);
  assert.equal(await denied.page.locator('docent-widget').count(), 0);
  assert.deepEqual(denied.errors, [], 'nothing thrown into the host page');
  await denied.context.close();

  await putWidgetSettings({ allowedDomains: [hostOrigin] }); // exact origin http://127.0.0.1:<port>
  const allowed = await openHost();
  await launcher(allowed.page).waitFor();
  const cors = await docent.app.inject({ method: 'GET', url: '/api/widget/config', headers: { origin: hostOrigin } });
  assert.equal(cors.statusCode, 200);
  assert.equal(cors.headers['access-control-allow-origin'], hostOrigin);
  assert.equal(cors.json().botName, 'Acme Helper');
  assert.equal('allowedDomains' in cors.json(), false, 'the allow-list is not published');
  assert.deepEqual(allowed.errors, []);
  await allowed.context.close();
  // The list stays in place: every following scenario runs through the allow path.

  // The admin's save itself must succeed (the Widget screen shows an error otherwise).
  assert.deepEqual(
    widgetPuts.filter((p) => p.status != 200),
    [],
    'PUT /api/admin/widget/settings answers 200',
  );
});

test('the visitor asks; the answer streams in; a source link; a reload restores the conversation', T, async () => {
  const { page, context, errors, requests } = await openHost();
  await launcher(page).click();
  await dialog(page).waitFor();
  await page.getByText('Hi! Ask me about Acme widgets.').waitFor(); // welcome message from the real config

  docent.fake.setOptions({ tokenDelayMs: 60 });
  docent.fake.setChatReply(STREAMED_REPLY);
  const calls = chatCalls();
  await ask(page, WARRANTY_Q);
  await page.locator('docent-widget .m.u .bu', { hasText: WARRANTY_Q }).waitFor();
  const bubble = lastAnswer(page).locator('.bu');
  let partial = '';
  await until(async () => {
    partial = ((await bubble.textContent()) ?? '').trim();
    return partial.length > 0 && !partial.includes('Thinking');
  }, 'first tokens');
  const partialAt = Date.now();
  assert.ok(STREAMED_REPLY.startsWith(partial), `partial text is a prefix of the reply: ${JSON.stringify(partial)}`);
  assert.ok(partial.length < STREAMED_REPLY.length, 'partial text is visible before the final text');
  assert.equal(await copyButtons(page).count(), 0, 'the answer is not finished yet');
  assert.equal(await lastAnswer(page).getAttribute('aria-hidden'), 'true', 'the streaming copy is hidden from screen readers');
  await answered(page, 1);
  const streamedForMs = Date.now() - partialAt;
  assert.ok(streamedForMs > 300, `text kept arriving for ${streamedForMs} ms after the first tokens`);
  assert.equal((await bubble.locator('p').first().textContent())?.trim(), STREAMED_REPLY);
  assert.equal(chatCalls(), calls + 1, 'one model call');
  // The model was given the trained Q&A.
  const prompt = JSON.stringify(docent.fake.requestsTo('/chat/completions').at(-1)!.body.messages);
  assert.ok(prompt.includes('two-year warranty covering manufacturing faults'), 'the trained answer is in the prompt');
  // A Q&A entry is never listed as a source (the model read it all the same).
  assert.doesNotMatch((await bubble.textContent()) ?? '', /What does the warranty cover\?/);
  assert.equal(await bubble.locator('.src li:not(:has(a[href^="http"]))').count(), 0, 'sources are links only');

  // A web page source: a real link that opens in a new tab without opener.
  docent.fake.setOptions({ tokenDelayMs: 0 });
  docent.fake.setChatReply(SHIPPING_REPLY);
  await ask(page, SHIPPING_Q);
  await answered(page, 2);
  const shipping = lastAnswer(page).locator('.src a', { hasText: 'Shipping' });
  await shipping.waitFor();
  assert.equal(await shipping.getAttribute('href'), `${site.url}/shipping.html`);
  assert.equal(await shipping.getAttribute('target'), '_blank');
  assert.match((await shipping.getAttribute('rel')) ?? '', /\bnoopener\b/);
  assert.equal(await lastAnswer(page).locator('.bu strong').textContent(), '3 to 5 business days', 'Markdown rendered');
  await page.waitForTimeout(250);
  await shot(page, 'desktop');

  const stored = await page.evaluate(() => ({ vid: localStorage.getItem('docent.vid')!, cid: localStorage.getItem('docent.cid')! }));
  assert.match(stored.vid, /^[A-Za-z0-9_-]{8,64}$/);
  assert.match(stored.cid, /^[0-9a-f-]{36}$/);
  firstConversation = { id: stored.cid, vid: stored.vid };

  // Reload: the conversation comes back from the server's history.
  const callsBefore = chatCalls();
  requests.length = 0;
  await page.reload();
  await launcher(page).click();
  await page.locator('docent-widget .m.u .bu', { hasText: WARRANTY_Q }).waitFor();
  await page.locator('docent-widget .m.u .bu', { hasText: SHIPPING_Q }).waitFor();
  assert.equal(await page.locator('docent-widget .m.u').count(), 2);
  assert.equal(await answers(page).count(), 2);
  assert.equal((await answers(page).first().locator('.bu p').first().textContent())?.trim(), STREAMED_REPLY);
  assert.equal(await lastAnswer(page).locator('.src a', { hasText: 'Shipping' }).getAttribute('href'), `${site.url}/shipping.html`);
  assert.ok(
    requests.some((r) => r.startsWith(`GET ${docent.url}/api/widget/history?visitorId=${stored.vid}&conversationId=${stored.cid}`)),
    'history fetched',
  );
  assert.equal(chatCalls(), callsBefore, 'no model call on reload');

  // The next question continues the same conversation on the server.
  docent.fake.setChatReply('Yes, express shipping arrives in 1 to 2 business days.');
  await ask(page, 'Is there anything faster?');
  await answered(page, 3);
  assert.equal(await page.evaluate(() => localStorage.getItem('docent.cid')), stored.cid);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a hostile host page (all: unset, overlay at z-index 2147483646, huge buttons) does not break it', T, async () => {
  const { page, context, errors } = await openHost({
    head: '<style>* { all: unset !important } button { font-size: 40px !important }</style>',
    body: `<div id="overlay" style="position:fixed !important; inset:0 !important; z-index:2147483646 !important;
      background:rgba(200,0,0,.12) !important"></div><button>A host button</button>`,
  });
  assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('overlay')!).zIndex), '2147483646');
  await launcher(page).click(); // Playwright fails the click if the overlay intercepts it
  await dialog(page).waitFor();
  const box = (await dialog(page).boundingBox())!;
  assert.ok(box.width >= 360 && box.height >= 500, JSON.stringify(box));
  const styles = await page.evaluate(() => {
    const root = document.querySelector('docent-widget')!.shadowRoot!;
    const [send, textarea, panel] = ['.go', 'textarea', '.p'].map((sel) => getComputedStyle(root.querySelector(sel)!));
    return { send: send.fontSize, textarea: textarea.fontSize, panel: panel.fontSize, display: panel.display };
  });
  assert.deepEqual(styles, { send: '15px', textarea: '16px', panel: '15px', display: 'flex' });
  docent.fake.setChatReply(STREAMED_REPLY);
  await ask(page, WARRANTY_Q);
  await answered(page, 1);
  assert.equal((await lastAnswer(page).locator('.bu p').first().textContent())?.trim(), STREAMED_REPLY);
  await page.waitForTimeout(200);
  await shot(page, 'hostile');
  await page.getByRole('button', { name: 'Close chat' }).click();
  await launcher(page).click();
  await dialog(page).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('XSS: payloads from the model and from trained content show as text; nothing runs; no javascript: link', T, async () => {
  const { page, context, errors, dialogs } = await openHost();
  // The model quotes its context verbatim (the trained Text entry with its payloads) and adds its own.
  docent.fake.setChatReply((body: any) => {
    const context = (body.messages as Array<{ content: string }>).map((m) => String(m.content)).join('\n');
    const trained = context.split('\n').find((l) => l.includes('window.__xss=2')) ?? '(trained text missing)';
    return `Here is what I found: ${MODEL_XSS_IMG} and ${MODEL_XSS_LINK}.\n\n${trained}`;
  });
  await launcher(page).click();
  await ask(page, 'How do I clean my Acme widget?');
  await answered(page, 1);
  const prompt = JSON.stringify(docent.fake.requestsTo('/chat/completions').at(-1)!.body.messages);
  assert.ok(prompt.includes('window.__xss=2'), 'the trained payload reached the prompt');

  const bubble = lastAnswer(page).locator('.bu');
  const check = async (when: string) => {
    const text = (await bubble.textContent()) ?? '';
    for (const payload of [MODEL_XSS_IMG, TRAINED_XSS_IMG, TRAINED_XSS_SCRIPT]) assert.ok(text.includes(payload), `${when}: literal ${payload} in ${text}`);
    assert.ok(text.includes('click'), `${when}: the javascript: link keeps its text`);
    const shadow = await page.evaluate(() => {
      const root = document.querySelector('docent-widget')!.shadowRoot!;
      return {
        hrefs: [...root.querySelectorAll('[href]')].map((a) => a.getAttribute('href')!),
        dangerous: root.querySelectorAll('img, script, iframe, object, embed, [onerror], [onload], [onclick], [srcdoc]').length,
      };
    });
    assert.deepEqual(
      shadow.hrefs.filter((h) => /^\s*javascript:/i.test(h)),
      [],
      `${when}: no javascript: href`,
    );
    assert.ok(
      shadow.hrefs.every((h) => /^(https?|mailto):/.test(h)),
      `${when}: ${JSON.stringify(shadow.hrefs)}`,
    );
    assert.equal(shadow.dangerous, 0, `${when}: no img/script/handler elements`);
    // The web page whose <title> carries a payload: listed as a source, its title as text.
    const care = bubble.locator('.src a', { hasText: 'Widget care' });
    assert.equal(await care.getAttribute('href'), `${site.url}/care.html`);
    assert.equal(await care.textContent(), `Widget care ${TITLE_XSS} tips`, `${when}: the title's payload as text`);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => (window as any).__xss), undefined, `${when}: no payload ran`);
    assert.equal(await page.locator('img').count(), 0, `${when}: no <img> in the light DOM either`);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
  };
  await check('live answer');
  // The neutralised link is plain text in its paragraph: clicking there does nothing.
  await bubble.locator('p', { hasText: 'click' }).first().click();
  await check('after clicking the "click" text');
  // The same payloads rendered again from the server's history.
  await page.reload();
  await launcher(page).click();
  await answered(page, 1);
  await check('from history');
  await context.close();
});

test('390×844: the open panel is a full-screen sheet and answers', T, async () => {
  const { page, context, errors } = await openHost({
    context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  });
  await launcher(page).tap();
  await dialog(page).waitFor();
  let box: number[] = [];
  await until(
    async () => {
      // once the short slide-in animation has ended
      const b = (await dialog(page).boundingBox())!;
      box = [b.x, b.y, b.width, b.height].map(Math.round);
      return JSON.stringify(box) == '[0,0,390,844]';
    },
    'a full-screen sheet',
    3000,
  ).catch(() => assert.fail(`the panel covers the viewport: got ${JSON.stringify(box)}`));
  docent.fake.setChatReply(SHIPPING_REPLY);
  await ask(page, SHIPPING_Q);
  await answered(page, 1);
  await lastAnswer(page).locator('.src a', { hasText: 'Shipping' }).waitFor();
  const inputBox = (await input(page).boundingBox())!;
  assert.ok(inputBox.y + inputBox.height <= 844 && inputBox.x >= 0 && inputBox.x + inputBox.width <= 390, `input on screen: ${JSON.stringify(inputBox)}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 390, `no horizontal overflow: ${overflow}`);
  await shot(page, 'mobile');
  assert.deepEqual(errors, []);
  await context.close();
});

test('upstream 402 (no credits): a friendly message with links, no spinner, no "402"/"credits"; Try again works', T, async () => {
  const { page, context, errors } = await openHost();
  await launcher(page).click();
  docent.fake.setChatReply(SHIPPING_REPLY);
  docent.fake.fail({ route: 'chat', kind: 'payment-required', times: 1 });
  await ask(page, SHIPPING_Q);
  const err = lastAnswer(page).locator('.er');
  await err.waitFor({ timeout: 10_000 });
  assert.equal(await err.textContent(), FRIENDLY_WITH_LINKS);
  const bubbleText = (await lastAnswer(page).textContent()) ?? '';
  assert.doesNotMatch(bubbleText, /402|credit|payment|openrouter/i, bubbleText);
  assert.equal(await lastAnswer(page).locator('.th').count(), 0, 'no Thinking… indicator left');
  const link = lastAnswer(page).locator('.src a', { hasText: 'Shipping' });
  assert.equal(await link.getAttribute('href'), `${site.url}/shipping.html`);
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.equal(await page.getByRole('button', { name: 'Stop' }).count(), 0, 'not busy any more');
  assert.equal(await input(page).isEditable(), true);
  assert.equal(await lastAnswer(page).getByRole('link', { name: CONTACT }).getAttribute('href'), `mailto:${CONTACT}`, 'a way to reach a person');
  await shot(page, 'error');
  // The admin is told the real cause.
  const alerts = (await admin.request('GET', '/api/admin/dashboard/stats')).json().alerts as Array<Record<string, any>>;
  assert.ok(
    alerts.some((a) => JSON.stringify(a).includes('payment_required')),
    JSON.stringify(alerts),
  );

  await page.getByRole('button', { name: 'Try again' }).click();
  await answered(page, 1);
  assert.equal(await lastAnswer(page).locator('.er').count(), 0);
  assert.equal(await lastAnswer(page).locator('.bu strong').textContent(), '3 to 5 business days');
  assert.deepEqual(errors, []);
  await context.close();
});

for (const [size, options] of [
  ['desktop', {}],
  ['phone', PHONE],
] as const) {
  test(`${size}: the model is down: a calm note, the admin's Q&A answer word for word, links, the contact; axe finds nothing`, T, async () => {
    const { page, context, errors } = await openHost({ context: options });
    await launcher(page).click();
    docent.fake.fail({ route: 'chat', kind: 'server-error', times: 1 });
    // Matches the warranty Q&A and the care page (cleaning with water voids the warranty).
    await ask(page, 'What does the warranty cover? Does cleaning the widget with water void it?');
    const bubble = lastAnswer(page).locator('.bu');
    await bubble.locator('.er').waitFor();
    assert.equal(await bubble.locator('.er').textContent(), FRIENDLY_WITH_HELP);
    const colours = await bubble.evaluate((b) => [getComputedStyle(b.querySelector('.er')!).color, getComputedStyle(b).color]);
    assert.equal(colours[0], colours[1], 'calm: the colour of ordinary text');
    assert.equal(await bubble.locator('.qa strong').first().textContent(), WARRANTY_Q);
    assert.equal((await bubble.locator('.qa p').nth(1).textContent())?.trim(), WARRANTY_A, 'the answer as the admin wrote it');
    const hrefs = await bubble.locator('.src a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.includes(`${site.url}/care.html`), `the matching page is a link: ${JSON.stringify(hrefs)}`);
    assert.ok(
      hrefs.every((h) => /^https?:\/\//.test(h ?? '')),
      `sources are links: ${JSON.stringify(hrefs)}`,
    );
    assert.deepEqual(await bubble.locator('.src li').filter({ hasText: WARRANTY_Q }).count(), 0, 'the Q&A is not a source');
    assert.equal(await bubble.getByRole('link', { name: CONTACT }).getAttribute('href'), `mailto:${CONTACT}`);
    await page.waitForTimeout(250);
    await shot(page, `failure-${size}`);
    await axe(page, `failure state (${size})`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("nothing in the content matches (strict mode): the admin's message and the contact, no model call; axe finds nothing", T, async () => {
  const { page, context, errors } = await openHost();
  await launcher(page).click();
  const calls = chatCalls();
  await ask(page, 'Quantum chromodynamics lattice gauge theory');
  await answered(page, 1);
  assert.equal((await lastAnswer(page).locator('.bu p').first().textContent())?.trim(), NO_ANSWER);
  assert.equal(await lastAnswer(page).getByRole('link', { name: CONTACT }).getAttribute('href'), `mailto:${CONTACT}`);
  assert.equal(chatCalls(), calls, 'no model call');
  await page.waitForTimeout(250);
  await shot(page, 'no-answer');
  await axe(page, 'no-answer state with contact');
  // A reload restores the "I don't know" with its contact link, not as a plain answer.
  const historyLoaded = page.waitForResponse((r) => r.url().includes('/api/widget/history'));
  await page.reload();
  await launcher(page).click();
  await historyLoaded;
  assert.equal(await lastAnswer(page).getByRole('link', { name: CONTACT }).getAttribute('href'), `mailto:${CONTACT}`);
  assert.deepEqual(errors, []);
  await context.close();
});

// A failed turn is not restored by /api/widget/history (the visitor saw the failure live): after a
// reload there is never an empty answer bubble, and asking again works.
test('after a reload, a failed answer is not restored as an empty bubble', T, async () => {
  const { page, context, errors } = await openHost();
  await launcher(page).click();
  docent.fake.fail({ route: 'chat', kind: 'payment-required', times: 1 });
  await ask(page, SHIPPING_Q);
  await lastAnswer(page).locator('.er').waitFor();
  const historyLoaded = page.waitForResponse((r) => r.url().includes('/api/widget/history'));
  await page.reload();
  await launcher(page).click();
  await historyLoaded;
  await page.waitForTimeout(250); // the panel's entrance animation
  await shot(page, 'history-after-error');
  const bubbles = await answers(page)
    .locator('.bu')
    .evaluateAll((els) =>
      els.map((el) => ({
        text: [...el.querySelectorAll(':scope > p')]
          .map((p) => p.textContent)
          .join(' ')
          .trim(),
      })),
    );
  for (const b of bubbles) assert.notEqual(b.text, '', `a restored answer has text: ${JSON.stringify(bubbles)}`);
  await ask(page, SHIPPING_Q);
  await until(async () => ((await lastAnswer(page).locator('.bu strong').textContent()) ?? '') === '3 to 5 business days', 'answered after the reload');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the admin sees the conversation with its sources, model and cost', T, async () => {
  assert.ok(firstConversation, 'the streaming scenario ran');
  const list = await admin.request('GET', '/api/admin/conversations');
  await ok(list, 200, 'GET conversations');
  const rows = list.json().conversations as Array<Record<string, any>>;
  const row = rows.find((c) => c.id == firstConversation!.id);
  assert.ok(row, `listed: ${JSON.stringify(rows.map((r) => r.id))}`);
  assert.equal(row.channel, 'widget');
  assert.equal(row.origin, hostOrigin, 'the third-party origin is recorded');
  assert.equal(row.firstQuestion, WARRANTY_Q);
  assert.equal(row.messages, 6, 'three questions, three answers');
  assert.ok(row.cost > 0, `cost ${row.cost}`);
  assert.ok(row.tokens > 0);

  const detail = await admin.request('GET', `/api/admin/conversations/${firstConversation!.id}`);
  await ok(detail, 200, 'GET conversation');
  const messages = detail.json().messages as Array<Record<string, any>>;
  assert.deepEqual(
    messages.map((m) => m.role),
    ['user', 'assistant', 'user', 'assistant', 'user', 'assistant'],
  );
  const [warranty, shipping] = messages.filter((m) => m.role == 'assistant');
  assert.equal(warranty.text, STREAMED_REPLY);
  assert.equal(warranty.status, 'complete');
  assert.equal(warranty.model, 'openai/gpt-5.4-mini');
  assert.ok(warranty.cost > 0, `message cost ${warranty.cost}`);
  assert.ok(!warranty.sources.some((s: any) => s.title == WARRANTY_Q), `the Q&A is not a source: ${JSON.stringify(warranty.sources)}`);
  assert.ok(
    warranty.retrieved.some((c: any) => c.title == WARRANTY_Q),
    'the admin still sees the Q&A the answer used',
  );
  assert.equal(shipping.model, 'openai/gpt-5.4-mini');
  assert.ok(
    shipping.sources.some((s: any) => s.url == `${site.url}/shipping.html`),
    JSON.stringify(shipping.sources),
  );

  // The failed answer is recorded with its real cause for the admin.
  const failedRow = rows.find((c) => c.unanswered > 0);
  assert.ok(failedRow, 'the 402 conversation is listed as unanswered');
  const failed = (await admin.request('GET', `/api/admin/conversations/${failedRow.id}`)).json().messages as Array<Record<string, any>>;
  const errorMsg = failed.find((m) => m.status == 'error')!;
  assert.ok(errorMsg?.error, JSON.stringify(failed));

  // The Widget screen shows where the widget was last seen.
  const widget = (await admin.request('GET', '/api/admin/widget/settings')).json();
  assert.equal(widget.lastSeen?.origin, hostOrigin);
});
