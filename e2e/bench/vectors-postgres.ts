// `npm run bench -- vectors-postgres`: the PostgreSQL vector store (cluster mode) at 100k chunks of 1536
// dimensions, on a fresh database (of the cluster DOCENT_TEST_DATABASE_URL names, else of a private cluster): how long a node's start takes to
// read the index into memory (warmUp), vector search latency and recall@12 against exact brute-force cosine, and
// how soon a vector written through node A is found through node B (NOTIFY). Data as the retrieval section's:
// 500 cluster centres sharing a common direction, chunks = centre + noise, queries = a chunk + noise; chunk texts of
// Zipf words, so retrieve() (vectors + keyword search + fusion) is measured on PostgreSQL too.
import { benchDatabase } from '../support/postgres.js';
import { openPostgresStores, type PostgresStores } from '../../server/stores/postgres/open.js';
import type { VectorIndex } from '../../server/stores/vector-store.js';
import { createHash } from 'node:crypto';
import type OpenAI from 'openai';
import { retrieve } from '../../server/retrieval/retrieve.js';
import { corpus, gaussian, normalise, percentile, prng, round, type Row } from './common.js';

const D = 1536;
const SIZE = Number(process.env.BENCH_PG_VECTORS_SIZE ?? 100_000);
const QUERIES = 100;
const K = 12; // retrieve()'s vector pool for the default 6 chunks per answer
const CLUSTERS = 500;
const BATCH = 1000;
const SPACE = { endpoint: 'openrouter', model: 'openai/text-embedding-3-small' };
const section = 'vectors-postgres';

/** The corpus, generated again on each call (same seed, same vectors): 600 MB need not be held at once. */
function* vectors(): Generator<[number, Float32Array]> {
  const random = prng(11);
  const normal = gaussian(random);
  const shared = normalise(Float32Array.from({ length: D }, normal));
  const centres = Array.from({ length: CLUSTERS }, () => {
    const u = normalise(Float32Array.from({ length: D }, normal));
    return normalise(u.map((x, i) => x + 0.42 * shared[i]));
  });
  for (let id = 1; id <= SIZE; id++) {
    const centre = centres[Math.floor(random() * CLUSTERS)];
    yield [id, normalise(centre.map((x) => x + normal() / Math.sqrt(D)))];
  }
}

export async function run(): Promise<Row[]> {
  const database = await benchDatabase();
  if (typeof database === 'string') return [{ section, metric: 'skipped', value: database, unit: '' }];
  let a: PostgresStores | undefined;
  let b: PostgresStores | undefined;
  try {
    a = await openPostgresStores(database.url, { max: 4 });
    const { pool } = a;
    const doc = await pool.query(
      `WITH s AS (INSERT INTO sources (kind, name) VALUES ('text', 'Bench') RETURNING id)
      INSERT INTO documents (source_id, source_key, title, kind, content, content_hash, token_count) SELECT id, 'doc', 'Doc', 'text', '', 'h', 0 FROM s RETURNING id`,
    );
    // Chunk texts as the retrieval section's (Zipf words), so retrieve()'s keyword half has real work to do.
    const words = corpus(11);
    const texts = new Map<number, string>();
    const textRandom = prng(3);
    for (let first = 1; first <= SIZE; first += BATCH) {
      const ids = Array.from({ length: Math.min(BATCH, SIZE - first + 1) }, (_, i) => first + i);
      const batchTexts = ids.map(() => `${words.sentence(45 + Math.floor(textRandom() * 30))}.`);
      ids.forEach((id, i) => texts.set(id, batchTexts[i]));
      await pool.query(
        `INSERT INTO chunks (id, document_id, position, text, content, heading_path, token_count, text_hash)
        SELECT id, $1, id, t, t, '', 80, 'hash-' || id FROM unnest($2::bigint[], $3::text[]) AS u(id, t)`,
        [doc.rows[0].id, ids, batchTexts],
      );
    }
    let index: VectorIndex = await a.vectors.setDimensions(await a.vectors.ensureActiveIndex(SPACE), D);

    // Queries near chosen chunks, taken as the corpus is written.
    const random = prng(5);
    const normal = gaussian(random);
    const chosen = new Set(Array.from({ length: QUERIES }, () => 1 + Math.floor(random() * SIZE)));
    const queries: Float32Array[] = [];
    const writeStarted = performance.now();
    let batch: Array<[number, Float32Array]> = [];
    const flush = async () => {
      await a!.vectors.cacheVectors(
        SPACE,
        batch.map(([id, vector]) => ({ textHash: `hash-${id}`, vector })),
      );
      await a!.vectors.writeVectors(
        index,
        batch.map(([chunkId, vector]) => ({ chunkId, vector })),
      );
      batch = [];
    };
    for (const [id, vector] of vectors()) {
      if (chosen.has(id)) queries.push(normalise(vector.map((x) => x + (0.5 * normal()) / Math.sqrt(D))));
      batch.push([id, vector]);
      if (batch.length === BATCH) await flush();
    }
    if (batch.length) await flush();
    const writeSeconds = (performance.now() - writeStarted) / 1000;

    // The exact top K of each query, in one more pass over the corpus.
    const best = queries.map(() => [] as Array<{ id: number; s: number }>);
    for (const [id, vector] of vectors()) {
      for (const [q, query] of queries.entries()) {
        let s = 0;
        for (let i = 0; i < D; i++) s += vector[i] * query[i];
        const top = best[q];
        if (top.length < K || s > top[top.length - 1].s) {
          top.push({ id, s });
          top.sort((x, y) => y.s - x.s);
          if (top.length > K) top.pop();
        }
      }
    }

    // Node B starts: reads the index into memory, then answers.
    const startedB = performance.now();
    b = await openPostgresStores(database.url, { max: 4 });
    await b.vectors.warmUp();
    const warmMs = performance.now() - startedB;
    index = (await b.vectors.activeIndex())!;
    for (const query of queries.slice(0, 10)) await b.vectors.search(index, query, K);
    const times: number[] = [];
    let found = 0;
    for (const [q, query] of queries.entries()) {
      const t0 = performance.now();
      const hits = await b.vectors.search(index, query, K);
      times.push(performance.now() - t0);
      const truth = new Set(best[q].map((e) => e.id));
      found += hits.filter((h) => truth.has(h.chunkId)).length;
    }
    times.sort((x, y) => x - y);
    const recall = found / (K * queries.length);

    // retrieve() through node B, as a visitor's question runs it (vectors + keywords + fusion), its question's vector
    // cached as the chat's warm path has it: 6 words of the chunk the query vector is near, leaving out the
    // vocabulary's 100 most frequent (the part "the", "and", "how"… play in real text).
    const common = new Set(words.words.slice(0, 100));
    const chosenIds = [...chosen];
    const questions = queries.map((query, q) => {
      const own = texts
        .get(chosenIds[q])!
        .replace(/\.$/, '')
        .split(' ')
        .filter((w) => !common.has(w));
      return { query, question: `${Array.from({ length: 6 }, () => own[Math.floor(random() * own.length)]).join(' ')}?` };
    });
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    await a.vectors.cacheVectors(
      SPACE,
      questions.map(({ query, question }) => ({ textHash: sha(question), vector: query })),
    );
    const deps = { knowledge: b.knowledge, vectors: b.vectors, embedderFor: async () => ({ client: {} as OpenAI, provider: 'openrouter' as const }) };
    for (const { question } of questions.slice(0, 10)) await retrieve(deps, question, { topK: 6, minMatch: 0 });
    const retrieveTimes: number[] = [];
    for (const { question } of questions) {
      const t0 = performance.now();
      const result = await retrieve(deps, question, { topK: 6, minMatch: 0 });
      retrieveTimes.push(performance.now() - t0);
      if (result.queryTokens !== 0) throw new Error('retrieve() embedded the question: the cached vector was not used');
    }
    retrieveTimes.sort((x, y) => x - y);

    // A vector rewritten through A (pointing elsewhere), until found through B: 20 times.
    const propagation: number[] = [];
    for (let i = 0; i < 20; i++) {
      const id = 1 + i;
      const moved = normalise(Float32Array.from({ length: D }, normal));
      await a.vectors.cacheVectors(SPACE, [{ textHash: `hash-${id}`, vector: moved }]);
      const t0 = performance.now();
      await a.vectors.writeVectors(index, [{ chunkId: id, vector: moved }]);
      while ((await b.vectors.search(index, moved, 1))[0]?.chunkId !== id) {
        if (performance.now() - t0 > 5000) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      propagation.push(performance.now() - t0);
    }
    propagation.sort((x, y) => x - y);

    const note = `${SIZE.toLocaleString('en')} chunks × ${D} d`;
    return [
      { section, metric: 'write (cache + index)', value: round(SIZE / writeSeconds, 0), unit: 'vectors/s', note: `batches of ${BATCH}` },
      { section, metric: 'node start: warmUp', value: Math.round(warmMs), unit: 'ms', target: '≤ 3000', met: warmMs <= 3000, note },
      {
        section,
        metric: 'vector search p50',
        value: round(percentile(times, 50)),
        unit: 'ms',
        target: '≤ 25',
        met: percentile(times, 50) <= 25,
        note: `k = ${K}`,
      },
      { section, metric: 'vector search p99', value: round(percentile(times, 99)), unit: 'ms', note: `k = ${K}` },
      { section, metric: `recall@${K}`, value: round(recall, 3), unit: '', target: '≥ 0.95', met: recall >= 0.95, note: 'against exact cosine' },
      {
        section,
        metric: 'retrieve() topK 6: p50 / p99',
        value: `${round(percentile(retrieveTimes, 50))} / ${round(percentile(retrieveTimes, 99))}`,
        unit: 'ms',
        target: 'p50 ≤ 25',
        met: percentile(retrieveTimes, 50) <= 25,
        note: `vectors + PostgreSQL keyword search + fusion, question vector cached; ${note}`,
      },
      {
        section,
        metric: 'write through A → found through B',
        value: round(percentile(propagation, 50)),
        unit: 'ms p50',
        target: '≤ 1000 (max)',
        met: propagation[propagation.length - 1] <= 1000,
        note: `max ${round(propagation[propagation.length - 1])} ms`,
      },
    ];
  } finally {
    await b?.close();
    await a?.close();
    await database.close();
  }
}
