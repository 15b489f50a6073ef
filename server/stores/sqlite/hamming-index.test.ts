import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { prng as random } from '../../../e2e/bench/common.js';
import { openDatabase, type Db } from './database.js';
import { migrate } from './migrate.js';
import { compileHammingWat, hammingWasmSource } from './hamming-build.js';
import { HammingIndex, quantizeBinary } from './hamming-index.js';
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

test('nearest() returns the k closest by Hamming distance, closest first, for any dimension', () => {
  const next = random(2);
  for (const dimensions of [1536, 1000, 64, 8]) {
    const index = new HammingIndex(dimensions / 8);
    const stored = new Map<number, Uint8Array>();
    // 3,000 vectors: more than the initial capacity, so the memory grows on the way.
    for (let id = 1; id <= 3000; id++) {
      const bits = quantizeBinary(randomVector(next, dimensions));
      stored.set(id * 7, bits);
      index.upsert(id * 7, bits);
    }
    assert.equal(index.size, 3000);
    for (let q = 0; q < 5; q++) {
      const query = quantizeBinary(randomVector(next, dimensions));
      const expected = [...stored].map(([id, bits]) => ({ id, d: hamming(query, bits) })).sort((a, b) => a.d - b.d);
      for (const k of [1, 10, 100]) {
        const found = index.nearest(query, k);
        assert.equal(found.length, k);
        const distances = found.map((id) => hamming(query, stored.get(id)!));
        // Ties may come in any order: the distances must be exactly the k smallest, in order.
        assert.deepEqual(
          distances,
          expected.slice(0, k).map((e) => e.d),
          `${dimensions} d, k=${k}`,
        );
      }
    }
    assert.equal(index.nearest(quantizeBinary(randomVector(next, dimensions)), 5000).length, 3000, 'k above the size returns every vector');
  }
});

test('upsert replaces, remove keeps the others findable, clear empties', () => {
  const index = new HammingIndex(2);
  const bits = (a: number, b: number) => Uint8Array.of(a, b);
  index.upsert(1, bits(0b0000_0000, 0));
  index.upsert(2, bits(0b0000_0001, 0));
  index.upsert(3, bits(0b0000_0011, 0));
  index.upsert(4, bits(0b0000_0111, 0));
  assert.deepEqual(index.nearest(bits(0, 0), 4), [1, 2, 3, 4]);
  index.upsert(1, bits(0xff, 0xff)); // replaced: now the farthest
  assert.deepEqual(index.nearest(bits(0, 0), 4), [2, 3, 4, 1]);
  index.remove(2); // the last slot moves into the freed one
  assert.equal(index.size, 3);
  assert.equal(index.has(2), false);
  assert.deepEqual(index.nearest(bits(0, 0), 4), [3, 4, 1]);
  index.upsert(5, bits(0, 0));
  assert.deepEqual(index.nearest(bits(0, 0), 2), [5, 3]);
  index.remove(42); // unknown: nothing happens
  assert.equal(index.size, 4);
  assert.throws(() => index.upsert(6, Uint8Array.of(1)), /expected 2 bytes, got 1/);
  index.clear();
  assert.deepEqual(index.nearest(bits(0, 0), 3), []);
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
