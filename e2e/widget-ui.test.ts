// Widget front-end tests: the real built widget (dist/widget/) embedded in a host page on another origin,
// talking to a stand-in of the Widget API (e2e/support/widget-stand-in.ts), in Debian's Chromium.
// Screenshots go to e2e/artifacts/widget-*.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { ensureWidgetBuilt } from '../widget/size.js';
import { launchBrowser } from './support/browser.js';
import {
  ANSWER,
  DEFAULT_CONFIG,
  ERROR_ANSWERS,
  ERROR_MESSAGE,
  NO_ANSWER,
  SLOW_ANSWER,
  startHostSite,
  startWidgetStandIn,
  type HostSite,
  type StandIn,
} from './support/widget-stand-in.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const T = { timeout: 60_000 };

let browser: Browser;
let api: StandIn;
let site: HostSite;
let pageNo = 0;

before(async () => {
  await ensureWidgetBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  [api, site, browser] = await Promise.all([startWidgetStandIn(), startHostSite(), launchBrowser()]);
  api.allowedOrigins.add(site.origin);
});

after(async () => {
  await browser?.close();
  await api?.close();
  await site?.close();
});

interface HostOptions {
  /** Extra attributes on the widget's <script> tag. */
  attrs?: string;
  head?: string;
  body?: string;
  /** Inline script placed before the widget's script tag. */
  pre?: string;
  /** false: the page without the widget. */
  widget?: boolean;
  context?: BrowserContextOptions;
  /** Open the page from this origin instead (e.g. one the API does not allow). */
  origin?: string;
}
interface Host {
  context: BrowserContext;
  page: Page;
  url: string;
  errors: string[];
  dialogs: string[];
}

const HOST_TEXT = `<header><h1>Acme Docs</h1><nav><a href="#">Guide</a> · <a href="#">Pricing</a></nav></header>
<main><p>Acme is a documentation site used to test the Docent widget. ${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(6)}</p>
<p><button id="host-button">A host page button</button></p></main>`;

async function openHost(opts: HostOptions = {}): Promise<Host> {
  const path = `/page-${++pageNo}.html`;
  site.pages.set(
    path,
    `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme Docs</title>
<style>body { font: 16px/1.5 Georgia, serif; margin: 0 auto; max-width: 720px; padding: 24px; color: #222 }</style>${opts.head ?? ''}</head>
<body>${HOST_TEXT}${opts.body ?? ''}${opts.pre ? `<script>${opts.pre}</script>` : ''}
${opts.widget === false ? '' : `<script src="${api.scriptUrl}" async ${opts.attrs ?? ''}></script>`}</body></html>`,
  );
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts.context });
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const url = (opts.origin ?? site.origin) + path;
  await page.goto(url);
  return { context, page, url, errors, dialogs };
}

const launcher = (page: Page) => page.getByRole('button', { name: 'Open chat' });
const dialog = (page: Page) => page.getByRole('dialog', { name: 'Docent' });
const input = (page: Page) => page.getByRole('textbox', { name: 'Your question' });
const answers = (page: Page) => page.locator('docent-widget .m.b:not(:first-child)');
const lastAnswer = (page: Page) => answers(page).last();
/** Tag name and aria-label of the element focused inside the widget's shadow root. */
const shadowFocus = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector('docent-widget')?.shadowRoot?.activeElement;
    return el ? `${el.tagName.toLowerCase()}:${el.getAttribute('aria-label') ?? ''}` : null;
  });
async function ask(page: Page, question: string) {
  await input(page).fill(question);
  await input(page).press('Enter');
}
async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}widget-${name}.png` });
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** axe-core over the widget (its open shadow root included): no violation of any rule. */
async function axe(page: Page, state: string) {
  const { violations, passes } = await new AxeBuilder({ page }).include('docent-widget').analyze();
  assert.deepEqual(
    violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`),
    [],
    `axe, ${state}`,
  );
  assert.ok(
    passes.some((p) => p.id == 'button-name'),
    `axe looked inside the shadow root (${state})`,
  );
}
/** Where focus is: inside the widget (and on what), or on the host page (and on what). */
const focusAt = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    const inner = active?.shadowRoot?.activeElement;
    if (active?.localName == 'docent-widget') return inner ? `widget ${inner.localName}:${inner.getAttribute('aria-label') ?? inner.textContent}` : 'widget';
    return `page ${active?.localName}${active?.id ? `#${active.id}` : ''}`;
  });
/** Names of the host page's links and buttons that assistive tech can reach (Chromium's accessibility tree). */
async function pageInAccessibilityTree(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: Array<{ ignored: boolean; role?: { value: string }; name?: { value: string } }>;
    };
    const widget = ['Open chat', 'New chat', 'Close chat', 'How do I install it?', 'What does it cost?', 'Send message'];
    return nodes
      .filter((n) => !n.ignored && ['link', 'button'].includes(n.role?.value ?? '') && !widget.includes(n.name?.value ?? ''))
      .map((n) => n.name!.value);
  } finally {
    await cdp.detach();
  }
}
/** The host page's own elements (everything but the widget) and whether each is inert. */
const inertPage = (page: Page) =>
  page.evaluate(() => [...document.body.children].filter((e) => e.localName != 'docent-widget').map((e) => e.hasAttribute('inert')));

test('launcher opens the panel; the answer streams in as Markdown with sources; feedback; copy', T, async () => {
  const { page, context, errors } = await openHost();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
  await launcher(page).waitFor();
  // Only a fixed-position host element is added; the launcher sits in its open shadow root.
  const host = await page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('docent-widget')!;
    const cs = getComputedStyle(el);
    return {
      inlineReset: el.style.getPropertyValue('font-size') == 'initial' && el.style.getPropertyPriority('all') == 'important',
      position: cs.position,
      z: cs.zIndex,
      shadow: !!el.shadowRoot,
      panelLoaded: !!el.shadowRoot!.querySelector('.p'),
    };
  });
  assert.ok(host.inlineReset, 'inline all: initial !important');
  assert.equal(host.position, 'fixed');
  assert.equal(host.z, '2147483647');
  assert.ok(host.shadow);
  assert.equal(host.panelLoaded, false, 'the panel loads on first open, not before');
  await shot(page, 'launcher');

  await launcher(page).click();
  await dialog(page).waitFor();
  assert.equal(await shadowFocus(page), 'textarea:Your question', 'focus moves into the textarea');
  assert.equal(await launcher(page).count(), 0, 'launcher is hidden while the panel is open');
  assert.equal(await page.getByRole('button', { name: 'How do I install it?' }).count(), 1, 'suggested questions');
  await page.waitForTimeout(250); // the panel's short entrance animation
  const inputBox = (await input(page).boundingBox())!;
  assert.ok(inputBox.height >= 40, `textarea height ${inputBox.height}`);
  await shot(page, 'welcome');

  await ask(page, 'How do I install Docent?');
  // "Thinking…" shows before the first token…
  await page.locator('docent-widget .th').waitFor();
  await shot(page, 'thinking');
  // …then partial text appears while the answer is still streaming.
  let partial = '';
  await until(async () => {
    partial = (await lastAnswer(page).locator('.bu').textContent()) ?? '';
    return partial.length > 0 && !partial.includes('Thinking');
  }, 'first tokens');
  assert.equal(await page.getByRole('button', { name: 'Copy answer' }).count(), 0, 'not done yet');
  // Screen readers: the list is a polite live region; the streaming copy is hidden from them and the
  // finished answer is added as a new node, so it is announced once, not token by token.
  assert.equal(await page.locator('docent-widget .ms').getAttribute('aria-live'), 'polite');
  assert.equal(await lastAnswer(page).getAttribute('aria-hidden'), 'true');
  await page.getByRole('button', { name: 'Copy answer' }).waitFor();
  assert.equal(await lastAnswer(page).getAttribute('aria-hidden'), null);
  const final = (await lastAnswer(page).locator('.bu > p, .bu > ol').allTextContents()).join('');
  assert.ok(partial.length < final.length, `partial (${partial.length}) before final (${final.length})`);
  assert.ok(final.startsWith(partial.slice(0, 5)));
  assert.ok(final.includes('Hello 👋 Docent answers from your own content.'), final);

  // Markdown rendered as elements.
  const bubble = lastAnswer(page).locator('.bu');
  assert.equal(await bubble.locator('strong').first().textContent(), 'Docent');
  assert.equal(await bubble.locator('em').first().textContent(), 'your');
  assert.deepEqual(await bubble.locator('ol > li code').allTextContents(), ['npm install', 'npm start']);
  assert.equal(await bubble.locator('p a').count(), 2, 'markdown link and bare URL');
  // Sources: links that open in a new tab without opener/referrer.
  const sources = bubble.locator('.src a');
  assert.deepEqual(await sources.allTextContents(), ['Getting started', 'Pricing']);
  for (const a of await bubble.locator('a').all()) {
    assert.equal(await a.getAttribute('target'), '_blank');
    assert.equal(await a.getAttribute('rel'), 'noopener noreferrer');
  }
  assert.equal(await sources.first().getAttribute('href'), 'https://example.com/docs/start');

  // Feedback (toggles) and copy.
  const helpful = page.getByRole('button', { name: 'Helpful', exact: true });
  await helpful.click();
  await until(() => api.feedback.length == 1, 'feedback POST');
  assert.equal(api.feedback[0].value, 'up');
  assert.equal(await helpful.getAttribute('aria-pressed'), 'true');
  await page.getByRole('button', { name: 'Copy answer' }).click();
  await page.getByRole('button', { name: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), ANSWER);

  await page.mouse.move(0, 0);
  await shot(page, 'open-light');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a reload restores the conversation; "New chat" starts over', T, async () => {
  const { page, context } = await openHost();
  await launcher(page).click();
  await ask(page, 'How do I install Docent?');
  await page.getByRole('button', { name: 'Copy answer' }).waitFor();
  const stored = await page.evaluate(() => ({ vid: localStorage.getItem('docent.vid'), cid: localStorage.getItem('docent.cid') }));
  assert.match(stored.vid ?? '', /^[A-Za-z0-9_-]{8,64}$/);
  assert.ok(stored.cid);

  await page.reload();
  await launcher(page).click();
  await page.locator('docent-widget .m.u .bu', { hasText: 'How do I install Docent?' }).waitFor();
  await lastAnswer(page).locator('.src a', { hasText: 'Getting started' }).waitFor();
  assert.ok(api.log.some((l) => l.startsWith(`GET /api/widget/history?visitorId=${stored.vid}&conversationId=${stored.cid}`)));
  assert.equal(await page.getByRole('button', { name: 'How do I install it?' }).count(), 0, 'no suggestions in a conversation');

  // The next question continues the same conversation.
  await ask(page, 'And then?');
  await until(() => api.chats.at(-1)?.message == 'And then?', 'chat POST');
  assert.equal(api.chats.at(-1)!.conversationId, stored.cid);
  await until(async () => (await page.getByRole('button', { name: 'Copy answer' }).count()) == 2, 'second answer');

  await page.getByRole('button', { name: 'New chat' }).click();
  await page.getByRole('button', { name: 'How do I install it?' }).waitFor();
  assert.equal(await page.locator('docent-widget .m.u').count(), 0);
  assert.equal(await page.evaluate(() => localStorage.getItem('docent.cid')), null);
  await page.getByRole('button', { name: 'How do I install it?' }).click();
  await until(() => api.chats.at(-1)?.message == 'How do I install it?', 'chip sends');
  assert.equal(api.chats.at(-1)!.conversationId, null, 'a new conversation');
  await context.close();
});

test('XSS payloads in an answer render as text; no script runs, no unsafe link', T, async () => {
  const { page, context, dialogs, errors } = await openHost();
  await launcher(page).click();
  await ask(page, 'show me xss');
  await page.getByRole('button', { name: 'Copy answer' }).waitFor();
  const bubble = lastAnswer(page).locator('.bu');
  const text = (await bubble.textContent()) ?? '';
  assert.ok(text.includes('<img src=x onerror="window.__pwned=1;alert(1)">'), text);
  assert.ok(text.includes('<script>window.__pwned=2;alert(2)</script>'), text);
  assert.ok(text.includes('<a href="javascript:alert(5)">raw</a>'), text);
  const widget = page.locator('docent-widget');
  assert.equal(await widget.locator('img').count(), 0, 'no <img> (and images in Markdown are not loaded)');
  assert.equal(await widget.locator('script').count(), 0);
  assert.equal(await widget.locator('[onerror], [onmouseover]').count(), 0);
  const hrefs = await bubble.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, ['https://example.com/track.png', 'https://example.com/safe', 'https://example.com/good']);
  for (const label of ['x', 'y', 'z']) assert.ok(text.includes(label));
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a hostile host page (all: unset, display:none divs, overlay, huge buttons) does not break it', T, async () => {
  const { page, context, errors } = await openHost({
    head: `<style>* { all: unset !important } div { display: none !important } button { font-size: 40px !important }
      docent-widget { display: none !important; opacity: 0 !important }</style>`,
    body: `<div id="overlay" style="display:block !important; position:fixed !important; inset:0 !important;
      z-index:2147483646 !important; background:rgba(200,0,0,.12) !important"></div>`,
  });
  await launcher(page).click(); // fails if the overlay intercepts the click
  await dialog(page).waitFor();
  const box = await dialog(page).boundingBox();
  assert.ok(box && box.width >= 360 && box.height >= 500, JSON.stringify(box));
  const styles = await page.evaluate(() => {
    // (no named functions in here: tsx would add a __name helper the page does not have)
    const root = document.querySelector('docent-widget')!.shadowRoot!;
    const [send, textarea, panel] = ['.go', 'textarea', '.p'].map((sel) => getComputedStyle(root.querySelector(sel)!));
    return { send: send.fontSize, textarea: textarea.fontSize, panelFont: panel.fontSize, display: panel.display };
  });
  assert.deepEqual(styles, { send: '15px', textarea: '16px', panelFont: '15px', display: 'flex' });
  await ask(page, 'How do I install Docent?');
  await page.getByRole('button', { name: 'Copy answer' }).waitFor();
  await shot(page, 'hostile');
  await page.getByRole('button', { name: 'Close chat' }).click();
  await launcher(page).click();
  await dialog(page).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

for (const [size, context] of [
  ['desktop', {}],
  ['phone', PHONE],
] as const) {
  test(`${size}: when the bot cannot answer, a calm message, the admin's Q&A answer as text, sources as links, the contact; never a spinner`, T, async () => {
    api.config = { ...structuredClone(DEFAULT_CONFIG), contact: { label: null, url: null, email: 'help@acme.example' } };
    const {
      page,
      context: ctx,
      dialogs,
      errors,
    } = await openHost({
      context,
      pre: `window.Docent = window.Docent || function(){(Docent.q = Docent.q || []).push(arguments)};
      Docent('on', 'error', function (e) { document.body.dataset.error = e.code })`,
    });
    try {
      await launcher(page).click();
      await ask(page, 'trigger an error please');
      const err = lastAnswer(page).locator('.er');
      await err.waitFor();
      assert.equal(await err.textContent(), ERROR_MESSAGE);
      // Calm: the note is ordinary text, in the bubble's own colour, not an alarm colour.
      const colours = await lastAnswer(page).evaluate((m) => [
        getComputedStyle(m.querySelector('.er')!).color,
        getComputedStyle(m.querySelector('.bu')!).color,
      ]);
      assert.equal(colours[0], colours[1], 'the message has the colour of ordinary text');
      assert.equal(await lastAnswer(page).locator('.th').count(), 0, 'no Thinking… indicator left');
      // The admin's Q&A answer, word for word: its Markdown as formatting, its HTML as text.
      const qa = lastAnswer(page).locator('.qa');
      assert.equal(await qa.locator('strong').first().textContent(), ERROR_ANSWERS[0].question);
      assert.match((await qa.textContent()) ?? '', /Manufacturing faults, for two years from delivery\. <img src=x onerror="window.__pwned=9">/);
      assert.equal(await qa.locator('a').getAttribute('href'), 'https://example.com/claims');
      assert.equal(await page.locator('docent-widget').locator('img').count(), 0);
      // Sources: links only (the one without a URL is not listed).
      const sources = lastAnswer(page).locator('.src li');
      assert.deepEqual(await sources.allTextContents(), ['Warranty terms']);
      assert.equal(await sources.locator('a').getAttribute('href'), 'https://example.com/warranty');
      // The contact: a mailto: link built by the widget, shown with its address.
      const contact = lastAnswer(page).getByRole('link', { name: 'help@acme.example' });
      assert.equal(await contact.getAttribute('href'), 'mailto:help@acme.example');
      assert.equal(await contact.getAttribute('target'), null, 'an e-mail link opens no empty tab');
      assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 1);
      assert.equal(await page.getByRole('button', { name: 'Send message' }).count(), 1, 'input usable again');
      assert.equal(await page.evaluate(() => document.body.dataset.error), 'unavailable');
      await page.mouse.move(0, 0);
      await page.waitForTimeout(250);
      await shot(page, `failure-${size}`);
      await axe(page, `failure state (${size})`);
      await page.waitForTimeout(200);
      assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);
      assert.deepEqual([dialogs, errors], [[], []]);

      if (size == 'desktop') {
        await ask(page, 'rate limit me');
        const refused = lastAnswer(page);
        await refused.locator('.er', { hasText: 'You are sending messages quickly.' }).waitFor(); // the server's own visitor-facing sentence
        assert.equal(await refused.locator('.ct').count(), 0, 'a refusal for sending too fast offers no contact');
      }
    } finally {
      api.config = structuredClone(DEFAULT_CONFIG);
      await ctx.close();
    }
  });

  test(`${size}: no answer in the content: the admin's message and the contact link; a real answer offers no contact`, T, async () => {
    api.config = { ...structuredClone(DEFAULT_CONFIG), contact: { label: 'Talk to a person', url: 'https://example.com/contact', email: null } };
    const { page, context: ctx } = await openHost({ context });
    try {
      await launcher(page).click();
      await ask(page, 'How do I install Docent?');
      await page.getByRole('button', { name: 'Copy answer' }).waitFor();
      assert.equal(await lastAnswer(page).locator('.ct').count(), 0, 'an answer needs no contact');
      await ask(page, 'nomatch: unicorn repairs?');
      await until(async () => (await page.getByRole('button', { name: 'Copy answer' }).count()) == 2, 'the second answer');
      assert.equal((await lastAnswer(page).locator('.bu p').first().textContent())?.trim(), NO_ANSWER);
      const contact = lastAnswer(page).getByRole('link', { name: 'Talk to a person' });
      assert.equal(await contact.getAttribute('href'), 'https://example.com/contact');
      assert.equal(await contact.getAttribute('target'), '_blank');
      assert.equal(await contact.getAttribute('rel'), 'noopener noreferrer');
      await page.mouse.move(0, 0);
      await page.waitForTimeout(250);
      await shot(page, `no-answer-${size}`);
      await axe(page, `no-answer state with contact (${size})`);
    } finally {
      api.config = structuredClone(DEFAULT_CONFIG);
      await ctx.close();
    }
  });
}

test('390×844: the open panel is a modal dialog: Tab wraps inside, the page behind is inert, Esc returns focus to the launcher', T, async () => {
  const { page, context } = await openHost({ context: PHONE });
  await launcher(page).tap();
  await dialog(page).waitFor();
  assert.equal(await dialog(page).getAttribute('aria-modal'), 'true');
  assert.equal(await focusAt(page), 'widget textarea:Your question');
  assert.ok((await inertPage(page)).every(Boolean), 'every element of the page behind is inert');
  // Tab and Shift+Tab go round the panel's controls and never reach the page's links and buttons.
  const ring = ['button:New chat', 'button:Close chat', 'button:How do I install it?', 'button:What does it cost?', 'textarea:Your question'];
  const tabbed: string[] = [];
  for (let i = 0; i < ring.length * 2; i++) {
    await page.keyboard.press('Tab');
    tabbed.push(await focusAt(page));
  }
  assert.deepEqual(
    tabbed,
    [...ring, ...ring].map((f) => `widget ${f}`),
  );
  const back: string[] = [];
  for (let i = 0; i < ring.length + 1; i++) {
    await page.keyboard.press('Shift+Tab');
    back.push(await focusAt(page));
  }
  assert.deepEqual(
    back,
    [...ring]
      .reverse()
      .slice(1)
      .concat(ring.at(-1)!, ring.at(-2)!)
      .map((f) => `widget ${f}`),
  );
  await page
    .locator('#host-button')
    .focus()
    .catch(() => {}); // a script can't focus the page behind either
  assert.match(await focusAt(page), /^widget /);
  assert.deepEqual(await pageInAccessibilityTree(page), [], 'the page behind is hidden from assistive tech');
  await page.waitForTimeout(250);
  await shot(page, 'modal-phone');
  await axe(page, 'phone-size modal');

  await page.keyboard.press('Escape');
  await launcher(page).waitFor();
  assert.equal(await focusAt(page), 'widget button:Open chat', 'focus is back on the launcher');
  assert.ok(
    (await inertPage(page)).every((x) => !x),
    'the page is usable again',
  );
  assert.deepEqual(await pageInAccessibilityTree(page), ['Guide', 'Pricing', 'A host page button']);
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focusAt(page), 'page button#host-button', 'Tab reaches the page again');
  await context.close();
});

test("the page's own inert elements stay inert; a viewport that widens ends the modal state", T, async () => {
  const { page, context } = await openHost({ context: PHONE, body: '<aside id="own" inert><a href="#">Inert already</a></aside>' });
  await launcher(page).tap();
  await dialog(page).waitFor();
  await page.setViewportSize({ width: 1024, height: 844 });
  await until(async () => (await dialog(page).getAttribute('aria-modal')) == null, 'non-modal at desktop width');
  assert.deepEqual(await page.evaluate(() => [...document.body.querySelectorAll(':scope > [inert]')].map((e) => e.id)), ['own']);
  await page.setViewportSize({ width: 390, height: 844 });
  await until(async () => (await dialog(page).getAttribute('aria-modal')) == 'true', 'modal again at phone width');
  await page.getByRole('button', { name: 'Close chat' }).click();
  await launcher(page).waitFor();
  assert.deepEqual(
    await page.evaluate(() => [...document.body.querySelectorAll(':scope > [inert]')].map((e) => e.id)),
    ['own'],
    'only what the widget made inert is released',
  );
  await context.close();
});

test('desktop: the open panel stays non-modal: no aria-modal, nothing inert, Shift+Tab leaves it for the page', T, async () => {
  const { page, context } = await openHost();
  await launcher(page).click();
  await dialog(page).waitFor();
  assert.equal(await dialog(page).getAttribute('aria-modal'), null);
  assert.ok(
    (await inertPage(page)).every((x) => !x),
    'nothing on the page is inert',
  );
  await page.getByRole('button', { name: 'New chat' }).focus();
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focusAt(page), 'page button#host-button');
  await context.close();
});

test('axe finds no violation in the closed, empty and answered states', T, async () => {
  const { page, context } = await openHost();
  await launcher(page).waitFor();
  await axe(page, 'closed launcher');
  await launcher(page).click();
  await dialog(page).waitFor();
  await page.waitForTimeout(250);
  await axe(page, 'open, empty');
  await ask(page, 'How do I install Docent?');
  await page.getByRole('button', { name: 'Copy answer' }).waitFor();
  await axe(page, 'an answer with sources');
  await context.close();

  const dark = await openHost({ context: { colorScheme: 'dark' } });
  await launcher(dark.page).click();
  await ask(dark.page, 'trigger an error please');
  await dark.page.getByRole('button', { name: 'Try again' }).waitFor();
  await axe(dark.page, 'failure state, dark');
  await dark.context.close();
});

test('no answer for 45 s: a client-side timeout ends the wait with a message', T, async () => {
  const { page, context } = await openHost({ context: {} });
  await page.clock.install();
  await page.reload();
  await launcher(page).click();
  await ask(page, 'hang forever');
  await page.locator('docent-widget .th').waitFor();
  const aborted = api.aborted;
  await page.clock.fastForward('00:46');
  await lastAnswer(page).locator('.er', { hasText: 'No answer arrived' }).waitFor();
  await until(() => api.aborted > aborted, 'the stalled stream is closed');
  await context.close();
});

test('Stop aborts the stream and keeps the partial answer', T, async () => {
  const { page, context } = await openHost();
  await launcher(page).click();
  await ask(page, 'slow please');
  await until(async () => ((await lastAnswer(page).locator('.bu').textContent()) ?? '').includes('word1'), 'first tokens');
  const aborted = api.aborted;
  await page.getByRole('button', { name: 'Stop' }).click();
  await until(() => api.aborted > aborted, 'server sees the fetch aborted');
  await lastAnswer(page).locator('.nt', { hasText: 'Stopped.' }).waitFor();
  const text = (await lastAnswer(page).locator('.bu > p').first().textContent()) ?? '';
  assert.ok(text.startsWith('word0 word1') && text.length < SLOW_ANSWER.length, text);
  await page.waitForTimeout(600);
  assert.equal(await lastAnswer(page).locator('.bu > p').first().textContent(), text, 'no more text after Stop');
  assert.equal(await shadowFocus(page), 'textarea:Your question', 'focus goes back to the input');
  assert.equal(await page.getByRole('button', { name: 'Stop' }).count(), 0);
  await context.close();
});

test('Esc closes the panel and focus returns to the launcher', T, async () => {
  const { page, context } = await openHost();
  await launcher(page).click();
  await input(page).fill('half a question');
  await input(page).press('Escape');
  await launcher(page).waitFor();
  assert.equal(await dialog(page).count(), 0, 'panel hidden');
  assert.equal(await shadowFocus(page), 'button:Open chat');
  await page.keyboard.press('Enter'); // the focused launcher reopens it, draft kept
  await dialog(page).waitFor();
  assert.equal(await input(page).inputValue(), 'half a question');
  await page.getByRole('button', { name: 'Close chat' }).click();
  assert.equal(await shadowFocus(page), 'button:Open chat');
  await context.close();
});

test('dark mode; reduced motion', T, async () => {
  const { page, context } = await openHost({ context: { colorScheme: 'dark', reducedMotion: 'reduce' } });
  await launcher(page).click();
  await ask(page, 'How do I install Docent?');
  await page.getByRole('button', { name: 'Copy answer' }).waitFor();
  const bg = await page.evaluate(() => getComputedStyle(document.querySelector('docent-widget')!.shadowRoot!.querySelector('.p')!).backgroundColor);
  assert.equal(bg, 'rgb(27, 28, 31)');
  const animation = await page.evaluate(() => getComputedStyle(document.querySelector('docent-widget')!.shadowRoot!.querySelector('.p')!).animationName);
  assert.equal(animation, 'none', 'prefers-reduced-motion: no entrance animation');
  await page.mouse.move(0, 0);
  await shot(page, 'open-dark');
  await context.close();
});

test('390×844: no auto-open on mobile; the panel is a full-screen sheet; data-open="always" opens', T, async () => {
  const mobile = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
  const { page, context } = await openHost({ attrs: 'data-open="true"', context: mobile });
  await launcher(page).waitFor();
  await page.waitForTimeout(300);
  assert.equal(await dialog(page).count(), 0, 'data-open="true" does not open on mobile');
  await launcher(page).tap();
  await dialog(page).waitFor();
  let box: unknown;
  await until(
    async () => {
      // once the short slide-in animation has ended
      const b = (await dialog(page).boundingBox())!;
      box = [b.x, b.y, b.width, b.height].map(Math.round);
      return JSON.stringify(box) == '[0,0,390,844]';
    },
    `a full-screen sheet, got ${JSON.stringify(box)}`,
    3000,
  );
  await ask(page, 'How do I install Docent?');
  await page.getByRole('button', { name: 'Copy answer' }).waitFor();
  await shot(page, 'mobile');
  await context.close();

  const always = await openHost({ attrs: 'data-open="always"', context: mobile });
  await dialog(always.page).waitFor();
  assert.notEqual(await shadowFocus(always.page), 'textarea:Your question', 'an automatic open does not steal focus');
  await always.context.close();
});

test('queue API before load, events, Docent.open/close/reset, and no other globals', T, async () => {
  const bare = await openHost({ widget: false });
  const baseline = new Set(await bare.page.evaluate(() => Object.getOwnPropertyNames(window)));
  await bare.context.close();

  const { page, context, errors } = await openHost({
    pre: `window.Docent = window.Docent || function(){(Docent.q = Docent.q || []).push(arguments)};
      Docent('on', 'open', function () { document.body.dataset.events += ' open' });
      Docent('on', 'close', function () { document.body.dataset.events += ' close' });
      Docent('on', 'message', function (m) { document.body.dataset.events += ' message:' + m.role });
      Docent('on', 'open', function () { throw new Error('a broken host callback') });
      Docent('open');
      document.body.dataset.events = '';`,
  });
  await dialog(page).waitFor(); // opened through the queue
  assert.equal(await page.evaluate(() => typeof (window as any).Docent.open), 'function');
  await ask(page, 'How do I install Docent?');
  await page.getByRole('button', { name: 'Copy answer' }).waitFor();
  await page.evaluate(() => (window as any).Docent.close());
  await launcher(page).waitFor();
  await page.evaluate(() => (window as any).Docent.reset());
  await page.evaluate(() => (window as any).Docent.open());
  await dialog(page).waitFor();
  assert.equal(await page.locator('docent-widget .m.u').count(), 0, 'reset cleared the conversation');
  assert.equal(await page.evaluate(() => document.body.dataset.events), ' open message:user message:assistant close open');
  // Unknown calls are ignored, never thrown.
  await page.evaluate(() => {
    (window as any).Docent('nope');
    (window as any).Docent.on('open', 'not a function');
  });

  const added = (await page.evaluate(() => Object.getOwnPropertyNames(window))).filter((n) => !baseline.has(n));
  assert.deepEqual(added, ['Docent']);
  assert.deepEqual(errors, [], 'a throwing host callback does not surface as a page error');
  await context.close();
});

test('data-* attributes override the config: position, colour, language', T, async () => {
  const { page, context } = await openHost({ attrs: 'data-position="bottom-left" data-color="#0a7" data-lang="de"' });
  const btn = page.getByRole('button', { name: 'Chat öffnen' });
  await btn.waitFor();
  const box = (await btn.boundingBox())!;
  assert.ok(box.x < 100, `left side: ${box.x}`);
  assert.equal(await btn.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(0, 170, 119)');
  assert.equal(await btn.evaluate((b) => getComputedStyle(b).color), 'rgb(17, 17, 17)', 'dark text on a light primary');
  await btn.click();
  await page.getByRole('button', { name: 'Nachricht senden' }).waitFor();
  await page.getByRole('button', { name: 'Chat schließen' }).waitFor();
  assert.equal(await dialog(page).getAttribute('lang'), 'de');
  await context.close();
});

test('config refused (origin not allowed → 403): no launcher, nothing thrown', T, async () => {
  const other = site.origin.replace('127.0.0.1', 'localhost');
  const { page, context, errors } = await openHost({ origin: other });
  await until(() => api.log.filter((l) => l == 'GET /api/widget/config').length > 0, 'config request');
  await page.waitForTimeout(500);
  assert.equal(await page.locator('docent-widget').count(), 0);
  await page.evaluate(() => {
    (window as any).Docent('open');
    (window as any).Docent.open();
  });
  assert.deepEqual(errors, []);
  await context.close();
});
