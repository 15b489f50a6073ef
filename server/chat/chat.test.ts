import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, setupAdmin } from '../../e2e/support/harness.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { testDb } from '../../e2e/support/test-db.js';
import { buildPrompt, fitHistory } from './prompt.js';
import { TOKEN_FLUSH_MS } from './event-stream.js';
import { characterCount } from './settings.js';

const VISITOR = 'visitor-0001';
const ORIGIN = 'https://shop.example.com';
const WARRANTY = 'Every Acme widget has a two-year warranty covering manufacturing faults. Claims go through support@acme.example.';
const WARRANTY_URL = 'https://shop.example.com/warranty';
const WARRANTY_LINK = { title: 'Warranty', url: WARRANTY_URL };

async function chatApp(t: { after(fn: () => unknown): void }, env: Record<string, string> = {}, settings: Record<string, unknown> = {}) {
  const testApp = await createTestApp({ env: { CHAT_IDLE_TIMEOUT_MS: '1000', ...env } });
  t.after(testApp.close);
  const admin = await setupAdmin(testApp.app);
  await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: ['anthropic/claude-sonnet-4.5'],
    reasoningEnabled: false,
    ...settings,
  });
  await admin.request('GET', '/api/admin/models');
  await admin.request('POST', '/api/admin/training/text', { title: 'Warranty', text: WARRANTY, url: WARRANTY_URL });
  await admin.request('POST', '/api/admin/training/text', {
    question: 'How long does shipping take?',
    answer: 'Standard shipping takes 3 to 5 business days.',
  });
  await admin.request('POST', '/api/admin/training/start');
  await testApp.app.training.runner.idle();
  return { ...testApp, admin };
}

interface Sse {
  event: string;
  data: any;
}
function parseSse(body: string): Sse[] {
  return body
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine.slice(7), data: JSON.parse(dataLine.slice(6)) };
    });
}

async function ask(app: FastifyInstance, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/widget/chat',
    headers: { origin: ORIGIN, ...headers },
    payload: { visitorId: VISITOR, message, ...extra },
  });
  return { res, events: res.headers['content-type']?.toString().startsWith('text/event-stream') ? parseSse(res.body) : [] };
}

const lastAssistant = async (app: FastifyInstance) => {
  const db = testDb(app);
  return (await db.get(`SELECT * FROM messages WHERE role = 'assistant' ORDER BY created_at DESC, ${db.messageOrder} DESC LIMIT 1`))!;
};

test('a grounded answer streams as start → token… → sources → done, and is stored with model, tokens and cost', async (t) => {
  const { app, fake } = await chatApp(t);
  fake.setChatReply('Every widget has a **two-year warranty** [1].');
  // Tokens further apart than the server's merge window (TOKEN_FLUSH_MS) each reach the visitor as they come.
  fake.setOptions({ tokenDelayMs: TOKEN_FLUSH_MS + 30 });
  const { res, events } = await ask(app, 'What does the warranty cover?');
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
  assert.equal(res.headers['cache-control'], 'no-cache, no-transform');
  assert.equal(res.headers['x-accel-buffering'], 'no');
  assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
  const names = events.map((e) => e.event);
  assert.equal(names[0], 'start');
  assert.deepEqual(names.slice(-2), ['sources', 'done']);
  assert.ok(names.filter((n) => n === 'token').length >= 5, `streamed in several tokens: ${names.join(' ')}`);
  assert.equal(
    events
      .filter((e) => e.event === 'token')
      .map((e) => e.data.text)
      .join(''),
    'Every widget has a **two-year warranty** [1].',
  );
  assert.deepEqual(events.find((e) => e.event === 'sources')!.data, { sources: [WARRANTY_LINK] });
  const { conversationId, messageId } = events[0].data;
  assert.deepEqual(events.at(-1)!.data, { messageId, answered: true });

  const stored = await lastAssistant(app);
  assert.equal(stored.id, messageId);
  assert.equal(stored.conversation_id, conversationId);
  assert.equal(stored.status, 'complete');
  assert.equal(stored.model, 'openai/gpt-5.4-mini');
  assert.ok(stored.prompt_tokens > 0 && stored.completion_tokens > 0);
  assert.ok(stored.cost > 0);
  assert.ok(stored.latency_ms >= 0);
  assert.deepEqual(JSON.parse(stored.sources), [WARRANTY_LINK]);

  // What OpenRouter received.
  const call = fake.requestsTo('/chat/completions').at(-1)!;
  assert.equal(call.body.model, 'openai/gpt-5.4-mini');
  assert.deepEqual(call.body.models, ['openai/gpt-5.4-mini', 'anthropic/claude-sonnet-4.5']);
  assert.equal(call.body.stream, true);
  assert.equal(call.body.max_tokens, 700 + 512);
  assert.deepEqual(call.body.reasoning, { effort: 'minimal' });
  assert.equal(call.body.user, app.secretBox.fingerprint(`visitor:${VISITOR}`));
  assert.notEqual(call.body.user, VISITOR, 'the raw visitor id never leaves');
  assert.equal(call.headers['http-referer'], 'https://docent.example.test');
  assert.equal(call.headers['x-openrouter-title'], 'Docent');
  const system = call.body.messages[0];
  assert.equal(system.role, 'system');
  assert.match(system.content, /Answer only from the context below/);
  assert.ok(system.content.includes(`[1] Warranty (${WARRANTY_URL})\n`), 'the model sees the page address it may link to');
  assert.ok(system.content.includes(WARRANTY));
  assert.deepEqual(call.body.messages.at(-1), { role: 'user', content: 'What does the warranty cover?' });

  // The conversation continues with its history, and survives a reload through /history.
  // (A follow-up that is not one of the Q&A questions, which would be answered word for word without the model.)
  await ask(app, 'And how do warranty claims work?', { conversationId });
  const second = fake.requestsTo('/chat/completions').at(-1)!;
  assert.deepEqual(
    second.body.messages.slice(1).map((m: { role: string }) => m.role),
    ['user', 'assistant', 'user'],
  );
  const history = await app.inject({ url: `/api/widget/history?visitorId=${VISITOR}&conversationId=${conversationId}`, headers: { origin: ORIGIN } });
  assert.equal(history.statusCode, 200);
  assert.deepEqual(
    history.json().messages.map((m: { role: string }) => m.role),
    ['user', 'assistant', 'user', 'assistant'],
  );
  assert.equal(history.json().messages[1].text, 'Every widget has a **two-year warranty** [1].');
});

test('tokens that come quickly are merged into fewer events: the first at once, the rest per window, the text intact', async (t) => {
  const { app, fake } = await chatApp(t);
  const reply = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
  fake.setChatReply(reply);
  fake.setOptions({ tokenDelayMs: 5 }); // 40 tokens over ~200 ms, a quick model
  const { events } = await ask(app, 'What does the warranty cover?');
  const tokens = events.filter((e) => e.event === 'token').map((e) => e.data.text as string);
  assert.equal(tokens.join(''), reply);
  assert.equal(tokens[0], 'w0 ', 'the first token is sent alone, at once');
  assert.ok(tokens.length >= 2 && tokens.length <= 12, `40 tokens in ${tokens.length} events`);
});

test('strict mode: nothing relevant means the admin\'s "I don\'t know" and no model call; relaxed mode asks the model', async (t) => {
  const { app, fake, admin } = await chatApp(t);
  const before = fake.requestsTo('/chat/completions').length;
  const { events } = await ask(app, 'Quantum chromodynamics lattice gauge theory');
  assert.deepEqual(
    events.map((e) => e.event),
    ['start', 'token', 'done'],
  );
  assert.equal(events[1].data.text, "Sorry, I couldn't find that on this site. Try asking in another way, or contact us directly.");
  assert.equal(events[2].data.answered, false);
  assert.equal(fake.requestsTo('/chat/completions').length, before, 'no model call');
  assert.equal((await lastAssistant(app)).status, 'no_answer');

  const settings = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  const saved = await admin.request('PUT', '/api/admin/chatbot/settings', {
    chatbot: { ...settings.chatbot, mode: 'relaxed' },
    retrieval: { topK: 6, minMatch: 30 },
  });
  assert.equal(saved.statusCode, 200, saved.body);
  await ask(app, 'Quantum chromodynamics lattice gauge theory');
  assert.equal(fake.requestsTo('/chat/completions').length, before + 1);
  assert.match(fake.requestsTo('/chat/completions').at(-1)!.body.messages[0].content, /nothing on this site matched/);
});

test('each upstream fault ends in a clean error event, a stored message and an admin alert', async (t) => {
  const { app, fake, admin } = await chatApp(t);
  const cases = [
    { kind: 'invalid-key', code: 'unavailable', alert: 'invalid_key', admin: /^OpenRouter rejected this key: User not found\./ },
    { kind: 'payment-required', code: 'unavailable', alert: 'payment_required', admin: /lack of credits/ },
    { kind: 'rate-limited', code: 'rate_limited', alert: 'rate_limited', admin: /rate limiting/ },
    { kind: 'server-error', code: 'unavailable', alert: 'upstream_down', admin: /having trouble \(error 500\)/ },
    { kind: 'mid-stream-error', code: 'unavailable', alert: 'upstream_down', admin: /having trouble \(error 502\)/ },
    { kind: 'error-in-200', code: 'unavailable', alert: 'upstream_down', admin: /having trouble/ },
    { kind: 'hang', code: 'unavailable', alert: 'timeout', admin: /^The model stopped responding: nothing arrived for 1 s/ },
    { kind: 'stall', code: 'unavailable', alert: 'timeout', admin: /^The model stopped responding: nothing arrived for 1 s/ },
    { kind: 'drop-connection', code: 'unavailable', alert: 'unreachable', admin: /^The connection to OpenRouter broke off in the middle of the response\./ },
    { kind: 'reasoning-length', code: 'unavailable', alert: 'bad_request', admin: /used all .* tokens on reasoning/ },
  ] as const;
  for (const c of cases) {
    fake.fail({ route: 'chat', kind: c.kind, times: 1 });
    const { res, events } = await ask(app, 'What does the warranty cover?', { visitorId: `fault-${c.kind}` });
    assert.equal(res.statusCode, 200, c.kind);
    const last = events.at(-1)!;
    assert.equal(last.event, 'error', `${c.kind}: ${JSON.stringify(events)}`);
    assert.equal(last.data.code, c.code, c.kind);
    assert.equal(
      last.data.message,
      c.code === 'rate_limited'
        ? "I'm getting a lot of questions right now. Please try again in a minute."
        : "Sorry, I can't answer right now, but these pages may help:",
    );
    assert.deepEqual(last.data.sources, [WARRANTY_LINK], `${c.kind}: the visitor still gets the best-matching pages`);
    const stored = await lastAssistant(app);
    assert.equal(stored.status, 'error', c.kind);
    assert.match(stored.error, c.admin, c.kind);
    if (c.alert) {
      const alerts = (await admin.request('GET', '/api/admin/dashboard/stats')).json().alerts as Array<{ kind: string; message: string }>;
      assert.ok(
        alerts.some((a) => a.kind === c.alert),
        `${c.kind}: alert ${c.alert} in ${JSON.stringify(alerts)}`,
      );
    }
    // The public stream never carries the real cause.
    assert.ok(!res.body.includes('User not found') && !res.body.includes('credits') && !res.body.includes('error 5'), c.kind);
  }
  fake.clearFaults();
  await ask(app, 'What does the warranty cover?', { visitorId: 'after-faults' });
  assert.deepEqual((await admin.request('GET', '/api/admin/dashboard/stats')).json().alerts, [], 'a working answer clears the alerts');
});

test('when the embedding call itself fails, the visitor still gets keyword-matched pages', async (t) => {
  const { app, fake } = await chatApp(t);
  fake.fail({ route: 'embeddings', kind: 'invalid-key', times: 1 });
  const { events } = await ask(app, 'What does the warranty cover?');
  const last = events.at(-1)!;
  assert.equal(last.event, 'error');
  assert.deepEqual(last.data.sources, [WARRANTY_LINK]);
});

test('stop: closing the stream aborts the upstream request and stores a stopped message', async (t) => {
  const testApp = await chatApp(t);
  const { fake } = testApp;
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (testApp.app.server.address() as { port: number }).port;
  fake.setOptions({ tokenDelayMs: 150 });
  fake.setChatReply('one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen');
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/api/widget/chat`, {
    method: 'POST',
    signal: controller.signal,
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ visitorId: VISITOR, message: 'What does the warranty cover?' }),
  });
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('event: token')) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && !((await lastAssistant(testApp.app))?.status === 'stopped' && fake.requestsTo('/chat/completions').at(-1)?.aborted))
    await new Promise((r) => setTimeout(r, 50));
  assert.equal(fake.requestsTo('/chat/completions').at(-1)!.aborted, true, 'upstream request aborted');
  assert.equal((await lastAssistant(testApp.app)).status, 'stopped');
});

test('abuse protection: length, per-visitor rate, daily cap, conversation length, spend cap, allowed domains', async (t) => {
  const { app, admin, fake } = await chatApp(t);
  const { chatbot } = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  const save = (patch: Record<string, unknown>) =>
    admin.request('PUT', '/api/admin/chatbot/settings', { chatbot: { ...chatbot, ...patch }, retrieval: { topK: 6, minMatch: 30 } });

  const long = await ask(app, 'x'.repeat(1001));
  assert.equal(long.res.statusCode, 413);
  assert.equal(long.res.json().message, 'Your message is too long (1,001 characters). Please keep it to 1,000 characters at most.');
  // Characters are counted as people count them: an emoji is one (String#length says two).
  assert.equal((await ask(app, '😀'.repeat(1000), { visitorId: 'emoji-visitor' })).res.statusCode, 200, '1,000 emoji are 1,000 characters');
  const emoji = await ask(app, '😀'.repeat(1001), { visitorId: 'emoji-visitor' });
  assert.equal(emoji.res.statusCode, 413);
  assert.equal(emoji.res.json().message, 'Your message is too long (1,001 characters). Please keep it to 1,000 characters at most.');

  await save({ messagesPerMinutePerVisitor: 2 });
  await ask(app, 'warranty?', { visitorId: 'rate-visitor-1' });
  await ask(app, 'warranty?', { visitorId: 'rate-visitor-1' });
  const limited = await ask(app, 'warranty?', { visitorId: 'rate-visitor-1' });
  assert.equal(limited.res.statusCode, 429);
  assert.equal(limited.res.json().message, 'You are sending messages quickly. Please wait a minute and try again.');
  assert.equal((await ask(app, 'warranty?', { visitorId: 'rate-visitor-2' })).res.statusCode, 200, 'other visitors are unaffected');

  await save({ messagesPerMinutePerVisitor: 100, dailyMessagesPerVisitor: 3 });
  for (let i = 0; i < 3; i++) await ask(app, 'warranty?', { visitorId: 'daily-visitor' });
  assert.equal(
    (await ask(app, 'warranty?', { visitorId: 'daily-visitor' })).res.json().message,
    "You've reached today's message limit. Please come back tomorrow.",
  );

  await save({ dailyMessagesPerVisitor: 100, maxMessagesPerConversation: 2 });
  const first = await ask(app, 'warranty?', { visitorId: 'long-convo' });
  const conversationId = first.events[0].data.conversationId;
  await ask(app, 'warranty?', { visitorId: 'long-convo', conversationId });
  const tooLong = await ask(app, 'warranty?', { visitorId: 'long-convo', conversationId });
  assert.equal(tooLong.res.statusCode, 429);
  assert.equal(tooLong.res.json().message, 'This conversation is very long. Please start a new chat.');

  // Another visitor cannot use or read someone else's conversation.
  assert.equal((await ask(app, 'warranty?', { visitorId: 'intruder-1', conversationId })).res.statusCode, 404);
  const peek = await app.inject({ url: `/api/widget/history?visitorId=intruder-1&conversationId=${conversationId}`, headers: { origin: ORIGIN } });
  assert.equal(peek.statusCode, 404);

  // Spend cap: past it, links only and no model call.
  await save({ maxMessagesPerConversation: 50, dailySpendCapUsd: 0.000001 });
  const calls = fake.requestsTo('/chat/completions').length;
  const capped = await ask(app, 'What does the warranty cover?', { visitorId: 'cap-visitor' });
  assert.equal(capped.events.at(-1)!.event, 'error');
  assert.equal(capped.events.at(-1)!.data.code, 'limit_reached');
  assert.deepEqual(capped.events.at(-1)!.data.sources, [WARRANTY_LINK]);
  assert.equal(fake.requestsTo('/chat/completions').length, calls);

  // Allowed domains: deny by default once a list is set; the admin's own origin always passes.
  const widget = (await admin.request('GET', '/api/admin/widget/settings')).json().widget;
  await admin.request('PUT', '/api/admin/widget/settings', { ...widget, allowedDomains: ['example.org'] });
  const denied = await app.inject({ url: '/api/widget/config', headers: { origin: ORIGIN } });
  assert.equal(denied.statusCode, 403);
  assert.equal(denied.json().message, 'This website is not allowed to use this chat widget. Add it under Widget → Allowed domains.');
  assert.equal((await app.inject({ url: '/api/widget/config' })).statusCode, 403, 'no origin at all is denied once a list is set');
  assert.equal((await app.inject({ url: '/api/widget/config', headers: { origin: 'https://www.example.org' } })).statusCode, 200);
  assert.equal((await app.inject({ url: '/api/widget/config', headers: { origin: 'https://docent.example.test' } })).statusCode, 200, 'admin preview');
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/api/widget/chat',
    headers: { origin: 'https://example.org', 'access-control-request-method': 'POST' },
  });
  assert.equal(preflight.statusCode, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], 'https://example.org');
  assert.equal(preflight.headers['access-control-allow-headers'], 'Content-Type');
});

test('bad input gets a clear 4xx JSON error, never a 5xx', async (t) => {
  const { app } = await chatApp(t);
  const post = (payload: string | object, contentType = 'application/json') =>
    app.inject({
      method: 'POST',
      url: '/api/widget/chat',
      headers: { origin: ORIGIN, 'content-type': contentType },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const cases: Array<[string | object, string, number, string]> = [
    ['', 'application/json', 400, 'The request body is empty: send a JSON object.'],
    ['{"visitorId":', 'application/json', 400, 'The request body is not valid JSON.'],
    ['hello', 'text/html', 415, 'Unsupported Content-Type: send JSON with Content-Type: application/json.'],
    [{ message: 'hi' }, 'application/json', 400, 'Please correct the highlighted fields.'],
    [{ visitorId: 'x', message: 'hi' }, 'application/json', 400, 'Please correct the highlighted fields.'],
    [{ visitorId: VISITOR, message: '   ' }, 'application/json', 400, 'Please correct the highlighted fields.'],
    [{ visitorId: VISITOR, message: 'hi', conversationId: 'nope' }, 'application/json', 400, 'Please correct the highlighted fields.'],
    [
      { visitorId: VISITOR, message: 'hi', conversationId: '00000000-0000-4000-8000-000000000000' },
      'application/json',
      404,
      'This conversation does not exist. Start a new chat.',
    ],
  ];
  for (const [payload, type, status, message] of cases) {
    const res = await post(payload, type);
    assert.equal(res.statusCode, status, JSON.stringify(payload));
    assert.equal(res.json().message, message, JSON.stringify(payload));
  }
  assert.deepEqual((await post({ visitorId: 'x', message: 'hi' })).json().fields, { visitorId: 'visitorId must be 8–64 letters, digits, - or _.' });
  const huge = await post({ visitorId: VISITOR, message: 'a'.repeat(2 * 1024 * 1024) });
  assert.equal(huge.statusCode, 413);
  // Only /api/widget is public: admin routes still need a session.
  assert.equal((await app.inject({ url: '/api/admin/conversations', headers: { origin: ORIGIN } })).statusCode, 401);
});

test('nothing private reaches a visitor: no chunk text, prompt, reasoning or key', async (t) => {
  const { app, fake } = await chatApp(t, {}, { reasoningEnabled: true });
  fake.setChatReply('The warranty lasts two years.');
  const { res, events } = await ask(app, 'What does the warranty cover?');
  assert.ok(
    events.some((e) => e.event === 'thinking'),
    "the reasoning model's thinking shows as an indicator",
  );
  for (const secret of [WARRANTY, 'Answer only from the context', FAKE_KEY, 'Rules:', 'reasoning']) {
    assert.equal(res.body.includes(secret), false, `leaked: ${secret}`);
  }
  const config = await app.inject({ url: '/api/widget/config', headers: { origin: ORIGIN } });
  assert.equal(config.body.includes('allowedDomains'), false);
  assert.equal(config.body.includes(FAKE_KEY), false);
});

test('prompt assembly: history is fitted to the budget, newest first, whole turns only', () => {
  const turns = Array.from({ length: 10 }, (_, i) => ({
    role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant',
    text: `turn ${i} ${'word '.repeat(50)}`,
  }));
  assert.equal(fitHistory(turns, 6, 100_000).length, 10);
  assert.deepEqual(
    fitHistory(turns, 2, 100_000).map((t) => t.text.split(' ').slice(0, 2).join(' ')),
    ['turn 6', 'turn 7', 'turn 8', 'turn 9'],
  );
  const small = fitHistory(turns, 6, 130);
  assert.ok(small.length < 4 && small.length > 0);
  assert.equal(small[0].role, 'user', 'never starts with an assistant turn');
  assert.equal(small.at(-1)!.text.startsWith('turn 9'), true);
  const messages = buildPrompt({
    instructions: 'Be nice.',
    language: 'de',
    mode: 'strict',
    chunks: [],
    history: turns,
    historyTurns: 0,
    question: 'Q?',
    contextLength: 8000,
    maxAnswerTokens: 500,
  });
  assert.equal(messages.length, 2, 'history length 0 sends no history');
  assert.match(messages[0].content, /Always reply in German/);
});

test('per-IP rate limit on the public chat endpoint', async (t) => {
  const { app } = await chatApp(t, { CHAT_RATE_LIMIT_PER_IP: '3' });
  for (let i = 0; i < 3; i++) assert.equal((await ask(app, 'What does the warranty cover?', { visitorId: `ip-visitor-${i}` })).res.statusCode, 200);
  const limited = await ask(app, 'What does the warranty cover?', { visitorId: 'ip-visitor-9' });
  assert.equal(limited.res.statusCode, 429);
  assert.equal(limited.res.json().message, 'Too many messages. Please wait a minute and try again.');
});

test('characterCount counts code points: emoji and other astral characters are one, lone surrogates too', () => {
  assert.equal(characterCount('hello'), 5);
  assert.equal(characterCount('😀'.repeat(600)), 600);
  assert.equal(characterCount('a😀b𝄞'), 4);
  assert.equal(characterCount('\uD83D'), 1, 'a broken pair still counts once');
  assert.equal(characterCount('é'), 1);
});

test('a model that stops responding gives the visitor a friendly message after the idle timeout and the admin an alert saying what happened and what to do', async (t) => {
  const { app, fake, admin } = await chatApp(t);
  const alertsOf = async () =>
    (await admin.request('GET', '/api/admin/dashboard/stats')).json().alerts as Array<{ kind: string; message: string; count: number }>;

  fake.fail({ route: 'chat', kind: 'hang', times: 1 });
  const started = performance.now();
  const hung = await ask(app, 'What does the warranty cover?', { visitorId: 'hang-visitor-1' });
  const waited = performance.now() - started;
  assert.ok(waited >= 1000 && waited < 10_000, `given up after the 1 s idle timeout, not much later (${Math.round(waited)} ms)`);
  assert.deepEqual(hung.events.at(-1), {
    event: 'error',
    data: { code: 'unavailable', message: "Sorry, I can't answer right now, but these pages may help:", sources: [WARRANTY_LINK], answers: [] },
  });
  assert.deepEqual(
    (await alertsOf()).map(({ kind, message, count }) => ({ kind, message, count })),
    [
      {
        kind: 'timeout',
        count: 1,
        message:
          'The model stopped responding: nothing arrived for 1 s, so Docent gave up on the answer. If this keeps happening, add a fallback model or choose a faster one in Settings → API Configuration. ' +
          "Visitors see “Sorry, I can't answer right now, but these pages may help:” with links to matching pages.",
      },
    ],
  );

  // A model that stalls mid-answer: the visitor keeps what arrived, and the same alert counts it.
  fake.setChatReply('The warranty lasts two years and covers manufacturing faults.');
  fake.fail({ route: 'chat', kind: 'stall', afterTokens: 3, times: 1 });
  const stalled = await ask(app, 'What does the warranty cover?', { visitorId: 'hang-visitor-2' });
  assert.equal(
    stalled.events
      .filter((e) => e.event === 'token')
      .map((e) => e.data.text)
      .join(''),
    'The warranty ',
  );
  assert.equal(stalled.events.at(-1)!.data.code, 'unavailable');
  const [alert] = await alertsOf();
  assert.equal(alert.count, 2);
  assert.match(
    alert.message,
    /Visitors see the answer cut off, then “Sorry, I can't answer right now, but these pages may help:” with links to matching pages\.$/,
  );
  assert.equal((await lastAssistant(app)).status, 'error');
  assert.equal((await lastAssistant(app)).text, 'The warranty ', 'what the visitor saw is kept for the admin');
});

test('the total timeout stops an answer that trickles forever, and an embedding call that hangs is cut off too, each with an alert', async (t) => {
  const { app, fake, admin } = await chatApp(t, { CHAT_IDLE_TIMEOUT_MS: '1500', CHAT_TOTAL_TIMEOUT_MS: '2000' });
  const alertsOf = async () => (await admin.request('GET', '/api/admin/dashboard/stats')).json().alerts as Array<{ kind: string; message: string }>;
  fake.setChatReply('word '.repeat(200));
  fake.setOptions({ tokenDelayMs: 200 }); // never idle, never done
  const trickle = await ask(app, 'What does the warranty cover?', { visitorId: 'slow-visitor-1' });
  assert.equal(trickle.events.at(-1)!.event, 'error');
  assert.match(
    (await alertsOf())[0].message,
    /^The model took longer than 2 s to answer, so Docent stopped it\. If this keeps happening, add a fallback model/,
  );
  const call = fake.requestsTo('/chat/completions').at(-1)!;
  for (let i = 0; i < 100 && !call.aborted; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(call.aborted, true, 'the upstream request is closed, not left running');

  fake.setOptions({ tokenDelayMs: 0 });
  fake.fail({ route: 'embeddings', kind: 'hang' });
  const started = performance.now();
  const stuck = await ask(app, 'Is there a warranty on spare parts?', { visitorId: 'slow-visitor-2' });
  assert.ok(performance.now() - started < 10_000, 'the visitor is not kept waiting for retries of a hung call');
  assert.equal(stuck.events.at(-1)!.event, 'error');
  assert.deepEqual(stuck.events.at(-1)!.data.sources, [WARRANTY_LINK], 'keyword-matched pages still help');
  assert.match((await alertsOf())[0].message, /^Searching the knowledge base failed: The embedding model stopped responding: nothing arrived for 1\.5 s/);
  fake.clearFaults();
});
