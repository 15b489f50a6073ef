// The in-memory vector index both backends search (compact-index.ts) and its committed WebAssembly.
import assert from 'node:assert/strict';
import test from 'node:test';
import { prng as random } from '../../../e2e/bench/common.js';
import { CompactIndex, encodeVector, quantizeBinary } from './compact-index.js';
import { compileHammingWat, hammingWasmSource } from './hamming-build.js';
import { HAMMING_WASM } from './hamming-wasm.js';

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
