// What visitors are offered besides the model's answer (issue 10, items 4 and 10): sources only when they have a
// public URL (Q&A entries never), the admin's own Q&A answers word for word when the model cannot answer, and
// the "When the bot can't help" contact, validated per field and published in the widget's config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, setupAdmin, type AdminClient, type TestApp } from '../../e2e/support/harness.js';
import { multipart } from '../../e2e/support/multipart.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { testDb } from '../../e2e/support/test-db.js';

const VISITOR = 'visitor-help-0001';
const ORIGIN = 'https://shop.example.com';
const WARRANTY_URL = 'https://shop.example.com/warranty';
const WARRANTY_LINK = { title: 'Warranty', url: WARRANTY_URL };
const WARRANTY_TEXT = 'Every Acme widget has a two-year warranty covering manufacturing faults.';
const CLAIMS_NOTE = 'Internal note: what the warranty does not cover is water damage. The claims desk checks every warranty case.';
const TERMS_FILE = 'Acme warranty terms. The warranty covers manufacturing faults of every widget for two years from delivery.';
const FILE_URL = 'https://shop.example.com/files/warranty-terms.pdf';
const QA = {
  question: 'What does the warranty cover?',
  answer: 'Manufacturing faults, for **two years** from delivery.\n\nSee https://shop.example.com/warranty for the full terms.',
};
const SHIPPING_QA = { question: 'How long does shipping take?', answer: 'Standard shipping takes 3 to 5 business days.' };

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

async function ask(app: FastifyInstance, message: string, visitorId = VISITOR) {
  const res = await app.inject({ method: 'POST', url: '/api/widget/chat', headers: { origin: ORIGIN }, payload: { visitorId, message } });
  assert.equal(res.statusCode, 200, res.body);
  return parseSse(res.body);
}

async function upload(testApp: TestApp & { admin: AdminClient }, name: string, text: string) {
  const body = multipart([{ name, data: Buffer.from(text) }]);
  const res = await testApp.app.inject({
    method: 'POST',
    url: '/api/admin/training/files',
    payload: body.payload,
    headers: { cookie: testApp.admin.cookie, 'x-csrf-token': testApp.admin.csrfToken, 'content-type': body.contentType },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().results[0].ok, true, res.body);
  return res.json().results[0] as { documentId: number; status: string };
}

async function helpApp(t: { after(fn: () => unknown): void }) {
  const testApp = await createTestApp({ env: { CHAT_IDLE_TIMEOUT_MS: '1000' } });
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
  const add = async (body: object) => {
    const res = await admin.request('POST', '/api/admin/training/text', body);
    assert.equal(res.statusCode, 201, res.body);
    return res.json().documentId as number;
  };
  const ids = {
    warranty: await add({ title: 'Warranty', text: WARRANTY_TEXT, url: WARRANTY_URL }),
    note: await add({ title: 'Claims desk', text: CLAIMS_NOTE }),
    qa: await add(QA),
    shipping: await add(SHIPPING_QA),
  };
  const withAdmin = { ...testApp, admin };
  const file = await upload(withAdmin, 'warranty-terms.txt', TERMS_FILE);
  await admin.request('POST', '/api/admin/training/start');
  await testApp.app.training.runner.idle();
  // These tests are about the model's answers: word-for-word Q&A answers are tested in answers.test.ts.
  const saved = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  await admin.request('PUT', '/api/admin/chatbot/settings', { chatbot: { ...saved.chatbot, qaAnswerMatch: 0 }, retrieval: saved.retrieval });
  return { ...withAdmin, ids: { ...ids, file: file.documentId } };
}

const alerts = async (admin: AdminClient) =>
  (await admin.request('GET', '/api/admin/dashboard/stats')).json().alerts as Array<{ kind: string; message: string }>;

test('visitors see a source only when it has a public URL, Q&A entries never; the model still reads every chunk', async (t) => {
  const testApp = await helpApp(t);
  const { app, admin, fake, ids } = testApp;
  fake.setChatReply('Two years, for manufacturing faults [1].');
  const first = await ask(app, 'What does the warranty cover?');
  assert.deepEqual(first.find((e) => e.event === 'sources')?.data, { sources: [WARRANTY_LINK] }, 'the note, the file and the Q&A have no public URL');
  const prompt = fake.requestsTo('/chat/completions').at(-1)!.body.messages[0].content as string;
  for (const text of [WARRANTY_TEXT, CLAIMS_NOTE, TERMS_FILE, 'Manufacturing faults, for **two years** from delivery.']) {
    assert.ok(prompt.includes(text), `the model still reads: ${text}`);
  }

  // The admin gives the file a public URL: it becomes a source link at once, without training again.
  const patched = await admin.request('PATCH', `/api/admin/training/documents/${ids.file}`, { url: ` ${FILE_URL} ` });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.deepEqual(patched.json(), { document: { id: ids.file, url: FILE_URL } });
  const second = await ask(app, 'What does the warranty cover?');
  const links = second.find((e) => e.event === 'sources')!.data.sources as Array<{ title: string; url: string }>;
  assert.deepEqual(
    [...links].sort((a, b) => a.url.localeCompare(b.url)),
    [{ title: 'warranty-terms', url: FILE_URL }, WARRANTY_LINK],
  );
  assert.ok((fake.requestsTo('/chat/completions').at(-1)!.body.messages[0].content as string).includes(`(${FILE_URL})`), 'the model sees the address too');
  const listed = (await admin.request('GET', `/api/admin/training/documents/${ids.file}`)).json().document;
  assert.equal(listed.url, FILE_URL);

  // A new version of the file keeps its address; a Text entry's address is edited with the entry.
  assert.equal((await upload(testApp, 'warranty-terms.txt', `${TERMS_FILE} Claims need the receipt.`)).status, 'updated');
  assert.equal((await admin.request('GET', `/api/admin/training/documents/${ids.file}`)).json().document.url, FILE_URL);
  const edited = await admin.request('PUT', `/api/admin/training/text/${ids.note}`, {
    title: 'Claims desk',
    text: CLAIMS_NOTE,
    url: 'https://shop.example.com/claims',
  });
  assert.deepEqual([edited.statusCode, edited.json().status], [200, 'updated']);
  assert.equal((await admin.request('GET', `/api/admin/training/documents/${ids.note}`)).json().document.url, 'https://shop.example.com/claims');
  await admin.request('PUT', `/api/admin/training/text/${ids.note}`, { title: 'Claims desk', text: CLAIMS_NOTE });
  assert.equal(
    (await admin.request('GET', `/api/admin/training/documents/${ids.note}`)).json().document.url,
    'https://shop.example.com/claims',
    'left out, the address stays',
  );
  await admin.request('PUT', `/api/admin/training/text/${ids.note}`, { title: 'Claims desk', text: CLAIMS_NOTE, url: '' });
  assert.equal((await admin.request('GET', `/api/admin/training/documents/${ids.note}`)).json().document.url, null, '"" removes it');
  const cleared = await admin.request('PATCH', `/api/admin/training/documents/${ids.file}`, { url: null });
  assert.deepEqual(cleared.json(), { document: { id: ids.file, url: null } });

  // Refusals name the field.
  const qaNote = 'Q&A entries are never shown to visitors as sources, so they have no public URL. Use a Text entry for content with a page of its own.';
  const refusals: Array<[string, string, object, number, Record<string, string> | undefined, string]> = [
    ['PATCH', `/api/admin/training/documents/${ids.qa}`, { url: 'https://shop.example.com/faq' }, 400, { url: qaNote }, qaNote],
    ['POST', '/api/admin/training/text', { ...QA, url: 'https://shop.example.com/faq' }, 400, { url: qaNote }, 'Please correct the highlighted fields.'],
    [
      'PATCH',
      `/api/admin/training/documents/${ids.file}`,
      { url: 'shop.example.com/terms' },
      400,
      { url: 'Enter the full public address, starting with https:// or http://, e.g. https://example.com/warranty.' },
      'Please correct the highlighted fields.',
    ],
    [
      'PATCH',
      `/api/admin/training/documents/${ids.file}`,
      { url: 'javascript:alert(1)' },
      400,
      { url: 'Enter the full public address, starting with https:// or http://, e.g. https://example.com/warranty.' },
      'Please correct the highlighted fields.',
    ],
    [
      'POST',
      '/api/admin/training/text',
      { title: 'T', text: 'x', url: 'ftp://shop.example.com/x' },
      400,
      { url: 'Enter the full public address, starting with https:// or http://, e.g. https://example.com/warranty.' },
      'Please correct the highlighted fields.',
    ],
    ['PATCH', '/api/admin/training/documents/99999', { url: FILE_URL }, 404, undefined, 'No such document.'],
  ];
  for (const [method, url, body, status, fields, message] of refusals) {
    const res = await admin.request(method as 'PATCH', url, body);
    assert.deepEqual([res.statusCode, res.json().message, res.json().fields], [status, message, fields], `${method} ${url} ${JSON.stringify(body)}`);
  }
  // A web page's address is its own.
  const db = testDb(app);
  const web = await db.value("INSERT INTO sources (kind, name) VALUES ('web', 'Site') RETURNING id");
  const page = await db.value(
    "INSERT INTO documents (source_id, source_key, title, url, kind, content, content_hash) VALUES (?, 'p', 'Page', 'https://shop.example.com/p', 'page', 'x', 'h') RETURNING id",
    web,
  );
  const pageRes = await admin.request('PATCH', `/api/admin/training/documents/${page}`, { url: FILE_URL });
  assert.deepEqual([pageRes.statusCode, pageRes.json().fields], [400, { url: 'This page’s address comes from its website and cannot be changed here.' }]);

  // Answers stored before this rule listed files and Q&A entries without a URL: a reload shows links only.
  const conversationId = first[0].data.conversationId;
  await db.run(
    "UPDATE messages SET sources = ? WHERE conversation_id = ? AND role = 'assistant'",
    JSON.stringify([{ title: 'What does the warranty cover?', url: null }, WARRANTY_LINK]),
    conversationId,
  );
  const history = await app.inject({ url: `/api/widget/history?visitorId=${VISITOR}&conversationId=${conversationId}`, headers: { origin: ORIGIN } });
  assert.deepEqual(
    history
      .json()
      .messages.filter((m: { role: string }) => m.role === 'assistant')
      .map((m: { sources: unknown }) => m.sources),
    [[WARRANTY_LINK]],
  );
});

test('when the model cannot answer, the visitor gets the matching Q&A answers word for word and links to matching pages', async (t) => {
  const { app, admin, fake } = await helpApp(t);
  fake.fail({ route: 'chat', kind: 'server-error', times: 1 });
  const failed = await ask(app, 'What does the warranty cover?');
  assert.deepEqual(failed.at(-1), {
    event: 'error',
    data: {
      code: 'unavailable',
      message: "Sorry, I can't answer right now, but this may help:",
      sources: [WARRANTY_LINK],
      answers: [QA],
    },
  });
  assert.ok(!failed.some((e) => JSON.stringify(e.data).includes(SHIPPING_QA.answer)), 'a Q&A entry that does not match is not offered');
  const [alert] = await alerts(admin);
  assert.match(
    alert.message,
    /Visitors see “Sorry, I can't answer right now, but this may help:” with your matching Q&A answers and links to matching pages\.$/,
  );

  // The question cannot even be searched (the embedding call fails): the keyword search finds the same help,
  // and offers a Q&A answer only when the entry shares at least half of the question's words.
  fake.fail({ route: 'embeddings', kind: 'invalid-key' });
  const keyword = await ask(app, 'Does my warranty cover faults?', 'visitor-help-0002');
  assert.deepEqual(keyword.at(-1)!.data.answers, [QA]);
  assert.ok(keyword.at(-1)!.data.sources.some((s: { url: string }) => s.url === WARRANTY_URL));
  const loose = await ask(app, 'Can I pay with a warranty voucher or a gift card?', 'visitor-help-0003');
  assert.deepEqual(loose.at(-1)!.data.answers, [], 'one shared word of five is not a match to show word for word');
  assert.equal(loose.at(-1)!.data.message, "Sorry, I can't answer right now, but these pages may help:");
  const nothing = await ask(app, 'Quantum chromodynamics lattice', 'visitor-help-0004');
  assert.deepEqual(nothing.at(-1)!.data, {
    code: 'unavailable',
    message: "Sorry, I can't answer right now. Please try again in a little while.",
    sources: [],
    answers: [],
  });
  fake.clearFaults();

  // Past the daily spend cap: the same help, without a model call.
  const { chatbot, retrieval } = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  await admin.request('PUT', '/api/admin/chatbot/settings', {
    chatbot: { ...chatbot, dailySpendCapUsd: 0.000001 },
    retrieval: { topK: retrieval.topK, minMatch: retrieval.minMatch },
  });
  await ask(app, 'What does the warranty cover?', 'visitor-help-0005'); // spends the cap
  const calls = fake.requestsTo('/chat/completions').length;
  const capped = await ask(app, 'What does the warranty cover?', 'visitor-help-0006');
  assert.deepEqual(capped.at(-1)!.data, {
    code: 'limit_reached',
    message: "Sorry, I can't answer right now, but this may help:",
    sources: [WARRANTY_LINK],
    answers: [QA],
  });
  assert.equal(fake.requestsTo('/chat/completions').length, calls);
});

test('"When the bot can\'t help": a contact page or e-mail address, checked per field, published to the widget', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const current = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  assert.equal(current.chatbot.contactLink, '');
  assert.equal(current.chatbot.contactLabel, '');
  const config = async () => (await app.inject({ url: '/api/widget/config', headers: { origin: ORIGIN } })).json().contact;
  assert.equal(await config(), null, 'nothing offered until the admin sets it');
  const save = (patch: object) =>
    admin.request('PUT', '/api/admin/chatbot/settings', { chatbot: { ...current.chatbot, ...patch }, retrieval: { topK: 6, minMatch: 30 } });

  const LINK = 'Enter a web address starting with https:// (or http://), or an e-mail address such as help@example.com.';
  const bad: Array<[object, Record<string, string>]> = [
    [{ contactLink: 'example.com/contact' }, { 'chatbot.contactLink': LINK }],
    [{ contactLink: 'javascript:alert(1)//' }, { 'chatbot.contactLink': LINK }],
    [{ contactLink: 'help@' }, { 'chatbot.contactLink': LINK }],
    [{ contactLink: 'mailto:' }, { 'chatbot.contactLink': LINK }],
    [
      { contactLink: 'https://shop.example.com/contact', contactLabel: 'x'.repeat(61) },
      { 'chatbot.contactLabel': 'Keep the label to 60 characters or fewer.' },
    ],
    [{ contactLabel: 'Talk to us' }, { 'chatbot.contactLink': 'Add the web address or e-mail address this label links to, or clear the label.' }],
  ];
  for (const [patch, fields] of bad) {
    const res = await save(patch);
    assert.deepEqual([res.statusCode, res.json().message, res.json().fields], [400, 'Please correct the highlighted fields.', fields], JSON.stringify(patch));
  }
  assert.equal((await admin.request('GET', '/api/admin/chatbot/settings')).json().chatbot.contactLink, '', 'nothing saved');

  const good: Array<[object, object]> = [
    [{ contactLink: ' help@acme.example ' }, { label: null, url: null, email: 'help@acme.example' }],
    [
      { contactLink: 'mailto:help@acme.example', contactLabel: 'E-mail support' },
      { label: 'E-mail support', url: null, email: 'help@acme.example' },
    ],
    [
      { contactLink: 'https://shop.example.com/contact?from=chat', contactLabel: ' Talk to a person ' },
      { label: 'Talk to a person', url: 'https://shop.example.com/contact?from=chat', email: null },
    ],
  ];
  for (const [patch, contact] of good) {
    const res = await save(patch);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(await config(), contact, JSON.stringify(patch));
  }
  assert.equal((await save({ contactLink: '', contactLabel: '' })).statusCode, 200);
  assert.equal(await config(), null, 'cleared');
});
