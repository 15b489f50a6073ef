// Docent's own page (the admin's Widget preview) is recognised by PUBLIC_URL or the admin's session, never
// by a Host header the client chose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, setupAdmin } from '../../e2e/support/harness.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { testDb } from '../../e2e/support/test-db.js';

const FORGED = { origin: 'http://evil.example', host: 'evil.example' };
// How the admin reaches Docent when that is not PUBLIC_URL (e.g. over a LAN address or an SSH tunnel).
const ADMIN_HOST = { origin: 'http://docent.lan:8080', host: 'docent.lan:8080' };

async function setup(t: { after(fn: () => unknown): void }) {
  const testApp = await createTestApp();
  t.after(testApp.close);
  const admin = await setupAdmin(testApp.app);
  await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  await admin.request('POST', '/api/admin/training/text', { question: 'What does the warranty cover?', answer: 'Every Acme widget has a two-year warranty.' });
  await admin.request('POST', '/api/admin/training/start');
  await testApp.app.training.runner.idle();
  const setAllowedDomains = async (allowedDomains: string[]) => {
    const { widget } = (await admin.request('GET', '/api/admin/widget/settings')).json();
    assert.equal((await admin.request('PUT', '/api/admin/widget/settings', { ...widget, allowedDomains })).statusCode, 200);
  };
  const chat = (headers: Record<string, string>, visitorId: string) =>
    testApp.app.inject({
      method: 'POST',
      url: '/api/widget/chat',
      headers,
      payload: { visitorId, message: 'What does the warranty cover?' },
    });
  const channelOf = (visitorId: string) =>
    testDb(testApp.app).value('SELECT channel FROM conversations WHERE visitor_hash = ?', testApp.app.secretBox.fingerprint(`visitor:${visitorId}`));
  return { ...testApp, admin, setAllowedDomains, chat, channelOf };
}

test('a forged Origin with a matching Host is refused when allowed domains are set', async (t) => {
  const { app, setAllowedDomains, chat, admin } = await setup(t);
  await setAllowedDomains(['shop.example.com']);
  const config = await app.inject({ url: '/api/widget/config', headers: FORGED });
  assert.equal(config.statusCode, 403);
  assert.equal(config.json().message, 'This website is not allowed to use this chat widget. Add it under Widget → Allowed domains.');
  assert.equal((await chat(FORGED, 'forger-0001')).statusCode, 403);
  // Neither an invalid session cookie nor a real one sent from another origin makes it Docent's own page.
  assert.equal((await chat({ ...FORGED, cookie: 'docent_session=not-a-session' }, 'forger-0001')).statusCode, 403);
  assert.equal((await chat({ ...FORGED, host: 'docent.lan:8080', cookie: admin.cookie }, 'forger-0001')).statusCode, 403);
  assert.equal(await testDb(app).value('SELECT count(*) FROM conversations'), 0);
});

test("when every site may use the widget, forged own-page headers count as widget traffic, not the admin's Playground", async (t) => {
  const { chat, channelOf, admin } = await setup(t);
  const res = await chat(FORGED, 'forger-0002');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /event: done/);
  assert.equal(await channelOf('forger-0002'), 'widget');
  const stats = (await admin.request('GET', '/api/admin/dashboard/stats')).json();
  assert.equal(stats.today.conversations, 1, "shown in the widget's stats");
});

test("the admin's real preview (session cookie, same origin) works under allowed domains and is stored as Playground", async (t) => {
  const { app, setAllowedDomains, chat, channelOf, admin } = await setup(t);
  await setAllowedDomains(['shop.example.com']);
  const config = await app.inject({ url: '/api/widget/config', headers: { ...ADMIN_HOST, cookie: admin.cookie } });
  assert.equal(config.statusCode, 200);
  const res = await chat({ ...ADMIN_HOST, cookie: admin.cookie }, 'preview-0001');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /event: done/);
  assert.equal(await channelOf('preview-0001'), 'playground');
  // A page at PUBLIC_URL's origin is Docent's own, with or without a session.
  assert.equal((await chat({ origin: 'https://docent.example.test' }, 'preview-0002')).statusCode, 200);
  assert.equal(await channelOf('preview-0002'), 'playground');
  assert.equal((await admin.request('GET', '/api/admin/dashboard/stats')).json().today.conversations, 0, "the admin's preview is not visitor traffic");
  // After logout the same page is just another site.
  assert.equal((await admin.request('POST', '/api/admin/logout')).statusCode < 300, true);
  assert.equal((await chat({ ...ADMIN_HOST, cookie: admin.cookie }, 'preview-0003')).statusCode, 403);
});
