// The index's measured recall on a real SQLite file: the worker's exact reference equals a brute force in the
// test, a search that keeps too few candidates on a clustered corpus measures below 1 while an exhaustive one
// measures 1, and a measurement is kept with its index and goes with it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test, { type TestContext } from 'node:test';
import { gaussian, prng } from '../../../e2e/bench/common.js';
import { measureRecall } from '../../training/index-recall.js';
import type { VectorIndex } from '../vector-store.js';
import { openSqliteStores, type SqliteStores } from './open.js';
import { COSINE_WASM } from '../vector-index/cosine-wasm.js';
import { compileWat } from '../vector-index/hamming-build.js';
import { ExactSampleFailed } from './vector-recall.js';
import { compactCopy } from './vector-store.js';

const SPACE = { endpoint: 'openrouter', model: 'test/embed' };

function open(t: TestContext): SqliteStores {
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-vector-recall-'));
  const stores = openSqliteStores(path.join(dir, 'docent.db'));
  t.after(() => {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return stores;
}

/** Chunks 1..n of one document, each with its vector cached and written to the active index, as training does. */
async function indexed(stores: SqliteStores, vectors: Float32Array[]): Promise<VectorIndex> {
  const { db } = stores;
  const sourceId = Number(db.prepare("INSERT INTO sources (kind, name) VALUES ('text', 'Test')").run().lastInsertRowid);
  const documentId = Number(
    db
      .prepare("INSERT INTO documents (source_id, source_key, title, kind, content, content_hash, token_count) VALUES (?, 'doc', 'Doc', 'text', '', 'h', 0)")
      .run(sourceId).lastInsertRowid,
  );
  const insert = db.prepare(
    "INSERT INTO chunks (id, document_id, position, text, content, heading_path, token_count, text_hash) VALUES (?, ?, ?, ?, ?, '', 10, ?)",
  );
  db.transaction(() => {
    vectors.forEach((_, i) => insert.run(i + 1, documentId, i, `chunk ${i + 1}`, `chunk ${i + 1}`, `hash-${i + 1}`));
  })();
  let index = await stores.vectors.ensureActiveIndex(SPACE);
  index = await stores.vectors.setDimensions(index, vectors[0].length);
  await stores.vectors.cacheVectors(
    SPACE,
    vectors.map((vector, i) => ({ textHash: `hash-${i + 1}`, vector })),
  );
  await stores.vectors.writeVectors(
    index,
    vectors.map((vector, i) => ({ chunkId: i + 1, vector })),
  );
  return index;
}

const cosine = (a: Float32Array, b: Float32Array) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
};

/**
 * Anisotropic clusters, as embedding models make them (and as e2e/bench/retrieval.ts does): centres sharing a
 * common direction, chunks = centre + noise. Sign bits then say little about who is nearest inside a cluster.
 */
function clustered(count: number, dimensions: number, clusters: number, seed: number): Float32Array[] {
  const normal = gaussian(prng(seed));
  const common = Float32Array.from({ length: dimensions }, normal);
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dimensions }, (_, i) => 1.5 * common[i] + normal()));
  return Array.from({ length: count }, (_, n) => Float32Array.from(centres[n % clusters], (x) => x + 0.8 * normal()));
}

test('the exact reference is the true top k by cosine over every vector of the index, computed in the worker', async (t) => {
  const stores = open(t);
  const random = prng(3);
  // 45 dimensions: not a multiple of the kernel's 8 floats, so the zero tails are exercised.
  const vectors = Array.from({ length: 400 }, () => Float32Array.from({ length: 45 }, () => random() * 2 - 1));
  const index = await indexed(stores, vectors);

  const sample = await stores.vectors.exactSample(index, { sampleSize: 30, k: 8, noise: 0.2, timeLimitMs: 60_000 });
  assert.equal(sample.vectors, 400);
  assert.equal(sample.queries.length, 30);
  for (const [i, query] of sample.queries.entries()) {
    assert.equal(query.length, 45);
    const truth = vectors
      .map((v, n) => ({ chunkId: n + 1, similarity: cosine(query, v) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, 8);
    assert.deepEqual(
      sample.exact[i].map((h) => h.chunkId),
      truth.map((h) => h.chunkId),
    );
    for (const [j, hit] of sample.exact[i].entries()) assert.ok(Math.abs(hit.similarity - truth[j].similarity) < 1e-5);
    // A query is near the vector it was made from, never that vector itself.
    assert.ok(truth[0].similarity > 0.9 && truth[0].similarity < 0.9999, `nearest at ${truth[0].similarity}`);
  }
  // Fewer vectors than asked for: the sample is what there is.
  const small = open(t);
  const smallIndex = await indexed(small, vectors.slice(0, 12));
  assert.equal((await small.vectors.exactSample(smallIndex, { sampleSize: 50, k: 8, noise: 0.2, timeLimitMs: 60_000 })).queries.length, 12);
});

test('a search by sign bits alone on a clustered corpus measures below 0.9; an exhaustive one measures 1', async (t) => {
  const stores = open(t);
  const index = await indexed(stores, clustered(4000, 128, 20, 11));

  // A search by sign bits alone, k candidates: the approximate order, nothing rescored.
  const bySignBits = async (i: VectorIndex, q: Float32Array, k: number) =>
    [...(await stores.vectors.similarities(i, q, compactCopy(stores.db, i).nearestByHamming(q, k)))].map(([chunkId, similarity]) => ({ chunkId, similarity }));
  const bad = await measureRecall(stores.vectors, index, { search: bySignBits });
  assert.equal(bad.sampleSize, 50);
  assert.equal(bad.indexSize, 4000);
  assert.ok(bad.recall < 0.9, `a search by sign bits alone found ${bad.recall} of the exact top 8`);
  // 4096 candidates ≥ 4000 vectors: every vector is rescored exactly.
  const exhaustive = await measureRecall(stores.vectors, index, { search: (i, q, k) => stores.vectors.search(i, q, k, { oversample: 512 }) });
  assert.equal(exhaustive.recall, 1);
});

test('a measurement is kept with its index, replaced by the next, and dropped with the index', async (t) => {
  const stores = open(t);
  const index = await indexed(stores, clustered(50, 16, 2, 5));
  assert.equal(await stores.vectors.indexRecall(index), null);
  assert.equal(await stores.vectors.saveIndexRecall(index, { recall: 0.5, k: 8, sampleSize: 50, indexSize: 50 }), true);
  assert.equal(await stores.vectors.saveIndexRecall(index, { recall: 0.97, k: 8, sampleSize: 40, indexSize: 60 }), true);
  const kept = await stores.vectors.indexRecall(index);
  assert.deepEqual({ ...kept, measuredAt: undefined }, { recall: 0.97, k: 8, sampleSize: 40, indexSize: 60, measuredAt: undefined });
  assert.match(kept!.measuredAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  await stores.vectors.dropIndex(index);
  assert.equal(stores.db.prepare('SELECT count(*) FROM index_recall').pluck().get(), 0);
  assert.equal(await stores.vectors.saveIndexRecall(index, { recall: 1, k: 8, sampleSize: 50, indexSize: 50 }), false);
});

test('the reference gives up cleanly at its time limit', async (t) => {
  const stores = open(t);
  const index = await indexed(stores, clustered(3000, 32, 4, 9));
  await assert.rejects(stores.vectors.exactSample(index, { sampleSize: 10, k: 8, noise: 0.2, timeLimitMs: 0 }), (err: Error) => {
    assert.ok(err instanceof ExactSampleFailed);
    assert.match(err.message, /gave up after 0 s, at 1024 vectors/);
    return true;
  });
  // The database is free and the next measurement works.
  assert.equal((await stores.vectors.exactSample(index, { sampleSize: 10, k: 8, noise: 0.2, timeLimitMs: 60_000 })).queries.length, 10);
});

test('a reference told to stop (Docent closing) ends by itself and fails as stopped; the next one works', async (t) => {
  const stores = open(t);
  const index = await indexed(stores, clustered(3000, 32, 4, 9));
  const closing = new AbortController();
  const stopping = stores.vectors.exactSample(index, { sampleSize: 10, k: 8, noise: 0.2, timeLimitMs: 60_000, signal: closing.signal });
  closing.abort();
  // The worker read the flag and replied: it was not terminated (which, inside better-sqlite3, can abort the process).
  await assert.rejects(stopping, (err: Error) => err instanceof ExactSampleFailed && /stopped: Docent is shutting down/.test(err.message));
  await assert.rejects(stores.vectors.exactSample(index, { sampleSize: 10, k: 8, noise: 0.2, timeLimitMs: 60_000, signal: closing.signal }), /was stopped/);
  assert.equal((await stores.vectors.exactSample(index, { sampleSize: 10, k: 8, noise: 0.2, timeLimitMs: 60_000 })).queries.length, 10);
});

test('the committed WebAssembly is cosine.wat compiled (npm run build:wasm)', async () => {
  assert.equal(Buffer.from(await compileWat('cosine.wat')).toString('base64'), COSINE_WASM, 'cosine-wasm.ts is stale: run npm run build:wasm');
});
