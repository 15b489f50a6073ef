// Settings → Notifications with e-mail: the settings API and its checks, Send test e-mail against real SMTP
// servers in this process (with and without a login, one refusing the login with 535, one refusing a
// recipient, one that is down, one speaking TLS), alert e-mails as delivered, and the SMTP password kept out of
// every response, log line and the database file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import { createTestApp, setupAdmin, PUBLIC_URL, type AdminClient, type TestApp } from '../../e2e/support/harness.js';
import { startMailbox, type Mailbox } from '../../e2e/fakes/mailbox.js';
import { postgresTablesHolding, testDb } from '../../e2e/support/test-db.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { runDeliveries } from './delivery.js';

const PASSWORD = 'Sm7p-pa55word-that-must-never-leak';
const FROM = 'docent@example.com';
const TO = 'owner@example.com';

interface Setup extends TestApp {
  admin: AdminClient;
}

async function app(t: { after(fn: () => unknown): void }, env: Record<string, string> = {}): Promise<Setup> {
  const testApp = await createTestApp({ env });
  t.after(testApp.close);
  return { ...testApp, admin: await setupAdmin(testApp.app) };
}

async function mailbox(t: { after(fn: () => unknown): void }, options: Parameters<typeof startMailbox>[0] = {}): Promise<Mailbox> {
  const box = await startMailbox(options);
  t.after(box.close);
  return box;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const smtp = (box: { port: number }, extra: Record<string, unknown> = {}) => ({
  host: '127.0.0.1',
  port: box.port,
  security: 'none',
  user: '',
  from: FROM,
  to: [TO],
  ...extra,
});

const settingsBody = (email: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  email: { enabled: true, ...email },
  webhook: { enabled: false, url: '' },
  digest: { frequency: 'off', hour: 8, weekday: 1 },
  ...extra,
});

test('GET /notifications: nothing is set up at first; the catalogue lists every event with its default routing', async (t) => {
  const { admin } = await app(t);
  const res = await admin.request('GET', '/api/admin/notifications');
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.deepEqual(body.email, { enabled: false, host: '', port: 587, security: 'starttls', user: '', password: { saved: false }, from: '', to: [] });
  assert.deepEqual(body.webhook, { enabled: false, url: '', secret: { saved: false, last4: null } });
  assert.deepEqual(body.digest, { frequency: 'off', hour: 8, weekday: 1 });
  assert.equal(body.nextDigestAt, null);
  assert.deepEqual(
    body.catalogue.map((e: { type: string }) => e.type),
    ['new_lead', 'invalid_key', 'out_of_credits', 'low_balance', 'spend_cap', 'model_not_responding', 'digest'],
  );
  assert.deepEqual(body.catalogue[5], {
    type: 'model_not_responding',
    label: 'Model not responding',
    description: 'Answers time out, or the provider cannot be reached or is failing.',
  });
  assert.deepEqual(body.events.invalid_key, { email: true, webhook: true });
  assert.deepEqual(body.events.digest, { email: true, webhook: false });
});

test('PUT /notifications: each mistake is named on its field, and nothing is saved', async (t) => {
  const { admin } = await app(t);
  const res = await admin.request(
    'PUT',
    '/api/admin/notifications',
    settingsBody(
      { host: 'smtp://mail.example.com', port: 70000, security: 'ssl', user: '', from: 'docent', to: ['owner@example.com', 'bob@'] },
      { webhook: { enabled: true, url: 'ftp://hooks.example.com/x' }, digest: { frequency: 'hourly', hour: 24, weekday: 1 } },
    ),
  );
  assert.equal(res.statusCode, 400);
  assert.deepEqual(res.json().fields, {
    'email.host': "Enter the mail server's host name, such as smtp.example.com (no smtp:// and no port: the port has its own field).",
    'email.port': 'Enter a port from 1 to 65535: usually 587 for STARTTLS, 465 for TLS, 25 without encryption.',
    'email.security': 'Choose None, STARTTLS or TLS.',
    'email.from': 'Enter the sender address, such as docent@example.com. Many mail servers only accept their own domain here.',
    'email.to': '"bob@" is not an e-mail address. Separate addresses with commas.',
    'webhook.url': 'Only http:// and https:// addresses can be read (this one starts with ftp:).',
    'digest.frequency': 'Choose off, daily or weekly.',
    'digest.hour': 'Choose an hour from 0 to 23.',
  });

  // Complete enough to be valid, but switched on without what sending needs.
  const incomplete = await admin.request(
    'PUT',
    '/api/admin/notifications',
    settingsBody({ host: '', port: 587, security: 'starttls', from: '', to: [] }, { webhook: { enabled: true, url: '' } }),
  );
  assert.equal(incomplete.statusCode, 400);
  assert.deepEqual(incomplete.json(), {
    statusCode: 400,
    error: 'Bad Request',
    message: 'Please correct the highlighted fields.',
    fields: {
      'email.host': "Enter the mail server's host name, such as smtp.example.com (no smtp:// and no port: the port has its own field).",
      'email.from': 'Enter the sender address, such as docent@example.com. Many mail servers only accept their own domain here.',
      'email.to': 'Enter at least one address to send notifications to.',
      'webhook.url': 'Enter the full address that receives the events, such as https://example.com/hooks/docent.',
    },
  });
  assert.equal((await admin.request('GET', '/api/admin/notifications')).json().email.enabled, false, 'nothing saved');
});

test('Send test e-mail without a login: the message arrives with its headers, text and HTML', async (t) => {
  const { admin } = await app(t);
  const box = await mailbox(t);
  const res = await admin.request('POST', '/api/admin/notifications/test/email', smtp(box, { to: [TO, 'second@example.com'] }));
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { ok: true, message: `Sent to ${TO}, second@example.com. Check the inbox (and the spam folder).` });
  const [mail] = box.messages;
  assert.equal(box.messages.length, 1);
  assert.deepEqual(mail.envelope, { from: FROM, to: [TO, 'second@example.com'] });
  assert.equal(mail.user, null);
  assert.equal(mail.headers.subject, '[Docent] Test e-mail');
  assert.equal(mail.headers.from, `Docent <${FROM}>`);
  assert.equal(mail.headers.to, `${TO}, second@example.com`);
  assert.equal(mail.headers['auto-submitted'], 'auto-generated');
  assert.equal(mail.headers['x-docent-event'], 'test');
  assert.equal(
    mail.text,
    [
      'Test e-mail',
      '',
      'This is a test from Settings → Notifications. E-mail notifications from Docent reach this address.',
      '',
      '-- ',
      `Sent by Docent at ${PUBLIC_URL}. Choose what it sends you in Settings → Notifications: ${PUBLIC_URL}/admin/settings?tab=notifications`,
      '',
    ].join('\n'),
  );
  assert.match(mail.html, /<h1[^>]*>Test e-mail<\/h1>/);
  assert.ok(mail.html.includes(`<a href="${PUBLIC_URL}/admin/settings?tab=notifications"`));
});

test('Send test e-mail names each failure: login refused (535), login missing, recipient refused, server down, TLS', async (t) => {
  const { admin } = await app(t);
  const secured = await mailbox(t, { login: { user: 'docent', pass: PASSWORD } });
  const test = async (body: Record<string, unknown>) => {
    const res = await admin.request('POST', '/api/admin/notifications/test/email', body);
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  assert.deepEqual(await test(smtp(secured, { user: 'docent', password: 'wrong password' })), {
    ok: false,
    stage: 'login',
    message: 'Connected, but the server refused the login: 535 5.7.8 Authentication credentials invalid. Check the user name and password.',
  });
  assert.deepEqual(await test(smtp(secured)), {
    ok: false,
    stage: 'login',
    message: 'Connected, but the server requires a login before sending: 530 Error: authentication Required. Enter the user name and password.',
  });
  assert.deepEqual(await test(smtp(secured, { user: 'docent', password: PASSWORD })), {
    ok: true,
    message: `Sent to ${TO}. Check the inbox (and the spam folder).`,
  });
  assert.equal(secured.messages.length, 1);
  assert.equal(secured.messages[0].user, 'docent');
  assert.deepEqual(secured.logins, [
    { user: 'docent', ok: false },
    { user: 'docent', ok: true },
  ]);

  const picky = await mailbox(t, { refuseRecipients: /^nobody@/ });
  assert.deepEqual(await test(smtp(picky, { to: ['nobody@example.com'] })), {
    ok: false,
    stage: 'recipient',
    message: 'Connected, but the server refused the recipient nobody@example.com: 550 5.1.1 No such mailbox. Check the address.',
  });
  assert.deepEqual(await test(smtp(picky, { to: ['nobody@example.com', TO] })), {
    ok: true,
    message: `Sent to ${TO}. Check the inbox (and the spam folder). The server refused nobody@example.com: 550 5.1.1 No such mailbox.`,
  });

  const down = await closedPort();
  assert.deepEqual(await test(smtp({ port: down })), {
    ok: false,
    stage: 'connect',
    message: `Could not connect to 127.0.0.1:${down}: the connection was refused. Check the host and port, and that the mail server is running.`,
  });
  assert.deepEqual(await test(smtp({ port: 25 }, { host: 'mail.nonexistent.invalid' })), {
    ok: false,
    stage: 'connect',
    message: 'Could not find the mail server mail.nonexistent.invalid (DNS lookup failed). Check the host name.',
  });

  // TLS from the first byte against a server that speaks plain SMTP, and against a certificate that does not verify.
  const plain = await mailbox(t);
  assert.deepEqual(await test(smtp(plain, { security: 'tls' })), {
    ok: false,
    stage: 'tls',
    message: `Connected to 127.0.0.1:${plain.port}, but the secure connection failed (wrong version number). The server did not answer with TLS on port ${plain.port}: it probably expects STARTTLS (usual on port 587) or no encryption. Choose STARTTLS.`,
  });
  const tls = await mailbox(t, { secure: true });
  const badCert = await test(smtp(tls, { security: 'tls' }));
  assert.equal(badCert.ok, false);
  assert.equal(badCert.stage, 'tls');
  assert.match(
    badCert.message,
    new RegExp(`^Connected to 127\\.0\\.0\\.1:${tls.port}, but the secure connection failed \\((certificate has expired|self[- ]signed certificate)\\)\\. `),
  );
  assert.equal(plain.messages.length + tls.messages.length, 0);
});

test('Send test e-mail checks its fields first, with the same sentences as saving', async (t) => {
  const { admin } = await app(t);
  const res = await admin.request('POST', '/api/admin/notifications/test/email', {
    host: '',
    port: 587,
    security: 'starttls',
    user: 'docent',
    from: FROM,
    to: [],
  });
  assert.equal(res.statusCode, 400);
  assert.deepEqual(res.json(), {
    statusCode: 400,
    error: 'Bad Request',
    message: 'Fill in these fields to send a test e-mail.',
    fields: {
      host: "Enter the mail server's host name, such as smtp.example.com (no smtp:// and no port: the port has its own field).",
      to: 'Enter at least one address to send notifications to.',
      password: 'Enter the password for docent, or clear the user name if the server needs no login.',
    },
  });
});

test('the SMTP password is never in a response, a log line or the database file; it is used only with the server and user it was saved for', async (t) => {
  const { app: docent, admin, logs, dataDir } = await app(t);
  const box = await mailbox(t, { login: { user: 'docent', pass: PASSWORD } });
  const saved = await admin.request('PUT', '/api/admin/notifications', settingsBody(smtp(box, { user: 'docent', password: PASSWORD })));
  assert.equal(saved.statusCode, 200, saved.body);
  assert.deepEqual(saved.json().email.password, { saved: true });
  const got = await admin.request('GET', '/api/admin/notifications');
  // The saved password is used when none is typed, for the same server and user.
  const tested = await admin.request('POST', '/api/admin/notifications/test/email', smtp(box, { user: 'docent' }));
  assert.equal(tested.json().ok, true, tested.body);
  assert.equal(box.messages[0].user, 'docent');

  // Another host (or user) does not get it: the admin must type the password for it.
  const elsewhere = await admin.request('POST', '/api/admin/notifications/test/email', smtp(box, { host: 'localhost', user: 'docent' }));
  assert.equal(elsewhere.statusCode, 400);
  assert.deepEqual(elsewhere.json().fields, {
    password: 'Enter the password for docent at localhost: the saved password is only sent to the server and user it was saved for (docent at 127.0.0.1).',
  });
  const moved = await admin.request('PUT', '/api/admin/notifications', settingsBody(smtp(box, { host: 'localhost', user: 'docent' })));
  assert.equal(moved.statusCode, 400);
  assert.match(moved.json().fields['email.password'], /^Enter the password for docent at localhost/);
  assert.equal(box.logins.length, 1, 'no login attempt went anywhere with the saved password');

  for (const res of [saved, got, tested, elsewhere, moved]) assert.ok(!res.body.includes(PASSWORD), 'not in a response');
  assert.ok(!logs().includes(PASSWORD), 'not in the log');
  const db = testDb(docent);
  if (db.backend === 'sqlite') {
    docent.db.pragma('wal_checkpoint(FULL)');
    for (const file of ['docent.db', 'docent.db-wal']) {
      const path = `${dataDir}/${file}`;
      if (existsSync(path)) assert.ok(!readFileSync(path).includes(Buffer.from(PASSWORD)), `not in ${file} in plaintext`);
    }
  } else {
    // PostgreSQL's files are the server's: every row of every table instead.
    assert.deepEqual(await postgresTablesHolding(db, PASSWORD), [], 'not in any table in plaintext');
  }
  const hint = await db.value("SELECT hint FROM secrets WHERE name = 'notifications_smtp_password'");
  assert.equal(hint, '', 'not even its last characters');

  // Clearing the user name removes the password: it belonged to that login.
  const noLogin = await admin.request('PUT', '/api/admin/notifications', settingsBody(smtp(box)));
  assert.deepEqual(noLogin.json().email.password, { saved: false });
});

test('an alert becomes one e-mail while it recurs: subject, the dashboard sentence, the link to fix it', async (t) => {
  const { app: docent, admin, fake } = await app(t);
  const box = await mailbox(t);
  assert.equal((await admin.request('PUT', '/api/admin/notifications', settingsBody(smtp(box)))).statusCode, 200);
  await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  await admin.request('POST', '/api/admin/training/text', { title: 'Warranty', text: 'Every Acme widget has a two-year warranty.' });
  await admin.request('POST', '/api/admin/training/start');
  await docent.training.runner.idle();

  fake.fail({ route: 'chat', kind: 'payment-required' });
  for (let i = 0; i < 3; i++) {
    const res = await docent.inject({
      method: 'POST',
      url: '/api/widget/chat',
      headers: { origin: 'https://shop.example.com' },
      payload: { visitorId: 'visitor-0001', message: 'What does the warranty cover?' },
    });
    assert.match(res.body, /event: error/);
  }
  await runDeliveries(docent);
  const alert = (await admin.request('GET', '/api/admin/dashboard/stats')).json().alerts.find((a: { kind: string }) => a.kind === 'payment_required');
  assert.equal(alert.count, 3);
  assert.equal(box.messages.length, 1, 'three failures of one open alert: one e-mail');
  const [mail] = box.messages;
  assert.equal(mail.headers.subject, '[Docent] OpenRouter credits ran out');
  assert.equal(mail.headers['x-docent-event'], 'out_of_credits');
  assert.match(mail.headers['x-docent-event-id'], /^evt_[0-9a-f-]{36}$/);
  assert.equal(
    mail.text.split('\n\n').slice(0, 4).join('\n\n'),
    [
      'OpenRouter credits ran out',
      alert.message,
      'This is also on the Dashboard until it is resolved.',
      'Add credits at OpenRouter: https://openrouter.ai/settings/credits',
    ].join('\n\n'),
  );
  const deliveries = (await admin.request('GET', '/api/admin/notifications/deliveries')).json().deliveries;
  assert.deepEqual(
    deliveries.map((d: Record<string, unknown>) => [d.event, d.channel, d.status, d.attempts, d.summary, d.lastError]),
    [['out_of_credits', 'email', 'delivered', 1, 'OpenRouter credits ran out', null]],
  );
});
