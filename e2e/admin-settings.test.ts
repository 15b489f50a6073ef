// Browser test of the admin: first-run setup, login/logout, dashboard, Settings → API Configuration.
// Runs the real server (built admin UI in dist/admin-ui) against the fake OpenRouter, in Debian's Chromium.
// Screenshots go to e2e/artifacts/; the API Configuration one is also saved for the README.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { launchBrowser } from './support/browser.js';
import { startDocent, TEST_PASSWORD } from './support/harness.js';
import { FAKE_KEY } from './fakes/openrouter.js';
import { ADMIN_UI_DIR, PROJECT_ROOT } from '../server/paths.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'e2e', 'artifacts');
// The README's picture is a committed file: redrawn only on purpose (UPDATE_DOCS_SCREENSHOT=1), not by every test run.
const DOCS_SCREENSHOT = process.env.UPDATE_DOCS_SCREENSHOT === '1' ? path.join(PROJECT_ROOT, 'admin-ui', 'screenshot-api-configuration.png') : undefined;
const MASKED_FAKE_KEY = `sk-or-v1-••••••••${FAKE_KEY.slice(-4)}`;
const KEY_FORMAT_MESSAGE = 'OpenRouter keys look like sk-or-v1-… (64 hex characters after the prefix).';

type Docent = Awaited<ReturnType<typeof startDocent>>;

let docent: Docent;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every /api/ request the page made, to prove what was (not) sent. */
const apiRequests: Request[] = [];
const pageErrors: string[] = [];

async function shot(name: string, fullPage = true, alsoTo?: string) {
  // Chromium draws sticky/fixed bars where they are on screen: a full-page picture must start at the top.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  for (const file of [path.join(ARTIFACTS, `${name}.png`), ...(alsoTo ? [alsoTo] : [])]) {
    await page.screenshot({ path: file, fullPage, animations: 'disabled' });
  }
}

const url = (p: string) => docent.url + p;
const settingsPuts = () => apiRequests.filter((r) => r.method() === 'PUT' && r.url().endsWith('/api/admin/settings/api'));

async function getSettings() {
  const res = await page.request.get(url('/api/admin/settings/api'));
  assert.equal(res.status(), 200);
  return res.json();
}

/** The error element an input points to with aria-describedby, and its text. */
async function describedErrors(inputSelector: string): Promise<string[]> {
  return page.locator(inputSelector).evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id))
      .filter((e): e is HTMLElement => !!e && e.getAttribute('role') === 'alert')
      .map((e) => e.textContent ?? ''),
  );
}

const modelBox = () => page.getByRole('combobox', { name: 'Model', exact: true });

before(async () => {
  if (!existsSync(path.join(ADMIN_UI_DIR, 'index.html'))) {
    throw new Error('The admin UI is not built: run "npx vite build --config admin-ui/vite.config.ts" first.');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  docent = await startDocent();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('request', (r) => {
    if (r.url().includes('/api/')) apiRequests.push(r);
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await browser?.close();
  await docent?.close();
});

describe('admin UI', () => {
  it('first run: setup screen validates the password inline, then creates the admin', async () => {
    await page.goto(url('/admin/'));
    await page.getByRole('heading', { name: 'Welcome to Docent' }).waitFor();
    await page.waitForURL((u) => u.pathname === '/admin/setup');
    await shot('01-setup');

    const password = page.getByLabel('Password', { exact: true });
    const confirm = page.getByLabel('Confirm password', { exact: true });
    const create = page.getByRole('button', { name: 'Create admin account' });

    await password.fill('short');
    await confirm.fill('short');
    await create.click();
    await page.getByText('Use at least 10 characters').waitFor();
    assert.equal(await password.getAttribute('aria-invalid'), 'true');
    assert.match((await describedErrors('#setup-password')).join(), /at least 10 characters/);
    assert.ok(await password.evaluate((el) => el === document.activeElement), 'focus moves to the invalid field');

    await password.fill(TEST_PASSWORD);
    await confirm.fill(`${TEST_PASSWORD}!`);
    await create.click();
    await page.getByText('The two passwords do not match.').waitFor();
    assert.match((await describedErrors('#setup-confirm')).join(), /do not match/);
    assert.equal(await page.getByText('Use at least 10 characters').count(), 0, 'the fixed error is gone');
    await shot('01-setup-errors');
    assert.equal(apiRequests.filter((r) => r.url().endsWith('/api/admin/setup')).length, 0, 'nothing sent while invalid');

    await confirm.fill(TEST_PASSWORD);
    await create.click();
    // First run leads to the guided start (e2e/quick-start.test.ts); this admin skips it.
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
    await page.getByRole('link', { name: 'Skip, I’ll set things up myself' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.waitForURL((u) => u.pathname === '/admin/');
  });

  it('dashboard: setup checklist with four steps, icons, details and links', async () => {
    const box = page.getByRole('region', { name: 'Setup checklist' });
    await box.locator('.checklist-item').first().waitFor();
    const items = box.locator('.checklist-item');
    assert.equal(await items.count(), 4);
    assert.deepEqual(await items.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.step)), ['api-key', 'model', 'training', 'widget']);
    const first = items.first();
    assert.match((await first.textContent()) ?? '', /To do/);
    assert.equal(await first.locator('svg').count(), 1, 'status icon');
    assert.ok(await first.getByRole('link').getAttribute('href'));
    assert.ok((await first.locator('.description').textContent())?.trim(), 'detail text');
    await page.getByText(/0 of 4 steps done/).waitFor();
    await shot('03-dashboard');
  });

  it('log out, then log in: wrong password shows the server message', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.waitForURL((u) => u.pathname === '/admin/login');
    await page.getByText('You have logged out.').waitFor();
    await shot('02-login');

    const password = page.getByLabel('Password', { exact: true });
    await password.fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Wrong password.' });
    await alert.waitFor();
    assert.equal(await password.getAttribute('aria-invalid'), 'true');
    assert.equal(await password.getAttribute('aria-describedby'), 'login-error');
    await shot('02-login-error');

    await password.fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });

  it('API Configuration: paste a key, test it, choose models and reasoning, save, reload', async () => {
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.waitForURL((u) => u.pathname === '/admin/settings');
    const tab = page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'API Configuration' });
    assert.equal(await tab.getAttribute('aria-current'), 'page');

    // Defaults from the server.
    assert.equal(await page.getByRole('radio', { name: /OpenRouter \(recommended\)/ }).isChecked(), true);
    await modelBox().waitFor();
    await page.getByText('openai/gpt-5.4-mini').first().waitFor();
    assert.equal(await page.getByRole('checkbox', { name: 'Enable reasoning' }).isChecked(), false);
    const embedding = page.locator('.readonly-value');
    assert.equal((await embedding.textContent())?.trim(), 'openai/text-embedding-3-small (1536 dimensions)');
    assert.equal(await page.getByRole('link', { name: 'Change in Data Training → Database Management' }).getAttribute('href'), '/admin/training?tab=database');
    assert.equal(await page.getByRole('link', { name: /openrouter\.ai\/settings\/keys/ }).getAttribute('href'), 'https://openrouter.ai/settings/keys');
    await page.getByText(/Updated just now|Updated \d+ (seconds?|minutes?) ago/).waitFor();

    // The provider switch changes the key label and shows a Base URL field.
    await page.getByRole('radio', { name: /OpenAI-compatible endpoint/ }).check();
    await page.getByLabel('Base URL').waitFor();
    assert.equal(await page.getByLabel('Base URL').getAttribute('placeholder'), 'http://localhost:11434/v1');
    await page.getByLabel('API Key', { exact: true }).waitFor();
    await page.getByRole('radio', { name: /OpenRouter \(recommended\)/ }).check();
    assert.equal(await page.getByLabel('Base URL').count(), 0);

    // Paste the key and test it; the key check is slowed down so the spinner can be seen.
    const keyInput = page.getByLabel('OpenRouter API Key');
    assert.equal(await keyInput.getAttribute('type'), 'password');
    assert.equal(await keyInput.getAttribute('placeholder'), 'sk-or-v1-…');
    await keyInput.fill(FAKE_KEY);
    docent.fake.fail({ route: 'key', kind: 'slow-first-byte', delayMs: 700, times: 1 });
    const testButton = page.getByRole('button', { name: 'Test API Key' });
    await testButton.click();
    await page.getByText('Testing…').waitFor();
    assert.equal(await testButton.isDisabled(), true, 'disabled while testing');
    const result = page.locator('.key-test-result .notice-success');
    await result.waitFor();
    const credits = docent.fake.creditsInfo;
    const balance = `$${(credits.total_credits - credits.total_usage).toFixed(2)}`;
    const resultText = (await result.textContent()) ?? '';
    assert.match(resultText, /OpenRouter accepted this key/);
    assert.ok(resultText.includes(docent.fake.keyInfo.label), 'label');
    assert.match(resultText, /Per-key limit remaining\s*No per-key limit/);
    assert.ok(resultText.includes(`Usage$${docent.fake.keyInfo.usage.toFixed(2)}`), resultText);
    assert.match(resultText, /AccountPaid/);
    assert.ok(resultText.includes(`Balance${balance}`), `balance ${balance} in: ${resultText}`);
    assert.equal(await testButton.isEnabled(), true);

    // A model without reasoning disables the checkbox, with the reason.
    const model = modelBox();
    await model.click();
    assert.equal(await model.getAttribute('aria-expanded'), 'true');
    await model.fill('mistral small');
    await page.getByRole('option', { name: /Mistral Small 3\.2 24B/ }).click();
    assert.equal(await model.inputValue(), 'Mistral: Mistral Small 3.2 24B');
    assert.equal(await model.getAttribute('aria-expanded'), 'false');
    const reasoning = page.getByRole('checkbox', { name: 'Enable reasoning' });
    assert.equal(await reasoning.isDisabled(), true);
    await page.getByText('This model does not support reasoning.').waitFor();

    // A mandatory-reasoning model says so.
    await model.click();
    await model.fill('deepseek');
    await page.keyboard.press('Enter');
    assert.equal(await model.inputValue(), 'DeepSeek: R1');
    await page.getByText('This model always reasons; off keeps it to the minimum.').waitFor();
    assert.equal(await reasoning.isEnabled(), true);

    // Escape closes the list and restores the chosen model.
    await model.click();
    await model.fill('zzz');
    await page.getByText('No models match “zzz”.').waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await model.getAttribute('aria-expanded'), 'false');
    assert.equal(await model.inputValue(), 'DeepSeek: R1');

    // Type to filter by name, then choose: the list shows id, context, prices and badges.
    await model.click();
    await model.fill('sonnet');
    const listbox = page.getByRole('listbox', { name: 'Models' });
    await listbox.waitFor();
    const option = listbox.getByRole('option', { name: /Claude Sonnet 4\.5/ });
    const optionText = (await option.textContent()) ?? '';
    assert.match(optionText, /anthropic\/claude-sonnet-4\.5/);
    assert.match(optionText, /\d+(\.\d+)?[KM] context/);
    assert.match(optionText, /\$\d+\.\d\d \/ \$\d+\.\d\d per 1M tokens/);
    assert.match(optionText, /Reasoning/);
    // Filter by id too, with arrow keys moving the active option.
    await model.fill('gpt-5.4');
    assert.equal(await listbox.getByRole('option').count(), 2);
    await page.keyboard.press('ArrowDown');
    const activeId = await model.getAttribute('aria-activedescendant');
    assert.ok(activeId, 'aria-activedescendant points at the active option');
    assert.match((await page.locator(`#${activeId}`).textContent()) ?? '', /openai\/gpt-5\.4(?!-)/);
    await model.fill('sonnet');
    await shot('04-api-configuration-model-dropdown');
    await option.click();
    assert.equal(await model.inputValue(), 'Anthropic: Claude Sonnet 4.5');
    await reasoning.check();

    // A fallback model, chosen with the keyboard only.
    await page.getByRole('button', { name: 'Add fallback model' }).click();
    const fallback = page.getByRole('combobox', { name: 'Fallback model 1' });
    assert.ok(await fallback.evaluate((el) => el === document.activeElement), 'focus moves to the new fallback');
    await fallback.pressSequentially('gemini');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    assert.equal(await fallback.inputValue(), 'Google: Gemini 3 Flash');
    await page.getByText('You have unsaved changes.').waitFor();

    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.locator('.settings-notice').filter({ hasText: 'Settings saved.' }).waitFor();
    assert.equal(settingsPuts().length, 1);
    assert.deepEqual(settingsPuts()[0].postDataJSON(), {
      provider: 'openrouter',
      apiKey: FAKE_KEY,
      model: 'anthropic/claude-sonnet-4.5',
      fallbackModels: ['google/gemini-3-flash'],
      reasoningEnabled: true,
      lowBalanceUsd: 1,
    });
    const masked = page.getByLabel('OpenRouter API Key');
    assert.equal(await masked.inputValue(), MASKED_FAKE_KEY);
    assert.equal(await masked.getAttribute('readonly'), '');
    await page.getByRole('button', { name: 'Change key' }).waitFor();
    await page.getByRole('button', { name: 'Remove API Key' }).waitFor();

    // Reload: everything comes back from the server.
    await page.reload();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByLabel('OpenRouter API Key').waitFor();
    assert.equal(await page.getByLabel('OpenRouter API Key').inputValue(), MASKED_FAKE_KEY);
    // The check that follows saving a new key proved it works: the status says so (no longer "when last tested").
    await page.getByText('Saved. Working: no failed requests since').waitFor();
    await page.waitForFunction(() => (document.getElementById('model') as HTMLInputElement | null)?.value === 'Anthropic: Claude Sonnet 4.5');
    assert.equal(await page.getByRole('combobox', { name: 'Fallback model 1' }).inputValue(), 'Google: Gemini 3 Flash');
    assert.equal(await page.getByRole('checkbox', { name: 'Enable reasoning' }).isChecked(), true);
    const stored = await getSettings();
    assert.equal(stored.model, 'anthropic/claude-sonnet-4.5');
    assert.deepEqual(stored.fallbackModels, ['google/gemini-3-flash']);
    assert.equal(stored.reasoningEnabled, true);
    assert.deepEqual(stored.apiKey, { saved: true, last4: FAKE_KEY.slice(-4) });

    // Test the stored key (now with a per-key limit) and show the open dropdown: the README screenshot.
    docent.fake.keyInfo = { ...docent.fake.keyInfo, limit: 20, limit_remaining: 18.75 };
    await page.getByRole('button', { name: 'Test API Key' }).click();
    const storedResult = page.locator('.key-test-result .notice-success');
    await storedResult.waitFor();
    assert.match((await storedResult.textContent()) ?? '', /accepted the saved key/);
    assert.match((await storedResult.textContent()) ?? '', /Per-key limit remaining\s*\$18\.75 of \$20\.00/);
    const reloadedModel = modelBox();
    await reloadedModel.click();
    await reloadedModel.fill('openai');
    await page.getByRole('listbox', { name: 'Models' }).waitFor();
    await page.mouse.move(0, 0);
    await shot('05-api-configuration', true, DOCS_SCREENSHOT);
    await page.keyboard.press('Escape');
  });

  it('a malformed key shows the inline error and nothing is saved; server field errors show beside the field', async () => {
    const putsBefore = settingsPuts().length;
    await page.getByRole('button', { name: 'Change key' }).click();
    const keyInput = page.getByLabel('OpenRouter API Key');
    assert.equal(await keyInput.getAttribute('type'), 'password');
    assert.ok(await keyInput.evaluate((el) => el === document.activeElement), 'focus moves to the key field');
    await keyInput.fill('sk-or-v1-1234');
    // Leaving the field checks the format at once.
    await page.keyboard.press('Tab');
    await page.getByRole('alert').filter({ hasText: KEY_FORMAT_MESSAGE }).waitFor();
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.locator('#main').getByText('Please correct the highlighted fields.').waitFor();
    assert.equal(await keyInput.getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await describedErrors('#api-key'), [`!${KEY_FORMAT_MESSAGE}`]);
    assert.equal(settingsPuts().length, putsBefore, 'no PUT was sent');
    await shot('06-api-configuration-error');

    // The Test button refuses a malformed key too, without calling the server.
    const tests = apiRequests.filter((r) => r.url().endsWith('/settings/api/test')).length;
    await page.getByRole('button', { name: 'Test API Key' }).click();
    assert.equal(apiRequests.filter((r) => r.url().endsWith('/settings/api/test')).length, tests);

    // Cancel the key change; a model id the server does not know comes back as a 400 with fields.model.
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.getByLabel('OpenRouter API Key').inputValue(), MASKED_FAKE_KEY);
    assert.equal(await page.getByText(KEY_FORMAT_MESSAGE).count(), 0);
    const model = modelBox();
    await model.click();
    await model.fill('acme/not-a-model');
    await page.getByRole('option', { name: /Use acme\/not-a-model as the model id/ }).click();
    await page.getByRole('button', { name: 'Save Changes' }).click();
    const fieldError = page.locator('#model-error');
    await fieldError.waitFor();
    assert.match((await fieldError.textContent()) ?? '', /acme\/not-a-model is not in the model list/);
    assert.equal(await fieldError.getAttribute('role'), 'alert');
    assert.equal(await model.getAttribute('aria-invalid'), 'true');
    await page.locator('.settings-notice.notice-error').filter({ hasText: 'Please correct the highlighted fields.' }).waitFor();
    assert.equal(settingsPuts().length, putsBefore + 1);
    // Nothing lost from the form, nothing saved on the server.
    assert.equal(await model.inputValue(), 'acme/not-a-model');
    assert.equal(await page.getByRole('combobox', { name: 'Fallback model 1' }).inputValue(), 'Google: Gemini 3 Flash');
    assert.equal(await page.getByRole('checkbox', { name: 'Enable reasoning' }).isChecked(), true);
    assert.equal((await getSettings()).model, 'anthropic/claude-sonnet-4.5');
    await shot('06-api-configuration-server-error');
  });

  it('Remove API Key asks first, then removes the stored key', async () => {
    await page.reload();
    const remove = page.getByRole('button', { name: 'Remove API Key' });
    await remove.waitFor();

    page.once('dialog', (d) => void d.dismiss());
    await remove.click();
    assert.equal((await getSettings()).apiKey.saved, true, 'cancelled: still stored');

    let message = '';
    page.once('dialog', (d) => {
      message = d.message();
      void d.accept();
    });
    await remove.click();
    await page.locator('.settings-notice').filter({ hasText: 'API key removed.' }).waitFor();
    assert.match(message, /Remove the saved API key\?/);
    const keyInput = page.getByLabel('OpenRouter API Key');
    assert.equal(await keyInput.getAttribute('type'), 'password');
    assert.equal(await keyInput.inputValue(), '');
    assert.equal(await page.getByRole('button', { name: 'Remove API Key' }).count(), 0);
    assert.deepEqual((await getSettings()).apiKey, { saved: false, last4: null });
  });

  it('works 390px wide: stacked form, no sideways scrolling, menu behind a button', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByLabel('OpenRouter API Key').waitFor();
    await page.getByText(/\d+ models/).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`);
    const labelBox = await page.locator('label[for="api-key"]').boundingBox();
    const inputBox = await page.getByLabel('OpenRouter API Key').boundingBox();
    assert.ok(labelBox && inputBox && inputBox.y > labelBox.y + labelBox.height - 1, 'label above the field');
    assert.equal(await page.getByRole('navigation', { name: 'Main menu' }).isVisible(), false);
    await shot('07-mobile-api-configuration');

    const model = modelBox();
    await model.click();
    await model.fill('gpt');
    await page.getByRole('listbox', { name: 'Models' }).waitFor();
    await shot('07-mobile-model-dropdown', false);
    await page.keyboard.press('Escape');

    const menuButton = page.getByRole('button', { name: 'Menu' });
    await menuButton.click();
    assert.equal(await menuButton.getAttribute('aria-expanded'), 'true');
    await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
    await shot('07-mobile-menu', false);
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main menu' }).isVisible(), false, 'menu closes after navigating');
    await page.locator('.checklist-item').first().waitFor();
    await shot('07-mobile-dashboard');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('an expired session sends the admin to the login screen, and back after logging in', async () => {
    await page.goto(url('/admin/settings'));
    await page.getByRole('button', { name: 'Refresh list' }).waitFor();
    await context.clearCookies();
    await page.getByRole('button', { name: 'Refresh list' }).click();
    await page.getByText('Your session has expired. Please log in again.').waitFor();
    await page.waitForURL((u) => u.pathname === '/admin/login');
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.waitForURL((u) => u.pathname === '/admin/settings');
  });

  it('log out returns to the login screen and the API answers 401', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.waitForURL((u) => u.pathname === '/admin/login');
    const res = await page.request.get(url('/api/admin/settings/api'));
    assert.equal(res.status(), 401);
    // Reloading stays on the login screen.
    await page.reload();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
  });

  it('no script errors on the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
