// Leads (issue 11, part 5) over inject on a real SQLite file: the widget's "Talk to a person" and pre-chat forms
// (settings in the widget config, the allowed-domains rule, every bad input a 4xx naming the field, the honeypot,
// per-visitor and per-IP limits, the conversation attached), the new_lead notification delivered to a real
// webhook receiver, and the admin API: list by status, detail with the transcript, status change, CSV export
// with formulas neutralised, delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, setupAdmin, type AdminClient } from '../../e2e/support/harness.js';
import { startWebhookReceiver } from '../../e2e/fakes/webhook-receiver.js';
import { runDeliveries } from '../notifications/delivery.js';
import { LEAD_POSTS_PER_IP, LEADS_PER_VISITOR_HOUR } from './routes.js';

const ORIGIN = 'https://shop.example.com';
const VISITOR = 'lead-visitor-0001';
const CONSENT = 'I agree that this site stores my name and e-mail to answer me.';

async function leadApp(t: { after(fn: () => unknown): void }) {
  const testApp = await createTestApp();
  t.after(testApp.close);
  const admin = await setupAdmin(testApp.app);
  return { ...testApp, admin };
}

async function chatbotSettings(admin: AdminClient, patch: Record<string, unknown>) {
  const current = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  const res = await admin.request('PUT', '/api/admin/chatbot/settings', {
    chatbot: { ...current.chatbot, ...patch },
    retrieval: { topK: current.retrieval.topK, minMatch: current.retrieval.minMatch },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().chatbot;
}

const postLead = (app: FastifyInstance, payload: unknown, headers: Record<string, string> = { origin: ORIGIN }, remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/widget/leads', headers, payload: payload as object, remoteAddress });

/** A question through the widget: with no API key saved, the answer is a failure (no model call). */
async function ask(app: FastifyInstance, message: string, visitorId = VISITOR): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/widget/chat', headers: { origin: ORIGIN }, payload: { visitorId, message } });
  assert.equal(res.statusCode, 200, res.body);
  return /"conversationId":"([^"]+)"/.exec(res.body)![1];
}

const TALK = { visitorId: VISITOR, kind: 'talk', name: 'Jane Doe', email: 'jane@example.com', message: 'Please call me about a bulk order.' };

test('the widget config says when to offer "Talk to a person"; off, the form is refused', async (t) => {
  const { app, admin } = await leadApp(t);
  const config = async () => (await app.inject({ method: 'GET', url: '/api/widget/config', headers: { origin: ORIGIN } })).json().handoff;
  assert.deepEqual(await config(), { talkToPerson: 'never', consentText: '', preChatForm: false }, 'off by default');
  const refused = await postLead(app, TALK);
  assert.equal(refused.statusCode, 403);
  assert.deepEqual(refused.json(), { statusCode: 403, error: 'Forbidden', message: '"Talk to a person" is turned off on this site.' });
  const preChat = await postLead(app, { visitorId: VISITOR, kind: 'pre_chat', name: 'Jane', email: 'jane@example.com' });
  assert.deepEqual(preChat.json(), { statusCode: 403, error: 'Forbidden', message: 'The pre-chat form is turned off on this site.' });

  await chatbotSettings(admin, { talkToPerson: 'after_no_answer', consentText: `  ${CONSENT}  `, preChatForm: true });
  assert.deepEqual(await config(), { talkToPerson: 'after_no_answer', consentText: CONSENT, preChatForm: true });
  const bad = await admin.request('PUT', '/api/admin/chatbot/settings', {
    chatbot: { ...(await admin.request('GET', '/api/admin/chatbot/settings')).json().chatbot, talkToPerson: 'sometimes', consentText: 'x'.repeat(501) },
    retrieval: { topK: 5, minMatch: 30 },
  });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json().fields, {
    'chatbot.talkToPerson': 'Choose when visitors are offered "Talk to a person": never, after "I don\'t know" or a failure, or always.',
    'chatbot.consentText': 'Keep the consent text to 500 characters or fewer.',
  });

  // The same allowed-domains rule as the chat: another site cannot post leads.
  const widget = (await admin.request('GET', '/api/admin/widget/settings')).json().widget;
  const { allowedDomains: _old, ...rest } = widget;
  assert.equal((await admin.request('PUT', '/api/admin/widget/settings', { ...rest, allowedDomains: ['shop.example.com'] })).statusCode, 200);
  const elsewhere = await postLead(app, { ...TALK, consent: true }, { origin: 'https://evil.example.net' });
  assert.equal(elsewhere.statusCode, 403);
  assert.equal(elsewhere.json().message, 'This website is not allowed to use this chat widget. Add it under Widget → Allowed domains.');
  assert.equal((await postLead(app, { ...TALK, consent: true })).statusCode, 201);
});

test('every bad input is a 400 naming the field, in the words the widget shows', async (t) => {
  const { app, admin } = await leadApp(t);
  await chatbotSettings(admin, { talkToPerson: 'always', consentText: CONSENT });
  const cases: Array<[unknown, Record<string, string>]> = [
    [{ ...TALK, consent: true, email: 'jane(at)example.com' }, { email: 'Enter a valid e-mail address, such as name@example.com.' }],
    [{ ...TALK, consent: true, email: `${'a'.repeat(250)}@example.com` }, { email: 'Enter a valid e-mail address, such as name@example.com.' }],
    [{ ...TALK, consent: true, message: '   ' }, { message: 'Type a message.' }],
    [{ ...TALK, consent: true, message: 'x'.repeat(2001) }, { message: 'Your message is too long. Keep it to 2,000 characters or fewer.' }],
    [{ ...TALK, consent: true, name: '' }, { name: 'Enter your name.' }],
    [{ ...TALK, consent: true, name: 'n'.repeat(101) }, { name: 'Keep your name to 100 characters or fewer.' }],
    [{ ...TALK, consent: true, visitorId: 'x' }, { visitorId: 'visitorId must be 8–64 letters, digits, - or _.' }],
    [{ ...TALK, consent: true, kind: 'other' }, { kind: 'Use one of: "talk", "pre_chat".' }],
    [{ ...TALK }, { consent: 'Tick the box to agree, so that we may contact you.' }],
  ];
  for (const [i, [payload, fields]] of cases.entries()) {
    const res = await postLead(app, payload, { origin: ORIGIN }, `192.0.2.${i + 1}`); // each from its own IP: the per-IP limit is tested below
    assert.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 80));
    assert.deepEqual(res.json(), { statusCode: 400, error: 'Bad Request', message: 'Please correct the highlighted fields.', fields });
  }
  // 2,000 emoji are 2,000 characters, not 4,000 UTF-16 units.
  assert.equal((await postLead(app, { ...TALK, consent: true, message: '🙂'.repeat(2000) })).statusCode, 201);
  const huge = await postLead(app, { ...TALK, consent: true, message: 'x'.repeat(20_000) }, { origin: ORIGIN }, '192.0.2.100');
  assert.equal(huge.statusCode, 413);
  assert.equal(huge.json().message, 'The request body is too large (16 KB at most).');
  const notJson = await app.inject({
    method: 'POST',
    url: '/api/widget/leads',
    headers: { origin: ORIGIN, 'content-type': 'text/plain' },
    payload: 'hello',
    remoteAddress: '192.0.2.101',
  });
  assert.deepEqual([notJson.statusCode, notJson.json().message], [400, 'The request body must be a JSON object, sent with Content-Type: application/json.']);
  assert.equal((await admin.request('GET', '/api/admin/leads')).json().total, 1, 'only the good one is stored');
});

test('a lead keeps the conversation, notifies once by webhook, and the admin lists, reads, moves, exports and deletes it', async (t) => {
  const { app, admin, dataDir: _dir } = await leadApp(t);
  const hooks = await startWebhookReceiver();
  t.after(hooks.close);
  const saved = await admin.request('PUT', '/api/admin/notifications', {
    email: { enabled: false, host: '', port: 587, security: 'starttls', user: '', from: '', to: [] },
    webhook: { enabled: true, url: hooks.url },
    events: {},
    digest: { frequency: 'off', hour: 8, weekday: 1 },
  });
  assert.equal(saved.statusCode, 200, saved.body);
  await chatbotSettings(admin, { talkToPerson: 'after_no_answer', preChatForm: true });

  const conversationId = await ask(app, 'Do you ship pallets to Norway?');
  const res = await postLead(app, { ...TALK, name: '  =HYPERLINK("http://evil")', message: '+1 555 0100, call after 5', conversationId });
  assert.equal(res.statusCode, 201);
  assert.deepEqual(res.json(), { received: true });
  // Another visitor cannot attach someone else's conversation: the lead is kept, without it.
  assert.equal(
    (await postLead(app, { ...TALK, visitorId: 'lead-visitor-0002', email: 'mallory@example.com', message: '@SUM(1)', conversationId })).statusCode,
    201,
  );
  // A pre-chat lead, then the visitor's first question: its transcript is that conversation.
  assert.equal((await postLead(app, { visitorId: 'lead-visitor-0003', kind: 'pre_chat', name: 'Pat', email: 'pat@example.com', message: '' })).statusCode, 201);
  const patsConversation = await ask(app, 'What are your opening hours?', 'lead-visitor-0003');

  const list = await admin.request('GET', '/api/admin/leads');
  assert.equal(list.statusCode, 200);
  const body = list.json();
  assert.deepEqual(body.counts, { new: 3, contacted: 0, closed: 0 });
  assert.equal(body.total, 3);
  assert.deepEqual(
    body.leads.map((l: any) => [l.kind, l.name, l.email, l.message, l.status, l.conversationId, l.origin]),
    [
      ['pre_chat', 'Pat', 'pat@example.com', '', 'new', null, ORIGIN],
      ['talk', 'Jane Doe', 'mallory@example.com', '@SUM(1)', 'new', null, ORIGIN],
      ['talk', '=HYPERLINK("http://evil")', 'jane@example.com', '+1 555 0100, call after 5', 'new', conversationId, ORIGIN],
    ],
  );
  const [pat, mallory, jane] = body.leads;
  assert.deepEqual(
    Object.keys(jane).sort(),
    ['conversationId', 'createdAt', 'email', 'id', 'kind', 'message', 'name', 'origin', 'status', 'updatedAt'],
    'no visitor hash leaves the server',
  );

  const detail = (await admin.request('GET', `/api/admin/leads/${jane.id}`)).json();
  assert.deepEqual({ ...detail.lead, createdAt: undefined, updatedAt: undefined }, { ...jane, createdAt: undefined, updatedAt: undefined, consentText: '' });
  assert.deepEqual(
    detail.transcript.map((m: any) => [m.role, m.status]),
    [
      ['user', 'complete'],
      ['assistant', 'error'],
    ],
  );
  assert.equal(detail.transcript[0].text, 'Do you ship pallets to Norway?');
  assert.equal((await admin.request('GET', `/api/admin/leads/${mallory.id}`)).json().transcript, null);
  const patDetail = (await admin.request('GET', `/api/admin/leads/${pat.id}`)).json();
  assert.equal(patDetail.lead.conversationId, patsConversation);
  assert.equal(patDetail.transcript[0].text, 'What are your opening hours?');

  // The notification: one signed webhook per lead, with exactly the lead's data.
  await runDeliveries(app);
  const leadEvents = hooks.requests.filter((h) => h.json.event === 'new_lead').map((h) => h.json.data);
  assert.deepEqual(leadEvents, [
    { leadId: jane.id, name: '=HYPERLINK("http://evil")', email: 'jane@example.com', message: '+1 555 0100, call after 5', conversationId },
    { leadId: mallory.id, name: 'Jane Doe', email: 'mallory@example.com', message: '@SUM(1)', conversationId: null },
    { leadId: pat.id, name: 'Pat', email: 'pat@example.com', message: '', conversationId: null },
  ]);

  // Status changes and the filter.
  const moved = await admin.request('PATCH', `/api/admin/leads/${jane.id}`, { status: 'contacted' });
  assert.equal(moved.statusCode, 200);
  assert.equal(moved.json().lead.status, 'contacted');
  const contacted = (await admin.request('GET', '/api/admin/leads?status=contacted')).json();
  assert.deepEqual([contacted.total, contacted.leads.map((l: any) => l.id), contacted.counts], [1, [jane.id], { new: 2, contacted: 1, closed: 0 }]);
  const badStatus = await admin.request('PATCH', `/api/admin/leads/${jane.id}`, { status: 'won' });
  assert.deepEqual(badStatus.json(), {
    statusCode: 400,
    error: 'Bad Request',
    message: 'Please correct the highlighted fields.',
    fields: { status: 'Use one of: "new", "contacted", "closed".' },
  });
  const badFilter = await admin.request('GET', '/api/admin/leads?status=won');
  assert.equal(badFilter.statusCode, 400);
  assert.equal(badFilter.json().message, 'status in the query string: Use one of: "all", "new", "contacted", "closed".');
  assert.deepEqual((await admin.request('PATCH', '/api/admin/leads/99999', { status: 'closed' })).json(), {
    statusCode: 404,
    error: 'Not Found',
    message: 'No such lead.',
  });
  assert.equal((await admin.request('GET', '/api/admin/leads/abc')).statusCode, 400);

  // CSV: every cell quoted, a formula start (= + - @ tab CR) neutralised with a leading '.
  const csv = await admin.request('GET', '/api/admin/leads/export.csv');
  assert.equal(csv.statusCode, 200);
  assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
  assert.match(String(csv.headers['content-disposition']), /^attachment; filename="docent-leads-\d{4}-\d{2}-\d{2}\.csv"$/);
  const lines = csv.body
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');
  assert.equal(lines[0], '"id","time","status","kind","name","email","message","consent","website","conversation"');
  assert.equal(lines.length, 4);
  assert.ok(
    lines[1].startsWith(
      `"${jane.id}","${jane.createdAt}","contacted","talk","'=HYPERLINK(""http://evil"")","jane@example.com","'+1 555 0100, call after 5","","${ORIGIN}","${conversationId}"`,
    ),
    lines[1],
  );
  assert.ok(lines[2].includes(`"mallory@example.com","'@SUM(1)"`), lines[2]);
  const onlyNew = (await admin.request('GET', '/api/admin/leads/export.csv?status=new')).body.trimEnd().split('\r\n');
  assert.equal(onlyNew.length, 3);

  // Delete.
  assert.deepEqual((await admin.request('DELETE', `/api/admin/leads/${mallory.id}`)).json(), { deleted: true });
  assert.equal((await admin.request('DELETE', `/api/admin/leads/${mallory.id}`)).statusCode, 404);
  assert.equal((await admin.request('GET', '/api/admin/leads')).json().total, 2);
  // Deleting the conversation keeps the lead, without its transcript.
  assert.equal((await admin.request('DELETE', `/api/admin/conversations/${conversationId}`)).statusCode, 200);
  const kept = (await admin.request('GET', `/api/admin/leads/${jane.id}`)).json();
  assert.deepEqual([kept.lead.conversationId, kept.transcript], [null, null]);

  // Admin routes need the session.
  assert.equal((await app.inject({ method: 'GET', url: '/api/admin/leads' })).statusCode, 401);
});

test('the honeypot pretends success and stores nothing; limits per visitor and per IP', async (t) => {
  const { app, admin } = await leadApp(t);
  await chatbotSettings(admin, { talkToPerson: 'always' });
  const trap = await postLead(app, { ...TALK, website: 'https://spam.example' });
  assert.equal(trap.statusCode, 201);
  assert.deepEqual(trap.json(), { received: true });
  assert.equal((await admin.request('GET', '/api/admin/leads')).json().total, 0);

  for (let i = 0; i < LEADS_PER_VISITOR_HOUR; i++) assert.equal((await postLead(app, TALK)).statusCode, 201);
  const limited = await postLead(app, TALK);
  assert.deepEqual(limited.json(), {
    statusCode: 429,
    error: 'Too Many Requests',
    message: 'You have already sent us several messages. Please wait a while before sending another.',
  });
  assert.equal((await admin.request('GET', '/api/admin/leads')).json().total, LEADS_PER_VISITOR_HOUR);

  // Per IP, whatever visitor id is sent: the tries above count (1 honeypot + 3 stored + 1 limited).
  let status = 0;
  for (let i = LEADS_PER_VISITOR_HOUR + 3; i <= LEAD_POSTS_PER_IP; i++) status = (await postLead(app, { ...TALK, visitorId: `other-visitor-${i}` })).statusCode;
  assert.equal(status, 201);
  const perIp = await postLead(app, { ...TALK, visitorId: 'yet-another-visitor' });
  assert.equal(perIp.statusCode, 429);
  assert.equal(perIp.json().message, 'You have already sent us several messages. Please wait a while before sending another.');
});
