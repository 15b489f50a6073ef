// The VectorStore as services use it, on both backends (a real SQLite file, a real PostgreSQL database): an index's
// life (vectors written, searched, swapped, dropped with its key), the embedding cache, what an embedding job is told
// is left to do, exact results on a clustered corpus, and a restart that reads the index back. On PostgreSQL also
// two nodes on one database: a vector written through one is found through the other within a second, and still
// after the other's LISTEN connection was killed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gaussian, prng as random } from '../../e2e/bench/common.js';
import { backends, type OpenBackend } from '../../e2e/support/store-backends.js';
import { openPostgresStores } from './postgres/open.js';
import { openSqliteStores } from './sqlite/open.js';
import { deleteVectors } from './sqlite/vector-store.js';
import type { Stores } from './stores.js';
import { indexKeySecret, type VectorIndex } from './vector-store.js';

const D = 64;
const SPACE = { endpoint: 'openrouter', model: 'test/embed' };

/** `count` chunks of one document (texts `chunk <id>`, hashes `hash-<id>`, 10 tokens each), ids 1..count. */
async function seedChunks(backend: OpenBackend, count: number): Promise<void> {
  const ids = Array.from({ length: count }, (_, i) => i + 1);
  if (backend.sqlite) {
    const { db } = backend.sqlite;
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
      for (const id of ids) insert.run(id, documentId, id, `chunk ${id}`, `chunk ${id}`, `hash-${id}`);
    })();
  } else {
    const { pool } = backend.postgres!;
    const { rows } = await pool.query(
      `WITH s AS (INSERT INTO sources (kind, name) VALUES ('text', 'Test') RETURNING id)
      INSERT INTO documents (source_id, source_key, title, kind, content, content_hash, token_count) SELECT id, 'doc', 'Doc', 'text', '', 'h', 0 FROM s RETURNING id`,
    );
    await pool.query(
      `INSERT INTO chunks (id, document_id, position, text, content, heading_path, token_count, text_hash)
      SELECT id, $1, id, 'chunk ' || id, 'chunk ' || id, '', 10, 'hash-' || id FROM unnest($2::bigint[]) id`,
      [rows[0].id, ids],
    );
  }
}

/** As the knowledge store deletes a chunk: its vectors go in the same transaction (PostgreSQL: a trigger). */
async function deleteChunk(backend: OpenBackend, id: number): Promise<void> {
  if (backend.sqlite) {
    const { db } = backend.sqlite;
    db.transaction(() => {
      deleteVectors(db, [id]);
      db.prepare('DELETE FROM chunks WHERE id = ?').run(id);
    })();
  } else await backend.postgres!.pool.query('DELETE FROM chunks WHERE id = $1', [id]);
}

/** A second instance of the stores on the same database (a restart, or another node), closed by the caller. */
async function another(backend: OpenBackend): Promise<{ stores: Stores; close(): Promise<void> }> {
  if (backend.sqlite) {
    const stores = openSqliteStores(backend.sqlite.db.name);
    return { stores, close: async () => stores.close() };
  }
  const stores = await openPostgresStores(String(backend.postgres!.pool.options.connectionString), { max: 4 });
  return { stores, close: () => stores.close() };
}

const vectorsFor = (count: number, dimensions = D) => {
  const next = random(7);
  return new Map(Array.from({ length: count }, (_, i) => [i + 1, Float32Array.from({ length: dimensions }, () => next() * 2 - 1)] as const));
};

/** As training does: the vectors paid for go to the cache first (searches rescore with them), then to the index. */
const cacheAll = (stores: Stores, space: typeof SPACE, vectors: Map<number, Float32Array>) =>
  stores.vectors.cacheVectors(
    space,
    [...vectors].map(([id, vector]) => ({ textHash: `hash-${id}`, vector })),
  );

const rowsOf = (vectors: Map<number, Float32Array>) => [...vectors].map(([chunkId, vector]) => ({ chunkId, vector }));

/**
 * A small version of the bench's corpus: 20 clusters sharing a common direction (real embeddings are anisotropic,
 * which is what makes sign bits lossy), unit vectors, and queries close to a stored vector.
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

async function indexOf(backend: OpenBackend, dimensions: number, vectors: Map<number, Float32Array>): Promise<VectorIndex> {
  const { stores } = backend;
  await seedChunks(backend, vectors.size);
  const index = await stores.vectors.setDimensions(await stores.vectors.ensureActiveIndex(SPACE), dimensions);
  await cacheAll(stores, SPACE, vectors);
  await stores.vectors.writeVectors(index, rowsOf(vectors));
  return index;
}

for (const backend of backends()) {
  describe(`vector store (${backend.name})`, { skip: backend.skip }, () => {
    let opened: OpenBackend;
    let stores: Stores;
    // A fresh database per test: each test owns its chunk ids.
    const fresh = async () => {
      await opened?.close();
      opened = await backend.open();
      stores = opened.stores;
    };
    after(() => opened?.close());

    test('vectors written for chunks are searchable; a chunk deleted meanwhile is skipped; a restart reads them back', async () => {
      await fresh();
      await seedChunks(opened, 50);
      const vectors = vectorsFor(50);
      let index = await stores.vectors.ensureActiveIndex(SPACE);
      assert.equal(index.dimensions, null);
      assert.deepEqual(await stores.vectors.ensureActiveIndex(SPACE), index, 'one active index');
      index = await stores.vectors.setDimensions(index, D);
      await assert.rejects(stores.vectors.setDimensions(index, D * 2), /returned 128 dimensions, but this index holds 64/);

      await cacheAll(stores, SPACE, vectors);
      await deleteChunk(opened, 50); // deleted while its text was being embedded
      const written = await stores.vectors.writeVectors(index, rowsOf(vectors));
      assert.deepEqual(written, { chunkIds: Array.from({ length: 49 }, (_, i) => i + 1), tokens: 490 });
      assert.equal(await stores.vectors.countVectors(index), 49);

      const hits = await stores.vectors.search(index, vectors.get(7)!, 3);
      assert.equal(hits.length, 3);
      assert.equal(hits[0].chunkId, 7);
      assert.ok(Math.abs(hits[0].similarity - 1) < 1e-5, `similarity to itself: ${hits[0].similarity}`);
      assert.ok(hits[0].similarity >= hits[1].similarity && hits[1].similarity >= hits[2].similarity, 'nearest first');
      assert.ok(!hits.some((h) => h.chunkId === 50));
      const sims = await stores.vectors.similarities(index, vectors.get(7)!, [7, 8, 50]);
      assert.deepEqual([...sims.keys()].sort(), [7, 8], 'a chunk with no vector has no similarity');
      assert.ok(Math.abs(sims.get(7)! - hits[0].similarity) < 1e-6, 'search and similarities agree');

      const restarted = await another(opened);
      try {
        await restarted.stores.vectors.warmUp();
        const active = (await restarted.stores.vectors.activeIndex())!;
        assert.deepEqual(active, { ...index, status: 'active' });
        assert.equal((await restarted.stores.vectors.search(active, vectors.get(21)!, 1))[0].chunkId, 21);
      } finally {
        await restarted.close();
      }
    });

    test('a rebuild swaps indexes at once; dropping an index deletes its vectors and its saved key', async () => {
      await fresh();
      await seedChunks(opened, 20);
      const vectors = vectorsFor(20);
      const old = await stores.vectors.setDimensions(await stores.vectors.ensureActiveIndex(SPACE), D);
      await cacheAll(stores, SPACE, vectors);
      await stores.vectors.writeVectors(old, rowsOf(vectors));
      await stores.config.saveSecret(indexKeySecret(old), 'sealed-old-key', '1234');

      const building = await stores.vectors.createBuildingIndex({ ...SPACE, model: 'test/embed-2' });
      assert.equal(building.status, 'building');
      assert.deepEqual(await stores.vectors.buildingIndex(), building);
      assert.equal((await stores.vectors.activeIndex())!.id, old.id, 'the old index answers during the rebuild');
      const next = await stores.vectors.setDimensions(building, D);
      await cacheAll(stores, building, vectors);
      await stores.vectors.writeVectors(next, rowsOf(vectors));
      assert.deepEqual(
        (await stores.vectors.indexesOn('openrouter')).map((i) => i.id),
        [old.id, next.id],
      );

      await stores.vectors.activateIndex(next);
      assert.equal((await stores.vectors.activeIndex())!.id, next.id);
      assert.equal(await stores.vectors.buildingIndex(), null);
      assert.equal(await stores.vectors.indexById(old.id), null, 'the previous index is dropped');
      assert.equal(await stores.vectors.countVectors(old), 0, 'with its vectors');
      assert.equal(await stores.config.readSealedSecret(indexKeySecret(old)), null, 'and the key saved for it');
      assert.equal((await stores.vectors.search(next, vectors.get(3)!, 1))[0].chunkId, 3);

      await stores.config.saveSecret(indexKeySecret(next), 'sealed-next-key', '5678');
      await stores.vectors.dropIndex(next);
      assert.equal(await stores.vectors.activeIndex(), null);
      assert.equal(await stores.config.readSealedSecret(indexKeySecret(next)), null);
    });

    test('the embedding cache: what is missing, what is cached, and re-embedding on purpose', async () => {
      await fresh();
      await seedChunks(opened, 10);
      const vectors = vectorsFor(10);
      const index = await stores.vectors.setDimensions(await stores.vectors.ensureActiveIndex(SPACE), D);

      // Chunks 1–4 were embedded before (cached), none has a vector yet.
      await stores.vectors.cacheVectors(
        SPACE,
        [1, 2, 3, 4].map((id) => ({ textHash: `hash-${id}`, vector: vectors.get(id)! })),
      );
      assert.deepEqual(await stores.vectors.countMissing(index), { chunks: 10, tokens: 100, uncachedChunks: 6, uncachedTokens: 60 });
      assert.deepEqual(await stores.vectors.missingByDocument(index), new Map([[1, 10]]));
      const missing = await stores.vectors.chunksMissingVectors(index, 3);
      assert.deepEqual(missing[0], { chunkId: 1, documentId: 1, text: 'chunk 1', textHash: 'hash-1', tokenCount: 10 });
      assert.deepEqual(
        missing.map((m) => m.chunkId),
        [1, 2, 3],
      );

      const cached = await stores.vectors.cachedVectors(SPACE, ['hash-1', 'hash-5']);
      assert.deepEqual([...cached.keys()], ['hash-1']);
      assert.deepEqual([...cached.get('hash-1')!], [...vectors.get(1)!]);
      assert.deepEqual([...(await stores.vectors.cachedVector(SPACE, 'hash-2'))!], [...vectors.get(2)!]);
      assert.deepEqual(await stores.vectors.cachedHashes(SPACE, ['hash-2', 'hash-9']), new Set(['hash-2']));
      assert.equal(await stores.vectors.cachedVector({ ...SPACE, model: 'other' }, 'hash-1'), null, 'another model is another space');

      await stores.vectors.writeVectors(
        index,
        [1, 2].map((chunkId) => ({ chunkId, vector: vectors.get(chunkId)! })),
      );
      assert.equal((await stores.vectors.countMissing(index)).chunks, 8);

      await stores.vectors.clearVectors(SPACE);
      assert.equal(await stores.vectors.countVectors(index), 0);
      assert.equal(await stores.vectors.cachedVector(SPACE, 'hash-1'), null);
      assert.deepEqual(await stores.vectors.search(index, vectors.get(1)!, 3), []);
    });

    test('an index of a dimension that is no multiple of 8 finds the exact nearest', async () => {
      await fresh();
      const vectors = vectorsFor(200, 20);
      const index = await indexOf(opened, 20, vectors);
      for (const id of [1, 77, 200]) {
        const hits = await stores.vectors.search(index, vectors.get(id)!, 3);
        assert.equal(hits[0].chunkId, id);
        assert.ok(Math.abs(hits[0].similarity - 1) < 1e-5);
      }
    });

    test('recall@8 ≥ 0.95 on a clustered corpus (20 dense clusters of 1,000 at 768 d)', async () => {
      await fresh();
      const { vectors, queries, exactTop } = clusteredCorpus(768, 20_000);
      const index = await indexOf(opened, 768, vectors);
      let found = 0;
      for (const query of queries) {
        const truth = exactTop(query, 8);
        found += (await stores.vectors.search(index, query, 8)).filter((h) => truth.includes(h.chunkId)).length;
      }
      const recall = found / (8 * queries.length);
      assert.ok(recall >= 0.95, `recall@8: ${recall}`);
    });

    test('added, replaced and deleted vectors are found (or not) at once, and a restart reads them back', async () => {
      await fresh();
      const { vectors } = clusteredCorpus(256, 3_000);
      const index = await indexOf(opened, 256, vectors);
      const exactHit = async (s: Stores, id: number) => (await s.vectors.search(index, vectors.get(id)!, 1))[0]?.chunkId;

      // Replace one vector, delete another: each query for them finds exactly that.
      const moved = Float32Array.from(vectors.get(9)!, (x) => -x);
      await stores.vectors.cacheVectors(SPACE, [{ textHash: 'hash-9', vector: moved }]);
      await stores.vectors.writeVectors(index, [{ chunkId: 9, vector: moved }]);
      vectors.set(9, moved);
      assert.equal(await exactHit(stores, 9), 9);
      const deletedQuery = vectors.get(10)!;
      await deleteChunk(opened, 10);
      vectors.delete(10);
      assert.equal(await stores.vectors.countVectors(index), vectors.size);
      assert.notEqual((await stores.vectors.search(index, deletedQuery, 1))[0].chunkId, 10);
      assert.equal(await exactHit(stores, 11), 11);

      const restarted = await another(opened);
      try {
        await restarted.stores.vectors.warmUp();
        for (const id of [1, 9, 11, 2999]) assert.equal(await exactHit(restarted.stores, id), id, `chunk ${id} after a restart`);
        assert.notEqual((await restarted.stores.vectors.search(index, deletedQuery, 1))[0].chunkId, 10);
      } finally {
        await restarted.close();
      }
    });

    test('the measured recall: an exact sample by brute force, kept with its index and gone with it', async () => {
      await fresh();
      const { vectors } = clusteredCorpus(64, 500);
      const index = await indexOf(opened, 64, vectors);
      const sample = await stores.vectors.exactSample(index, { sampleSize: 5, k: 3, noise: 0.1, timeLimitMs: 20_000 });
      assert.equal(sample.vectors, 500);
      assert.equal(sample.queries.length, 5);
      for (const [s, query] of sample.queries.entries()) {
        const top = (await stores.vectors.similarities(index, query, [...vectors.keys()])).entries();
        const best = [...top].sort((a, b) => b[1] - a[1]).slice(0, 3);
        assert.deepEqual(
          sample.exact[s].map((h) => h.chunkId),
          best.map(([id]) => id),
        );
      }
      assert.equal(await stores.vectors.indexRecall(index), null);
      assert.equal(await stores.vectors.saveIndexRecall(index, { recall: 0.97, k: 3, sampleSize: 5, indexSize: 500 }), true);
      assert.equal(await stores.vectors.saveIndexRecall(index, { recall: 0.99, k: 3, sampleSize: 5, indexSize: 500 }), true);
      const kept = (await stores.vectors.indexRecall(index))!;
      assert.deepEqual({ ...kept, measuredAt: 'x' }, { recall: 0.99, k: 3, sampleSize: 5, indexSize: 500, measuredAt: 'x' });
      assert.match(kept.measuredAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      await stores.vectors.dropIndex(index);
      assert.equal(await stores.vectors.saveIndexRecall(index, { recall: 0.5, k: 3, sampleSize: 5, indexSize: 500 }), false);
    });
  });
}

// ---- two nodes on one PostgreSQL database
const postgres = backends().find((b) => b.name === 'postgres')!;

describe('vector store: two nodes on one PostgreSQL database', { skip: postgres.skip }, () => {
  let a: OpenBackend;
  let b: { stores: Stores; close(): Promise<void> };
  let index: VectorIndex;
  const vectors = vectorsFor(300);
  const extra = vectorsFor(1200);

  before(async () => {
    a = await postgres.open();
    b = await another(a);
    await seedChunks(a, 1200);
    index = await a.stores.vectors.setDimensions(await a.stores.vectors.ensureActiveIndex(SPACE), D);
    await cacheAll(a.stores, SPACE, extra);
    await a.stores.vectors.writeVectors(index, rowsOf(vectors));
    // B has read the index (it answered a visitor) before A writes again.
    await b.stores.vectors.warmUp();
    assert.equal((await b.stores.vectors.search(index, vectors.get(5)!, 1))[0].chunkId, 5);
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  /** How long until a search through B finds `id` (the vector written through A), or null after `limitMs`. */
  const foundThroughB = async (id: number, limitMs: number) => {
    const started = Date.now();
    while (Date.now() - started < limitMs) {
      if ((await b.stores.vectors.search(index, extra.get(id)!, 1))[0]?.chunkId === id) return Date.now() - started;
      await sleep(20);
    }
    return null;
  };

  test('a vector added through A is found through B within a second (NOTIFY), and a deleted one is gone', async () => {
    await a.stores.vectors.writeVectors(index, [{ chunkId: 301, vector: extra.get(301)! }]);
    const took = await foundThroughB(301, 1000);
    assert.notEqual(took, null, 'not found through B within 1 s');

    await a.postgres!.pool.query('DELETE FROM chunks WHERE id = 301');
    const started = Date.now();
    while ((await b.stores.vectors.search(index, extra.get(301)!, 1))[0]?.chunkId === 301) {
      assert.ok(Date.now() - started < 1000, 'a deleted vector is still found through B after 1 s');
      await sleep(20);
    }
  });

  test("after B's LISTEN connection is killed, a change through A still reaches B", async () => {
    const { rows } = await a.postgres!.pool.query(
      "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()",
    );
    assert.ok(rows.length >= 2, 'both nodes were listening');
    await a.stores.vectors.writeVectors(index, [{ chunkId: 302, vector: extra.get(302)! }]);
    assert.notEqual(await foundThroughB(302, 10_000), null, 'not found through B after its connection was lost');
    // The connection is back: the next change arrives by NOTIFY again.
    await sleep(1500);
    await a.stores.vectors.writeVectors(index, [{ chunkId: 303, vector: extra.get(303)! }]);
    assert.notEqual(await foundThroughB(303, 1000), null, 'not found through B within 1 s once it listens again');
  });

  test('two nodes starting at once make one active index; a write racing a chunk delete leaves no orphan vector', async () => {
    const [fromA, fromB] = await Promise.all([
      a.stores.vectors.ensureActiveIndex({ ...SPACE, model: 'ignored' }),
      b.stores.vectors.ensureActiveIndex({ ...SPACE, model: 'ignored' }),
    ]);
    assert.equal(fromA.id, index.id);
    assert.equal(fromB.id, index.id);

    const pool = a.postgres!.pool;
    await Promise.all([
      a.stores.vectors.writeVectors(index, rowsOf(new Map([...extra].filter(([id]) => id > 400 && id <= 600)))),
      pool.query('DELETE FROM chunks WHERE id > 500 AND id <= 520'),
      b.stores.vectors.writeVectors(index, rowsOf(new Map([...extra].filter(([id]) => id > 510 && id <= 530)))),
    ]);
    // Ten more rounds: both nodes write vectors of 20 chunks while half of those chunks are deleted.
    for (let round = 0; round < 10; round++) {
      const ids = Array.from({ length: 20 }, (_, i) => 601 + 20 * round + i);
      const batch = rowsOf(new Map(ids.map((id) => [id, extra.get(id)!])));
      await Promise.all([
        a.stores.vectors.writeVectors(index, batch),
        pool.query('DELETE FROM chunks WHERE id = ANY($1::bigint[])', [ids.filter((id) => id % 2 === 0)]),
        b.stores.vectors.writeVectors(index, batch),
      ]);
    }
    const orphans = await pool.query('SELECT count(*) AS n FROM index_vectors v WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = v.chunk_id)');
    assert.equal(orphans.rows[0].n, 0);
    const count = await a.stores.vectors.countVectors(index);
    assert.equal(count, 300 + 2 /* 302, 303 */ + 200 - 20 /* 501–520 deleted, before or after their write */ + 100 /* odd of 601–800 */);
    // Both nodes' copies come to hold what the database holds (the other's writes by NOTIFY, within a second).
    for (const node of [a.stores, b.stores]) {
      const started = Date.now();
      const nearest = async (id: number) => (await node.vectors.search(index, extra.get(id)!, 1))[0].chunkId;
      while ((await nearest(450)) !== 450 || (await nearest(515)) === 515 || (await nearest(525)) !== 525) {
        assert.ok(Date.now() - started < 1000, "a node's copy differs from the database after 1 s");
        await sleep(20);
      }
    }
  });

  test('changes older than 10 minutes are trimmed, the newest kept', async () => {
    const pool = a.postgres!.pool;
    await pool.query('UPDATE vector_changes SET changed_at = changed_at - 11 * 60000');
    const c = await another(a);
    try {
      await c.stores.vectors.warmUp();
      await c.stores.vectors.writeVectors(index, [{ chunkId: 304, vector: extra.get(304)! }]);
      const { rows } = await pool.query(
        'SELECT chunk_id, now_ms - changed_at < 60000 AS recent FROM vector_changes, (SELECT (extract(epoch FROM now()) * 1000)::bigint AS now_ms) t ORDER BY id',
      );
      assert.deepEqual(rows, [{ chunk_id: 304, recent: true }]);
    } finally {
      await c.close();
    }
    assert.notEqual(await foundThroughB(304, 1000), null);
  });

  test('an index swapped in through A answers through B; the old one is forgotten; a clear of 1,200 vectors reaches B', async () => {
    const waitThroughB = async (what: string, done: () => Promise<boolean>) => {
      const started = Date.now();
      while (!(await done())) {
        assert.ok(Date.now() - started < 1000, `${what} through B after 1 s`);
        await sleep(20);
      }
    };
    // B knows the active index (it caches it while it listens) before A swaps in another.
    for (let i = 0; i < 3; i++) assert.equal((await b.stores.vectors.activeIndex())?.id, index.id);
    const next = await a.stores.vectors.setDimensions(await a.stores.vectors.createBuildingIndex({ ...SPACE, model: 'test/embed-2' }), D);
    await cacheAll(a.stores, next, extra);
    const written = await a.stores.vectors.writeVectors(next, rowsOf(extra));
    await a.stores.vectors.activateIndex(next);
    assert.equal((await a.stores.vectors.activeIndex())?.id, next.id, 'A reads its own swap at once');
    await waitThroughB('the old index is still the active one', async () => (await b.stores.vectors.activeIndex())?.id === next.id);
    const active = (await b.stores.vectors.activeIndex())!;
    assert.equal(active.model, 'test/embed-2');
    assert.equal((await b.stores.vectors.search(active, extra.get(305)!, 1))[0].chunkId, 305);
    assert.equal((await b.stores.vectors.search(active, extra.get(1105)!, 1))[0].chunkId, 1105, 'a write of more than 1,000 at once');
    assert.equal(written.chunkIds.length, 1200 - 21 - 100, 'all but the chunks deleted (301, 501–520, even of 601–800)');
    await waitThroughB('the dropped index still answers', async () => (await b.stores.vectors.search(index, extra.get(5)!, 1)).length === 0);

    await a.stores.vectors.clearVectors();
    await waitThroughB('a cleared index still answers', async () => (await b.stores.vectors.search(active, extra.get(1105)!, 1)).length === 0);
  });
});
