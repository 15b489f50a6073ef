import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveConversations } from './live-conversations.js';

const answer = (id: string, text: string) => ({ id, text, sources: [], status: 'complete' as const });

test('a conversation held in memory is forgotten after 30 idle minutes, and a message keeps it alive', () => {
  let now = 0;
  const live = new LiveConversations(() => now);
  const { id } = live.addQuestion(null, 'v1', 'Hello?');
  live.addAnswer(id, answer('a1', 'Hi.'));
  now += 29 * 60_000;
  assert.deepEqual(live.lookup(id, 'v1'), { found: true, mine: true, questions: 1 });
  assert.deepEqual(live.addQuestion(id, 'v1', 'Still there?').history, [
    { role: 'user', text: 'Hello?' },
    { role: 'assistant', text: 'Hi.' },
  ]);
  now += 29 * 60_000;
  assert.equal(live.lookup(id, 'v1').found, true, 'the second message restarted the clock');
  now += 31 * 60_000;
  assert.deepEqual(live.lookup(id, 'v1'), { found: false });
  assert.equal(live.visibleHistory(id, 'v1'), null);
});

test('memory stays bounded: the least recently active conversations and the oldest turns go first', () => {
  const live = new LiveConversations(() => 0);
  const first = live.addQuestion(null, 'v-first', 'first').id;
  const ids = Array.from({ length: 1000 }, (_, i) => live.addQuestion(null, `v${i}`, 'q').id);
  assert.equal(live.lookup(first, 'v-first').found, false, 'the 1,001st conversation crowded out the oldest');
  assert.equal(live.lookup(ids[0], 'v0').found, true);

  const { id } = live.addQuestion(null, 'v-long', 'q0');
  for (let i = 0; i < 20; i++) {
    live.addAnswer(id, answer(`a${i}`, 'x'.repeat(1000)));
    live.addQuestion(id, 'v-long', `q${i + 1}`);
  }
  const turns = live.visibleHistory(id, 'v-long')!;
  assert.ok(turns.reduce((sum, m) => sum + m.text.length, 0) <= 16_000);
  assert.equal(turns[0].role, 'user', 'whole turns are dropped, a question with its answer');
  assert.equal(turns.at(-1)!.text, 'q20');
  assert.deepEqual(live.lookup(id, 'v-long'), { found: true, mine: true, questions: 21 }, 'the conversation limit still counts every question');
});
