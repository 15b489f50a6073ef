// The compact codes of an index (compact-index.ts encodeVector), stored in blocks of 64 consecutive chunk ids per
// row: reading a million codes back at start is then 16,000 rows, not a million (2.5 s → well under 1 s of the
// start), and training, which writes chunks of consecutive ids together, rewrites few blocks.
// Row: block = chunk id / 64; present = 8 bytes, bit i set when chunk block × 64 + i has a code; codes = 64 codes.
import type { VectorIndex } from '../vector-store.js';
import { stmt, type Db } from './database.js';

const BLOCK = 64;
const PRESENT_BYTES = BLOCK / 8;

const tableOf = (index: Pick<VectorIndex, 'id'>) => `vec_codes_${Number(index.id)}`;

export function createCodesTable(db: Db, index: Pick<VectorIndex, 'id'>): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${tableOf(index)} (block INTEGER PRIMARY KEY, present BLOB NOT NULL, codes BLOB NOT NULL)`);
}

export function dropCodesTable(db: Db, index: Pick<VectorIndex, 'id'>): void {
  db.exec(`DROP TABLE IF EXISTS ${tableOf(index)}`);
}

export function clearCodes(db: Db, index: Pick<VectorIndex, 'id'>): void {
  db.exec(`DELETE FROM ${tableOf(index)}`);
}

/** Calls `each` with every stored code, by chunk id. */
export function readCodes(db: Db, index: Pick<VectorIndex, 'id'>, codeBytes: number, each: (chunkId: number, code: Uint8Array) => void): void {
  for (const [block, present, codes] of stmt(db, `SELECT block, present, codes FROM ${tableOf(index)}`)
    .raw()
    .iterate() as Iterable<[number, Buffer, Buffer]>) {
    for (let i = 0; i < BLOCK; i++) {
      if (present[i >> 3] & (1 << (i & 7))) each(block * BLOCK + i, codes.subarray(i * codeBytes, (i + 1) * codeBytes));
    }
  }
}

/** Adds or replaces codes (all `codeBytes` long), rewriting each block touched once. Call inside a transaction. */
export function writeCodes(db: Db, index: Pick<VectorIndex, 'id'>, codeBytes: number, rows: Array<{ chunkId: number; code: Uint8Array }>): void {
  changeBlocks(db, index, codeBytes, rows, (block, row) => {
    const i = row.chunkId % BLOCK;
    block.present[i >> 3] |= 1 << (i & 7);
    block.codes.set(row.code, i * codeBytes);
  });
}

/** Removes the codes of these chunk ids (unknown ids are ignored). Call inside a transaction. */
export function deleteCodes(db: Db, index: Pick<VectorIndex, 'id'>, codeBytes: number, chunkIds: number[]): void {
  changeBlocks(
    db,
    index,
    codeBytes,
    chunkIds.map((chunkId) => ({ chunkId })),
    (block, row) => {
      const i = row.chunkId % BLOCK;
      block.present[i >> 3] &= ~(1 << (i & 7));
      block.codes.fill(0, i * codeBytes, (i + 1) * codeBytes);
    },
  );
}

function changeBlocks<T extends { chunkId: number }>(
  db: Db,
  index: Pick<VectorIndex, 'id'>,
  codeBytes: number,
  rows: T[],
  change: (block: { present: Uint8Array; codes: Uint8Array }, row: T) => void,
): void {
  const table = tableOf(index);
  const byBlock = new Map<number, T[]>();
  for (const row of rows) {
    const block = Math.floor(row.chunkId / BLOCK);
    const list = byBlock.get(block);
    if (list) list.push(row);
    else byBlock.set(block, [row]);
  }
  const read = stmt(db, `SELECT present, codes FROM ${table} WHERE block = ?`).raw();
  const write = stmt(db, `INSERT OR REPLACE INTO ${table} (block, present, codes) VALUES (?, ?, ?)`);
  const remove = stmt(db, `DELETE FROM ${table} WHERE block = ?`);
  for (const [number, list] of byBlock) {
    const stored = read.get(number) as [Buffer, Buffer] | undefined;
    const block = {
      present: stored ? Uint8Array.from(stored[0]) : new Uint8Array(PRESENT_BYTES),
      codes: stored && stored[1].length === BLOCK * codeBytes ? Uint8Array.from(stored[1]) : new Uint8Array(BLOCK * codeBytes),
    };
    for (const row of list) change(block, row);
    if (block.present.some((byte) => byte !== 0)) write.run(number, block.present, block.codes);
    else if (stored) remove.run(number);
  }
}
