// The guided start, in Debian's Chromium against the real server, the fake OpenRouter, the fixture website and the
// fake WordPress: from first-run setup to a streamed answer that cites the site's page and a copied snippet, with
// the fields filled and clicks made counted; a refused key and an unreadable site explained on their fields; a
// WordPress site detected as one; Skip, and resuming from the Dashboard. Axe on every step at desktop and phone
// size; screenshots of each to e2e/artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { launchBrowser } from './support/browser.js';
import { startDocent, PUBLIC_URL, TEST_PASSWORD } from './support/harness.js';
import { FAKE_KEY } from './fakes/openrouter.js';
import { startStaticSite, type StaticSite } from './fakes/static-site.js';
import { startFakeWordPress, type FakeWordPress } from './fakes/wordpress.js';
import { ADMIN_UI_DIR, PROJECT_ROOT } from '../server/paths.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'e2e', 'artifacts');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const DEAD = 'http://127.0.0.1:9'; // nothing listens on port 9
const REFUSED_KEY = `sk-or-v1-${'f'.repeat(64)}`; // well-formed, unknown to the fake

type Docent = Awaited<ReturnType<typeof startDocent>>;
let browser: Browser;
let site: StaticSite;
let wordpress: FakeWordPress;

before(async () => {
  if (!existsSync(path.join(ADMIN_UI_DIR, 'index.html'))) throw new Error('The admin UI is not built: run "npm run build:ui" first.');
  mkdirSync(ARTIFACTS, { recursive: true });
  site = await startStaticSite();
  wordpress = await startFakeWordPress({ posts: 3 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await wordpress?.close();
});

/** One admin's browser on its own Docent, counting what the admin does: fields filled and clicks made. */
async function open(docent: Docent) {
  const context: BrowserContext = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: docent.url });
  const page: Page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const count = { fields: 0, clicks: 0 };
  return {
    page,
    context,
    errors,
    count,
    url: (p: string) => docent.url + p,
    fill: async (target: Locator, value: string) => {
      await target.fill(value);
      count.fields++;
    },
    click: async (target: Locator) => {
      await target.click();
      count.clicks++;
    },
  };
}

async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Axe and a screenshot at desktop and at phone size (no sideways scrolling there), then back to desktop. */
async function checkBothSizes(page: Page, name: string) {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => window.scrollTo(0, 0));
    assert.deepEqual(await axeViolations(page), [], `${name} at ${size} size`);
    if (size === 'phone') {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, `${name}: no sideways scrolling on a phone`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, `quick-start-${name}-${size}.png`), fullPage: true, animations: 'disabled' });
  }
  await page.setViewportSize(DESKTOP);
}

const step = (page: Page, id: string) => page.locator(`#qs-step-${id}`);
/** The open step, as assistive technology finds it (aria-current="step"). */
const currentStep = (page: Page) => page.locator('.qs-steps > li[aria-current="step"]');
async function waitForCurrent(page: Page, id: string) {
  await page.locator(`#qs-step-${id}[aria-current="step"]`).waitFor();
}

/** The field's error, found the way a screen reader finds it: through aria-describedby. */
async function describedError(page: Page, selector: string): Promise<string> {
  return page.locator(selector).evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id))
      .filter((e): e is HTMLElement => !!e && e.getAttribute('role') === 'alert')
      .map((e) => (e.textContent ?? '').replace(/^!/, ''))
      .join(' '),
  );
}

describe('the guided start: first-run setup to a working answer', () => {
  let docent: Docent;
  before(async () => {
    docent = await startDocent();
  });
  after(async () => {
    await docent?.close();
  });

  it('takes 5 fields and 6 clicks from an empty Docent to a streamed answer citing the site and the snippet copied', async (t) => {
    const admin = await open(docent);
    const { page, fill, click, count, url } = admin;
    // Slow enough to see the answer arrive in pieces.
    docent.fake.setOptions({ tokenDelayMs: 40 });

    // First-run setup leads to the guided start.
    await page.goto(url('/admin/'));
    await fill(page.getByLabel('Password', { exact: true }), TEST_PASSWORD);
    await fill(page.getByLabel('Confirm password'), TEST_PASSWORD);
    await click(page.getByRole('button', { name: 'Create admin account' }));
    await page.waitForURL(url('/admin/start'));
    await waitForCurrent(page, 'key');
    assert.equal(await page.title(), 'Get started ‹ Docent');
    assert.deepEqual(await page.locator('.qs-step-status').allTextContents(), ['Current step', 'To do', 'To do', 'To do']);
    const afterSetup = { ...count };
    await checkBothSizes(page, '1-key');

    // 1. The key, tested on the spot and saved.
    await fill(page.getByLabel('OpenRouter API key'), FAKE_KEY);
    let started = Date.now();
    await click(page.getByRole('button', { name: 'Test and save key' }));
    await waitForCurrent(page, 'site');
    const waits = { key: Date.now() - started, read: 0, answer: 0 };
    await page.getByRole('status').filter({ hasText: 'Step 2 of 4: Add your website.' }).waitFor({ state: 'attached' });
    assert.ok(await page.locator('#qs-site').evaluate((el) => el === document.activeElement), 'focus moves to the website field');
    assert.match((await step(page, 'key').locator('.qs-summary').textContent())!, /OpenRouter accepted the key ending in \w{4} \(balance \$[\d.,]+\)\./);
    const settings = await (await page.request.get(url('/api/admin/settings/api'))).json();
    assert.deepEqual([settings.apiKey.saved, settings.model, settings.reasoningEnabled], [true, 'openai/gpt-5.4-mini', false], 'saved with the defaults');
    await checkBothSizes(page, '2-site');

    // 2. The website: one address; Docent finds the sitemap and reads its pages (no cost yet).
    await fill(page.getByLabel('Your website’s address'), `${site.url}/`);
    started = Date.now();
    await click(page.getByRole('button', { name: 'Read my site' }));
    // What Docent found, while it reads (announced: a status notice).
    await step(page, 'site').getByRole('status').filter({ hasText: 'A sitemap listing 7 pages.' }).waitFor();
    await waitForCurrent(page, 'train');
    waits.read = Date.now() - started;
    assert.match((await step(page, 'site').locator('.qs-summary').textContent())!, /Sitemap: 127\.0\.0\.1:\d+ — 7 pages/);
    // 3. The cost is on screen before the click that spends it.
    const cost = (await page.locator('#qs-train-cost').textContent())!.replace(/\s+/g, ' ');
    assert.match(
      cost,
      /^Your content makes \d+ chunks \([\d,]+ tokens\)\. Training turns them into search vectors with openai\/text-embedding-3-small, estimated cost (less than \$0\.01|\$[\d.]+)\.$/,
    );
    assert.equal(await page.getByRole('button', { name: 'Start Training' }).getAttribute('aria-describedby'), 'qs-train-cost');
    assert.equal(docent.fake.requestsTo('/embeddings').length, 0, 'nothing paid before Start Training');
    await checkBothSizes(page, '3-train');

    // Slow embeddings, to see the progress while it trains.
    docent.fake.setOptions({ latencyMs: 4000 });
    await click(page.getByRole('button', { name: 'Start Training' }));
    await step(page, 'train').locator('.job-view[data-job-status="running"]').waitFor();
    await checkBothSizes(page, '3-training');
    docent.fake.setOptions({ latencyMs: 0 });
    await waitForCurrent(page, 'try');
    assert.ok(docent.fake.requestsTo('/embeddings').length > 0);
    assert.deepEqual(await page.locator('.qs-step-status').allTextContents(), ['Done', 'Done', 'Done', 'Current step']);
    await checkBothSizes(page, '4-try');

    // 4. A question, answered as it streams, citing the site's page; then the snippet.
    await fill(page.getByLabel('A question your visitors might ask'), 'How many business days does standard shipping take?');
    started = Date.now();
    await click(page.getByRole('button', { name: 'Ask' }));
    await page.locator('.qs-answer-text.is-streaming').waitFor(); // arriving in pieces
    await page.locator('.qs-answer-text:not(.is-streaming)').waitFor();
    waits.answer = Date.now() - started;
    t.diagnostic(`waits: key tested and saved ${waits.key} ms, site detected and read ${waits.read} ms, answer streamed ${waits.answer} ms`);
    const answer = page.locator('.qs-answer');
    assert.match((await answer.locator('.qs-answer-text').textContent())!, /^Answer: Based on the provided context: ".+"$/);
    const cited = answer.getByRole('link', { name: /Shipping & Delivery/ });
    assert.equal(await cited.getAttribute('href'), `${site.url}/shipping.html`);
    assert.equal(await step(page, 'try').getByRole('link', { name: 'Open the Playground' }).getAttribute('href'), '/admin/playground');

    await click(page.getByRole('button', { name: 'Copy snippet' }));
    await page.getByText('Copied to the clipboard.').waitFor();
    const snippet = `<script src="${PUBLIC_URL}/widget.js" async></script>`;
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), snippet);
    assert.equal(await page.locator('#qs-snippet').inputValue(), snippet);
    await checkBothSizes(page, '4-try-answered');

    // What it took, setup included, and the guided start alone.
    assert.deepEqual(count, { fields: 5, clicks: 6 }, 'from first-run setup: 5 fields, 6 clicks');
    assert.deepEqual(
      { fields: count.fields - afterSetup.fields, clicks: count.clicks - afterSetup.clicks },
      { fields: 3, clicks: 5 },
      'the guided start: 3 fields, 5 clicks',
    );

    // What was set up is what the ordinary screens show: one sitemap source, trained, and the checklist agrees.
    const sources = (await (await page.request.get(url('/api/admin/training/sources'))).json()).sources.filter((s: { kind: string }) => s.kind === 'web');
    assert.deepEqual(
      sources.map((s: { config: unknown; status: string; documents: number }) => [s.config, s.status, s.documents]),
      [[{ mode: 'sitemap', sitemapUrl: `${site.url}/` }, 'trained', 7]],
    );
    const checklist = (await (await page.request.get(url('/api/admin/dashboard'))).json()).checklist;
    assert.deepEqual(
      checklist.map((s: { id: string; done: boolean }) => [s.id, s.done]),
      [
        ['api-key', true],
        ['model', true],
        ['training', true],
        ['widget', false],
      ],
    );
    assert.deepEqual(admin.errors, []);
    docent.fake.setOptions({ tokenDelayMs: 0 });
    await admin.context.close();
  });
});

describe('the guided start: problems on their fields, WordPress, Skip and resume', () => {
  let docent: Docent;
  before(async () => {
    docent = await startDocent();
    await docent.app.inject({ method: 'POST', url: '/api/admin/setup', payload: { password: TEST_PASSWORD } });
  });
  after(async () => {
    await docent?.close();
  });

  it('a refused key gets OpenRouter’s message on the field and is not saved; a site that cannot be read gets the reason; WordPress is found; Skip and resume', async () => {
    const { page, context, errors, url } = await open(docent);
    await page.goto(url('/admin/login?next=%2Fadmin%2Fstart'));
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log In' }).click();
    await waitForCurrent(page, 'key');

    // A well-formed key OpenRouter refuses: its own words ("User not found."), on the field, and focus there.
    await page.getByLabel('OpenRouter API key').fill(REFUSED_KEY);
    await page.getByRole('button', { name: 'Test and save key' }).click();
    await page.locator('#qs-key-error').waitFor();
    assert.equal(await describedError(page, '#qs-key'), 'OpenRouter rejected this key: User not found.');
    assert.ok(await page.locator('#qs-key').evaluate((el) => el === document.activeElement), 'focus on the key field');
    await checkBothSizes(page, 'key-refused');
    // A malformed one: the format, from the server.
    await page.getByLabel('OpenRouter API key').fill('sk-or-v1-abc');
    await page.getByRole('button', { name: 'Test and save key' }).click();
    await page.locator('#qs-key-error').getByText('OpenRouter keys look like').waitFor();
    assert.equal((await (await page.request.get(url('/api/admin/settings/api'))).json()).apiKey.saved, false, 'a refused key is not saved');
    await waitForCurrent(page, 'key');

    await page.getByLabel('OpenRouter API key').fill(FAKE_KEY);
    await page.getByRole('button', { name: 'Test and save key' }).click();
    await waitForCurrent(page, 'site');

    // A site that cannot be read: the reason on the field, nothing created.
    await page.getByLabel('Your website’s address').fill(`${DEAD}/`);
    await page.getByRole('button', { name: 'Read my site' }).click();
    await page.locator('#qs-site-error').waitFor();
    assert.equal(await describedError(page, '#qs-site'), `The start page ${DEAD}/ could not be read: could not connect to 127.0.0.1:9 (connection refused).`);
    assert.ok(await page.locator('#qs-site').evaluate((el) => el === document.activeElement), 'focus on the website field');
    await checkBothSizes(page, 'site-unreadable');
    const kinds = async () => (await (await page.request.get(url('/api/admin/training/sources'))).json()).sources.map((s: { kind: string }) => s.kind);
    assert.deepEqual(await kinds(), ['text', 'files']);

    // A page Docent can open but whose content cannot be used: the read's reason on the field, and the empty
    // source removed again (no failed card left behind on Sources).
    site.setPage(
      '/members/',
      '<!DOCTYPE html><html><head><title>Members</title><meta name="robots" content="noindex"></head><body><p>Members only.</p></body></html>',
    );
    await page.getByLabel('Your website’s address').fill(`${site.url}/members/`);
    await page.getByRole('button', { name: 'Read my site' }).click();
    await page.locator('#qs-site-error').waitFor();
    assert.equal(
      await describedError(page, '#qs-site'),
      `No readable pages were found from ${site.url}/members/: pages that ask not to be indexed (noindex) or have no text are skipped.`,
    );
    assert.deepEqual(await kinds(), ['text', 'files']);
    site.reset();

    // A WordPress site is read as one.
    await page.getByLabel('Your website’s address').fill(wordpress.url);
    await page.getByRole('button', { name: 'Read my site' }).click();
    await step(page, 'site').getByRole('status').filter({ hasText: 'A WordPress site: posts and pages will be read through its REST API.' }).waitFor();
    await waitForCurrent(page, 'train');
    assert.deepEqual(await kinds(), ['text', 'files', 'wordpress']);
    assert.match((await step(page, 'site').locator('.qs-summary').textContent())!, /WordPress: 127\.0\.0\.1:\d+ — \d+ posts/);

    // Skip: to the Dashboard, which offers the way back and names the next step.
    await page.getByRole('link', { name: 'Skip, I’ll set things up myself' }).click();
    await page.waitForURL(url('/admin/'));
    const resume = page.locator('.qs-resume');
    await resume.getByText('2 of 4 steps of the guided start are done. Next: Train the bot.').waitFor();
    await checkBothSizes(page, 'dashboard-resume');

    // Resume: the steps done show as done, and the next one is open.
    await resume.getByRole('link', { name: 'Finish setting up' }).click();
    await waitForCurrent(page, 'train');
    assert.deepEqual(await page.locator('.qs-step-status').allTextContents(), ['Done', 'Done', 'Current step', 'To do']);
    assert.equal(await currentStep(page).locator('.qs-step-name').textContent(), 'Train the bot');
    assert.match((await step(page, 'key').textContent())!, /OpenRouter accepted the key ending in/);
    await checkBothSizes(page, 'resumed');

    await page.getByRole('button', { name: 'Start Training' }).click();
    await waitForCurrent(page, 'try');

    // Another website later: read, then the training step opens again with the new content's cost.
    await step(page, 'site').getByRole('button', { name: 'Add another website' }).click();
    await waitForCurrent(page, 'site');
    assert.equal(await page.locator('#qs-site').inputValue(), '');
    await page.getByLabel('Your website’s address').fill(`${site.url}/`);
    await page.getByRole('button', { name: 'Read my site' }).click();
    await waitForCurrent(page, 'train');
    await page
      .locator('#qs-train-cost')
      .getByText(/^Your content makes/)
      .waitFor();
    await page.getByRole('button', { name: 'Start Training' }).click();
    await waitForCurrent(page, 'try');
    const stats = await (await page.request.get(url('/api/admin/training/stats'))).json();
    assert.deepEqual(
      [stats.trainedChunks, stats.sources.filter((s: { documents: number }) => s.documents > 0).map((s: { kind: string }) => s.kind)],
      [stats.chunks, ['wordpress', 'web']],
    );

    // Three of four done: the Dashboard still offers the last one (the widget is not on a site yet).
    await page.goto(url('/admin/'));
    await resume.getByText('Next: Try it and add it to your site.').waitFor();
    // Dismissed, it stays away until the setup moves on.
    await resume.getByRole('button', { name: 'Dismiss this notice' }).click();
    await page.reload();
    await page.getByRole('heading', { name: 'Setup checklist' }).waitFor();
    assert.equal(await page.locator('.qs-resume').count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
