// Graceful drain over real HTTP: on SIGTERM's sequence (drainAndClose) the node turns unready, refuses new
// requests with a retryable 503, and the answer already streaming finishes and is stored before the app closes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDocent, setupAdmin } from '../../e2e/support/harness.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { drainAndClose } from './drain.js';

const ORIGIN = 'https://shop.example.com';

async function trainedDocent(t: { after(fn: () => unknown): void }, env: Record<string, string> = {}) {
  const docent = await startDocent({ env });
  t.after(() => docent.close().catch(() => {}));
  const admin = await setupAdmin(docent.app);
  await admin.request('PUT', '/api/admin/settings/api', { provider: 'openrouter', apiKey: FAKE_KEY, model: 'openai/gpt-5.4-mini', reasoningEnabled: false });
  await admin.request('GET', '/api/admin/models');
  await admin.request('POST', '/api/admin/training/text', { title: 'Warranty', text: 'Every Acme widget has a two-year warranty.', url: `${ORIGIN}/warranty` });
  await admin.request('POST', '/api/admin/training/start');
  await docent.app.training.runner.idle();
  return docent;
}

/** Starts a chat and reads its stream until `start`; the rest of the stream is read by `finish()`. */
async function startChat(url: string, visitorId: string) {
  const res = await fetch(`${url}/api/widget/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ visitorId, message: 'How long is the warranty?' }),
  });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('event: start')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString();
  }
  return {
    conversationId: JSON.parse(/event: start\ndata: (.*)\n/.exec(text)![1]).conversationId as string,
    async finish() {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return text;
        text += Buffer.from(value).toString();
      }
    },
  };
}

test('draining: unready, new requests refused with a retryable 503, the answer in flight finishes and is stored', async (t) => {
  const docent = await trainedDocent(t);
  docent.fake.setOptions({ tokenDelayMs: 60 }); // an answer of a couple of seconds
  assert.deepEqual(await (await fetch(`${docent.url}/readyz`)).json(), { status: 'ready' });

  const chat = await startChat(docent.url, 'visitor-draining-1');
  const closed = drainAndClose(docent.app);
  const ready = await fetch(`${docent.url}/readyz`);
  assert.equal(ready.status, 503);
  assert.deepEqual(await ready.json(), { status: 'draining' });
  assert.equal((await fetch(`${docent.url}/healthz`)).status, 200, 'alive while leaving');
  const refused = await fetch(`${docent.url}/api/widget/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ visitorId: 'visitor-draining-2', message: 'Hello?' }),
  });
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '1');
  assert.deepEqual(await refused.json(), { error: 'This server is restarting. Please try again.' });

  const stream = await chat.finish();
  assert.match(stream, /event: done\ndata: \{[^\n]*"answered":true/, 'the answer streamed to its end');
  await closed;
  assert.doesNotMatch(docent.logs(), /drain timed out/);
  await assert.rejects(fetch(`${docent.url}/healthz`), 'closed once drained');

  // The answer was stored before the app closed: a new node on the same data serves it.
  const again = await startDocent({ dataDir: docent.dataDir, fake: docent.fake });
  t.after(again.close);
  const history = await fetch(`${again.url}/api/widget/history?visitorId=visitor-draining-1&conversationId=${chat.conversationId}`, {
    headers: { origin: ORIGIN },
  });
  const messages = (await history.json()).messages as Array<{ role: string; text: string }>;
  assert.deepEqual(
    messages.map((m) => m.role),
    ['user', 'assistant'],
  );
  assert.ok(messages[1].text.length > 20);
});

test('a drain that outlasts DRAIN_TIMEOUT_MS closes anyway, and says so', async (t) => {
  const docent = await trainedDocent(t, { DRAIN_TIMEOUT_MS: '300' });
  docent.fake.setOptions({ tokenDelayMs: 1000 });
  const chat = await startChat(docent.url, 'visitor-slow');
  const started = performance.now();
  await drainAndClose(docent.app);
  assert.ok(performance.now() - started < 5000, 'closed soon after the drain timeout');
  assert.match(docent.logs(), /drain timed out: closing with requests in flight/);
  await chat.finish().catch(() => '');
});
