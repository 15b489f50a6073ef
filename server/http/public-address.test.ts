// Docent's public address: PUBLIC_URL when set, else the address the admin browses from; forwarded headers
// count only when TRUST_PROXY is on, so a client cannot point the snippet at another host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, setupAdmin, type TestApp } from '../../e2e/support/harness.js';
import { addressStatus, browsingOrigin, reachOf } from './public-address.js';

const FORGED = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

async function appWith(t: { after(fn: () => unknown): void }, env: Record<string, string>) {
  const testApp: TestApp = await createTestApp({ env });
  t.after(testApp.close);
  const admin = await setupAdmin(testApp.app);
  const get = (url: string, headers: Record<string, string>) => testApp.app.inject({ url, headers: { cookie: admin.cookie, ...headers } });
  const snippet = async (headers: Record<string, string>) => (await get('/api/admin/widget/settings', headers)).json().snippet as string;
  const webhookUrl = async (headers: Record<string, string>) => (await get('/api/admin/training/webhook', headers)).json().url as string;
  const address = async (headers: Record<string, string>) => (await get('/api/admin/widget/address', headers)).json();
  return { ...testApp, admin, get, snippet, webhookUrl, address };
}

test('PUBLIC_URL unset: the snippet and the webhook URL use the address the admin browses from', async (t) => {
  const { snippet, webhookUrl, address } = await appWith(t, { PUBLIC_URL: '' });
  const host = { host: 'chat.example.com' };
  assert.equal(await snippet(host), '<script src="http://chat.example.com/widget.js" async></script>');
  assert.equal(await webhookUrl(host), 'http://chat.example.com/api/webhooks/content');
  assert.equal(await snippet({ host: '203.0.113.7:8080' }), '<script src="http://203.0.113.7:8080/widget.js" async></script>');
  assert.deepEqual(await address(host), {
    address: 'http://chat.example.com',
    publicUrl: null,
    browsingOrigin: 'http://chat.example.com',
    reach: 'public',
    mismatch: null,
  });
  // Opened on this computer: the snippet works here only, and the screen says so (reach 'local').
  assert.equal((await address({ host: 'localhost:3000' })).reach, 'local');
});

test('TRUST_PROXY off: forged X-Forwarded-Host and -Proto do not change the snippet, the webhook URL or the cookie', async (t) => {
  const { app, snippet, webhookUrl, address } = await appWith(t, { PUBLIC_URL: '' });
  const forged = { host: 'chat.example.com', ...FORGED };
  assert.equal(await snippet(forged), '<script src="http://chat.example.com/widget.js" async></script>');
  assert.equal(await webhookUrl(forged), 'http://chat.example.com/api/webhooks/content');
  assert.equal((await address(forged)).browsingOrigin, 'http://chat.example.com');
  const login = await app.inject({ method: 'POST', url: '/api/admin/login', headers: forged, payload: { password: 'correct horse battery' } });
  assert.equal(login.statusCode, 200);
  assert.equal(login.cookies.find((c) => c.name === 'docent_session')!.secure, undefined, 'plain http and no PUBLIC_URL: not Secure');
});

test("TRUST_PROXY on: the proxy's X-Forwarded-Host and -Proto give the address, and https makes the cookie Secure", async (t) => {
  const { app, snippet, webhookUrl, address } = await appWith(t, { PUBLIC_URL: '', TRUST_PROXY: 'true' });
  const proxied = { host: '127.0.0.1:3000', 'x-forwarded-host': 'chat.example.com', 'x-forwarded-proto': 'https' };
  assert.equal(await snippet(proxied), '<script src="https://chat.example.com/widget.js" async></script>');
  assert.equal(await webhookUrl(proxied), 'https://chat.example.com/api/webhooks/content');
  assert.deepEqual(await address(proxied), {
    address: 'https://chat.example.com',
    publicUrl: null,
    browsingOrigin: 'https://chat.example.com',
    reach: 'public',
    mismatch: null,
  });
  // Without forwarded headers it is the Host the proxy passed on.
  assert.equal(await snippet({ host: 'chat.example.com' }), '<script src="http://chat.example.com/widget.js" async></script>');
  const login = await app.inject({ method: 'POST', url: '/api/admin/login', headers: proxied, payload: { password: 'correct horse battery' } });
  assert.equal(login.cookies.find((c) => c.name === 'docent_session')!.secure, true, 'came over https through the proxy');
});

test('PUBLIC_URL set: it is the address whatever the request says, and a different browsing origin is reported', async (t) => {
  const { snippet, webhookUrl, address } = await appWith(t, { PUBLIC_URL: 'http://localhost:3000', TRUST_PROXY: 'true' });
  const proxied = { host: '127.0.0.1:3000', 'x-forwarded-host': 'chat.example.com', 'x-forwarded-proto': 'https' };
  assert.equal(await snippet(proxied), '<script src="http://localhost:3000/widget.js" async></script>');
  assert.equal(await webhookUrl(proxied), 'http://localhost:3000/api/webhooks/content');
  // PUBLIC_URL is this computer only while the admin came over a public address: PUBLIC_URL is stale.
  assert.deepEqual(await address(proxied), {
    address: 'http://localhost:3000',
    publicUrl: 'http://localhost:3000',
    browsingOrigin: 'https://chat.example.com',
    reach: 'local',
    mismatch: { kind: 'stale', suggestedPublicUrl: 'https://chat.example.com' },
  });
  assert.equal((await address({ host: 'localhost:3000' })).mismatch, null, 'the same origin: nothing to report');
});

test('PUBLIC_URL public, opened over a tunnel or the LAN: reported as probably fine', async (t) => {
  const { address, snippet } = await appWith(t, { PUBLIC_URL: 'https://chat.example.com/docent/' });
  assert.equal(await snippet({ host: '127.0.0.1:3000' }), '<script src="https://chat.example.com/docent/widget.js" async></script>');
  assert.deepEqual((await address({ host: '127.0.0.1:3000' })).mismatch, { kind: 'tunnel', suggestedPublicUrl: 'http://127.0.0.1:3000/docent' });
  assert.deepEqual((await address({ host: '192.168.1.20:3000' })).mismatch, { kind: 'tunnel', suggestedPublicUrl: 'http://192.168.1.20:3000/docent' });
  // Another public address is where visitors could reach Docent too: PUBLIC_URL may be out of date.
  assert.deepEqual((await address({ host: 'new.example.com' })).mismatch, { kind: 'stale', suggestedPublicUrl: 'http://new.example.com/docent' });
});

test('a Host header that is not a plain host[:port] is ignored', () => {
  const config = { publicUrl: 'http://localhost:3000', publicUrlSet: false };
  for (const host of ['evil.example/path', 'user@evil.example', 'a b', '', 'evil.example:99999', 'evil.example?x', 'x'.repeat(400)]) {
    assert.equal(browsingOrigin({ protocol: 'http', host }), null, host);
    assert.equal(addressStatus(config, { protocol: 'http', host }).address, 'http://localhost:3000', host);
  }
  assert.equal(browsingOrigin({ protocol: 'javascript' as 'http', host: 'evil.example' }), null);
  assert.equal(browsingOrigin({ protocol: 'https', host: 'Chat.Example.com:443' }), 'https://chat.example.com');
  assert.equal(browsingOrigin({ protocol: 'http', host: '[::1]:3000' }), 'http://[::1]:3000');
});

test('reach: who can load the widget from an address', () => {
  assert.deepEqual(
    [
      'http://localhost:3000',
      'http://127.0.0.1:3000',
      'http://[::1]:3000',
      'http://192.168.1.5',
      'http://10.0.0.1',
      'http://docent.lan',
      'http://docent',
      'https://chat.example.com',
      'http://93.184.215.14',
    ].map(reachOf),
    ['local', 'local', 'local', 'private', 'private', 'private', 'private', 'public', 'public'],
  );
});
