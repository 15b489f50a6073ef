// `npm run bench -- vectors-postgres`: the PostgreSQL vector store (cluster mode) at 100k chunks of 1536
// dimensions, on a fresh database of the cluster DOCENT_TEST_DATABASE_URL names: how long a node's start takes to
// read the index into memory (warmUp), vector search latency and recall@12 against exact brute-force cosine, and
// how soon a vector written through node A is found through node B (NOTIFY). Data as the retrieval section's:
// 500 cluster centres sharing a common direction, chunks = centre + noise, queries = a chunk + noise.
import { freshPostgresDatabase } from '../support/store-backends.js';
import { openPostgresStores, type PostgresStores } from '../../server/stores/postgres/open.js';
import type { VectorIndex } from '../../server/stores/vector-store.js';
import { gaussian, normalise, percentile, prng, round, type Row } from './common.js';

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
  const baseUrl = process.env.DOCENT_TEST_DATABASE_URL;
  if (!baseUrl) return [{ section, metric: 'skipped', value: 'DOCENT_TEST_DATABASE_URL is not set', unit: '' }];
  const database = await freshPostgresDatabase(baseUrl);
  let a: PostgresStores | undefined;
  let b: PostgresStores | undefined;
  try {
    a = await openPostgresStores(database.url, { max: 4 });
    const { pool } = a;
    const doc = await pool.query(
      `WITH s AS (INSERT INTO sources (kind, name) VALUES ('text', 'Bench') RETURNING id)
      INSERT INTO documents (source_id, source_key, title, kind, content, content_hash, token_count) SELECT id, 'doc', 'Doc', 'text', '', 'h', 0 FROM s RETURNING id`,
    );
    await pool.query(
      `INSERT INTO chunks (id, document_id, position, text, content, heading_path, token_count, text_hash)
      SELECT id, $1, id, 'chunk ' || id, '', '', 10, 'hash-' || id FROM generate_series(1, $2::bigint) id`,
      [doc.rows[0].id, SIZE],
    );
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
    await database.drop();
  }
}
