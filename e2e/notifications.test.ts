// Browser test of Settings → Notifications in Debian's Chromium against the real server, a real SMTP server and
// a real webhook receiver in this process: SMTP set up and tested (a wrong password shows the server's 535
// sentence, the right one sends), the webhook saved with its signing secret shown once, events routed and
// delivered, the last deliveries with a failing receiver, the digest's schedule. Axe checks the screen;
// screenshots go to e2e/artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { launchBrowser } from './support/browser.js';
import { startDocent, TEST_PASSWORD } from './support/harness.js';
import { startMailbox, type Mailbox } from './fakes/mailbox.js';
import { startWebhookReceiver, type WebhookReceiver } from './fakes/webhook-receiver.js';
import { raiseAlert } from '../server/chat/alerts.js';
import { runDeliveries } from '../server/notifications/delivery.js';
import { ADMIN_UI_DIR, PROJECT_ROOT } from '../server/paths.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'e2e', 'artifacts');
const SMTP_USER = 'docent';
const SMTP_PASSWORD = 'the right SMTP password';

type Docent = Awaited<ReturnType<typeof startDocent>>;
let docent: Docent;
let mailbox: Mailbox;
let hooks: WebhookReceiver;
let browser: Browser;
let context: BrowserContext;
let page: Page;
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

const text = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

before(async () => {
  if (!existsSync(path.join(ADMIN_UI_DIR, 'index.html'))) throw new Error('The admin UI is not built: run "npm run build:ui" first.');
  mkdirSync(ARTIFACTS, { recursive: true });
  mailbox = await startMailbox({ login: { user: SMTP_USER, pass: SMTP_PASSWORD } });
  hooks = await startWebhookReceiver();
  docent = await startDocent();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'Europe/Berlin' });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const setup = await page.request.post(url('/api/admin/setup'), { data: { password: TEST_PASSWORD } });
  assert.equal(setup.status(), 201);
});

after(async () => {
  await browser?.close();
  await docent?.close();
  await mailbox?.close();
  await hooks?.close();
});

describe('Settings → Notifications', () => {
  it("sets up SMTP: Send test e-mail names a wrong password with the server's 535, then sends with the right one; the password is never shown back", async () => {
    await page.goto(url('/admin/settings?tab=notifications'));
    await page.getByRole('heading', { name: 'E-mail', exact: true }).waitFor();
    assert.equal(
      await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Notifications' }).getAttribute('aria-current'),
      'page',
    );

    // Missing fields are named before anything is sent.
    await page.getByRole('button', { name: 'Send test e-mail' }).click();
    assert.equal(
      await describedError('#ntf-host'),
      "!Enter the mail server's host name, such as smtp.example.com (no smtp:// and no port: the port has its own field).",
    );
    assert.ok(await page.locator('#ntf-host').evaluate((el) => el === document.activeElement), 'focus on the first field to fix');

    await page.getByLabel('Send notifications by e-mail').check();
    await page.getByRole('textbox', { name: 'SMTP host', exact: true }).fill('127.0.0.1');
    await page.getByRole('radio', { name: /^None/ }).check();
    assert.equal(await page.getByRole('spinbutton', { name: 'Port' }).inputValue(), '25', 'the port follows the encryption');
    await page.getByRole('spinbutton', { name: 'Port' }).fill(String(mailbox.port));
    await page.getByRole('textbox', { name: 'User name', exact: true }).fill(SMTP_USER);
    await page.locator('#ntf-password').fill('a wrong password');
    await page.getByRole('textbox', { name: 'From', exact: true }).fill('docent@example.com');
    await page.getByRole('textbox', { name: 'Send to', exact: true }).fill('owner@example.com');
    await page.getByRole('button', { name: 'Send test e-mail' }).click();
    const result = page.locator('.ntf-test-result').first();
    await result.getByText('The test e-mail was not sent.').waitFor();
    assert.equal(
      await text('.ntf-test-result'),
      'The test e-mail was not sent. Connected, but the server refused the login: 535 5.7.8 Authentication credentials invalid. Check the user name and password.',
    );
    assert.equal(await result.getByRole('alert').count(), 1, 'announced');
    assert.deepEqual(await axeViolations(), []);
    await shot('notifications-smtp-login-refused');

    await page.locator('#ntf-password').fill(SMTP_PASSWORD);
    await page.getByRole('button', { name: 'Send test e-mail' }).click();
    await result.getByText('Test e-mail sent.').waitFor();
    assert.equal(await text('.ntf-test-result'), 'Test e-mail sent. Sent to owner@example.com. Check the inbox (and the spam folder).');
    const [mail] = await mailbox.waitFor(1);
    assert.equal(mail.headers.subject, '[Docent] Test e-mail');
    assert.equal(mail.user, SMTP_USER);

    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Notification settings saved.' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'E-mail', exact: true }).waitFor();
    assert.equal(await page.locator('#ntf-password').inputValue(), '');
    assert.equal(await page.locator('#ntf-password').getAttribute('placeholder'), 'Saved (type to replace)');
    const html = await page.content();
    assert.ok(!html.includes(SMTP_PASSWORD), 'the saved password is nowhere on the page');
    assert.equal(pageErrors.length, 0, pageErrors.join('\n'));
  });

  it('saves a webhook: the signing secret is shown once, Send test event arrives signed with it', async () => {
    await page.getByLabel('POST each event as JSON to a URL', { exact: false }).check();
    await page.getByRole('textbox', { name: 'Webhook URL', exact: true }).fill(hooks.url);
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Notification settings saved.' }).waitFor();
    const secretField = page.locator('#ntf-secret-value');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.equal(await text('#ntf-secret-once-note'), 'Copy it now: it is not shown again. Give it to your receiver to check the signatures.');
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    await shot('notifications-webhook-secret-once');
    await page
      .locator('section.postbox', { has: page.getByRole('heading', { name: 'Webhook', exact: true }) })
      .screenshot({ path: path.join(ARTIFACTS, 'notifications-webhook-section.png'), animations: 'disabled' });

    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByText('Test event delivered.').waitFor();
    assert.equal(await text('.ntf-test-result >> nth=1'), 'Test event delivered. Delivered: the receiver answered 200.');
    const [hook] = await hooks.waitFor(1);
    assert.equal(hook.json.event, 'test');
    assert.equal(hook.headers['x-docent-signature'], `sha256=${createHmac('sha256', secret).update(hook.raw).digest('hex')}`);

    await page.reload();
    await page.locator('#ntf-secret-status').waitFor();
    assert.equal(await text('#ntf-secret-status'), `Saved, ending in …${secret.slice(-4)}.`);
    assert.equal(await page.locator('#ntf-secret-value').count(), 0, 'not shown again');
    assert.ok(!(await page.content()).includes(secret));
  });

  it('routes events, shows the last deliveries (a receiver that fails is retried), and schedules the digest in UTC with the local time beside it', async () => {
    // Low balance by e-mail only.
    await page.getByRole('checkbox', { name: 'Low balance by webhook' }).uncheck();
    await page.getByRole('radio', { name: 'Weekly' }).check();
    await page.getByRole('combobox', { name: 'Day' }).selectOption({ label: 'Monday' });
    await page.getByRole('combobox', { name: 'Time' }).selectOption({ label: '07:00 UTC' });
    const localSeven = await page.evaluate(() => {
      const d = new Date();
      d.setUTCHours(7, 0, 0, 0);
      return d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
    });
    assert.match(
      await text('#ntf-hour-description'),
      new RegExp(`^07:00 UTC is ${localSeven} in your time zone \\(Europe/Berlin\\)\\. Save to schedule it\\.$`),
    );
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Notification settings saved.' }).waitFor();
    assert.match(await text('#ntf-hour-description'), /Next digest: [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:00 [AP]M\.$/);
    // The radio group is described by the digest's help text (it once pointed at an id nothing had).
    const describedBy = (await page.getByRole('group', { name: 'Send a digest' }).getAttribute('aria-describedby')) ?? '';
    assert.match(await text(`#${describedBy}`), /^Conversations, answered share, thumbs, costs and open problems/);

    hooks.respond(500);
    await raiseAlert(docent.app.stores, 'low_balance', 'Your OpenRouter balance is $0.40, below your warning level of $1.00.');
    await raiseAlert(docent.app.stores, 'invalid_key', 'OpenRouter rejected this key: invalid or revoked key.');
    await runDeliveries(docent.app);
    await mailbox.waitFor(3);
    assert.deepEqual(
      hooks.requests.map((h) => h.json.event),
      ['test', 'invalid_key'],
      'low balance went by e-mail only',
    );

    await page.getByRole('button', { name: 'Refresh' }).click();
    const history = page.locator('.ntf-history');
    await history.getByText('Retrying: attempt 1 of 8 failed').waitFor();
    const rows = await history
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent!.replace(/\s+/g, ' ').trim())));
    assert.equal(rows.length, 3);
    assert.deepEqual(
      rows.map((r) => r.slice(0, 2)).sort(),
      [
        ['API key not workingThe API key is not working', 'E-mail'],
        ['API key not workingThe API key is not working', 'Webhook'],
        ['Low balanceYour OpenRouter balance is low', 'E-mail'],
      ].sort(),
    );
    const webhookRow = rows.find((r) => r[1] === 'Webhook')!;
    assert.match(webhookRow[2], /^Retrying: attempt 1 of 8 failed, next .+The server answered 500 \(server error\): “receiver failed”\.$/);
    assert.deepEqual(await axeViolations(), []);
    await shot('notifications-settings');

    await page.setViewportSize({ width: 390, height: 844 });
    await shot('notifications-settings-phone');
    // The parts that change shape on a phone, at a readable size.
    for (const [name, heading] of [
      ['routes', 'What to send'],
      ['deliveries', 'Last deliveries'],
    ]) {
      await page
        .locator('section.postbox', { has: page.getByRole('heading', { name: heading }) })
        .screenshot({ path: path.join(ARTIFACTS, `notifications-phone-${name}.png`), animations: 'disabled' });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    assert.equal(pageErrors.length, 0, pageErrors.join('\n'));
  });
});
