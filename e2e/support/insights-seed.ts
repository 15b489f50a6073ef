// Conversations for the Dashboard's insights, written into the database as the chat writes them (the triggers of
// migration 014 keep the rollups, on SQLite and PostgreSQL alike): near-duplicate questions with cached vectors,
// unanswered ones, thumbs, a Playground test that must not count, documents used and unused, usage totals. Shared
// by the server test (server/dashboard/insights.test.ts, which asserts the exact answer, on both backends) and the
// browser test. Plain SQL both databases take (e2e/support/test-db.ts); vectors through the backend's vector store.
import { createHash, randomUUID } from 'node:crypto';
import type { VectorStore } from '../../server/stores/vector-store.js';
import { OPENROUTER_ENDPOINT } from '../../server/openrouter/client.js';
import { dayRange } from '../../server/dashboard/insights.js';
import type { TestDb } from './test-db.js';

const ORIGIN = 'https://shop.example.com';
const D = 8;
const SPACE = { endpoint: OPENROUTER_ENDPOINT, model: 'openai/text-embedding-3-small' };
const vector = (...head: number[]) => Float32Array.from({ length: D }, (_, i) => head[i] ?? 0);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Today and the days before it (UTC), as the endpoint counts them: days[0] is today. */
export const days = dayRange(90).days.reverse();
const at = (daysAgo: number, time = '10:00:00.000') => `${days[daysAgo]}T${time}Z`;

export async function seedInsights(db: TestDb, vectors: VectorStore) {
  const sourceId = await db.value<number>("SELECT id FROM sources WHERE kind = 'text' ORDER BY id LIMIT 1");
  const doc = async (key: string, title: string, url: string | null, updatedAt: string) => {
    const id = await db.value<number>(
      `INSERT INTO documents (source_id, source_key, title, url, kind, content, content_hash, token_count, updated_at)
      VALUES (?, ?, ?, ?, 'page', ?, ?, 10, ?) RETURNING id`,
      sourceId,
      key,
      title,
      url,
      title,
      sha(title),
      updatedAt,
    );
    const chunk = await db.value<number>(
      'INSERT INTO chunks (document_id, position, text, content, token_count, text_hash) VALUES (?, 0, ?, ?, 10, ?) RETURNING id',
      id,
      title,
      title,
      sha(title),
    );
    return { id, chunk };
  };
  const pricing = await doc('pricing', 'Pricing', 'https://shop.example.com/pricing', '2025-01-03T00:00:00.000Z');
  const warranty = await doc('warranty', 'Warranty', 'https://shop.example.com/warranty', '2025-01-02T00:00:00.000Z');
  const press = await doc('press', 'Press release 2019', null, '2025-01-01T00:00:00.000Z');
  await doc('draft', 'Draft, not trained yet', null, '2024-12-01T00:00:00.000Z');
  const index = await vectors.setDimensions(await vectors.ensureActiveIndex(SPACE), D);
  await vectors.writeVectors(
    index,
    [pricing, warranty, press].map((d) => ({ chunkId: d.chunk, vector: vector(1) })),
  );

  // The vectors the chat cached for the questions it embedded (not every wording was embedded).
  await vectors.cacheVectors(SPACE, [
    { textHash: sha('How much is the Pro plan?'), vector: vector(1, 0, 0) },
    { textHash: sha('What does Pro cost?'), vector: vector(0.95, 0.31, 0) },
    { textHash: sha('Do you ship to Mars?'), vector: vector(0, 0, 1) },
    { textHash: sha('Can you deliver to Mars?'), vector: vector(0, 0.1, 0.99) },
    { textHash: sha('Tell me a story'), vector: vector(0, 1, 0) },
  ]);

  const ids: Record<string, string> = {};
  const retrieved = (...docs: Array<{ chunk: number }>) => JSON.stringify(docs.map((d) => ({ chunkId: d.chunk, title: 't', url: null, matchPercent: 80 })));
  const conversation = async (name: string, daysAgo: number, question: string, status: string, used: string, channel = 'widget') => {
    const id = (ids[name] = randomUUID());
    await db.run(
      'INSERT INTO conversations (id, visitor_hash, origin, channel, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      id,
      `visitor-${name}`,
      ORIGIN,
      channel,
      at(daysAgo),
      at(daysAgo),
    );
    await db.run("INSERT INTO messages (id, conversation_id, role, text, created_at) VALUES (?, ?, 'user', ?, ?)", randomUUID(), id, question, at(daysAgo));
    await db.run(
      "INSERT INTO messages (id, conversation_id, role, text, status, retrieved, cost, created_at) VALUES (?, ?, 'assistant', 'An answer', ?, ?, 0.001, ?)",
      `${name}-answer`,
      id,
      status,
      used,
      at(daysAgo, '10:00:01.000'),
    );
  };
  // Stored in the order they happened, as the chat stores them.
  await conversation('c8', 3, 'How much is the Pro plan?', 'complete', retrieved(pricing));
  await conversation('c1', 1, 'How much is the Pro plan?', 'complete', retrieved(pricing));
  await conversation('c2', 0, 'What does Pro cost?', 'complete', retrieved(pricing));
  await conversation('c3', 0, 'how much is the pro plan', 'complete', retrieved(pricing, warranty, pricing));
  await conversation('c4', 2, 'Do you ship to Mars?', 'no_answer', '[]');
  await conversation('c5', 0, 'Can you deliver to Mars?', 'error', '[]');
  await conversation('c7', 0, 'Tell me a story', 'stopped', retrieved(warranty));
  await conversation('c6', 10, '=cmd|calc', 'complete', retrieved(press));
  await conversation('p1', 0, 'How much is the Pro plan?', 'complete', retrieved(press), 'playground');
  const feedback = (name: string, value: string | null) => db.run('UPDATE messages SET feedback = ? WHERE id = ?', value, `${name}-answer`);
  await feedback('c1', 'up');
  await feedback('c2', 'up');
  await feedback('c2', 'down'); // changed their mind: counted once, as down
  await feedback('p1', 'down'); // the admin's own test: not counted

  const usage = (day: string, channel: string, conversations: number, messages: number, cost: number) =>
    db.run(
      'INSERT INTO usage_days (day, channel, conversations, messages, tokens, cost) VALUES (?, ?, ?, ?, 100, ?)',
      day,
      channel,
      conversations,
      messages,
      cost,
    );
  await usage(days[0], 'widget', 4, 8, 0.004);
  await usage(days[1], 'widget', 1, 2, 0.001);
  await usage(days[0], 'playground', 1, 2, 0.5);
  return { ids, pricing, warranty, press };
}
