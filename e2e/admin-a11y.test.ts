// Browser test of what every admin screen shares: notices after saving (visible below the admin bar, read out
// through the live regions, focus where WordPress leaves it), the unsaved-changes prompt, plain names with no
// text cut off, and axe-core with no violations on every screen and tab, at desktop and phone size.
// One server with seeded content (a key, text, Q&A, a file, a web source, a failed source, training, a widget
// conversation), one browser, the fake OpenRouter. Screenshots go to e2e/artifacts/a11y-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Dialog, Page } from 'playwright-core';
import { ensureWidgetBuilt } from '../widget/size.js';
import { launchBrowser } from './support/browser.js';
import { startDocent, TEST_PASSWORD } from './support/harness.js';
import { FAKE_KEY } from './fakes/openrouter.js';
import { startStaticSite, type StaticSite } from './fakes/static-site.js';
import { ADMIN_UI_DIR, PROJECT_ROOT } from '../server/paths.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'e2e', 'artifacts');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const LEAVE_MESSAGE = 'Leave this screen? Your changes have not been saved and will be lost.';

type Docent = Awaited<ReturnType<typeof startDocent>>;

let docent: Docent;
let site: StaticSite;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrfToken = '';
let conversationId = '';
const pageErrors: string[] = [];

const url = (p: string) => docent.url + p;
const menu = () => page.getByRole('navigation', { name: 'Main menu' });

async function api(method: 'GET' | 'POST' | 'PUT', p: string, data?: unknown) {
  const res = await page.request.fetch(url(p), { method, headers: method === 'GET' ? {} : { 'x-csrf-token': csrfToken }, data });
  assert.ok(res.ok(), `${method} ${p}: ${res.status()} ${await res.text()}`);
  return res.json();
}

async function waitForJobs() {
  for (let i = 0; ; i++) {
    const { active } = await api('GET', '/api/admin/training/jobs');
    if (!active) return;
    assert.ok(i < 400, 'jobs did not finish');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function axeViolations(): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${v.help}`));
}

/**
 * Text that does not fit where it is shown: a select's chosen option, a read-only field, an ellipsis, a page that
 * scrolls sideways. A string, not a function: tsx would add helpers the page does not have.
 */
const TRUNCATED_TEXT = `(() => {
  const found = [];
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden' && !el.closest('.screen-reader-text');
  };
  const name = (el) => (el.id ? '#' + el.id : el.tagName.toLowerCase() + [...el.classList].map((c) => '.' + c).join(''));
  const ctx = document.createElement('canvas').getContext('2d');
  for (const select of document.querySelectorAll('select')) {
    if (!shown(select)) continue;
    const text = select.selectedOptions[0] ? select.selectedOptions[0].text : '';
    const cs = getComputedStyle(select);
    ctx.font = cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
    const room = select.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (ctx.measureText(text).width > room + 1) found.push(name(select) + ' shows "' + text + '" in ' + Math.round(room) + 'px');
  }
  for (const field of document.querySelectorAll('input[placeholder]')) {
    if (!shown(field) || field.value) continue;
    const cs = getComputedStyle(field);
    ctx.font = cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
    const room = field.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (ctx.measureText(field.placeholder).width > room + 1) found.push(name(field) + ' cuts off its example "' + field.placeholder + '"');
  }
  for (const field of document.querySelectorAll('input[readonly], textarea[readonly]')) {
    if (!shown(field) || field.type === 'password') continue;
    if (field.scrollWidth > field.clientWidth + 1 || field.scrollHeight > field.clientHeight + 1) found.push(name(field) + ' cuts off "' + field.value.slice(0, 60) + '…"');
  }
  for (const el of document.querySelectorAll('body *')) {
    if (!shown(el) || getComputedStyle(el).textOverflow !== 'ellipsis' || el.matches('input, select, textarea') || !(el.textContent || '').trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1) found.push(name(el) + ' ends in an ellipsis: "' + (el.textContent || '').slice(0, 60) + '"');
  }
  if (document.documentElement.scrollWidth > document.documentElement.clientWidth) found.push('the page scrolls sideways (' + document.documentElement.scrollWidth + 'px)');
  return found;
})()`;

async function truncatedText(): Promise<string[]> {
  return page.evaluate(TRUNCATED_TEXT) as Promise<string[]>;
}

async function shot(name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(ARTIFACTS, `a11y-${name}.png`), fullPage: true, animations: 'disabled' });
}

/** The dialogs shown while `action` runs, each answered with `answer`. */
async function dialogsDuring(answer: 'accept' | 'dismiss', action: () => Promise<unknown>): Promise<Array<{ type: string; message: string }>> {
  const seen: Array<{ type: string; message: string }> = [];
  const handler = (d: Dialog) => {
    seen.push({ type: d.type(), message: d.message() });
    void (answer === 'accept' ? d.accept() : d.dismiss());
  };
  page.on('dialog', handler);
  try {
    await action();
  } finally {
    page.off('dialog', handler);
  }
  return seen;
}

before(async () => {
  if (!existsSync(path.join(ADMIN_UI_DIR, 'index.html'))) {
    throw new Error('The admin UI is not built: run "npm run build:ui" first.');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureWidgetBuilt(); // the Widget screen's live preview loads /widget.js
  docent = await startDocent();
  site = await startStaticSite();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await browser?.close();
  await site?.close();
  await docent?.close();
});

/** Every screen and tab of the admin once logged in, and what shows it is ready. */
const SCREENS: Array<{ name: string; path: string; ready: (p: Page) => Promise<unknown> }> = [
  { name: 'dashboard', path: '/admin/', ready: (p) => p.locator('.checklist-item').first().waitFor() },
  { name: 'training-sources', path: '/admin/training', ready: (p) => p.locator('.source-card').first().waitFor() },
  { name: 'training-training', path: '/admin/training?tab=training', ready: (p) => p.locator('.estimate-text, .last-run').first().waitFor() },
  { name: 'training-retrieval', path: '/admin/training?tab=retrieval', ready: (p) => p.getByText(/The fields start from what the chatbot uses/).waitFor() },
  {
    name: 'training-database',
    path: '/admin/training?tab=database',
    ready: (p) => Promise.all([p.locator('.stat-tiles').waitFor(), p.locator('#webhook-url').waitFor(), p.locator('#embedding-model-facts').waitFor()]),
  },
  { name: 'get-started', path: '/admin/start', ready: (p) => p.getByRole('heading', { name: 'Get started' }).waitFor() },
  { name: 'chatbot', path: '/admin/chatbot', ready: (p) => p.getByLabel('Custom Instructions').waitFor() },
  {
    name: 'widget',
    path: '/admin/widget',
    ready: (p) => p.frameLocator('iframe[title="Widget preview"]').getByRole('button', { name: 'Open chat' }).waitFor(),
  },
  { name: 'conversations', path: '/admin/conversations', ready: (p) => p.locator('table tbody tr').first().waitFor() },
  { name: 'conversation', path: '', ready: (p) => p.locator('.conversation-facts').waitFor() },
  { name: 'leads', path: '/admin/leads', ready: (p) => p.locator('.leads-table, .empty-state').first().waitFor() },
  { name: 'settings-api', path: '/admin/settings', ready: (p) => p.locator('#api-key-status').waitFor() },
  { name: 'settings-account', path: '/admin/settings?tab=account', ready: (p) => p.getByText(/logged in anywhere else|also logged in/).waitFor() },
  { name: 'settings-export-import', path: '/admin/settings?tab=export-import', ready: (p) => p.getByRole('heading', { name: 'Import settings' }).waitFor() },
  { name: 'not-found', path: '/admin/no-such-screen', ready: (p) => p.getByRole('heading', { level: 1 }).waitFor() },
];

describe('admin accessibility and form feedback', () => {
  it('first-run setup and login pass axe at desktop and phone size', async () => {
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.goto(url('/admin/'));
      await page.getByRole('heading', { name: 'Welcome to Docent' }).waitFor();
      assert.deepEqual(await axeViolations(), [], `setup, ${size}`);
      await shot(`setup-${size}`);
    }
    await page.setViewportSize(DESKTOP);
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await page.getByLabel('Confirm password', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Create admin account' }).click();
    // A new admin lands on Get started; it is checked with the other screens below.
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
    csrfToken = (await api('GET', '/api/admin/session')).csrfToken;

    // The content every screen shows: a key, text and Q&A, a file, a web source, one that fails, training, a chat.
    await api('PUT', '/api/admin/settings/api', {
      provider: 'openrouter',
      apiKey: FAKE_KEY,
      model: 'openai/gpt-5.4-mini',
      fallbackModels: [],
      reasoningEnabled: false,
    });
    await api('GET', '/api/admin/models');
    await api('POST', '/api/admin/training/text', {
      title: 'Warranty',
      text: 'Every Acme widget has a two-year warranty covering manufacturing faults.',
      url: 'https://shop.example.com/warranty',
    });
    await api('POST', '/api/admin/training/text', { question: 'What does the warranty cover?', answer: 'Manufacturing faults, for two years.' });
    const upload = await page.request.post(url('/api/admin/training/files'), {
      headers: { 'x-csrf-token': csrfToken },
      multipart: {
        files: {
          name: 'returns-policy-for-all-acme-widgets-and-spare-parts.md',
          mimeType: 'text/markdown',
          buffer: Buffer.from('# Returns\n\nReturn any widget within 30 days for a full refund.'),
        },
      },
    });
    assert.equal(upload.status(), 200, await upload.text());
    await api('POST', '/api/admin/training/sources', { kind: 'web', config: { mode: 'sitemap', sitemapUrl: `${site.url}/sitemap.xml` }, schedule: 'weekly' });
    await waitForJobs();
    await api('POST', '/api/admin/training/sources', { kind: 'web', config: { mode: 'urls', urls: [`${site.url}/gone-for-good.html`] }, schedule: 'off' });
    await waitForJobs();
    await api('POST', '/api/admin/training/start');
    await waitForJobs();
    const chat = await page.request.post(url('/api/widget/chat'), {
      headers: { Origin: 'https://www.example.com' },
      data: { visitorId: 'a11y-visitor-0001', message: 'What does the warranty cover?' },
    });
    assert.equal(chat.status(), 200, await chat.text());
    conversationId = (await api('GET', '/api/admin/conversations?filter=all&offset=0&limit=5')).conversations[0].id;

    const other = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
    const login = await other.newPage();
    for (const [size, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      await login.setViewportSize(viewport);
      await login.goto(url('/admin/login'));
      await login.getByRole('heading', { name: 'Log in' }).waitFor();
      const { violations } = await new AxeBuilder({ page: login }).analyze();
      assert.deepEqual(
        violations.map((v) => v.id),
        [],
        `login, ${size}`,
      );
      await login.screenshot({ path: path.join(ARTIFACTS, `a11y-login-${size}.png`), fullPage: true });
    }
    await other.close();
  });

  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`every screen and tab passes axe with no text cut off, ${size} size`, async () => {
      await page.setViewportSize(viewport);
      for (const screen of SCREENS) {
        await page.goto(url(screen.path || `/admin/conversations/${conversationId}`));
        await screen.ready(page);
        await page.waitForLoadState('networkidle');
        assert.deepEqual(await axeViolations(), [], `${screen.name}, ${size}`);
        assert.deepEqual(await truncatedText(), [], `${screen.name}, ${size}`);
        await shot(`${screen.name}-${size}`);
      }
    });
  }

  it('Playground with an answer, and Test retrieval with results, pass axe at both sizes (the chunk and prompt panes can be scrolled by keyboard)', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(url('/admin/playground'));
    // Not the Q&A entry's own question, which is answered word for word with no prompt to show.
    await page.getByLabel('Your question').fill('How long is the warranty on a widget?');
    await page.getByRole('button', { name: 'Send' }).click();
    const panel = page.getByRole('region', { name: 'What the bot saw' });
    await panel.locator('.chunk').first().waitFor();
    await panel.locator('.prompt-message').first().waitFor();
    const panes = panel.locator('pre');
    assert.ok((await panes.count()) >= 2);
    for (const pane of await panes.all()) {
      assert.equal(await pane.getAttribute('tabindex'), '0');
      assert.equal(await pane.getAttribute('role'), 'region');
      assert.ok(await pane.getAttribute('aria-label'));
    }
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      assert.deepEqual(await axeViolations(), [], `playground, ${size}`);
      assert.deepEqual(await truncatedText(), [], `playground, ${size}`);
      await shot(`playground-${size}`);
    }

    await page.setViewportSize(DESKTOP);
    await page.goto(url('/admin/training?tab=retrieval'));
    // As a user does: the fields have their saved values before Search (an empty "Chunks per answer" is refused).
    await page.getByText(/The fields start from what the chatbot uses/).waitFor();
    await page.getByLabel('Question').fill('How long does standard shipping take?');
    await page.getByLabel('Minimum match').fill('5');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.result').first().waitFor();
    assert.match((await page.locator('#a11y-speak-polite').textContent())!, /^\d+ chunks? found\.$/, 'the count is read out');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Search', 'focus stays on the button');
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      assert.deepEqual(await axeViolations(), [], `test retrieval results, ${size}`);
      assert.deepEqual(await truncatedText(), [], `test retrieval results, ${size}`);
      await shot(`training-retrieval-results-${size}`);
    }
  });

  it('each search setting has one name and one home, the other screens link to it, and every field says what it does', async () => {
    await page.setViewportSize(DESKTOP);
    /** Each number, select and text field of the screen's forms, with the description it points to. */
    const explained = () =>
      page.locator('main form .form-row').evaluateAll((rows) =>
        rows.flatMap((row) =>
          [...row.querySelectorAll('input:not([type=radio]):not([type=checkbox]):not([type=hidden]), select, textarea')].map((field) => {
            const ids = (field.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
            const text = ids
              .map((id) => document.getElementById(id))
              .filter((el) => el?.classList.contains('description'))
              .map((el) => el!.textContent!.trim())
              .join(' ');
            return [row.querySelector('.form-row-label')?.textContent?.trim(), text.length > 20];
          }),
        ),
      );

    await page.goto(url('/admin/chatbot'));
    const model = page.getByRole('region', { name: 'Model and search' });
    await model.getByLabel('Chunks per answer').waitFor();
    assert.match(
      (await page.locator('#cb-topK-description').textContent()) ?? '',
      /How many chunks \(short passages of your content\) the bot reads before it answers.*top-k/,
    );
    assert.match((await page.locator('#cb-minMatch-description').textContent()) ?? '', /How closely a chunk must match the meaning of the question/);
    assert.equal(await model.getByRole('link', { name: 'Data Training → Database Management' }).getAttribute('href'), '/admin/training?tab=database');
    assert.equal(await page.getByLabel('Chunk size').count(), 0, 'chunking lives on Database Management');
    for (const [label, ok] of await explained()) assert.ok(ok, `Chatbot: ${label} is explained`);

    await page.goto(url('/admin/training?tab=database'));
    const chunking = page.getByRole('region', { name: 'Chunking' });
    await chunking.getByLabel('Chunk size').waitFor();
    assert.equal(await page.getByLabel('Chunks per answer').count(), 0, 'search settings live on the Chatbot screen');
    assert.equal(await page.getByLabel('Minimum match').count(), 0);
    assert.equal(await chunking.getByRole('link', { name: 'Chatbot' }).getAttribute('href'), '/admin/chatbot');
    assert.match((await page.locator('#embedding-model-help').textContent()) ?? '', /embeddings: lists of numbers that capture meaning/);
    for (const [label, ok] of await explained()) assert.ok(ok, `Database Management: ${label} is explained`);

    // One count of tokens: the knowledge base total is what the last training reports for the same content.
    const total = (await page
      .locator('.stat-tiles div')
      .filter({ hasText: /^Tokens/ })
      .locator('dd')
      .textContent())!;
    const table = await page.getByRole('table', { name: 'Content per source' }).locator('tbody td[data-label="Tokens"]').allTextContents();
    assert.equal(
      table.reduce((sum, t) => sum + Number(t.replace(/,/g, '')), 0),
      Number(total.replace(/,/g, '')),
    );
    await page.goto(url('/admin/training?tab=training'));
    await page.locator('.last-run').getByText(`${total} tokens`, { exact: false }).waitFor();

    await page.goto(url('/admin/training?tab=retrieval'));
    await page.getByLabel('Chunks per answer').waitFor();
    assert.equal(await page.locator('#main').getByRole('link', { name: 'Chatbot' }).getAttribute('href'), '/admin/chatbot');
  });

  describe('notices after saving', () => {
    /** The notice is all on screen, below the fixed admin bar; the live region has its words. */
    async function assertShown(notice: ReturnType<Page['locator']>, liveRegion: 'polite' | 'assertive', message: string | RegExp) {
      await notice.waitFor();
      // Scrolled into view right after it is drawn; give a busy machine a moment before measuring.
      const measure = () => Promise.all([notice.boundingBox(), page.locator('.adminbar').boundingBox(), page.evaluate(() => window.innerHeight)]);
      for (const started = Date.now(); Date.now() - started < 2000; await page.waitForTimeout(50)) {
        const [b, a, h] = await measure();
        if (b && a && b.y >= a.y + a.height && b.y + b.height <= h) break;
      }
      const [box, bar, height] = await measure();
      assert.ok(box && bar);
      assert.ok(box.y >= bar.y + bar.height, `the notice starts at ${box.y}px, under the admin bar (${bar.y + bar.height}px)`);
      assert.ok(box.y + box.height <= height, `the notice ends at ${box.y + box.height}px, below the window (${height}px)`);
      const spoken = (await page.locator(`#a11y-speak-${liveRegion}`).textContent())!.trim();
      if (typeof message === 'string') assert.equal(spoken, message);
      else assert.match(spoken, message);
      assert.equal(await notice.getAttribute('role'), null, 'the notice is not a second live region');
    }

    const activeId = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim());

    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      it(`Settings, Chatbot and Widget: "saved" is fully visible below the admin bar, read out politely, and focus stays on Save (${size})`, async () => {
        await page.setViewportSize(viewport);
        const screens: Array<[string, string, () => Promise<void>, string]> = [
          ['API Configuration', '/admin/settings', () => page.getByLabel('Low-balance warning').fill(size === 'phone' ? '3' : '2'), 'Settings saved.'],
          ['Chatbot', '/admin/chatbot', () => page.getByLabel('Temperature').fill(size === 'phone' ? '0.4' : '0.5'), 'Settings saved.'],
          [
            'Widget',
            '/admin/widget',
            () => page.getByLabel('Bot name').fill(size === 'phone' ? 'Ada' : 'Acme helper'),
            'Settings saved. Sites that embed the widget pick up the changes on their next page load.',
          ],
        ];
        for (const [name, where, edit, message] of screens) {
          await page.goto(url(where));
          const save = page.getByRole('button', { name: 'Save Changes' });
          await save.waitFor();
          await edit();
          await save.click(); // scrolls the page down to the button, far below the notice's place
          const notice = page.locator('.settings-notice.notice-success');
          await assertShown(notice, 'polite', message);
          assert.equal(await save.evaluate((el) => el === document.activeElement), true, `${name}: focus stays on Save Changes`);
          assert.equal(await page.getByText('You have unsaved changes.').count(), 0);
          await page.mouse.move(0, 0);
          await page.screenshot({ path: path.join(ARTIFACTS, `a11y-saved-${name.replace(/\s+/g, '-').toLowerCase()}-${size}.png`), animations: 'disabled' });
        }
      });
    }

    it('a save that fails on a field moves focus to it and says why assertively; a save that fails outright keeps focus on Save', async () => {
      await page.setViewportSize(DESKTOP);
      await page.goto(url('/admin/chatbot'));
      const temperature = page.getByLabel('Temperature');
      await temperature.fill('5');
      await page.getByRole('button', { name: 'Save Changes' }).click();
      await page.locator('#cb-temperature-error').waitFor();
      assert.equal(await activeId(), 'cb-temperature', 'focus on the first field in error');
      assert.equal(await page.locator('#a11y-speak-assertive').textContent(), 'Please correct the highlighted fields.');
      assert.equal(await page.locator('#a11y-speak-polite').textContent(), '', 'one message at a time');
      await temperature.fill('0.3');

      // The network fails: no field to go to, so focus stays on the button and the notice comes into view.
      await page.route('**/api/admin/chatbot/settings', (route) => (route.request().method() === 'PUT' ? route.abort('connectionrefused') : route.continue()));
      await page.getByLabel('Keep conversations for').fill('45');
      const save = page.getByRole('button', { name: 'Save Changes' });
      await save.click();
      await assertShown(page.locator('.settings-notice.notice-error'), 'assertive', /^Settings not saved: /);
      assert.equal(await save.evaluate((el) => el === document.activeElement), true, 'focus stays on Save Changes');
      await page.unroute('**/api/admin/chatbot/settings');
      await save.click();
      await assertShown(page.locator('.settings-notice.notice-success'), 'polite', 'Settings saved.');
    });

    it('Account and Database Management use the same feedback: field in error focused, success read out, focus kept', async () => {
      await page.goto(url('/admin/settings?tab=account'));
      await page.getByLabel('Current password', { exact: true }).fill('not the password');
      await page.getByLabel('New password', { exact: true }).fill('another long password');
      await page.getByLabel('Confirm new password', { exact: true }).fill('another long password');
      await page.getByRole('button', { name: 'Change Password' }).click();
      await page.locator('#current-password-error').waitFor();
      assert.equal(await activeId(), 'current-password');
      assert.match((await page.locator('#a11y-speak-assertive').textContent())!, /^The password was not changed/);
      for (const label of ['Current password', 'New password', 'Confirm new password']) await page.getByLabel(label, { exact: true }).fill('');

      await page.goto(url('/admin/training?tab=database'));
      const size = page.getByLabel('Chunk size');
      await size.fill('400');
      const save = page.getByRole('button', { name: 'Save Chunking' });
      await save.click();
      await page.locator('#main').getByText('Chunking saved.').waitFor();
      assert.equal(await page.locator('#a11y-speak-polite').textContent(), 'Chunking saved. It applies to content added or re-synced from now on.');
      assert.equal(await save.evaluate((el) => el === document.activeElement), true);
    });
  });

  describe('unsaved changes', () => {
    const dashboard = () => menu().getByRole('link', { name: 'Dashboard' });

    it('API Configuration: a tested but unsaved key is not lost to a click on Dashboard; reload asks too; after saving, no prompt', async () => {
      await page.setViewportSize(DESKTOP);
      await page.goto(url('/admin/settings'));
      await page.getByRole('button', { name: 'Change key' }).click();
      const key = page.getByLabel('OpenRouter API Key');
      await key.fill(FAKE_KEY);
      await page.getByRole('button', { name: 'Test API Key' }).click();
      await page.getByText('OpenRouter accepted this key.').waitFor();

      const stay = await dialogsDuring('dismiss', () => dashboard().click());
      assert.deepEqual(stay, [{ type: 'confirm', message: LEAVE_MESSAGE }]);
      assert.equal(new URL(page.url()).pathname, '/admin/settings', 'cancel keeps the screen');
      assert.equal(await key.inputValue(), FAKE_KEY, 'and the typed key');
      await page.getByText('OpenRouter accepted this key.').waitFor();

      const reload = await dialogsDuring('accept', () => page.reload());
      assert.deepEqual(
        reload.map((d) => d.type),
        ['beforeunload'],
      );
      await page.locator('#api-key-status').waitFor();

      await page.getByLabel('Low-balance warning').fill('4');
      const leave = await dialogsDuring('accept', async () => {
        await dashboard().click();
        await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      });
      assert.deepEqual(
        leave.map((d) => d.type),
        ['confirm'],
        'confirm leaves',
      );

      await page.goto(url('/admin/settings'));
      await page.getByLabel('Low-balance warning').fill('5');
      await page.getByRole('button', { name: 'Save Changes' }).click();
      await page.locator('.settings-notice.notice-success').waitFor();
      const none = await dialogsDuring('dismiss', async () => {
        await dashboard().click();
        await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
        await page.reload();
        await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      });
      assert.deepEqual(none, [], 'saved: no prompt');
    });

    it('every form screen asks before an in-app link, a tab or Back leaves its changes; nothing asks when nothing changed', async () => {
      const exported = await (await page.request.get(url('/api/admin/settings/export'))).body();
      const edited = JSON.parse(exported.toString());
      edited.settings.chatbot.temperature = 0.8;
      const forms: Array<{ name: string; path: string; edit: () => Promise<unknown>; kept: () => Promise<unknown> }> = [
        {
          name: 'Account',
          path: '/admin/settings?tab=account',
          edit: () => page.getByLabel('New password', { exact: true }).fill('half typed'),
          kept: async () => assert.equal(await page.getByLabel('New password', { exact: true }).inputValue(), 'half typed'),
        },
        {
          name: 'Export and import',
          path: '/admin/settings?tab=export-import',
          edit: async () => {
            await page
              .getByLabel('Settings file')
              .setInputFiles({ name: 'edited.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(edited)) });
            await page.getByRole('heading', { name: 'edited.json changes 1 setting' }).waitFor();
          },
          kept: () => page.getByRole('button', { name: 'Import 1 setting' }).waitFor(),
        },
        {
          name: 'Chatbot',
          path: '/admin/chatbot',
          edit: () => page.getByLabel('History length').fill('7'),
          kept: async () => assert.equal(await page.getByLabel('History length').inputValue(), '7'),
        },
        {
          name: 'Widget',
          path: '/admin/widget',
          edit: () => page.getByLabel('Welcome message').fill('Hello there!'),
          kept: async () => assert.equal(await page.getByLabel('Welcome message').inputValue(), 'Hello there!'),
        },
        {
          name: 'Chunking',
          path: '/admin/training?tab=database',
          edit: () => page.getByLabel('Chunk overlap').fill('60'),
          kept: async () => assert.equal(await page.getByLabel('Chunk overlap').inputValue(), '60'),
        },
        {
          name: 'Q&A entry',
          path: '/admin/training',
          edit: () => page.getByRole('region', { name: 'Text & Q&A' }).getByLabel('Question', { exact: true }).fill('Is parking free?'),
          kept: async () =>
            assert.equal(await page.getByRole('region', { name: 'Text & Q&A' }).getByLabel('Question', { exact: true }).inputValue(), 'Is parking free?'),
        },
        {
          name: 'WordPress site',
          path: '/admin/training',
          edit: () => page.getByLabel('Site URL').fill('https://blog.example.com'),
          kept: async () => assert.equal(await page.getByLabel('Site URL').inputValue(), 'https://blog.example.com'),
        },
      ];
      for (const form of forms) {
        await page.goto(url(form.path));
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.waitForLoadState('networkidle');
        const untouched = await dialogsDuring('dismiss', async () => {
          await dashboard().click();
          await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
        });
        assert.deepEqual(untouched, [], `${form.name}: nothing changed, no prompt`);
        await page.goto(url(form.path));
        await page.waitForLoadState('networkidle');
        await form.edit();
        const where = page.url();
        const asked = await dialogsDuring('dismiss', () => dashboard().click());
        assert.deepEqual(asked, [{ type: 'confirm', message: LEAVE_MESSAGE }], `${form.name}: asks`);
        assert.equal(page.url(), where, `${form.name}: stays`);
        await form.kept();
      }

      // A tab of the same screen, and Back, ask too.
      await page.goto(url('/admin/'));
      await menu().getByRole('link', { name: 'Chatbot' }).click();
      await page.getByLabel('History length').fill('9');
      // The browser's Back (history.back(): page.goBack() skips the page's popstate once the tab has 50 entries).
      const back = await dialogsDuring('dismiss', () => Promise.all([page.waitForEvent('dialog'), page.evaluate(() => history.back())]));
      assert.deepEqual(
        back.map((d) => d.type),
        ['confirm'],
        'Back asks',
      );
      await page.waitForFunction(() => location.pathname === '/admin/chatbot');
      assert.equal(await page.getByLabel('History length').inputValue(), '9');
      const logout = await dialogsDuring('dismiss', () => page.getByRole('button', { name: 'Log out' }).click());
      assert.deepEqual(
        logout.map((d) => d.type),
        ['confirm'],
        'Log out asks',
      );
      await page.getByLabel('History length').waitFor();

      await page.goto(url('/admin/settings?tab=account'));
      await page.getByLabel('Current password', { exact: true }).fill('x');
      const tab = await dialogsDuring('dismiss', () =>
        page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'API Configuration' }).click(),
      );
      assert.deepEqual(
        tab.map((d) => d.type),
        ['confirm'],
        'another tab asks',
      );
      assert.equal(new URL(page.url()).search, '?tab=account');
      // Changed back to what it was: nothing to lose.
      await page.getByLabel('Current password', { exact: true }).fill('');
      const cleared = await dialogsDuring('dismiss', async () => {
        await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'API Configuration' }).click();
        await page.locator('#api-key-status').waitFor();
      });
      assert.deepEqual(cleared, []);
      assert.deepEqual(pageErrors, []);
    });
  });
});
