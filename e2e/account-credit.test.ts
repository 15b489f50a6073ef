// Browser test of Settings → API Configuration's key status and low-balance line, and Settings → Account's
// Change password, in Debian's Chromium against the real server and the fake OpenRouter. Axe checks both
// screens; screenshots go to e2e/artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { launchBrowser } from './support/browser.js';
import { startDocent, TEST_PASSWORD } from './support/harness.js';
import { FAKE_KEY } from './fakes/openrouter.js';
import { checkBalance } from '../server/openrouter/credit-watch.js';
import { ADMIN_UI_DIR, PROJECT_ROOT } from '../server/paths.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'e2e', 'artifacts');
const NEW_PASSWORD = 'a fresh passphrase for docent';

type Docent = Awaited<ReturnType<typeof startDocent>>;
let docent: Docent;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrfToken = '';
const pageErrors: string[] = [];
const url = (p: string) => docent.url + p;

async function shot(name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

async function axeViolations(): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The field's error, found the way a screen reader finds it: through aria-describedby. */
async function describedError(selector: string): Promise<string> {
  return page.locator(selector).evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id))
      .filter((e): e is HTMLElement => !!e && e.getAttribute('role') === 'alert')
      .map((e) => e.textContent ?? '')
      .join(' '),
  );
}

const ask = (message: string) =>
  docent.app.inject({
    method: 'POST',
    url: '/api/widget/chat',
    headers: { origin: 'https://shop.example.com' },
    payload: { visitorId: `visitor-${Math.random().toString(36).slice(2, 10)}`, message },
  });

before(async () => {
  if (!existsSync(path.join(ADMIN_UI_DIR, 'index.html'))) throw new Error('The admin UI is not built: run "npm run build:ui" first.');
  mkdirSync(ARTIFACTS, { recursive: true });
  docent = await startDocent();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'Europe/Berlin' });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // The admin, a saved key and a little content, through the API (the screens for those are tested elsewhere).
  // An account nearly out of money, as it would be when answers start failing with 402.
  docent.fake.creditsInfo.total_credits = 10;
  docent.fake.creditsInfo.total_usage = 9.97;
  const setup = await page.request.post(url('/api/admin/setup'), { data: { password: TEST_PASSWORD } });
  csrfToken = (await setup.json()).csrfToken;
  const headers = { 'x-csrf-token': csrfToken };
  await page.request.put(url('/api/admin/settings/api'), {
    headers,
    data: { provider: 'openrouter', apiKey: FAKE_KEY, model: 'openai/gpt-5.4-mini', fallbackModels: [], reasoningEnabled: false },
  });
  await checkBalance(docent.app.openRouterDeps);
  await page.request.post(url('/api/admin/training/text'), {
    headers,
    data: { title: 'Warranty', text: 'Every Acme widget has a two-year warranty covering manufacturing faults.' },
  });
  await page.request.post(url('/api/admin/training/start'), { headers });
  await docent.app.training.runner.idle();
});

after(async () => {
  await browser?.close();
  await docent?.close();
});

describe("settings: the key's real status and the low-balance warning", () => {
  it('after a chat answer fails with 402, API Configuration says "Out of credits since" in local time, with the link', async () => {
    docent.fake.fail({ route: 'chat', kind: 'payment-required' });
    const failedAt = Date.now();
    assert.match((await ask('What does the warranty cover?')).body, /event: error/);

    await page.goto(url('/admin/settings'));
    const status = page.locator('#api-key-status');
    await status.getByText('Out of credits since').waitFor();
    const expectedTime = await page.evaluate((t) => new Date(t).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' }), failedAt);
    const text = (await status.locator('p').first().textContent())!.replace(/\s+/g, ' ').trim();
    assert.equal(text, `Saved. Out of credits since ${expectedTime} — add credits at OpenRouter (opens in a new tab).`);
    // Berlin time, not the server's UTC.
    assert.equal(expectedTime, new Date(failedAt).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', timeZone: 'Europe/Berlin' }));
    const link = status.getByRole('link', { name: /add credits at OpenRouter/ });
    assert.equal(await link.getAttribute('href'), 'https://openrouter.ai/settings/credits');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await page.getByText('Worked when last tested').count(), 0, 'no stale test result');
    assert.match(
      (await page.locator('#api-key-balance').textContent())!.replace(/\s+/g, ' '),
      /^Balance: \$0\.03 \(checked .+\) — below your \$1\.00 warning level\./,
    );
    await status.getByText('What OpenRouter said').click();
    await status.getByText(/can only afford/).waitFor();
    assert.deepEqual(await axeViolations(), []);
    await shot('settings-key-out-of-credits');
  });

  it('a successful answer clears it; a low balance read by Test API Key shows below the threshold, which the admin can change', async () => {
    docent.fake.clearFaults();
    assert.match((await ask('What does the warranty cover?')).body, /event: done/);
    docent.fake.creditsInfo.total_credits = 10;
    docent.fake.creditsInfo.total_usage = 9.6;
    await page.reload();
    await page.locator('#api-key-status').getByText('Saved. Working: no failed requests since').waitFor();

    await page.getByRole('button', { name: 'Test API Key' }).click();
    const balance = page.locator('#api-key-balance');
    await balance.getByText('$0.40').waitFor(); // read by the test, was $0.03
    assert.match(
      (await balance.textContent())!.replace(/\s+/g, ' '),
      /^Balance: \$0\.40 \(checked .+\) — below your \$1\.00 warning level\. Add credits at OpenRouter/,
    );
    await shot('settings-key-low-balance');

    const threshold = page.getByLabel('Low-balance warning');
    await threshold.fill('-2');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    assert.equal(await describedError('#low-balance'), '!Enter an amount in US dollars from 0 to 10,000 (0 turns the warning off).');
    assert.ok(await threshold.evaluate((el) => el === document.activeElement), 'focus on the invalid field');
    await threshold.fill('0.25');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.locator('.settings-notice').filter({ hasText: 'Settings saved.' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('#api-key-balance')?.classList.contains('is-low'));
    assert.match((await balance.textContent())!.replace(/\s+/g, ' '), /^Balance: \$0\.40 \(checked .+\)\.$/);
    const alerts = (await (await page.request.get(url('/api/admin/dashboard/stats'))).json()).alerts;
    assert.deepEqual(
      alerts.filter((a: { kind: string }) => a.kind === 'low_balance'),
      [],
      'above the new threshold: no alert',
    );
    assert.deepEqual(await axeViolations(), []);
  });
});

describe('settings: Account → Change password', () => {
  it('checks each field, then changes the password, logs out the other browser and keeps this one working', async () => {
    const other = await browser.newContext();
    const otherLogin = await other.request.post(url('/api/admin/login'), { data: { password: TEST_PASSWORD } });
    assert.equal(otherLogin.status(), 200);

    await page.goto(url('/admin/settings'));
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Account' }).click();
    await page.waitForURL((u) => u.search === '?tab=account');
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    await page.getByText('You are also logged in on 1 other browser: changing the password logs it out.').waitFor();
    assert.deepEqual(await axeViolations(), []);
    await shot('settings-account');

    const current = page.getByLabel('Current password', { exact: true });
    const next = page.getByLabel('New password', { exact: true });
    const confirm = page.getByLabel('Confirm new password', { exact: true });
    const submit = page.getByRole('button', { name: 'Change Password' });

    await current.fill(TEST_PASSWORD);
    await next.fill('too short');
    await confirm.fill('too short');
    await submit.click();
    assert.equal(await describedError('#new-password'), '!Use at least 10 characters (now 9).');
    assert.ok(await next.evaluate((el) => el === document.activeElement));

    await current.fill('not the password');
    await next.fill(NEW_PASSWORD);
    await confirm.fill(NEW_PASSWORD);
    await submit.click();
    await page.locator('#current-password-error').waitFor();
    assert.equal(await describedError('#current-password'), '!That is not your current password.');
    assert.ok(await current.evaluate((el) => el === document.activeElement), 'focus on the current password');
    await shot('settings-account-wrong-current');

    await current.fill(TEST_PASSWORD);
    await submit.click();
    const notice = page.locator('.settings-notice').filter({ hasText: 'Password changed.' });
    await notice.waitFor();
    assert.match((await notice.textContent())!, /1 other browser was logged out: log in there with the new password\./);
    assert.equal(await current.inputValue(), '', 'the fields are emptied');
    await page.getByText('You are not logged in anywhere else.').waitFor();
    await shot('settings-account-changed');

    assert.equal((await other.request.get(url('/api/admin/settings/api'))).status(), 401, 'the other browser is logged out');
    await other.close();
    // This browser still works, writes included (its new CSRF token is in use).
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'API Configuration' }).click();
    await page.getByLabel('Low-balance warning').fill('2');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.locator('.settings-notice').filter({ hasText: 'Settings saved.' }).waitFor();
    // And the new password is the one that logs in.
    const fresh = await browser.newContext();
    assert.equal((await fresh.request.post(url('/api/admin/login'), { data: { password: TEST_PASSWORD } })).status(), 401);
    assert.equal((await fresh.request.post(url('/api/admin/login'), { data: { password: NEW_PASSWORD } })).status(), 200);
    await fresh.close();
    assert.deepEqual(pageErrors, []);
  });

  it('on a phone: the status, balance and Account screens fit and pass axe', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    docent.fake.fail({ route: 'chat', kind: 'payment-required', times: 1 });
    await ask('What does the warranty cover?');
    await page.goto(url('/admin/settings'));
    await page.locator('#api-key-status').getByText('Out of credits since').waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(await overflow(), 0, 'no sideways scrolling');
    assert.deepEqual(await axeViolations(), []);
    await shot('settings-key-status-phone');
    await page.goto(url('/admin/settings?tab=account'));
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    assert.equal(await overflow(), 0);
    assert.deepEqual(await axeViolations(), []);
    await shot('settings-account-phone');
  });
});
