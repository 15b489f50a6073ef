// Keyword search (KnowledgeStore.keywordSearch, retrieve()'s keyword pool of 24) on both backends, through the store
// interface: SQLite (FTS5) and PostgreSQL (tsvector + GIN; DOCENT_TEST_DATABASE_URL, else a private cluster, else
// skipped with the reason). Chunks of the benchmark's Zipf corpus (45–75 words), 1,000 to a document; on
// PostgreSQL the table is then vacuumed and analyzed, as autovacuum does after a training run. Questions: 6 words
// of a random chunk (not among the vocabulary's 100 most frequent, which play "the", "and", "how"…), 6 of the 50
// most frequent words, and those 6 plus 2 of the first kind. Also: how often the chunk a question was taken from is
// in the keyword top 6.
import { keywordsOf } from '../../server/retrieval/retrieve.js';
import { openPostgresStores } from '../../server/stores/postgres/open.js';
import { openSqliteStores } from '../../server/stores/sqlite/open.js';
import type { KnowledgeStore } from '../../server/stores/knowledge-store.js';
import { benchDatabase } from '../support/postgres.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { corpus, percentile, prng, round, type Row } from './common.js';

const SIZES = (process.env.BENCH_KEYWORD_SIZES ?? '50000').split(',').map(Number);
const QUERIES = Number(process.env.BENCH_KEYWORD_QUERIES ?? 200);
const POOL = 24;
/** Issue 14: keyword search p95 ≤ 30 ms at 50k chunks on PostgreSQL, a common-word query included. */
const TARGET_P95_MS = 30;

interface Opened {
  name: 'SQLite' | 'PostgreSQL';
  knowledge: KnowledgeStore;
  /** What autovacuum does after a large write (PostgreSQL only). */
  analyze(): Promise<void>;
  close(): Promise<void>;
}

async function openSqlite(): Promise<Opened> {
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-bench-keywords-'));
  const stores = openSqliteStores(path.join(dir, 'docent.db'));
  return {
    name: 'SQLite',
    knowledge: stores.knowledge,
    analyze: async () => {},
    async close() {
      stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(): Promise<Opened | string> {
  const database = await benchDatabase();
  if (typeof database === 'string') return database;
  const stores = await openPostgresStores(database.url, { max: 4 });
  return {
    name: 'PostgreSQL',
    knowledge: stores.knowledge,
    analyze: async () => {
      await stores.pool.query('VACUUM ANALYZE chunks');
    },
    async close() {
      await stores.close();
      await database.close();
    },
  };
}

async function measure(backend: Opened): Promise<Row[]> {
  const rows: Row[] = [];
  const words = corpus(11);
  const common = new Set(words.words.slice(0, 100));
  const random = prng(2024);
  const source = await backend.knowledge.sourceOfKind('text');
  const texts: string[] = [];
  const firstChunk: number[] = [];
  let built = 0;
  for (const size of SIZES) {
    while (built < size) {
      const n = Math.min(1000, size - built);
      const batch = Array.from({ length: n }, (_, i) => {
        const text = `${words.sentence(45 + Math.floor(random() * 30))}.`;
        texts.push(text);
        return { index: i, text, content: text, headingPath: [], tokenCount: 80, hash: `bench-${built + i}` };
      });
      const fields = { title: `Document ${built}`, url: null, kind: 'text' as const, content: '', contentHash: `${built}`, tokenCount: 0, modifiedAt: null };
      const documentId = await backend.knowledge.insertDocument(source.id, `bench:${built}`, fields, batch);
      firstChunk.push(...(await backend.knowledge.documentChunks(documentId)).map((c) => c.chunkId));
      built += n;
    }
    await backend.analyze();

    const qr = prng(size);
    const own: number[] = [];
    const ofChunks = Array.from({ length: QUERIES + 20 }, () => {
      const r = Math.floor(qr() * size);
      own.push(firstChunk[r]);
      const t = texts[r]
        .replace('.', '')
        .split(' ')
        .filter((w) => !common.has(w));
      return Array.from({ length: 6 }, () => t[Math.floor(qr() * t.length)]).join(' ');
    });
    const cr = prng(size + 1);
    const commonOnly = Array.from({ length: Math.min(QUERIES, 50) + 20 }, () => Array.from({ length: 6 }, () => words.words[Math.floor(cr() * 50)]).join(' '));
    const mixed = commonOnly.map((q, i) => `${q} ${ofChunks[i].split(' ').slice(0, 2).join(' ')}`);
    const label = `${size / 1000}k`;
    for (const [kind, questions] of [
      ['6 words of a chunk', ofChunks],
      ['6 common words', commonOnly],
      ['6 common + 2 of a chunk', mixed],
    ] as const) {
      const ms: number[] = [];
      let found = 0;
      let ownInTop = 0;
      for (let i = 0; i < questions.length; i++) {
        const t = performance.now();
        const ids = await backend.knowledge.keywordSearch(keywordsOf(questions[i]), POOL);
        // The first 20 warm the caches.
        if (i >= 20) ms.push(performance.now() - t);
        found += ids.length;
        if (questions === ofChunks && ids.slice(0, 6).includes(own[i])) ownInTop++;
      }
      ms.sort((a, b) => a - b);
      const p95 = round(percentile(ms, 95));
      const targeted = backend.name === 'PostgreSQL' && size === 50_000;
      rows.push({
        section: 'keywords',
        metric: `keywordSearch @ ${label}, ${kind} — ${backend.name}: p50 / p95 / p99`,
        value: `${round(percentile(ms, 50))} / ${p95} / ${round(percentile(ms, 99))}`,
        unit: 'ms',
        ...(targeted ? { target: `p95 ≤ ${TARGET_P95_MS}`, met: p95 <= TARGET_P95_MS } : {}),
        note: `${round(found / questions.length, 1)} hits a question${questions === ofChunks ? `; its chunk in the top 6: ${round((100 * ownInTop) / questions.length, 1)}%` : ''}`,
      });
    }
  }
  return rows;
}

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const sqlite = await openSqlite();
  try {
    rows.push(...(await measure(sqlite)));
  } finally {
    await sqlite.close();
  }
  const postgres = await openPostgres();
  if (typeof postgres === 'string') {
    rows.push({ section: 'keywords', metric: 'keywordSearch — PostgreSQL', value: 'skipped', unit: '', note: postgres });
    return rows;
  }
  try {
    rows.push(...(await measure(postgres)));
  } finally {
    await postgres.close();
  }
  return rows;
}
