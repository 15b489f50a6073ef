// The keyword search stays bounded on a large knowledge base, on a real SQLite file (FTS5 internals; the behaviour
// through the interface, on both backends: server/stores/knowledge-store.test.ts): words found in more than
// KEYWORD_WORD_CHUNKS chunks are left out, the rarest words are ranked (a product code's chunk comes first whatever
// common words the question holds), words are counted as the index stems them, and a question with no common word
// is searched exactly as an unpruned FTS5 query would.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test, { type TestContext } from 'node:test';
import type { ChunkWrite, DocumentFields } from '../knowledge-store.js';
import { ftsQuery, KEYWORD_RANKED_CHUNKS, KEYWORD_WORD_CHUNKS, rankedKeywords, wordsToRank } from './knowledge-store.js';
import { openSqliteStores, type SqliteStores } from './open.js';

function open(t: TestContext): SqliteStores {
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-keyword-search-'));
  const stores = openSqliteStores(path.join(dir, 'docent.db'));
  t.after(() => {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return stores;
}

const fields = (title: string): DocumentFields => ({ title, url: null, kind: 'text', content: title, contentHash: title, tokenCount: 1, modifiedAt: null });
const chunk = (index: number, text: string): ChunkWrite => ({ index, text, content: text, headingPath: [], tokenCount: 5, hash: `h-${text}` });

/** Adds chunks with the texts given, 1,000 to a document; returns their ids in order. */
async function addChunks(stores: SqliteStores, texts: string[]): Promise<number[]> {
  const source = await stores.knowledge.sourceOfKind('text');
  for (let start = 0; start < texts.length; start += 1000) {
    const batch = texts.slice(start, start + 1000).map((text, i) => chunk(i, text));
    await stores.knowledge.insertDocument(source.id, `doc-${start}`, fields(`Document ${start}`), batch);
  }
  return stores.db.prepare('SELECT id FROM chunks ORDER BY id').pluck().all() as number[];
}

/** The unpruned search: what keywordSearch ran before it was bounded. */
const unpruned = (stores: SqliteStores, words: string[], limit: number) =>
  stores.db.prepare('SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts) LIMIT ?').pluck().all(ftsQuery(words), limit) as number[];

// A knowledge base just past the cap: every chunk says "install", "product", "account", "settings" and "running"
// (in a few it is "runs"); cobalt, marble and saffron are in 9,500, 9,000 and 10,000 chunks; one chunk has the
// product code zx81sku.
const TOTAL = KEYWORD_WORD_CHUNKS + 1000;
function largeTexts(): string[] {
  return Array.from({ length: TOTAL }, (_, i) =>
    [
      `install the product for your account settings, chunk ${i}`,
      i % 5_000 === 7 ? 'runs' : 'running',
      i < 9_500 ? 'cobalt' : '',
      i >= 2_000 ? 'marble' : '',
      i >= 1_000 ? 'saffron' : '',
      i === 1_234 ? 'the zx81sku model' : '',
    ].join(' '),
  );
}

test('on a large knowledge base, common words are left out and the rare word ranked: its chunk comes first; a question of common words only finds nothing', async (t) => {
  assert.ok(KEYWORD_WORD_CHUNKS < TOTAL, 'the common words are over the cap');
  assert.ok(10_000 <= KEYWORD_WORD_CHUNKS, 'marble, cobalt and saffron are under the cap');
  assert.ok(9_000 + 9_500 <= KEYWORD_RANKED_CHUNKS && 9_000 + 9_500 + 10_000 > KEYWORD_RANKED_CHUNKS, 'and straddle the total');
  const stores = open(t);
  const ids = await addChunks(stores, largeTexts());
  const rare = ids[1_234];

  const question = ['install', 'product', 'account', 'settings', 'runs', 'zx81sku'];
  assert.deepEqual(rankedKeywords(stores.db, question), [{ word: 'zx81sku', chunks: 1 }], 'the 5 common words are left out, the rare one kept');
  const found = await stores.knowledge.keywordSearch(question, 24);
  assert.deepEqual(found, [rare], 'only the rare word is ranked, and its chunk is found');
  assert.deepEqual(
    (await stores.help.keywordMatches(question, 24)).map((d) => d.title),
    ['Document 1000'],
    "the visitors' keyword help (no embedding) is bounded the same way",
  );

  // Stemming: "runs" is counted through the index's stems, so it is as common as "running" (in every chunk)
  // and left out, while "running" still finds the chunks that say "runs" when it is rare enough (small base below).
  assert.deepEqual(rankedKeywords(stores.db, ['runs']), [], '"runs" is counted as the stem "run": in every chunk');

  // Every word common: no keyword hits (bounded: the words are only counted up to the cap).
  assert.deepEqual(await stores.knowledge.keywordSearch(['install', 'product', 'account', 'settings', 'running'], 24), []);

  // Counting is bounded too: only the first 6 words found in more than 1,000 chunks are counted further (marble,
  // the 7th, is left out though under the cap); rare words are always counted and ranked.
  assert.deepEqual(rankedKeywords(stores.db, ['install', 'product', 'account', 'settings', 'running', 'cobalt', 'marble', 'zx81sku']), [
    { word: 'zx81sku', chunks: 1 },
    { word: 'cobalt', chunks: 9_500 },
  ]);

  // Under the per-word cap, but over the total: the rarest words are ranked, up to the total.
  const mid = rankedKeywords(stores.db, ['saffron', 'marble', 'cobalt']);
  assert.deepEqual(mid, [
    { word: 'marble', chunks: 9_000 },
    { word: 'cobalt', chunks: 9_500 },
  ]);
  assert.ok(mid.reduce((n, w) => n + w.chunks, 0) <= KEYWORD_RANKED_CHUNKS);
  assert.deepEqual(
    await stores.knowledge.keywordSearch(['saffron', 'marble', 'cobalt'], 24),
    unpruned(stores, ['marble', 'cobalt'], 24),
    'the same as searching the two rarer words alone',
  );
});

test('on a knowledge base with no common word, results are the unpruned query’s; stemmed forms match', async (t) => {
  const stores = open(t);
  const vocabulary = 'warranty shipping refund invoice battery charger cable adapter screen keyboard printer scanner router modem firmware'.split(' ');
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const texts = Array.from({ length: 300 }, (_, i) =>
    Array.from({ length: 4 + (i % 7) }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(' '),
  );
  texts.push('The installer keeps running after the update', 'Error E1234 when the printer runs out of paper');
  const ids = await addChunks(stores, texts);

  for (const words of [['warranty', 'refund'], ['battery', 'charger', 'cable', 'firmware', 'modem', 'router'], ['scanner'], ['e1234', 'printer', 'paper']]) {
    assert.equal(rankedKeywords(stores.db, words).length, words.length, `${words.join(' ')}: no word is common`);
    assert.deepEqual(wordsToRank(stores.db, words), words, 'a small knowledge base: every word ranked, none counted');
    assert.deepEqual(await stores.knowledge.keywordSearch(words, 24), unpruned(stores, words, 24), `${words.join(' ')}: same ids in the same order`);
  }

  const [running, runs] = ids.slice(-2);
  assert.deepEqual(new Set(await stores.knowledge.keywordSearch(['runs'], 10)), new Set([running, runs]), '"runs" finds "running" too');
  assert.deepEqual(new Set(await stores.knowledge.keywordSearch(['running'], 10)), new Set([running, runs]));
  assert.deepEqual(rankedKeywords(stores.db, ['run']), [{ word: 'run', chunks: 2 }]);
  assert.deepEqual(await stores.knowledge.keywordSearch(['e1234'], 10), [runs], 'an error code finds its chunk');
});
