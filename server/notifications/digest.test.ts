// The daily and weekly digest: when it is due (UTC), what it says (from the usage totals, stored answers and
// open alerts), sent once per scheduled time across passes and restarts, and off by default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, setupAdmin, PUBLIC_URL, type AdminClient, type TestApp } from '../../e2e/support/harness.js';
import { startWebhookReceiver } from '../../e2e/fakes/webhook-receiver.js';
import { startMailbox } from '../../e2e/fakes/mailbox.js';
import { raiseAlert } from '../chat/alerts.js';
import { type TestDb, testDb } from '../../e2e/support/test-db.js';
import { runDeliveries } from './delivery.js';
import { digestPeriod, digestSlot, nextDigestAt } from './digest.js';

const at = (iso: string) => Date.parse(iso);

test('digestSlot: the latest scheduled time at or before now, in UTC; nextDigestAt the one after', () => {
  const daily = { frequency: 'daily' as const, hour: 8, weekday: 1 };
  assert.equal(digestSlot(daily, at('2025-05-06T07:59:59Z')), at('2025-05-05T08:00:00Z'));
  assert.equal(digestSlot(daily, at('2025-05-06T08:00:00Z')), at('2025-05-06T08:00:00Z'));
  assert.equal(nextDigestAt(daily, at('2025-05-06T08:00:00Z')), at('2025-05-07T08:00:00Z'));
  // Weekly on Monday (2025-05-05 is a Monday).
  const weekly = { frequency: 'weekly' as const, hour: 6, weekday: 1 };
  assert.equal(digestSlot(weekly, at('2025-05-05T05:00:00Z')), at('2025-04-28T06:00:00Z'));
  assert.equal(digestSlot(weekly, at('2025-05-05T06:00:00Z')), at('2025-05-05T06:00:00Z'));
  assert.equal(digestSlot(weekly, at('2025-05-11T23:00:00Z')), at('2025-05-05T06:00:00Z'));
  assert.equal(digestSlot({ ...weekly, weekday: 0 }, at('2025-05-07T12:00:00Z')), at('2025-05-04T06:00:00Z'));
  assert.equal(digestSlot({ ...weekly, frequency: 'off' }, at('2025-05-07T12:00:00Z')), null);
  assert.deepEqual(digestPeriod('daily', at('2025-05-06T08:00:00Z')), { from: '2025-05-05', to: '2025-05-05' });
  assert.deepEqual(digestPeriod('weekly', at('2025-05-05T06:00:00Z')), { from: '2025-04-28', to: '2025-05-04' });
});

/** Widget traffic on `day`: usage totals, and stored answers with their status and thumbs. */
async function seedDay(
  db: TestDb,
  day: string,
  usage: { conversations: number; messages: number; cost: number },
  answers: Array<[status: string, feedback: string | null]> = [],
) {
  await db.run(
    "INSERT INTO usage_days (day, channel, conversations, messages, tokens, cost) VALUES (?, 'widget', ?, ?, 0, ?)",
    day,
    usage.conversations,
    usage.messages,
    usage.cost,
  );
  const conversation = `00000000-0000-4000-8000-${day.replace(/-/g, '').padStart(12, '0')}`;
  await db.run("INSERT INTO conversations (id, visitor_hash, channel, created_at) VALUES (?, 'v', 'widget', ?)", conversation, `${day}T09:00:00.000Z`);
  for (const [i, [status, feedback]] of answers.entries()) {
    await db.run(
      "INSERT INTO messages (id, conversation_id, role, text, status, feedback, created_at) VALUES (?, ?, 'assistant', 'a', ?, ?, ?)",
      `${conversation}-${i}`,
      conversation,
      status,
      feedback,
      `${day}T10:00:0${i}.000Z`,
    );
  }
}

async function digestApp(t: { after(fn: () => unknown): void }, clock: { now: number }): Promise<TestApp & { admin: AdminClient }> {
  const testApp = await createTestApp({ buildOptions: { notifications: { clock: () => clock.now } } });
  t.after(testApp.close);
  return { ...testApp, admin: await setupAdmin(testApp.app) };
}

test('the daily digest goes out at its hour (UTC), once, with yesterday’s numbers; e-mail and webhook carry the same', async (t) => {
  const clock = { now: at('2025-05-05T10:00:00Z') };
  const { app, admin } = await digestApp(t, clock);
  const hooks = await startWebhookReceiver();
  t.after(hooks.close);
  const box = await startMailbox();
  t.after(box.close);
  const saved = await admin.request('PUT', '/api/admin/notifications', {
    email: { enabled: true, host: '127.0.0.1', port: box.port, security: 'none', user: '', from: 'docent@example.com', to: ['owner@example.com'] },
    webhook: { enabled: true, url: hooks.url },
    events: { digest: { email: true, webhook: true } },
    digest: { frequency: 'daily', hour: 8, weekday: 1 },
  });
  assert.equal(saved.statusCode, 200, saved.body);
  assert.equal(saved.json().nextDigestAt, '2025-05-06T08:00:00.000Z', 'turned on at 10:00: today’s 08:00 has passed, the first is tomorrow');

  await seedDay(testDb(app), '2025-05-04', { conversations: 99, messages: 99, cost: 9 }); // the day before: not in it
  await seedDay(testDb(app), '2025-05-05', { conversations: 3, messages: 12, cost: 0.0421 }, [
    ['complete', 'up'],
    ['complete', null],
    ['no_answer', 'down'],
    ['complete', 'up'],
    ['stopped', null],
  ]);
  await raiseAlert(app.stores, 'low_balance', 'Your OpenRouter balance is $0.40.');
  await runDeliveries(app); // the low-balance alert itself (e-mail and webhook)
  const before = hooks.requests.length;

  clock.now = at('2025-05-06T07:59:00Z');
  await runDeliveries(app);
  assert.equal(hooks.requests.length, before, 'not before 08:00 UTC');

  clock.now = at('2025-05-06T08:00:30Z');
  await runDeliveries(app);
  await runDeliveries(app);
  const digests = hooks.requests.filter((h) => h.json.event === 'digest');
  assert.equal(digests.length, 1, 'once');
  const lowBalance = (await app.stores.chat.openAlerts()).find((a) => a.kind === 'low_balance')?.firstAt;
  assert.deepEqual(digests[0].json.data, {
    frequency: 'daily',
    from: '2025-05-05',
    to: '2025-05-05',
    days: [{ day: '2025-05-05', conversations: 3, messages: 12, cost: 0.0421 }],
    totals: { conversations: 3, messages: 12, cost: 0.0421 },
    answers: { total: 4, answered: 3, share: 0.75, thumbsUp: 2, thumbsDown: 1 },
    topQuestions: [],
    unansweredQuestions: [], // no questions stored (see server/dashboard/insights.test.ts)
    openAlerts: [{ kind: 'low_balance', message: 'Your OpenRouter balance is $0.40.', since: lowBalance }],
  });
  const mails = (await box.waitFor(2)).filter((m) => m.headers['x-docent-event'] === 'digest');
  assert.equal(mails.length, 1);
  assert.equal(mails[0].headers.subject, '[Docent] Daily digest for Mon, 5 May 2025: 3 conversations');
  assert.equal(
    mails[0].text.split('\n-- \n')[0],
    [
      'Daily digest for Mon, 5 May 2025: 3 conversations',
      '',
      'Yesterday (UTC) on your site: 3 conversations, 12 messages, $0.04 spent on answers.',
      '',
      '75% of 4 answers answered the question (the rest said "I don\'t know", failed or offered links only). Visitors gave 2 thumbs up and 1 down.',
      '',
      'Open problems on the dashboard:\n• Your OpenRouter balance is $0.40.',
      '',
      `Open the Dashboard: ${PUBLIC_URL}/admin/`,
      '',
    ].join('\n'),
  );

  // Later passes that day do not send it again.
  clock.now = at('2025-05-06T20:00:00Z');
  await runDeliveries(app);
  assert.equal(hooks.requests.filter((h) => h.json.event === 'digest').length, 1);
});

test('the weekly digest lists each day; a quiet week still arrives; the digest is off by default', async (t) => {
  const clock = { now: at('2025-05-01T12:00:00Z') };
  const { app, admin } = await digestApp(t, clock);
  const hooks = await startWebhookReceiver();
  t.after(hooks.close);
  const body = (frequency: string) => ({
    email: { enabled: false, host: '', port: 587, security: 'starttls', user: '', from: '', to: [] },
    webhook: { enabled: true, url: hooks.url },
    events: { digest: { email: false, webhook: true } },
    digest: { frequency, hour: 6, weekday: 1 },
  });
  await admin.request('PUT', '/api/admin/notifications', body('off'));
  clock.now = at('2025-05-05T07:00:00Z');
  await runDeliveries(app);
  assert.equal(hooks.requests.length, 0, 'off: nothing');

  clock.now = at('2025-05-01T12:00:00Z');
  const saved = await admin.request('PUT', '/api/admin/notifications', body('weekly'));
  assert.equal(saved.json().nextDigestAt, '2025-05-05T06:00:00.000Z');
  await seedDay(testDb(app), '2025-04-30', { conversations: 2, messages: 4, cost: 0.5 });
  clock.now = at('2025-05-05T06:01:00Z');
  await runDeliveries(app);
  const [digest] = await hooks.waitFor(1);
  assert.deepEqual([digest.json.data.from, digest.json.data.to, digest.json.data.days.length], ['2025-04-28', '2025-05-04', 7]);
  assert.deepEqual(digest.json.data.days[2], { day: '2025-04-30', conversations: 2, messages: 4, cost: 0.5 });
  assert.deepEqual(digest.json.data.days[3], { day: '2025-05-01', conversations: 0, messages: 0, cost: 0 });
  assert.equal(digest.json.data.answers, null, 'no stored answers: not shown as 0%');
});
