// The compact codes' storage: 64 chunk ids per row, read back exactly as written, whatever the order of writes
// and deletes across block boundaries.
import assert from 'node:assert/strict';
import test from 'node:test';
import { prng } from '../../../e2e/bench/common.js';
import { clearCodes, createCodesTable, deleteCodes, readCodes, writeCodes } from './code-blocks.js';
import { openDatabase } from './database.js';

const BYTES = 12;
const codeOf = (id: number, version = 0) => Uint8Array.from({ length: BYTES }, (_, i) => (id * 7 + i + version * 31) & 0xff);

test('codes come back by chunk id after writes, rewrites and deletes across blocks; an emptied block leaves no row', () => {
  const db = openDatabase(':memory:');
  const index = { id: 3 };
  try {
    createCodesTable(db, index);
    const expected = new Map<number, Uint8Array>();
    const next = prng(9);
    const read = () => {
      const found = new Map<number, Uint8Array>();
      readCodes(db, index, BYTES, (id, code) => found.set(id, Uint8Array.from(code)));
      return found;
    };
    for (let round = 0; round < 20; round++) {
      // ids 0–400: several blocks, the block edges (63, 64, 127, 128…) among them
      const written = Array.from({ length: 30 }, () => Math.floor(next() * 400));
      const rows = written.map((chunkId) => ({ chunkId, code: codeOf(chunkId, round) }));
      db.transaction(() => writeCodes(db, index, BYTES, rows))();
      for (const { chunkId, code } of rows) expected.set(chunkId, code);
      const deleted = Array.from({ length: 20 }, () => Math.floor(next() * 400));
      db.transaction(() => deleteCodes(db, index, BYTES, deleted))();
      for (const id of deleted) expected.delete(id);
      assert.deepEqual(read(), expected, `round ${round}`);
    }
    db.transaction(() => deleteCodes(db, index, BYTES, [...expected.keys()]))();
    assert.deepEqual(read(), new Map());
    assert.equal(db.prepare('SELECT count(*) FROM vec_codes_3').pluck().get(), 0, 'no empty block rows');

    db.transaction(() => writeCodes(db, index, BYTES, [{ chunkId: 64, code: codeOf(64) }]))();
    clearCodes(db, index);
    assert.deepEqual(read(), new Map());
  } finally {
    db.close();
  }
});
