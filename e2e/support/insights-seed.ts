// Conversations for the Dashboard's insights, written into the database as the chat writes them (the triggers of
// migration 014 keep the rollups): near-duplicate questions with cached vectors, unanswered ones, thumbs, a
// Playground test that must not count, documents used and unused, usage totals. Shared by the server test
// (server/dashboard/insights.test.ts, which asserts the exact answer) and the browser test.
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../../server/stores/sqlite/database.js';
import { OPENROUTER_ENDPOINT } from '../../server/openrouter/client.js';
import { cacheVector, ensureActiveIndex, insertVectors, setDimensions, toBlob } from '../../server/stores/sqlite/vector-store.js';
import { dayRange } from '../../server/dashboard/insights.js';

const ORIGIN = 'https://shop.example.com';
const D = 8;
const SPACE = { endpoint: OPENROUTER_ENDPOINT, model: 'openai/text-embedding-3-small' };
const vector = (...head: number[]) => Float32Array.from({ length: D }, (_, i) => head[i] ?? 0);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Today and the days before it (UTC), as the endpoint counts them: days[0] is today. */
export const days = dayRange(90).days.reverse();
const at = (daysAgo: number, time = '10:00:00.000') => `${days[daysAgo]}T${time}Z`;

export function seedInsights(db: Db) {
  const sourceId = db.prepare("SELECT id FROM sources WHERE kind = 'text' ORDER BY id LIMIT 1").pluck().get() as number;
  const doc = (key: string, title: string, url: string | null, updatedAt: string) => {
    const id = Number(
      db
        .prepare(`INSERT INTO documents (source_id, source_key, title, url, kind, content, content_hash, token_count, updated_at)
      VALUES (?, ?, ?, ?, 'page', ?, ?, 10, ?)`)
        .run(sourceId, key, title, url, title, sha(title), updatedAt).lastInsertRowid,
    );
    const chunk = Number(
      db
        .prepare(`INSERT INTO chunks (document_id, position, text, content, token_count, text_hash) VALUES (?, 0, ?, ?, 10, ?)`)
        .run(id, title, title, sha(title)).lastInsertRowid,
    );
    return { id, chunk };
  };
  const pricing = doc('pricing', 'Pricing', 'https://shop.example.com/pricing', '2025-01-03T00:00:00.000Z');
  const warranty = doc('warranty', 'Warranty', 'https://shop.example.com/warranty', '2025-01-02T00:00:00.000Z');
  const press = doc('press', 'Press release 2019', null, '2025-01-01T00:00:00.000Z');
  doc('draft', 'Draft, not trained yet', null, '2024-12-01T00:00:00.000Z');
  const index = setDimensions(db, ensureActiveIndex(db, SPACE), D);
  insertVectors(
    db,
    index,
    [pricing, warranty, press].map((d) => ({ chunkId: d.chunk, vector: toBlob(vector(1)) })),
  );

  // The vectors the chat cached for the questions it embedded (not every wording was embedded).
  cacheVector(db, index, sha('How much is the Pro plan?'), vector(1, 0, 0));
  cacheVector(db, index, sha('What does Pro cost?'), vector(0.95, 0.31, 0));
  cacheVector(db, index, sha('Do you ship to Mars?'), vector(0, 0, 1));
  cacheVector(db, index, sha('Can you deliver to Mars?'), vector(0, 0.1, 0.99));
  cacheVector(db, index, sha('Tell me a story'), vector(0, 1, 0));

  const ids: Record<string, string> = {};
  const retrieved = (...docs: Array<{ chunk: number }>) => JSON.stringify(docs.map((d) => ({ chunkId: d.chunk, title: 't', url: null, matchPercent: 80 })));
  const conversation = (name: string, daysAgo: number, question: string, status: string, used: string, channel = 'widget') => {
    const id = (ids[name] = randomUUID());
    db.prepare('INSERT INTO conversations (id, visitor_hash, origin, channel, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      id,
      `visitor-${name}`,
      ORIGIN,
      channel,
      at(daysAgo),
      at(daysAgo),
    );
    db.prepare("INSERT INTO messages (id, conversation_id, role, text, created_at) VALUES (?, ?, 'user', ?, ?)").run(randomUUID(), id, question, at(daysAgo));
    db.prepare(
      "INSERT INTO messages (id, conversation_id, role, text, status, retrieved, cost, created_at) VALUES (?, ?, 'assistant', 'An answer', ?, ?, 0.001, ?)",
    ).run(`${name}-answer`, id, status, used, at(daysAgo, '10:00:01.000'));
  };
  // Stored in the order they happened, as the chat stores them.
  conversation('c8', 3, 'How much is the Pro plan?', 'complete', retrieved(pricing));
  conversation('c1', 1, 'How much is the Pro plan?', 'complete', retrieved(pricing));
  conversation('c2', 0, 'What does Pro cost?', 'complete', retrieved(pricing));
  conversation('c3', 0, 'how much is the pro plan', 'complete', retrieved(pricing, warranty, pricing));
  conversation('c4', 2, 'Do you ship to Mars?', 'no_answer', '[]');
  conversation('c5', 0, 'Can you deliver to Mars?', 'error', '[]');
  conversation('c7', 0, 'Tell me a story', 'stopped', retrieved(warranty));
  conversation('c6', 10, '=cmd|calc', 'complete', retrieved(press));
  conversation('p1', 0, 'How much is the Pro plan?', 'complete', retrieved(press), 'playground');
  const feedback = (name: string, value: string | null) => db.prepare('UPDATE messages SET feedback = ? WHERE id = ?').run(value, `${name}-answer`);
  feedback('c1', 'up');
  feedback('c2', 'up');
  feedback('c2', 'down'); // changed their mind: counted once, as down
  feedback('p1', 'down'); // the admin's own test: not counted

  const usage = db.prepare('INSERT INTO usage_days (day, channel, conversations, messages, tokens, cost) VALUES (?, ?, ?, ?, 100, ?)');
  usage.run(days[0], 'widget', 4, 8, 0.004);
  usage.run(days[1], 'widget', 1, 2, 0.001);
  usage.run(days[0], 'playground', 1, 2, 0.5);
  return { ids, pricing, warranty, press };
}
