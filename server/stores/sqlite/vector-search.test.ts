// The SQLite side of the in-memory vector index (server/stores/vector-index/compact-index.ts): its bits match
// sqlite-vec's, and searchVectors keeps its copy in step with writes, rollbacks and restarts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { prng as random } from '../../../e2e/bench/common.js';
import { quantizeBinary } from '../vector-index/compact-index.js';
import type { VectorIndex } from '../vector-store.js';
import { openDatabase, type Db } from './database.js';
import { migrate } from './migrate.js';
import { cacheVector, deleteVectors, ensureActiveIndex, insertVectors, searchVectors, setDimensions, toBlob } from './vector-store.js';

const randomVector = (next: () => number, dimensions: number) => Float32Array.from({ length: dimensions }, () => next() * 2 - 1);

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
