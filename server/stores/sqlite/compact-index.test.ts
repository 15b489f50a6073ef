import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { prng as random } from '../../../e2e/bench/common.js';
import { openDatabase, type Db } from './database.js';
import { migrate } from './migrate.js';
import { compileHammingWat, hammingWasmSource } from './hamming-build.js';
import { CompactIndex, encodeVector, quantizeBinary } from './compact-index.js';
import { HAMMING_WASM } from './hamming-wasm.js';
import { cacheVector, deleteVectors, ensureActiveIndex, insertVectors, searchVectors, setDimensions, toBlob } from './vector-store.js';
import type { VectorIndex } from '../vector-store.js';

const randomVector = (next: () => number, dimensions: number) => Float32Array.from({ length: dimensions }, () => next() * 2 - 1);

function hamming(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) for (let x = a[i] ^ b[i]; x; x &= x - 1) d++;
  return d;
}

test('the committed WebAssembly is hamming.wat compiled (npm run build:wasm)', async () => {
  const compiled = await compileHammingWat();
  assert.equal(Buffer.from(compiled).toString('base64'), HAMMING_WASM, 'hamming-wasm.ts is stale: run npm run build:wasm');
  assert.match(hammingWasmSource(compiled), /^\/\/ Generated from hamming\.wat/);
});

test("quantizeBinary sets the same bits as sqlite-vec's vec_quantize_binary", () => {
  const db = openDatabase(':memory:');
  try {
    const next = random(1);
    for (const dimensions of [8, 24, 1536]) {
      const v = randomVector(next, dimensions);
      const fromSqlite = db.prepare('SELECT vec_quantize_binary(?)').pluck().get(toBlob(v)) as Buffer;
      assert.deepEqual([...quantizeBinary(v)], [...fromSqlite], `${dimensions} dimensions`);
    }
  } finally {
    db.close();
  }
});

test('nearestByHamming() returns the k closest by Hamming distance of the sign bits, closest first', () => {
  const next = random(2);
  for (const dimensions of [1536, 64, 8]) {
    const index = new CompactIndex(dimensions);
    const stored = new Map<number, Uint8Array>();
    // 3,000 vectors: more than the initial capacity, so the memory grows on the way.
    for (let id = 1; id <= 3000; id++) {
      const v = randomVector(next, dimensions);
      stored.set(id * 7, quantizeBinary(v));
      index.upsert(id * 7, encodeVector(v));
    }
    assert.equal(index.size, 3000);
    for (let q = 0; q < 5; q++) {
      const query = randomVector(next, dimensions);
      const bits = quantizeBinary(query);
      const expected = [...stored].map(([id, b]) => hamming(bits, b)).sort((a, b) => a - b);
      for (const k of [1, 10, 100]) {
        const found = index.nearestByHamming(query, k);
        // Ties may come in any order: the distances must be exactly the k smallest, in order.
        assert.deepEqual(
          found.map((id) => hamming(bits, stored.get(id)!)),
          expected.slice(0, k),
          `${dimensions} d, k=${k}`,
        );
      }
    }
    assert.equal(index.nearestByHamming(randomVector(next, dimensions), 5000).length, 3000, 'k above the size returns every vector');
  }
});

test('the 4-bit codes keep the exact order of clear-cut neighbours; the prefix cascade finds them in a big index', () => {
  const next = random(5);
  const dimensions = 1024; // 128 bytes of bits: enough for a 32-byte prefix
  const vectors = new Map<number, Float32Array>();
  for (let id = 1; id <= 4000; id++) vectors.set(id, randomVector(next, dimensions));
  // Per query, five planted neighbours at falling similarity (noise 0.3 … 1.5 times the query's own spread).
  const queries = Array.from({ length: 10 }, (_, q) => {
    const query = randomVector(next, dimensions);
    [0.3, 0.6, 0.9, 1.2, 1.5].forEach((noise, rank) =>
      vectors.set(
        10_000 + q * 10 + rank,
        query.map((x) => x + noise * (next() * 2 - 1)),
      ),
    );
    return query;
  });
  // cascadeFrom 1,000: the prefix pass runs, as it does from 200,000 vectors in production.
  for (const cascadeFrom of [Infinity, 1000]) {
    const index = new CompactIndex(dimensions, 10, cascadeFrom);
    for (const [id, v] of vectors) index.upsert(id, encodeVector(v));
    queries.forEach((query, q) => {
      assert.deepEqual(
        index.nearest(query, 5, 200),
        [0, 1, 2, 3, 4].map((rank) => 10_000 + q * 10 + rank),
        `cascade from ${cascadeFrom}`,
      );
    });
  }
});

test('upsert replaces, remove keeps the others findable, clear empties', () => {
  const index = new CompactIndex(16);
  // Vectors of ±1: the sign bits are the pattern given, the 4-bit codes exact.
  const vector = (pattern: number) => Float32Array.from({ length: 16 }, (_, i) => ((pattern >> i) & 1 ? 1 : -1));
  const put = (id: number, pattern: number) => index.upsert(id, encodeVector(vector(pattern)));
  put(1, 0b0000_0000);
  put(2, 0b0000_0001);
  put(3, 0b0000_0011);
  put(4, 0b0000_0111);
  const zero = vector(0);
  assert.deepEqual(index.nearestByHamming(zero, 4), [1, 2, 3, 4]);
  assert.deepEqual(index.nearest(zero, 4, 4), [1, 2, 3, 4]);
  put(1, 0xffff); // replaced: now the farthest
  assert.deepEqual(index.nearestByHamming(zero, 4), [2, 3, 4, 1]);
  assert.deepEqual(index.nearest(zero, 4, 4), [2, 3, 4, 1]);
  index.remove(2); // the last slot moves into the freed one
  assert.equal(index.size, 3);
  assert.equal(index.has(2), false);
  assert.deepEqual(index.nearest(zero, 4, 4), [3, 4, 1]);
  put(5, 0);
  assert.deepEqual(index.nearest(zero, 2, 4), [5, 3]);
  index.remove(42); // unknown: nothing happens
  assert.equal(index.size, 4);
  assert.throws(() => index.upsert(6, Uint8Array.of(1)), /expected a code of 12 bytes, got 1/);
  index.clear();
  assert.deepEqual(index.nearest(zero, 3, 3), []);
});

// ---- the vector search over a real SQLite file, its in-memory copy kept in step with every write

const D = 256;
const SPACE = { endpoint: 'openrouter', model: 'test/embedding' };

function exactTop(vectors: Map<number, Float32Array>, query: Float32Array, k: number): number[] {
  const cos = (a: Float32Array, b: Float32Array) => {
    let dot = 0,
      na = 0,
      nb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  };
  return [...vectors]
    .map(([id, v]) => ({ id, s: cos(v, query) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((e) => e.id);
}

function seed(db: Db, vectors: Map<number, Float32Array>): VectorIndex {
  const sourceId = Number(db.prepare("INSERT INTO sources (kind, name) VALUES ('text', 'Test')").run().lastInsertRowid);
  const documentId = Number(
    db
      .prepare(`INSERT INTO documents (source_id, source_key, title, kind, content, content_hash, token_count)
    VALUES (?, 'doc', 'Doc', 'text', '', 'h', 0)`)
      .run(sourceId).lastInsertRowid,
  );
  const index = setDimensions(db, ensureActiveIndex(db, SPACE), D);
  db.transaction(() => {
    for (const [id, v] of vectors) {
      db.prepare("INSERT INTO chunks (id, document_id, position, text, content, heading_path, token_count, text_hash) VALUES (?, ?, ?, ?, ?, '', 1, ?)").run(
        id,
        documentId,
        id,
        `chunk ${id}`,
        `chunk ${id}`,
        `hash-${id}`,
      );
      cacheVector(db, SPACE, `hash-${id}`, v);
    }
    insertVectors(
      db,
      index,
      [...vectors].map(([chunkId, v]) => ({ chunkId, vector: toBlob(v) })),
    );
  })();
  return index;
}

test('searchVectors finds the exact nearest chunks, before and after deletes, a rolled-back delete and a restart', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-hamming-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'docent.db');
  const next = random(3);
  const vectors = new Map<number, Float32Array>();
  for (let id = 1; id <= 500; id++) vectors.set(id, randomVector(next, D));
  const queries = Array.from({ length: 5 }, (_, i) => {
    // near a stored vector, so the nearest is clear-cut
    const near = vectors.get(1 + i * 97)!;
    return near.map((x) => x + (next() - 0.5) * 0.2);
  });

  let db = openDatabase(file);
  migrate(db);
  let index = seed(db, vectors);
  const check = (label: string) => {
    for (const q of queries) {
      const found = searchVectors(db, index, q, 5, 64).map((h) => h.chunkId);
      assert.deepEqual(found, exactTop(vectors, q, 5), label);
    }
  };
  check('fresh');

  // A delete: the deleted vector is never returned again.
  const gone = exactTop(vectors, queries[0], 1)[0];
  db.transaction(() => {
    deleteVectors(db, [gone]);
    db.prepare('DELETE FROM chunks WHERE id = ?').run(gone);
  })();
  vectors.delete(gone);
  check('after a delete');

  // A delete inside a transaction that rolls back: the vector is back in SQLite, and in the search.
  const kept = exactTop(vectors, queries[1], 1)[0];
  assert.throws(
    () =>
      db.transaction(() => {
        deleteVectors(db, [kept]);
        throw new Error('rolled back');
      })(),
    /rolled back/,
  );
  check('after a rolled-back delete');

  // A restart reads the copy from the table again.
  db.close();
  db = openDatabase(file);
  index = { ...index };
  check('after a restart');
  db.close();
});
