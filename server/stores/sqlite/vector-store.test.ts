// The SQLite vector store underneath the interface (what both backends do is in server/stores/vector-store.test.ts):
// its in-memory copy against the fixed oversample it replaced, and the codes table read back or rebuilt at start.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test, { type TestContext } from 'node:test';
import { gaussian, prng as random } from '../../../e2e/bench/common.js';
import { openSqliteStores, type SqliteStores } from './open.js';
import { compactCopy, deleteVectors, loadCodes } from './vector-store.js';

const SPACE = { endpoint: 'openrouter', model: 'test/embed' };

function open(t: TestContext): { stores: SqliteStores; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-vector-store-'));
  const file = path.join(dir, 'docent.db');
  const stores = openSqliteStores(file);
  t.after(() => {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { stores, file };
}

/** `count` chunks of one document (texts `chunk <id>`, 10 tokens each), ids 1..count. */
function seedChunks(stores: SqliteStores, count: number): void {
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
    for (let id = 1; id <= count; id++) insert.run(id, documentId, id, `chunk ${id}`, `chunk ${id}`, `hash-${id}`);
  })();
}

/** As training does: the vectors paid for go to the cache first (searches rescore with them), then to the index. */
const cacheAll = (stores: SqliteStores, space: typeof SPACE, vectors: Map<number, Float32Array>) =>
  stores.vectors.cacheVectors(
    space,
    [...vectors].map(([id, vector]) => ({ textHash: `hash-${id}`, vector })),
  );

// ---- issue 13: recall that does not fall as an index grows, kept across writes and restarts

/**
 * A small version of the bench's corpus: 20 clusters sharing a common direction (real embeddings are anisotropic,
 * which is what makes sign bits lossy), 1,000 unit vectors each, and queries close to a stored vector.
 */
function clusteredCorpus(dimensions: number, count: number) {
  const next = random(7);
  const normal = gaussian(next);
  const unit = (v: Float32Array) => {
    let n = 0;
    for (const x of v) n += x * x;
    n = Math.sqrt(n);
    return v.map((x) => x / n);
  };
  const shared = unit(Float32Array.from({ length: dimensions }, normal));
  const centres = Array.from({ length: 20 }, () => unit(unit(Float32Array.from({ length: dimensions }, normal)).map((x, i) => x + 0.42 * shared[i])));
  const vectors = new Map<number, Float32Array>();
  for (let id = 1; id <= count; id++) vectors.set(id, unit(centres[id % 20].map((x) => x + normal() / Math.sqrt(dimensions))));
  const queries = Array.from({ length: 40 }, () => unit(vectors.get(1 + Math.floor(next() * count))!.map((x) => x + (0.5 * normal()) / Math.sqrt(dimensions))));
  const exactTop = (query: Float32Array, k: number) => {
    const scored: Array<{ id: number; s: number }> = [];
    for (const [id, v] of vectors) {
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[i] * query[i];
      scored.push({ id, s });
    }
    return scored
      .sort((a, b) => b.s - a.s)
      .slice(0, k)
      .map((e) => e.id);
  };
  return { vectors, queries, exactTop };
}

async function indexOf(stores: SqliteStores, dimensions: number, vectors: Map<number, Float32Array>) {
  seedChunks(stores, vectors.size);
  const index = await stores.vectors.setDimensions(await stores.vectors.ensureActiveIndex(SPACE), dimensions);
  await cacheAll(stores, SPACE, vectors);
  await stores.vectors.writeVectors(
    index,
    [...vectors].map(([chunkId, vector]) => ({ chunkId, vector })),
  );
  return index;
}

test('recall@8 ≥ 0.95 on a clustered corpus where the fixed oversample of sign bits alone finds about half', async (t) => {
  const { stores } = open(t);
  const { vectors, queries, exactTop } = clusteredCorpus(768, 20_000);
  const index = await indexOf(stores, 768, vectors);
  const truth = queries.map((query) => exactTop(query, 8));
  const recall = (found: number[][]) => found.reduce((sum, ids, q) => sum + ids.filter((id) => truth[q].includes(id)).length / 8, 0) / queries.length;

  // What search did before: the 64 nearest by Hamming distance (8 per hit, at least 64), rescored exactly.
  const before: number[][] = [];
  for (const query of queries) {
    const candidates = compactCopy(stores.db, index).nearestByHamming(query, 64);
    const exact = await stores.vectors.similarities(index, query, candidates);
    before.push(
      [...exact]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([id]) => id),
    );
  }
  const now: number[][] = [];
  for (const query of queries) now.push((await stores.vectors.search(index, query, 8)).map((h) => h.chunkId));
  assert.ok(recall(before) < 0.95, `the fixed oversample: ${recall(before)}`);
  assert.ok(recall(now) >= 0.95, `the index: ${recall(now)}`);
});

test('added and deleted vectors are found (or not) at once, and a restart reads the codes back from the database', async (t) => {
  const { stores, file } = open(t);
  const { vectors } = clusteredCorpus(256, 3_000);
  const index = await indexOf(stores, 256, vectors);
  const exactHit = async (s: SqliteStores, id: number) => (await s.vectors.search(index, vectors.get(id)!, 1))[0]?.chunkId;

  // Replace one vector, delete another, add one: each query for them finds exactly that.
  const moved = Float32Array.from(vectors.get(9)!, (x) => -x);
  await stores.vectors.cacheVectors(SPACE, [{ textHash: 'hash-9', vector: moved }]);
  await stores.vectors.writeVectors(index, [{ chunkId: 9, vector: moved }]);
  vectors.set(9, moved);
  assert.equal(await exactHit(stores, 9), 9);
  // As the knowledge store deletes a document's chunks: the vectors go in the same transaction.
  stores.db.transaction(() => {
    deleteVectors(stores.db, [10]);
    stores.db.prepare('DELETE FROM chunks WHERE id = 10').run();
  })();
  vectors.delete(10);
  const deletedQuery = clusteredCorpus(256, 3_000).vectors.get(10)!;
  assert.notEqual((await stores.vectors.search(index, deletedQuery, 1))[0].chunkId, 10);
  assert.equal(await exactHit(stores, 11), 11);

  stores.close();
  const reopened = openSqliteStores(file);
  try {
    assert.equal(loadCodes(reopened.db, index, 0).size, vectors.size, 'one code per vector, kept in the database');
    await reopened.vectors.warmUp();
    for (const id of [1, 9, 11, 2999]) assert.equal(await exactHit(reopened, id), id, `chunk ${id} after a restart`);

    // An index made before the codes table existed: its codes are made once from the cached floats at start.
    // One of its floats is gone from the cache: that vector cannot be rescored, so it leaves the index (and its
    // chunk counts as not yet embedded, for the next training run) instead of being searched again at every start.
    reopened.db.exec(`DROP TABLE vec_codes_${index.id}`);
    reopened.db.prepare("DELETE FROM embedding_cache WHERE text_hash = 'hash-5'").run();
    vectors.delete(5);
    reopened.close();
    const upgraded = openSqliteStores(file);
    try {
      await upgraded.vectors.warmUp();
      assert.equal(loadCodes(upgraded.db, index, 0).size, vectors.size);
      assert.equal(await upgraded.vectors.countVectors(index), vectors.size);
      assert.deepEqual(
        (await upgraded.vectors.chunksMissingVectors(index, 10)).map((c) => c.chunkId),
        [5],
      );
      for (const id of [1, 9, 2999]) assert.equal(await exactHit(upgraded, id), id, `chunk ${id} after the upgrade`);
    } finally {
      upgraded.close();
    }
  } catch (error) {
    reopened.close();
    throw error;
  }
});
