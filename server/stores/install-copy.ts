// What `npm run migrate-to-postgres` moves from one backend to the other: the SQLite side produces these
// (sqlite/export.ts), the PostgreSQL side consumes them (postgres/import.ts).

export interface TableCopy {
  name: string;
  columns: string[];
  count: number;
  /** The rows in batches of at most `size`, each row's values in `columns` order. */
  batches(size: number): Iterable<unknown[][]>;
}

export interface IndexCodesCopy {
  indexId: number;
  /** Vectors in the index, and a code for each (encoded from its cached float when none was stored). */
  vectors: number;
  codes(): Array<{ chunkId: number; code: Uint8Array }>;
}
