// Browser test of Database Management's Search accuracy box: not measured yet, the Measure button with its busy
// state, the measured value as the API has it, the warning below 95 %. Real server (built admin UI), fake
// OpenRouter, Debian's Chromium; axe on the box in each state. Screenshots go to /tmp/docent-recall-*.png.
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_UI_DIR } from '../server/paths.js';
import { corpus } from './bench/common.js';
import { FAKE_KEY } from './fakes/openrouter.js';
import { launchBrowser } from './support/browser.js';
import { startDocent, TEST_PASSWORD } from './support/harness.js';

let docent: Awaited<ReturnType<typeof startDocent>>;
let browser: Browser;
let page: Page;
let csrfToken = '';
const pageErrors: string[] = [];
const url = (p: string) => docent.url + p;

async function api(method: 'GET' | 'POST' | 'PUT', p: string, data?: unknown) {
  const res = await page.request.fetch(url(p), { method, headers: method === 'GET' ? {} : { 'x-csrf-token': csrfToken }, data });
  assert.ok(res.ok(), `${method} ${p}: ${res.status()} ${await res.text()}`);
  return res.json();
}

const box = () => page.getByRole('region', { name: 'Search accuracy' });
const line = () => box().locator('.recall-line');
const text = async (locator: ReturnType<Page['locator']>) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

async function axeOnBox(state: string) {
  const { violations } = await new AxeBuilder({ page }).include('section[aria-labelledby="recall-title"]').analyze();
  assert.deepEqual(
    violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${v.help}`)),
    [],
    state,
  );
}

async function openDatabaseTab() {
  await page.goto(url('/admin/training?tab=database'));
  await box().waitFor();
}

before(async () => {
  if (!existsSync(`${ADMIN_UI_DIR}/index.html`)) throw new Error('The admin UI is not built: run "npm run build:ui" first.');
  docent = await startDocent();
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' })).newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const res = await page.request.post(url('/api/admin/setup'), { data: { password: TEST_PASSWORD } });
  assert.equal(res.status(), 201, await res.text());
  csrfToken = (await res.json()).csrfToken;
  await api('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
});

after(async () => {
  await browser?.close();
  await docent?.close();
});

describe('Database Management: Search accuracy', () => {
  it('before any training: not measured yet, and the button says why it cannot measure', async () => {
    await openDatabaseTab();
    assert.equal(
      await text(line()),
      'Search accuracy (recall@8): not measured yet: it needs a trained index. It is measured by itself once the index holds 1,000 chunks.',
    );
    await box().getByRole('button', { name: 'Measure recall' }).click();
    await box().getByText('Not measured: There is no search index yet: train your content first.').waitFor();
    await axeOnBox('no index');
  });

  it('a trained index below 1,000 chunks is measured on request: busy, then the value the API holds', async () => {
    // ≈ 3 chunks per page at 100 tokens a chunk: a few hundred vectors, below the automatic first measurement.
    await api('PUT', '/api/admin/training/settings', { chunkTokens: 100, chunkOverlap: 0 });
    const docs = corpus(21);
    for (let first = 0; first < 100; first += 50) {
      await api('POST', '/api/admin/training/text', {
        title: `Pages ${first}`,
        text: Array.from({ length: 50 }, (_, i) => docs.document(first + i).text).join('\n\n'),
      });
    }
    await api('POST', '/api/admin/training/start');
    await docent.app.training.runner.idle();
    await docent.app.training.recall.idle();
    const vectors = (await api('GET', '/api/admin/training/stats')).index.vectors as number;
    assert.ok(vectors >= 100 && vectors < 1000, `${vectors} vectors`);

    await openDatabaseTab();
    assert.match(await text(line()), /^Search accuracy \(recall@8\): not measured yet\. It is measured by itself once the index holds 1,000 chunks\.$/);
    await page.screenshot({ path: '/tmp/docent-recall-not-measured.png', fullPage: true });

    await box().getByRole('button', { name: 'Measure recall' }).click();
    // The answer to the POST says a measurement runs; the box follows it until a poll says it is done.
    const busy = box().getByRole('button', { name: 'Measuring…' });
    await busy.waitFor();
    assert.equal(await busy.isDisabled(), true);
    assert.equal(await text(box().getByRole('status')), 'Searching 50 sample questions through the index and exactly…');
    await box().screenshot({ path: '/tmp/docent-recall-measuring.png' });
    await axeOnBox('measuring');

    await box().getByRole('button', { name: 'Measure recall' }).waitFor();
    const { measured } = await api('GET', '/api/admin/training/index-recall');
    assert.deepEqual([measured.sampleSize, measured.indexSize], [50, vectors]);
    const shown = `${Math.floor(measured.recall * 100)} %`;
    assert.equal(await text(line()), `Search accuracy (recall@8): ${shown} — measured on 50 sample questions at ${vectors} chunks, just now`);
    await box().getByText(`Measured: the search finds ${shown} of the best-matching chunks.`).waitFor();
    await box().screenshot({ path: '/tmp/docent-recall-measured.png' });
    await axeOnBox('measured');
  });

  it('the value turns into a warning with what to do below 95 %, and reads as good at or above it', async () => {
    const vectors = docent.app.stores.vectors;
    const index = (await vectors.activeIndex())!;
    await vectors.saveIndexRecall(index, { recall: 0.588, k: 8, sampleSize: 50, indexSize: 1_000_000 });
    await openDatabaseTab();
    assert.equal(await text(line()), 'Search accuracy (recall@8): 58 % — measured on 50 sample questions at 1,000,000 chunks, just now');
    assert.equal(await line().locator('.status-pill').getAttribute('class'), 'status-pill status-pill-warning');
    assert.match(await text(box().locator('.notice-warning')), /^The search misses some of the chunks that best match a question/);
    await box().screenshot({ path: '/tmp/docent-recall-low.png' });
    await axeOnBox('low');

    await vectors.saveIndexRecall(index, { recall: 0.9812, k: 8, sampleSize: 50, indexSize: 1_000_000 });
    await openDatabaseTab();
    assert.equal(await text(line()), 'Search accuracy (recall@8): 98 % — measured on 50 sample questions at 1,000,000 chunks, just now');
    assert.equal(await line().locator('.status-pill').getAttribute('class'), 'status-pill status-pill-success');
    assert.equal(await box().locator('.notice-warning').count(), 0);
    await page.screenshot({ path: '/tmp/docent-recall-good.png', fullPage: true });
    await axeOnBox('good');
    assert.deepEqual(pageErrors, []);
  });
});
