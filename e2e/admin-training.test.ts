// Browser test of Data Training: sources (text, files, a sitemap), training with live progress,
// test retrieval, database management. Real server (built admin UI in dist/admin-ui), fake OpenRouter,
// the fixture website, Debian's Chromium. Screenshots go to e2e/artifacts/training-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page, Request } from 'playwright-core';
import { launchBrowser } from './support/browser.js';
import { PUBLIC_URL, startDocent, TEST_PASSWORD } from './support/harness.js';
import { FAKE_KEY, startFakeOpenRouter, type FakeOpenRouter } from './fakes/openrouter.js';
import { startStaticSite, type StaticSite } from './fakes/static-site.js';
import { startFakeWordPress } from './fakes/wordpress.js';
import { ADMIN_UI_DIR, PROJECT_ROOT } from '../server/paths.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'e2e', 'artifacts');
const DOCS = path.join(PROJECT_ROOT, 'e2e', 'fixtures', 'docs');

type Docent = Awaited<ReturnType<typeof startDocent>>;

let docent: Docent;
let site: StaticSite;
/** An OpenAI-compatible endpoint the admin switches to (the provider-change test). */
let local: FakeOpenRouter | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrfToken = '';
const apiRequests: Request[] = [];
const pageErrors: string[] = [];

const url = (p: string) => docent.url + p;

async function shot(name: string, fullPage = true) {
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage, animations: 'disabled' });
}

const tabs = () => page.getByRole('navigation', { name: 'Data Training sections' });
const card = (name: string | RegExp) => page.locator('.source-card').filter({ has: page.getByRole('heading', { name, exact: typeof name === 'string' }) });
const progressbar = () => page.getByRole('progressbar', { name: 'Training' });

async function openTab(name: string) {
  await tabs().getByRole('link', { name }).click();
  assert.equal(await tabs().getByRole('link', { name }).getAttribute('aria-current'), 'page');
}

async function valueNow(bar: Locator): Promise<number | null> {
  const v = await bar.getAttribute('aria-valuenow');
  return v == null ? null : Number(v);
}

/** Texts of the error elements an input points to with aria-describedby. */
async function describedErrors(selector: string): Promise<string[]> {
  return page.locator(selector).evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id))
      .filter((e): e is HTMLElement => !!e && e.getAttribute('role') === 'alert')
      .map((e) => (e.textContent ?? '').replace(/^!/, '')),
  );
}

before(async () => {
  if (!existsSync(path.join(ADMIN_UI_DIR, 'index.html'))) {
    throw new Error('The admin UI is not built: run "npx vite build --config admin-ui/vite.config.ts" first.');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  // Small upload limits, so choosing four files sends two requests and one file is over the size limit.
  docent = await startDocent({ env: { MAX_FILES_PER_UPLOAD: '2', MAX_UPLOAD_MB: '1' } });
  site = await startStaticSite();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('request', (r) => {
    if (r.url().includes('/api/')) apiRequests.push(r);
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // First run: create the admin through the API; the browser context shares the session cookie.
  const res = await page.request.post(url('/api/admin/setup'), { data: { password: TEST_PASSWORD } });
  assert.equal(res.status(), 201, await res.text());
  csrfToken = (await res.json()).csrfToken;
});

after(async () => {
  await browser?.close();
  await site?.close();
  await docent?.close();
  await local?.close();
});

describe('Data Training screen', () => {
  it('the dashboard checklist link opens Data Training on the Sources tab', async () => {
    await page.goto(url('/admin/'));
    await page.getByRole('link', { name: 'Train the bot on your content' }).click();
    await page.getByRole('heading', { name: 'Data Training', level: 1 }).waitFor();
    await page.waitForURL((u) => u.pathname === '/admin/training');
    assert.equal(await tabs().getByRole('link', { name: 'Sources' }).getAttribute('aria-current'), 'page');
    const menu = page.getByRole('navigation', { name: 'Main menu' });
    assert.equal(await menu.getByRole('link', { name: 'Sources' }).getAttribute('aria-current'), 'page');
    assert.equal(await menu.getByRole('link', { name: 'Database Management' }).getAttribute('href'), '/admin/training?tab=database');
    assert.equal(await page.title(), 'Sources ‹ Data Training ‹ Docent');

    for (const name of ['Text & Q&A', 'Files']) {
      const c = card(name);
      await c.waitFor();
      assert.equal((await c.locator('.status-badge').textContent())?.trim(), 'Empty');
      assert.equal(await c.getByRole('switch').isChecked(), true);
    }
    assert.match((await card('Files').textContent()) ?? '', /0 files\s*0 chunks/);
  });

  it('Text & Q&A: required fields, add a Q&A entry, edit it', async () => {
    const panel = page.getByRole('region', { name: 'Text & Q&A' });
    await panel.getByRole('button', { name: 'Add Q&A' }).click();
    await panel.getByText('Enter the question.').waitFor();
    assert.equal(await page.locator('#text-question').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await describedErrors('#text-answer'), ['Enter the answer.']);

    await panel.getByLabel('Question', { exact: true }).fill('Do you gift wrap orders?');
    await panel.getByLabel('Answer', { exact: true }).fill('Yes. Gift wrapping costs $3 per order; choose it at checkout.');
    await panel.getByRole('button', { name: 'Add Q&A' }).click();
    await panel.getByText(/Q&A added: 1 chunk\./).waitFor();
    const entries = panel.getByRole('list', { name: 'Text and Q&A entries' });
    await entries.getByText('Do you gift wrap orders?').waitFor();
    assert.equal(await panel.getByLabel('Question', { exact: true }).inputValue(), '', 'the form is cleared');

    await entries.getByRole('button', { name: 'Edit “Do you gift wrap orders?”' }).click();
    await panel.getByText('Editing “Do you gift wrap orders?”').waitFor();
    assert.equal(await panel.getByLabel('Answer', { exact: true }).inputValue(), 'Yes. Gift wrapping costs $3 per order; choose it at checkout.');
    await panel.getByLabel('Answer', { exact: true }).fill('Yes. Gift wrapping costs $3 per order; choose it at checkout. Gift notes are free.');
    await panel.getByRole('button', { name: 'Update entry' }).click();
    await panel.getByText(/Q&A updated: 1 chunk\./).waitFor();

    const c = card('Text & Q&A');
    await c.getByText('1 entry').waitFor();
    assert.equal((await c.locator('.status-badge').textContent())?.trim(), 'Needs training');
  });

  it('Files: the limits are stated; a selection goes in batches; every file gets its result (chunks or the error)', async () => {
    const description = page.locator('#file-types');
    await description.getByText(/up to 1 MB each, PDFs up to 2,000 pages\.\s+Choose as many as you like: they are sent 2 at a time\./).waitFor();
    const big = path.join(ARTIFACTS, 'catalogue-too-big.txt');
    writeFileSync(big, 'Every product we sell, described at length. '.repeat(30_000));
    const posts = () => apiRequests.filter((r) => r.method() === 'POST' && r.url().endsWith('/api/admin/training/files')).length;
    const before = posts();
    await page
      .locator('#file-input')
      .setInputFiles([path.join(DOCS, 'pip-authentication.md'), big, path.join(DOCS, 'transfig-manual.pdf'), path.join(DOCS, 'broken-manual.pdf')]);
    const results = page.getByRole('list', { name: 'Upload results' });
    await page.locator('#main').getByText('2 of 4 files added.').waitFor();
    assert.equal(posts() - before, 2, 'three files to send, two per request');
    const texts = await results.getByRole('listitem').allTextContents();
    assert.equal(texts.length, 4);
    assert.match(texts[0], /pip-authentication\.md\s*Added: \d+ chunks? \([\d,]+ tokens\)/);
    assert.match(texts[1], /catalogue-too-big\.txt\s*The file is larger than 1 MB, the limit for one file \(MAX_UPLOAD_MB\)\./);
    assert.match(texts[2], /transfig-manual\.pdf\s*Added: \d+ chunks? \([\d,]+ tokens\)/);
    assert.match(texts[3], /broken-manual\.pdf\s*This PDF is damaged or incomplete/);
    await shot('training-upload-results');
    const files = page.getByRole('list', { name: 'Uploaded files' });
    // Each file is listed by its title and the name it was uploaded as.
    for (const name of ['transfig-manual.pdf', 'pip-authentication.md']) await files.locator('.doc-file', { hasText: name }).waitFor();
    await card('Files').getByText('2 files').waitFor();
  });

  it('Web pages: a bad URL shows the server field error; a sitemap reads its 7 pages', async () => {
    const panel = page.getByRole('region', { name: 'Web pages' });
    await panel.getByRole('radio', { name: /A sitemap/ }).check();
    const input = panel.getByLabel('Sitemap URL');
    await input.fill('not a url');
    const posts = () => apiRequests.filter((r) => r.method() === 'POST' && r.url().endsWith('/api/admin/training/sources')).length;
    await panel.getByRole('button', { name: 'Add web pages' }).click();
    const message = 'Enter the full sitemap URL, e.g. https://example.com/sitemap.xml.';
    await panel.getByRole('alert').filter({ hasText: message }).waitFor();
    assert.equal(posts(), 1, 'the server checked the URL');
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await describedErrors('#web-sitemapUrl'), [message]);
    assert.ok(await input.evaluate((el) => el === document.activeElement), 'focus goes to the field');

    await input.fill(`${site.url}/sitemap.xml`);
    assert.equal(await input.getAttribute('aria-invalid'), null, 'typing clears the error');
    await panel.getByRole('button', { name: 'Add web pages' }).click();
    const host = new URL(site.url).host;
    await panel.getByText(`Added “Sitemap: ${host}”.`, { exact: false }).waitFor();
    await panel.getByText('Finished reading.').waitFor();
    assert.match((await panel.locator('.job-counters').textContent()) ?? '', /Pages read\s*7/);
    assert.match((await panel.locator('.job-log').textContent()) ?? '', /Added “Shipping & Delivery”/);

    const web = card(`Sitemap: ${host}`);
    await web.getByText('7 pages').waitFor();
    assert.equal((await web.locator('.status-badge').textContent())?.trim(), 'Needs training');
    await web.getByText(/Last synced just now/).waitFor();
    assert.equal(await web.getByLabel(`Automatic re-sync of Sitemap: ${host}`).inputValue(), 'off');
    await web.getByRole('button', { name: 'Re-sync' }).waitFor();
    await shot('training-sources');
  });

  it('Training: estimate; without a key a notice links to Settings; with one the progress bar runs to 100% and survives a reload', async () => {
    await openTab('Training');
    const estimate = page.locator('.estimate-text');
    await estimate.waitFor();
    const text = (await estimate.textContent()) ?? '';
    assert.match(text, /^\d+ chunks \([\d,]+ tokens\) to embed with openai\/text-embedding-3-small, estimated cost (less than \$0\.01|\$[\d.]+)\.$/);
    const chunks = Number(/^(\d+) chunks/.exec(text)![1]);
    assert.ok(chunks > 20, `chunks: ${chunks}`);

    // No API key yet: the server refuses and the notice says where to fix it.
    await page.getByRole('button', { name: 'Start Training' }).click();
    const alert = page.locator('.notice-error').filter({ hasText: 'Add your OpenRouter API key in Settings → API Configuration before training.' });
    await alert.waitFor();
    assert.equal(await alert.getByRole('link', { name: 'Go to Settings → API Configuration' }).getAttribute('href'), '/admin/settings');

    const saved = await page.request.put(url('/api/admin/settings/api'), {
      headers: { 'x-csrf-token': csrfToken },
      data: { provider: 'openrouter', apiKey: FAKE_KEY, model: 'openai/gpt-5.4-mini', fallbackModels: [], reasoningEnabled: false },
    });
    assert.equal(saved.status(), 200, await saved.text());

    // Slow embeddings so that the bar is seen before it is full.
    docent.fake.setOptions({ latencyMs: 5000 });
    await page.getByRole('button', { name: 'Start Training' }).click();
    await page.waitForFunction(() => {
      const v = document.querySelector('[role="progressbar"][aria-label="Training"]')?.getAttribute('aria-valuenow');
      return v != null && Number(v) < 100;
    });
    const first = await valueNow(progressbar());
    assert.ok(first !== null && first < 100, `progress first seen at ${first}`);
    assert.match((await page.locator('.job-phase').textContent()) ?? '', /Embedding with openai\/text-embedding-3-small/);
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    assert.match((await page.locator('.job-counters').textContent()) ?? '', new RegExp(`Chunks\\s*\\d+ of ${chunks}`));
    await shot('training-progress', false);

    // A reload shows the running job again (from GET /training/jobs).
    await page.reload();
    await progressbar().waitFor();
    await page.waitForFunction(
      () => document.querySelector('[role="progressbar"][aria-label="Training"]')?.getAttribute('aria-valuenow') === '100',
      undefined,
      { timeout: 15_000 },
    );
    assert.equal(await valueNow(progressbar()), 100);
    await page.getByText('Training finished.').waitFor();
    assert.match((await page.locator('.job-counters').textContent()) ?? '', new RegExp(`Chunks\\s*${chunks} of ${chunks}`));
    assert.match((await page.locator('.job-log').textContent()) ?? '', /\d+ chunks of \d+ documents to index with openai\/text-embedding-3-small/);
    await page.getByText('Everything is trained.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Start Training' }).isDisabled(), true);
    docent.fake.setOptions({ latencyMs: 0 });
    await shot('training-training');

    await openTab('Sources');
    assert.equal((await card('Files').locator('.status-badge').textContent())?.trim(), 'Trained');
  });

  it('Test retrieval: defaults from the settings, an empty result explained, the shipping page first', async () => {
    await openTab('Test retrieval');
    const topK = page.getByLabel('Chunks per answer');
    const minMatch = page.getByLabel('Minimum match');
    await page.waitForFunction(() => (document.getElementById('search-topK') as HTMLInputElement | null)?.value === '6');
    assert.equal(await minMatch.inputValue(), '30');

    await page.getByLabel('Question').fill('How long does standard shipping take?');
    await minMatch.fill('95');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Nothing passed the minimum match of 95%. Lower it or add content.').waitFor();

    await minMatch.fill('10');
    await topK.fill('4');
    await page.getByRole('button', { name: 'Search' }).click();
    const results = page.locator('.result');
    await results.first().waitFor();
    assert.ok((await results.count()) <= 4);
    const top = results.first();
    const link = top.getByRole('link', { name: /Shipping & Delivery/ });
    assert.equal(await link.getAttribute('href'), `${site.url}/shipping.html`);
    assert.match((await top.locator('.result-scores').textContent()) ?? '', /\d+\.\d% match\s*By meaning #\d+ · By words (#\d+|–)/);
    assert.match((await top.locator('.result-content').textContent()) ?? '', /Standard shipping takes 3 to 5 business days/);
    assert.equal(await top.locator('.result-content *').count(), 0, 'chunk text is shown as text');
    await shot('training-retrieval');
  });

  it('Database Management: counts, index, embedding model rebuild with estimate and progress, settings errors, webhook', async () => {
    await openTab('Database Management');
    const tiles = page.locator('.stat-tiles');
    await tiles.waitFor();
    assert.match((await tiles.textContent()) ?? '', /Documents\s*10\s*Chunks\s*\d+/);
    const host = new URL(site.url).host;
    const row = page.getByRole('row', { name: new RegExp(`Sitemap: ${host.replace(/\./g, '\\.')}`) });
    assert.match((await row.textContent()) ?? '', /Web pages\s*7/);
    const index = page.locator('.index-info');
    assert.match((await index.textContent()) ?? '', /Active index: openai\/text-embedding-3-small via OpenRouter, 1,536 dimensions, \d+ vectors/);
    await page.getByText(/Last training:\s*Finished/).waitFor();

    const select = page.getByRole('combobox', { name: 'Embedding model' });
    await page.waitForFunction(() => (document.getElementById('embedding-model') as HTMLSelectElement | null)?.value === 'openai/text-embedding-3-small');
    // The list shows names (nothing cut off on a phone); the chosen model's id, size and price are under it.
    assert.equal(await select.locator('option:checked').textContent(), 'OpenAI: Text Embedding 3 Small');
    assert.equal(
      await page.locator('#embedding-model-facts').textContent(),
      'In use now · openai/text-embedding-3-small · 1,536 dimensions · $0.02 per 1M tokens',
    );
    await select.selectOption('openai/text-embedding-3-large');
    const box = page.locator('.rebuild-box');
    await box
      .getByText(/Rebuilding embeds \d+ chunks \([\d,]+ tokens\) with openai\/text-embedding-3-large \(3,072 dimensions\): less than \$0\.01\./)
      .waitFor();
    const rebuild = page.getByRole('button', { name: 'Rebuild index with OpenAI: Text Embedding 3 Large (less than $0.01)' });
    docent.fake.setOptions({ latencyMs: 1500 });
    let question = '';
    page.once('dialog', (d) => {
      question = d.message();
      void d.accept();
    });
    await rebuild.click();
    await page.getByText('The current index keeps answering questions until the new one is complete').waitFor();
    assert.match(question, /Rebuild the search index with OpenAI: Text Embedding 3 Large\?/);
    await page.getByRole('progressbar', { name: 'Building the new index' }).waitFor();
    await page.getByText('The new index is ready.').waitFor({ timeout: 15_000 });
    docent.fake.setOptions({ latencyMs: 0 });
    await page.waitForFunction(() => /text-embedding-3-large via OpenRouter, 3,072 dimensions/.test(document.querySelector('.index-info')?.textContent ?? ''));
    await page.waitForFunction(() => (document.getElementById('embedding-model') as HTMLSelectElement | null)?.value === 'openai/text-embedding-3-large');

    // Server-side field error for the chunk overlap.
    await page.getByLabel('Chunk overlap').fill('200');
    await page.getByRole('button', { name: 'Save Chunking' }).click();
    await page.getByRole('alert').filter({ hasText: 'Overlap must be less than half the chunk size.' }).waitFor();
    assert.equal(await page.getByLabel('Chunk overlap').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Chunk overlap').fill('50');
    await page.getByRole('button', { name: 'Save Chunking' }).click();
    await page.locator('#main').getByText('Chunking saved.').waitFor();

    // Webhook URL, masked token, curl example.
    assert.equal(await page.getByRole('textbox', { name: 'Webhook URL' }).inputValue(), `${PUBLIC_URL}/api/webhooks/content`);
    const token = page.getByLabel('Token', { exact: true });
    assert.equal(await token.getAttribute('type'), 'password');
    const tokenValue = await token.inputValue();
    assert.ok(tokenValue.length >= 20);
    const example = (await page.locator('.code-block pre').textContent()) ?? '';
    assert.ok(example.includes(`curl -X POST '${PUBLIC_URL}/api/webhooks/content'`), example);
    assert.ok(!example.includes(tokenValue), 'the token is masked in the example until shown');
    await page.getByRole('button', { name: 'Copy the webhook URL' }).waitFor();
    // No clipboard permission here: the example (no text field of its own) is copied the old way, and says so.
    const copyExample = page.getByRole('button', { name: 'Copy the curl example' });
    await copyExample.click();
    await page.locator('.code-block').getByText('Copied to the clipboard.').waitFor({ state: 'attached' });
    assert.equal((await copyExample.textContent())?.trim(), 'Copied');
    await page.locator('.code-block').screenshot({ path: path.join(ARTIFACTS, 'training-webhook-example-copied.png'), animations: 'disabled' });

    // Delete all needs DELETE typed first (cancelled here: the data stays).
    await page.getByRole('button', { name: 'Delete all training data…' }).click();
    const confirmBox = page.getByLabel('Type DELETE to confirm');
    assert.ok(await confirmBox.evaluate((el) => el === document.activeElement));
    const del = page.getByRole('button', { name: 'Delete everything' });
    assert.equal(await del.isDisabled(), true);
    await confirmBox.fill('delete');
    assert.equal(await del.isDisabled(), true);
    await confirmBox.fill('DELETE');
    assert.equal(await del.isEnabled(), true);
    await shot('training-database');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('the embedding-model link on API Configuration lands on Database Management', async () => {
    await page.goto(url('/admin/settings'));
    await page.getByRole('link', { name: 'Change in Data Training → Database Management' }).click();
    await page.waitForURL((u) => u.pathname === '/admin/training' && u.search === '?tab=database');
    await page.getByRole('heading', { name: 'Embedding model', level: 2 }).waitFor();
    assert.equal(await tabs().getByRole('link', { name: 'Database Management' }).getAttribute('aria-current'), 'page');
  });

  it('WordPress site: reads the posts with progress; schedule, switch and delete on its card', async () => {
    const wp = await startFakeWordPress();
    try {
      await page.goto(url('/admin/training'));
      const panel = page.getByRole('region', { name: 'WordPress site' });
      await panel.getByLabel('Site URL').fill(wp.url);
      assert.equal(await panel.getByLabel('Re-sync automatically').inputValue(), 'daily');
      await panel.getByRole('button', { name: 'Add WordPress site' }).click();
      const c = card(`WordPress: ${new URL(wp.url).host}`);
      // While it reads, the card says so.
      await c.locator('.status-badge', { hasText: 'Syncing' }).waitFor();
      await panel.getByText('Finished reading.').waitFor({ timeout: 20_000 });
      const read = Number(/Posts read\s*([\d,]+)/.exec((await panel.locator('.job-counters').textContent()) ?? '')?.[1].replace(/,/g, ''));
      assert.ok(read > 200, `posts read: ${read}`);

      await c.getByText(new RegExp(`${read.toLocaleString('en')} posts`)).waitFor();
      assert.equal((await c.locator('.status-badge').textContent())?.trim(), 'Needs training');

      // Re-sync reads again and trains: the card shows the embedding progress (slowed down to be seen).
      docent.fake.setOptions({ latencyMs: 4000 });
      await c.getByRole('button', { name: 'Re-sync' }).click();
      await c
        .locator('.source-card-job')
        .filter({ hasText: /Embedding: \d+ of [\d,]+ chunks/ })
        .waitFor();
      assert.equal((await c.locator('.status-badge').textContent())?.trim(), 'Syncing');
      await page.locator('.source-grid').screenshot({ path: path.join(ARTIFACTS, 'training-sources-syncing.png'), animations: 'disabled' });
      await c.locator('.status-badge', { hasText: 'Trained' }).waitFor({ timeout: 15_000 });
      docent.fake.setOptions({ latencyMs: 0 });

      const schedule = c.getByRole('combobox', { name: /Automatic re-sync of/ });
      assert.equal(await schedule.inputValue(), 'daily');
      await schedule.selectOption('weekly');
      await c.getByText('Re-synced weekly from now on.').waitFor();

      const toggle = c.getByRole('switch');
      await toggle.uncheck();
      await c.getByText('Switched off: the chatbot ignores this content.').waitFor();
      assert.equal(await c.getByRole('button', { name: 'Re-sync' }).isDisabled(), true, 'a switched-off source is not re-synced');
      const sources = (await (await page.request.get(url('/api/admin/training/sources'))).json()).sources as Array<{
        name: string;
        enabled: boolean;
        schedule: string;
      }>;
      const stored = sources.find((x) => x.name.startsWith('WordPress:'));
      assert.deepEqual([stored?.enabled, stored?.schedule], [false, 'weekly']);

      let question = '';
      page.once('dialog', (d) => {
        question = d.message();
        void d.accept();
      });
      await c.getByRole('button', { name: 'Delete', exact: true }).click();
      await c.waitFor({ state: 'detached' });
      assert.match(question, /Delete the source “WordPress: .*” and its [\d,]+ posts\?/);
    } finally {
      await wp.close();
    }
  });

  it('provider change: API Configuration says the index stays on the old provider and links to a rebuild for the new one', async () => {
    const LOCAL_KEY = 'local-endpoint-key-e2e';
    local = await startFakeOpenRouter({ validKeys: [LOCAL_KEY], modelsListed: 'all' });
    await page.goto(url('/admin/settings'));
    await page.getByRole('radio', { name: /OpenAI-compatible endpoint/ }).check();
    await page.getByLabel('Base URL').fill(local.baseURL);
    await page.getByLabel('API Key', { exact: true }).fill(LOCAL_KEY);
    await page.getByRole('button', { name: 'Save Changes' }).click();
    const saved = page.locator('.settings-notice');
    await saved.getByText('Settings saved.').waitFor();
    assert.match((await saved.textContent()) ?? '', /Search keeps using the index built with OpenRouter until you rebuild it for the new provider/);
    const notice = page.locator('.index-provider-notice');
    assert.match(
      (await notice.textContent()) ?? '',
      /Your search index was built with OpenRouter and keeps answering through it, with the key saved for it, until you rebuild it for this provider\./,
    );
    await shot('training-provider-changed-settings');

    await notice.getByRole('link', { name: 'Rebuild the index in Database Management' }).click();
    await page.waitForURL((u) => u.pathname === '/admin/training' && u.search === '?tab=database');
    const warning = page.locator('.notice-warning').filter({ hasText: 'This index was built with OpenRouter' });
    await warning.waitFor();
    assert.match((await warning.textContent()) ?? '', new RegExp(`but Settings now use the endpoint at ${local.baseURL.replace(/[.]/g, '\\.')}\\.`));
    // The new provider offers the same model: it is the default, and rebuilding with it is a real rebuild.
    await page.waitForFunction(() => (document.getElementById('embedding-model') as HTMLSelectElement | null)?.value === 'openai/text-embedding-3-large');
    assert.doesNotMatch((await page.locator('#embedding-model option:checked').textContent()) ?? '', /current/);
    await page
      .locator('.rebuild-box')
      .getByText(/Rebuilding embeds \d+ chunks .* with openai\/text-embedding-3-large/)
      .waitFor();
    assert.equal(await page.getByRole('button', { name: /^Keep / }).count(), 0, 'keeping the old provider is what not rebuilding does');
    await shot('training-provider-changed-database');
    // An OpenAI-compatible server's model can also be typed (its list only shows ids with "embed" in them).
    await page.getByRole('combobox', { name: 'Embedding model' }).selectOption({ label: 'Another model id…' });
    const typed = page.getByLabel('Model id');
    assert.ok(await typed.evaluate((el) => el === document.activeElement), 'the model id box gets the focus');
    await typed.fill('no such model');
    await page.getByRole('alert').filter({ hasText: 'Model ids have no spaces, like openai/text-embedding-3-small or bge-m3.' }).waitFor();
    assert.equal(await typed.getAttribute('aria-invalid'), 'true');
    await typed.fill('openai/text-embedding-3-large');
    await page
      .locator('.rebuild-box')
      .getByText(/Rebuilding embeds \d+ chunks .* with openai\/text-embedding-3-large/)
      .waitFor();
    await page.locator('#embedding-title').scrollIntoViewIfNeeded();
    await shot('training-provider-custom-model', false);

    // The first attempt is refused by the new endpoint: the rebuild stays unfinished, to resume or cancel.
    local.fail({ route: 'embeddings', kind: 'invalid-key', times: 1 });
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: /^Rebuild index with OpenAI: Text Embedding 3 Large/ }).click();
    const unfinished = page.locator('.unfinished-rebuild');
    await unfinished.waitFor();
    assert.match(
      (await unfinished.textContent()) ?? '',
      /The rebuild with openai\/text-embedding-3-large did not finish\. The current index keeps answering\./,
    );
    await page
      .locator('.rebuild-job')
      .getByText(/rejected this key/)
      .first()
      .waitFor();
    await shot('training-rebuild-unfinished');
    local.setOptions({ latencyMs: 800 });
    await unfinished.getByRole('button', { name: 'Resume rebuild' }).click();
    await page.getByRole('progressbar', { name: 'Building the new index' }).waitFor();
    await unfinished.waitFor({ state: 'detached' });
    // Meanwhile the old index answers through OpenRouter.
    const search = await page.request.post(url('/api/admin/training/search'), {
      data: { question: 'How long does standard shipping take?', minMatch: 0 },
      headers: { 'x-csrf-token': csrfToken },
    });
    assert.equal(search.status(), 200, await search.text());
    assert.ok(((await search.json()).chunks as unknown[]).length > 0);
    await page.getByText('The new index is ready.').waitFor({ timeout: 20_000 });
    local.setOptions({ latencyMs: 0 });
    await page.waitForFunction(
      (base) => (document.querySelector('.index-info')?.textContent ?? '').includes(`text-embedding-3-large via the endpoint at ${base}`),
      local.baseURL,
    );
    await warning.waitFor({ state: 'detached' });
    assert.ok(local.requestsTo('/embeddings').length > 0);
    assert.ok(local.requestsTo('/embeddings').every((r) => r.headers.authorization === `Bearer ${LOCAL_KEY}`));
  });

  it('works 390px wide: no sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [tab, name] of [
      ['', 'sources'],
      ['?tab=training', 'training'],
      ['?tab=database', 'database'],
    ] as const) {
      await page.goto(url(`/admin/training${tab}`));
      await page.getByRole('heading', { name: 'Data Training', level: 1 }).waitFor();
      await page
        .locator(name === 'sources' ? '.source-card' : name === 'training' ? '.estimate-text' : '.stat-tiles')
        .first()
        .waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${name}: no horizontal scrolling (overflow ${overflow}px)`);
      await shot(`training-mobile-${name}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('no script errors on the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
