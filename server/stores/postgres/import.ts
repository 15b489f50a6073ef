// The PostgreSQL side of `npm run migrate-to-postgres`: copies an SQLite install's tables and vector codes into an
// empty, migrated PostgreSQL database in one transaction (all or nothing), then checks every table's row count.
import type { IndexCodesCopy, TableCopy } from '../install-copy.js';
import { type Pool, transaction } from './database.js';

export interface CopiedTable {
  name: string;
  /** Rows in SQLite, and rows in PostgreSQL after the copy. */
  source: number;
  copied: number;
}

// PostgreSQL takes at most 65,535 parameters a statement; large rows (6 KB vectors) go in smaller batches anyway.
const MAX_PARAMETERS = 30_000;
const MAX_ROWS = 500;

/** Tables that hold Docent's data: any row in them means the target is not empty. */
const DATA_TABLES = ['admin', 'settings', 'documents', 'conversations', 'jobs', 'leads'];

export class TargetNotEmptyError extends Error {
  constructor(what: string) {
    super(`The PostgreSQL database already holds Docent data (${what}). Migrate into an empty database.`);
    this.name = 'TargetNotEmptyError';
  }
}

export async function importFromSqlite(
  pool: Pool,
  tables: TableCopy[],
  indexes: IndexCodesCopy[],
  onTable: (table: CopiedTable) => void = () => {},
): Promise<CopiedTable[]> {
  await transaction(pool, async (client) => {
    // A copy may take minutes: no statement timeout for it.
    await client.query('SET LOCAL statement_timeout = 0');
    for (const table of DATA_TABLES) {
      const { rows } = await client.query(`SELECT count(*) AS n FROM ${table}`);
      if (rows[0].n > 0) throw new TargetNotEmptyError(`${rows[0].n} rows in ${table}`);
    }
    // The two built-in sources the schema starts with come from SQLite, ids and all.
    await client.query('DELETE FROM sources');
    // The insight rollups are copied as they are: the triggers that keep them must not count the copied messages again.
    await client.query('ALTER TABLE messages DISABLE TRIGGER USER');
    for (const table of tables) {
      const per = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / table.columns.length)));
      const columns = table.columns.map((c) => `"${c}"`).join(', ');
      for (const batch of table.batches(per)) {
        const values = batch.map((row, r) => `(${row.map((_, c) => `$${r * row.length + c + 1}`).join(', ')})`).join(', ');
        await client.query(`INSERT INTO ${table.name} (${columns}) OVERRIDING SYSTEM VALUE VALUES ${values}`, batch.flat());
      }
    }
    await client.query('ALTER TABLE messages ENABLE TRIGGER USER');
    // Nodes read every index whole at start: the copied codes need no change log (vector_changes, migration 002).
    await client.query('ALTER TABLE index_vectors DISABLE TRIGGER USER');
    for (const index of indexes) {
      const codes = index.codes();
      for (let i = 0; i < codes.length; i += MAX_ROWS) {
        const batch = codes.slice(i, i + MAX_ROWS);
        const values = batch.map((_, r) => `($1, $${r * 2 + 2}, $${r * 2 + 3})`).join(', ');
        await client.query(`INSERT INTO index_vectors (index_id, chunk_id, code) VALUES ${values}`, [
          index.indexId,
          ...batch.flatMap((v) => [v.chunkId, Buffer.from(v.code.buffer, v.code.byteOffset, v.code.byteLength)]),
        ]);
      }
    }
    await client.query('ALTER TABLE index_vectors ENABLE TRIGGER USER');
    // Identities continue after the copied ids.
    const { rows: identities } = await client.query(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'`,
    );
    for (const { table_name, column_name } of identities) {
      await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max("${column_name}") FROM "${table_name}"), 0) + 1, false)`, [
        table_name,
        column_name,
      ]);
    }
  });

  const copied: CopiedTable[] = [];
  for (const table of tables) {
    const { rows } = await pool.query(`SELECT count(*) AS n FROM ${table.name}`);
    copied.push({ name: table.name, source: table.count, copied: rows[0].n });
    onTable(copied[copied.length - 1]);
  }
  for (const index of indexes) {
    const { rows } = await pool.query('SELECT count(*) AS n FROM index_vectors WHERE index_id = $1', [index.indexId]);
    copied.push({ name: `vectors of index ${index.indexId}`, source: index.vectors, copied: rows[0].n });
    onTable(copied[copied.length - 1]);
  }
  return copied;
}
