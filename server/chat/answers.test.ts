// Issue 11, parts 1–3 on the server: follow-up questions searched with the previous turn (and optionally rewritten
// by the model), Q&A answers given word for word above the admin's match, and Improve answer. A real database, real
// routes, the fake OpenRouter (its embeddings are hashed words: texts that share no word are unrelated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createTestApp, setupAdmin, type AdminClient } from '../../e2e/support/harness.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { testDb } from '../../e2e/support/test-db.js';
import { keywordsOf } from '../retrieval/retrieve.js';

const ORIGIN = 'https://shop.example.com';
const PAGES = {
  pro: {
    title: 'Pro plan',
    text: 'The Pro plan gives every team unlimited projects, priority support and custom domains.',
    url: 'https://shop.example.com/pro',
  },
  price: {
    title: 'Pro plan pricing',
    text: 'Pro plan pricing: the Pro plan costs 29 dollars per month for each team, billed yearly.',
    url: 'https://shop.example.com/pro-pricing',
  },
  returns: { title: 'Returns', text: 'Returns policy: any order may be sent back within 30 days for a full refund.', url: 'https://shop.example.com/returns' },
  shipping: {
    title: 'Shipping',
    text: 'Orders leave the warehouse within two business days; delivery takes three to five days.',
    url: 'https://shop.example.com/shipping',
  },
};
const QA = { question: 'Can I pay by invoice?', answer: 'Yes: choose **Invoice** at checkout, and pay within 30 days.\n\nAsk billing@example.com for a copy.' };
const NO_ANSWER = "Sorry, I couldn't find that on this site. Try asking in another way, or contact us directly.";

interface Sse {
  event: string;
  data: any;
}
const parseSse = (body: string): Sse[] =>
  body
    .split('\n\n')
    .filter((b) => b.startsWith('event:'))
    .map((b) => {
      const [eventLine, dataLine] = b.split('\n');
      return { event: eventLine.slice(7), data: JSON.parse(dataLine.slice(6)) };
    });
const textOf = (events: Sse[]) =>
  events
    .filter((e) => e.event === 'token')
    .map((e) => e.data.text)
    .join('');

async function answersApp(t: { after(fn: () => unknown): void }) {
  const testApp = await createTestApp({ env: { CHAT_IDLE_TIMEOUT_MS: '2000' } });
  t.after(testApp.close);
  const admin = await setupAdmin(testApp.app);
  await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  await admin.request('GET', '/api/admin/models');
  for (const page of Object.values(PAGES)) assert.equal((await admin.request('POST', '/api/admin/training/text', page)).statusCode, 201);
  const qa = await admin.request('POST', '/api/admin/training/text', QA);
  await admin.request('POST', '/api/admin/training/start');
  await testApp.app.training.runner.idle();
  return { ...testApp, admin, qaId: qa.json().documentId as number };
}

async function ask(app: FastifyInstance, message: string, options: { visitorId?: string; conversationId?: string } = {}) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/widget/chat',
    headers: { origin: ORIGIN },
    payload: { visitorId: options.visitorId ?? 'answers-visitor-1', message, conversationId: options.conversationId },
  });
  assert.equal(res.statusCode, 200, res.body);
  return parseSse(res.body);
}

async function play(admin: AdminClient, message: string, conversationId?: string) {
  const res = await admin.request('POST', '/api/admin/playground/chat', { message, conversationId });
  assert.equal(res.statusCode, 200, res.body);
  const events = parseSse(res.body);
  return { events, debug: events.find((e) => e.event === 'debug')!.data, conversationId: events[0].data.conversationId as string };
}

async function saveChatbot(admin: AdminClient, patch: Record<string, unknown>) {
  const { chatbot, retrieval } = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  return admin.request('PUT', '/api/admin/chatbot/settings', {
    chatbot: { ...chatbot, ...patch },
    retrieval: { topK: retrieval.topK, minMatch: retrieval.minMatch },
  });
}

const systemPrompt = (fake: { requestsTo(p: string): Array<{ body: any }> }) => fake.requestsTo('/chat/completions').at(-1)!.body.messages[0].content as string;

test('a follow-up that shares no word with the right page finds it through the previous turn, in one embedding call', async (t) => {
  const { app, admin, fake } = await answersApp(t);
  const followUp = 'And how much is it?';
  // The follow-up's words are in no page (the keyword search finds nothing), and the previous turn's are.
  const words = keywordsOf(followUp);
  for (const w of words) for (const page of Object.values(PAGES)) assert.ok(!page.text.toLowerCase().includes(w), `"${w}" is not in ${page.title}`);
  // Asked alone, it finds nothing: strict mode's "I don't know".
  assert.equal(textOf(await ask(app, followUp, { visitorId: 'answers-alone-1' })), NO_ANSWER);

  fake.setChatReply('About the Pro plan.');
  const first = await ask(app, 'Tell me about the Pro plan');
  const conversationId = first[0].data.conversationId;
  const embeddingsBefore = fake.requestsTo('/embeddings').length;
  fake.setChatReply('It costs 29 dollars per month.');
  const events = await ask(app, followUp, { conversationId });
  assert.deepEqual(events.at(-1)!.data, { messageId: events[0].data.messageId, answered: true });
  assert.ok(systemPrompt(fake).includes(PAGES.price.text), 'the model reads the pricing page');
  assert.ok(
    events.find((e) => e.event === 'sources')!.data.sources.some((s: { url: string }) => s.url === PAGES.price.url),
    'and lists it as a source',
  );
  // The question alone was cached from its first asking: the one call embeds the question with the previous turn.
  const calls = fake.requestsTo('/embeddings').slice(embeddingsBefore);
  assert.deepEqual(
    calls.map((c) => c.body.input),
    [[`Tell me about the Pro plan\n${followUp}`]],
  );

  // The Playground shows both searches, and which one found each chunk.
  const opening = await play(admin, 'Tell me about the Pro plan');
  const before = fake.requestsTo('/embeddings').length;
  const { debug } = await play(admin, 'And what does it cost per year?', opening.conversationId);
  assert.deepEqual(debug.queries, [
    { text: 'And what does it cost per year?', kind: 'question' },
    { text: 'Tell me about the Pro plan\nAnd what does it cost per year?', kind: 'with-previous' },
  ]);
  assert.deepEqual(
    fake
      .requestsTo('/embeddings')
      .slice(before)
      .map((c) => c.body.input),
    [['And what does it cost per year?', 'Tell me about the Pro plan\nAnd what does it cost per year?']],
    'both queries in ONE embedding request',
  );
  assert.ok(
    debug.chunks.some((c: { title: string; foundBy: string }) => c.title === PAGES.price.title),
    JSON.stringify(debug.chunks),
  );
});

test('a question that changes subject keeps its own results on top: the old subject does not win', async (t) => {
  const { admin, fake } = await answersApp(t);
  fake.setChatReply('Noted.');
  const opening = await play(admin, 'Tell me about the Pro plan');
  const { debug } = await play(admin, 'What is your returns policy?', opening.conversationId);
  assert.deepEqual(
    debug.queries.map((q: { kind: string }) => q.kind),
    ['question', 'with-previous'],
  );
  const chunks = debug.chunks as Array<{ title: string; foundBy: string; score: number }>;
  assert.deepEqual([chunks[0].title, chunks[0].foundBy], ['Returns', 'question']);
  const pro = chunks.filter((c) => c.title.startsWith('Pro plan'));
  assert.ok(pro.length > 0, 'the previous subject is still searched (it may be a follow-up)…');
  for (const c of pro)
    assert.ok(c.foundBy === 'with-previous' && c.score < chunks[0].score / 2, `…but ranks far below the new subject: ${JSON.stringify(chunks)}`);
  assert.ok(systemPrompt(fake).indexOf(PAGES.returns.text) < systemPrompt(fake).indexOf('Pro plan'), 'the model reads the returns page first');
});

test('"Rewrite follow-ups with the model": one small call condenses the follow-up, which is then searched alone', async (t) => {
  const { admin, fake } = await answersApp(t);
  assert.equal((await saveChatbot(admin, { rewriteFollowUps: true })).statusCode, 200);
  fake.setChatReply((body) =>
    String(body.messages[0].content).startsWith('Rewrite the last question') ? 'How much does the Pro plan cost?' : 'It costs 29 dollars.',
  );
  const opening = await play(admin, 'Tell me about the Pro plan');
  assert.equal(fake.requestsTo('/chat/completions').length, 1, 'a first question is not rewritten');
  const { debug, events } = await play(admin, 'And how much is it?', opening.conversationId);
  assert.deepEqual(debug.queries, [{ text: 'How much does the Pro plan cost?', kind: 'rewritten' }]);
  assert.equal(debug.chunks[0].title, PAGES.price.title);
  assert.equal(textOf(events), 'It costs 29 dollars.');
  const [rewrite, answerCall] = fake.requestsTo('/chat/completions').slice(1);
  assert.equal(rewrite.body.stream, undefined, 'the rewrite is not streamed');
  assert.deepEqual(rewrite.body.reasoning, { effort: 'minimal' });
  assert.ok(rewrite.body.max_tokens <= 120 + 512);
  assert.match(rewrite.body.messages[1].content, /Visitor: Tell me about the Pro plan\nAssistant: It costs 29 dollars\.\nVisitor: And how much is it\?$/);
  assert.equal(answerCall.body.stream, true);

  // When the rewrite fails, the search with the previous turn stands in.
  const another = await play(admin, 'Tell me about the Pro plan');
  fake.fail({ route: 'chat', kind: 'server-error', times: 1 });
  const fallback = await play(admin, 'And for a year?', another.conversationId);
  assert.deepEqual(
    fallback.debug.queries.map((q: { kind: string }) => q.kind),
    ['question', 'with-previous'],
  );
  assert.equal(textOf(fallback.events), 'It costs 29 dollars.');
});

test('a question matching a Q&A entry gets its answer word for word: no model call, no cost, marked in Conversations, counted for limits', async (t) => {
  const { app, admin, fake, qaId } = await answersApp(t);
  const db = testDb(app);
  const questionHash = createHash('sha256').update(QA.question).digest('hex');
  assert.equal(await db.value('SELECT count(*) FROM embedding_cache WHERE text_hash = ?', questionHash), 1, 'training embedded the question on its own');
  const calls = () => fake.requests.filter((r) => r.path.endsWith('/chat/completions') || r.path.endsWith('/embeddings')).length;
  const before = calls();
  const events = await ask(app, QA.question);
  assert.deepEqual(
    events.map((e) => e.event).filter((e, i, all) => e !== 'token' || all[i - 1] !== 'token'),
    ['start', 'token', 'done'],
    'streamed like any answer',
  );
  assert.equal(textOf(events), QA.answer);
  assert.deepEqual(events.at(-1)!.data, { messageId: events[0].data.messageId, answered: true });
  assert.equal(calls(), before, 'no model call, not even an embedding: the question was embedded in training');
  const stored = await db.get('SELECT text, status, model, cost, prompt_tokens, qa_document_id FROM messages WHERE id = ?', events[0].data.messageId);
  assert.deepEqual(stored, { text: QA.answer, status: 'complete', model: null, cost: 0, prompt_tokens: 0, qa_document_id: qaId });
  const detail = (await admin.request('GET', `/api/admin/conversations/${events[0].data.conversationId}`)).json();
  assert.deepEqual(
    detail.messages.map((m: { qaAnswer: boolean }) => m.qaAnswer),
    [false, true],
  );
  const list = (await admin.request('GET', '/api/admin/conversations')).json().conversations;
  assert.equal(list[0].qaAnswers, 1);
  // A visitor message for the limits, free for the spend cap and the dashboard.
  assert.deepEqual(await db.get('SELECT count(*) AS n, sum(cost) AS cost FROM usage_ledger'), { n: 1, cost: 0 });
  const stats = (await admin.request('GET', '/api/admin/dashboard/stats')).json().today;
  assert.deepEqual([stats.conversations, stats.messages, stats.cost], [1, 2, 0]);

  // Below the match, the entry is context for the model like any chunk; the Playground says how close it came.
  fake.setChatReply('You can pay by invoice.');
  const near = await play(admin, 'Is paying by invoice possible for a big order?');
  assert.deepEqual([near.debug.qaMatch.question, near.debug.qaMatch.answered], [QA.question, false]);
  assert.ok(near.debug.qaMatch.matchPercent < 85, `${near.debug.qaMatch.matchPercent} %`);
  assert.equal(textOf(near.events), 'You can pay by invoice.');
  assert.ok(systemPrompt(fake).includes(QA.answer));
  const exact = await play(admin, QA.question);
  assert.deepEqual(exact.debug.qaMatch, { question: QA.question, matchPercent: 100, answered: true, needed: 85 });
  assert.equal(exact.debug.model, null);

  // 0 turns it off: the model answers even the very question.
  assert.equal((await saveChatbot(admin, { qaAnswerMatch: 0 })).statusCode, 200);
  const off = fake.requestsTo('/chat/completions').length;
  assert.equal(textOf(await ask(app, QA.question)), 'You can pay by invoice.');
  assert.equal(fake.requestsTo('/chat/completions').length, off + 1);
  const refused = await saveChatbot(admin, { qaAnswerMatch: 30 });
  assert.deepEqual(
    [refused.statusCode, refused.json().fields],
    [400, { 'chatbot.qaAnswerMatch': 'Use a match from 50 to 100 %, or 0 to always let the model answer.' }],
  );
});

test('past the spend cap, without a key, or with the embedding service failing, a matching Q&A entry still answers word for word', async (t) => {
  const { app, admin, fake } = await answersApp(t);
  // Past the cap.
  assert.equal((await saveChatbot(admin, { dailySpendCapUsd: 0.01 })).statusCode, 200);
  const db = testDb(app);
  await db.run(
    "INSERT INTO usage_days (day, channel, cost) VALUES (?, 'widget', 1) ON CONFLICT (day, channel) DO UPDATE SET cost = 1",
    new Date().toISOString().slice(0, 10),
  );
  assert.equal(textOf(await ask(app, QA.question)), QA.answer);
  assert.equal((await ask(app, 'What is your returns policy?')).at(-1)!.data.code, 'limit_reached');
  assert.equal(fake.requestsTo('/chat/completions').length, 0);
  assert.equal((await saveChatbot(admin, { dailySpendCapUsd: 5 })).statusCode, 200);
  await db.run('DELETE FROM usage_days');

  // The embedding service fails: a question worded as the entry's (case and punctuation aside) needs no search.
  fake.fail({ route: 'embeddings', kind: 'invalid-key' });
  const worded = await ask(app, 'CAN I PAY BY INVOICE', { visitorId: 'answers-visitor-2' });
  assert.equal(textOf(worded), QA.answer);
  assert.equal(worded.at(-1)!.event, 'done');
  const alerts = (await admin.request('GET', '/api/admin/dashboard/stats')).json().alerts as Array<{ kind: string; message: string }>;
  assert.match(
    alerts.find((a) => a.kind === 'invalid_key')!.message,
    /Visitors whose question is one of your Q&A questions get its answer; others see “Sorry, I can't answer right now\. Please try again in a little while\.”\.$/,
  );
  assert.equal((await ask(app, 'Do you ship abroad?', { visitorId: 'answers-visitor-2' })).at(-1)!.event, 'error');
  fake.clearFaults();

  // No key at all.
  assert.equal((await admin.request('DELETE', '/api/admin/settings/api/key')).statusCode, 200);
  assert.equal(textOf(await ask(app, 'can i pay by invoice?', { visitorId: 'answers-visitor-3' })), QA.answer);
  assert.equal((await ask(app, 'What is your returns policy?', { visitorId: 'answers-visitor-3' })).at(-1)!.event, 'error');
});

test("Improve answer: the admin's Q&A entry is saved and trained in one call, the conversation marked improved, and the question then answered word for word", async (t) => {
  const { app, admin, fake } = await answersApp(t);
  const db = testDb(app);
  const question = 'Do you offer gift wrapping?';
  const unanswered = await ask(app, question);
  assert.equal(textOf(unanswered), NO_ANSWER);
  const { conversationId, messageId } = unanswered[0].data;
  const userMessageId: string = await db.value("SELECT id FROM messages WHERE conversation_id = ? AND role = 'user'", conversationId);
  const listed = (await admin.request('GET', '/api/admin/conversations?filter=unanswered')).json().conversations;
  assert.deepEqual(
    listed.map((c: { id: string; flaggedMessageId: string; improvedAt: string | null }) => [c.id, c.flaggedMessageId, c.improvedAt]),
    [[conversationId, messageId, null]],
  );

  const url = `/api/admin/conversations/${conversationId}/improve`;
  const answer = 'Yes: add gift wrapping at checkout for 3 dollars.';
  const bad: Array<[string, unknown, number, object]> = [
    [
      url,
      { messageId: userMessageId, question, answer },
      400,
      {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Choose one of the bot’s answers to improve, not a question.',
        fields: { messageId: 'Choose one of the bot’s answers to improve, not a question.' },
      },
    ],
    [
      url,
      { messageId: 'not-an-id', question, answer },
      400,
      {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Please correct the highlighted fields.',
        fields: { messageId: 'Not an answer id: send the id of one of the bot’s answers in this conversation.' },
      },
    ],
    [
      url,
      { messageId, question: '   ', answer },
      400,
      { statusCode: 400, error: 'Bad Request', message: 'Please correct the highlighted fields.', fields: { question: 'Enter the question.' } },
    ],
    [
      url,
      { messageId, question, answer: 'x'.repeat(20_001) },
      400,
      {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Please correct the highlighted fields.',
        fields: { answer: 'Keep the answer to 20,000 characters at most.' },
      },
    ],
    [
      url,
      { messageId, question: 'q'.repeat(1001), answer: '' },
      400,
      {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Please correct the highlighted fields.',
        fields: { question: 'Keep the question to 1,000 characters at most.', answer: 'Enter the answer.' },
      },
    ],
    [
      url,
      { messageId: '00000000-0000-4000-8000-000000000000', question, answer },
      404,
      { statusCode: 404, error: 'Not Found', message: 'No such answer in this conversation.' },
    ],
    [
      '/api/admin/conversations/00000000-0000-4000-8000-000000000000/improve',
      { messageId, question, answer },
      404,
      { statusCode: 404, error: 'Not Found', message: 'No such conversation.' },
    ],
  ];
  for (const [path, body, status, expected] of bad) {
    const res = await admin.request('POST', path, body);
    assert.deepEqual([res.statusCode, res.json()], [status, expected], JSON.stringify(body).slice(0, 120));
  }
  assert.equal(await db.value("SELECT count(*) FROM documents WHERE kind = 'qa'"), 1, 'nothing saved by a refusal');

  const embeddingsBefore = fake.requestsTo('/embeddings').length;
  const res = await admin.request('POST', url, { messageId, question: ` ${question} `, answer });
  assert.equal(res.statusCode, 201, res.body);
  const doc = (await db.get<{ id: number; token_count: number }>("SELECT id, token_count FROM documents WHERE kind = 'qa' AND title = ?", question))!;
  const body = res.json();
  assert.match(body.improvedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(body, {
    documentId: doc.id,
    status: 'added',
    chunks: 1,
    tokens: doc.token_count,
    trained: true,
    problem: null,
    messageId,
    improvedAt: body.improvedAt,
  });
  // One embedding call: the entry's chunk (its question was embedded when the visitor asked it).
  assert.deepEqual(
    fake
      .requestsTo('/embeddings')
      .slice(embeddingsBefore)
      .map((c) => c.body.input.length),
    [1],
  );

  const detail = (await admin.request('GET', `/api/admin/conversations/${conversationId}`)).json();
  assert.deepEqual(
    detail.messages.map((m: { improvedAt: string | null; improvedQaId: number | null }) => [m.improvedAt, m.improvedQaId]),
    [
      [null, null],
      [body.improvedAt, doc.id],
    ],
  );
  assert.equal((await admin.request('GET', '/api/admin/conversations')).json().conversations[0].improvedAt, body.improvedAt);

  // Asked again: the admin's answer, word for word, with no model call.
  const chats = fake.requestsTo('/chat/completions').length;
  const { events, debug } = await play(admin, question);
  assert.equal(textOf(events), answer);
  assert.deepEqual(debug.qaMatch, { question, matchPercent: 100, answered: true, needed: 85 });
  assert.equal(fake.requestsTo('/chat/completions').length, chats);

  // Improving the same question again updates that entry instead of adding a second one.
  const again = await admin.request('POST', url, { messageId, question, answer: 'Yes, for 3 dollars.' });
  assert.deepEqual([again.statusCode, again.json().status, again.json().documentId], [201, 'updated', doc.id]);
  assert.equal(await db.value("SELECT count(*) FROM documents WHERE kind = 'qa'"), 2);
  assert.equal(textOf(await ask(app, question, { visitorId: 'answers-visitor-4' })), 'Yes, for 3 dollars.');

  // Without a key the entry is saved, and the answer says it is not trained yet and why.
  await admin.request('DELETE', '/api/admin/settings/api/key');
  const untrained = await admin.request('POST', url, { messageId, question: 'Can I wrap two gifts together?', answer: 'Yes.' });
  assert.equal(untrained.statusCode, 201);
  assert.deepEqual(
    [untrained.json().trained, untrained.json().problem],
    [false, 'No API key is saved, so the entry could not be trained. Add your key in Settings → API Configuration, then Start Training on Data Training.'],
  );
});
