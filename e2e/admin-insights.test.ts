// Browser test of Dashboard → Insights: the four charts drawn with their sentences, the per-day table, the lists
// (near-duplicates counted together, "Improve answer" leading to the conversation), the 7/30/90-day switch, the
// CSV downloads, and axe at desktop and phone size. Real server on a temporary SQLite file seeded as the chat
// writes (e2e/support/insights-seed.ts), Debian's Chromium. Screenshots go to /tmp/insights-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.js';
import { setupAdmin, startDocent, TEST_PASSWORD } from './support/harness.js';
import { days, seedInsights } from './support/insights-seed.js';
import { testDb } from './support/test-db.js';
import { ADMIN_UI_DIR } from '../server/paths.js';

const SHOTS = process.env.INSIGHTS_SHOTS ?? '/tmp';

type Docent = Awaited<ReturnType<typeof startDocent>>;
let docent: Docent;
let browser: Browser;
let page: Page;
let ids: Record<string, string>;
const pageErrors: string[] = [];

const url = (p: string) => docent.url + p;
const insights = () => page.getByRole('region', { name: 'Insights' });
const dayLabel = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en', { day: 'numeric', month: 'short', timeZone: 'UTC' });

async function shot(name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `insights-${name}.png`), fullPage: true, animations: 'disabled' });
}

async function axeViolations(): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${v.help}`));
}

/** The figure's caption (its sentence) by the chart's title. */
const caption = (title: string) => insights().getByRole('figure', { name: title }).locator('figcaption');
/** The rows of a list's table, as the cells' text. */
async function rows(list: string): Promise<string[][]> {
  return insights()
    .getByRole('region', { name: list })
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.replace(/\s+/g, ' ').replace(' :', ':').trim())),
    );
}

before(async () => {
  if (!existsSync(path.join(ADMIN_UI_DIR, 'index.html'))) throw new Error('The admin UI is not built: run "npm run build:ui" first.');
  docent = await startDocent();
  await setupAdmin(docent.app);
  ids = (await seedInsights(testDb(docent.app), docent.app.stores.vectors)).ids;
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  assert.equal((await page.request.post(url('/api/admin/login'), { data: { password: TEST_PASSWORD } })).status(), 200);
});

after(async () => {
  await browser?.close();
  await docent?.close();
});

describe('Dashboard insights', () => {
  it('shows the last 30 days: four charts with their sentences, the per-day table and the lists', async () => {
    await page.goto(url('/admin/'));
    await insights().getByRole('heading', { name: 'Insights' }).waitFor();
    assert.equal(await insights().getByRole('radio', { name: '30 days' }).isChecked(), true);
    await insights()
      .getByRole('status')
      .filter({ hasText: `${dayLabel(days[29])} – ${dayLabel(days[0])}, UTC days` })
      .waitFor();

    assert.match(
      await caption('Conversations and messages per day').innerText(),
      /^5 conversations and 10 messages in the last 30 days; the busiest day was \w{3}, .+ with 4 conversations\.$/,
    );
    assert.match(
      await caption('Share answered').innerText(),
      /^71% of 7 answers answered the question \(not "I don't know", not failed\); the lowest day was .+ at 0%\.$/,
    );
    assert.equal(await caption('Thumbs up and down').innerText(), 'Visitors gave 1 thumb up and 1 down in the last 30 days.');
    assert.match(
      await caption('Cost per day').innerText(),
      /^\$0.005 spent on answers in the last 30 days, \$0.0002 a day on average; the most on \w{3}, .+ \(\$0.004\)\.$/,
    );

    // uPlot is loaded on demand and draws each chart on a canvas sized to its box.
    const canvases = insights().locator('.insight-chart-canvas canvas');
    await canvases.nth(3).waitFor();
    assert.equal(await canvases.count(), 4);
    for (const box of await canvases.evaluateAll((cs) => cs.map((c) => (c as HTMLCanvasElement).getBoundingClientRect().width)))
      assert.ok(box > 250, `chart ${box}px wide`);
    const inked = await canvases.first().evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) n++;
      return n;
    });
    assert.ok(inked > 500, 'the chart has drawn lines and axes');

    const table = insights().locator('details.insight-table');
    await table.locator('summary').click();
    const today = await table.locator('tbody tr').first().locator('td').allInnerTexts();
    assert.deepEqual(today, ['4', '8', '67% (2 of 3)', '0', '1', '$0.004']);
    assert.equal(await table.locator('tbody tr').count(), 30);

    assert.deepEqual(await rows('Top questions'), [
      ['How much is the Pro plan? Also asked as: “What does Pro cost?”, “how much is the pro plan”', '4', '3 of 4'],
      ['Can you deliver to Mars? Also asked as: “Do you ship to Mars?”', '2', '0 of 2'],
      ['=cmd|calc', '1', '1 of 1'],
      ['Tell me a story', '1', '0 of 1'],
    ]);
    assert.deepEqual(await rows('Unanswered questions'), [
      ['Can you deliver to Mars? Also asked as: “Do you ship to Mars?”', '2 of 2', 'Improve answer: Can you deliver to Mars?'],
    ]);
    assert.deepEqual(await rows('Sources used most'), [
      ['Pricing Text & Q&A', '4'],
      ['Press release 2019 Text & Q&A', '1'],
      ['Warranty Text & Q&A', '1'],
    ]);
    assert.equal(
      await insights().getByRole('region', { name: 'Documents no answer used' }).locator('.insight-empty').innerText(),
      'Every trained document helped an answer in the last 30 days.',
    );

    await shot('desktop-30');
  });

  it('the range switch reloads everything for 7 days', async () => {
    await insights().getByText('7 days', { exact: true }).click();
    await insights()
      .getByRole('status')
      .filter({ hasText: `${dayLabel(days[6])} – ${dayLabel(days[0])}, UTC days` })
      .waitFor();
    assert.equal(await insights().getByRole('radio', { name: '7 days' }).isChecked(), true);
    assert.match(await caption('Conversations and messages per day').innerText(), /in the last 7 days/);
    assert.match(await caption('Share answered').innerText(), /^67% of 6 answers/);
    assert.deepEqual(
      (await rows('Top questions')).map((r) => r[0].split(' Also')[0]),
      ['How much is the Pro plan?', 'Can you deliver to Mars?', 'Tell me a story'],
    );
    const unused = insights().getByRole('region', { name: 'Documents no answer used' });
    assert.deepEqual(await unused.locator('li').allInnerTexts(), ['Press release 2019\nText & Q&A']);
    assert.equal(await insights().locator('details.insight-table tbody tr').count(), 7);
    await shot('desktop-7');
  });

  it('each list downloads as CSV with its own name, formulas neutralised', async () => {
    await insights().getByRole('radio', { name: '30 days' }).check({ force: true });
    await insights()
      .getByRole('status')
      .filter({ hasText: dayLabel(days[29]) })
      .waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), insights().getByRole('link', { name: 'Download CSV of top questions' }).click()]);
    assert.equal(download.suggestedFilename(), `docent-top-questions-${days[29]}-to-${days[0]}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    assert.equal(csv[0], '\uFEFF"question","also_asked_as","asked","answered","answered_well","unanswered","conversation"');
    assert.ok(
      csv.some((line) => line.startsWith(`"'=cmd|calc","","1"`)),
      csv.join('\n'),
    );

    const [unused] = await Promise.all([page.waitForEvent('download'), insights().getByRole('link', { name: 'Download CSV of unanswered questions' }).click()]);
    assert.equal(unused.suggestedFilename(), `docent-unanswered-questions-${days[29]}-to-${days[0]}.csv`);
    assert.match(readFileSync((await unused.path())!, 'utf8'), /"Can you deliver to Mars\?","Do you ship to Mars\?","2","0","0","2","\/admin\/conversations\//);
  });

  it('axe finds nothing at desktop or phone size', async () => {
    assert.deepEqual(await axeViolations(), []);
    await page.setViewportSize({ width: 390, height: 844 });
    await insights().locator('.insight-chart-canvas canvas').first().waitFor();
    await page.waitForTimeout(100); // the charts follow their boxes' new width
    const { sw, w } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: window.innerWidth }));
    assert.ok(sw <= w, `the page scrolls sideways at phone size: ${sw} > ${w}`);
    const widths = await insights()
      .locator('.insight-chart-canvas canvas')
      .evaluateAll((cs) => cs.map((c) => (c as HTMLCanvasElement).getBoundingClientRect().width));
    assert.ok(
      widths.every((x) => x <= 390 && x > 250),
      `charts at phone size: ${widths.join(', ')}`,
    );
    assert.deepEqual(await axeViolations(), []);
    await shot('phone');
    // Close-ups, to look at the details at phone size.
    await insights()
      .locator('.insight-charts')
      .screenshot({ path: path.join(SHOTS, 'insights-phone-charts.png'), animations: 'disabled' });
    await insights()
      .locator('.insight-lists')
      .screenshot({ path: path.join(SHOTS, 'insights-phone-lists.png'), animations: 'disabled' });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('"Improve answer" opens the conversation where the question went unanswered, with the Q&A form open on that answer', async () => {
    const link = insights().getByRole('link', { name: /^Improve answer\s*: Can you deliver to Mars\?$/ });
    assert.equal(await link.getAttribute('href'), `/admin/conversations/${ids.c5}?improve=unanswered`);
    await link.click();
    await page.waitForURL(`**/admin/conversations/${ids.c5}?improve=unanswered`);
    await page.getByText('Can you deliver to Mars?').first().waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Question' }).inputValue(), 'Can you deliver to Mars?');
    assert.deepEqual(pageErrors, []);
  });
});
