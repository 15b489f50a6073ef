// Everything an SQLite install keeps, table by table, for `npm run migrate-to-postgres`: the tables in an order
// that satisfies their foreign keys, read in batches (a million chunks never sit in memory at once), and each
// vector index's codes. The keyword index (FTS5) and the vec0 tables are not copied: PostgreSQL keeps its own
// (a generated tsvector column; index_vectors).
import type { IndexCodesCopy, TableCopy } from '../install-copy.js';
import type { Db } from './database.js';
import { openSqliteStores } from './open.js';
import { codeLength, encodeVector } from '../vector-index/compact-index.js';
import { fromBlob } from '../vector-index/floats.js';
import { readCodes } from './code-blocks.js';

/** Parents before children. */
const TABLES = [
  'admin',
  'login_backoff',
  'sessions',
  'settings',
  'secrets',
  'model_catalog',
  'key_status',
  'balance_check',
  'sources',
  'documents',
  'document_writes',
  'chunks',
  'embedding_cache',
  'vector_indexes',
  'index_recall',
  'jobs',
  'job_log',
  'conversations',
  'messages',
  'alerts',
  'usage_ledger',
  'usage_days',
  'notification_outbox',
  'notification_digest',
  'questions',
  'question_days',
  'insight_days',
  'document_use_days',
  'leads',
];

export function exportTables(db: Db): TableCopy[] {
  return TABLES.map((name) => {
    const declared = (db.prepare(`SELECT name FROM pragma_table_info('${name}')`).pluck().all() as string[]).filter(Boolean);
    if (!declared.length) throw new Error(`The SQLite database has no ${name} table: is it a Docent database, migrated by this version?`);
    // messages: the rowid is the order of a conversation's messages, which PostgreSQL keeps as `seq`.
    const columns = name === 'messages' ? ['seq', ...declared] : declared;
    const select = `SELECT ${name === 'messages' ? 'rowid, ' : ''}${declared.map((c) => `"${c}"`).join(', ')} FROM ${name}${name === 'messages' ? ' ORDER BY rowid' : ''}`;
    return {
      name,
      columns,
      count: db.prepare(`SELECT count(*) FROM ${name}`).pluck().get() as number,
      *batches(size: number) {
        let batch: unknown[][] = [];
        for (const row of db.prepare(select).raw().iterate() as Iterable<unknown[]>) {
          batch.push(row);
          if (batch.length === size) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length) yield batch;
      },
    };
  });
}

export function exportIndexCodes(db: Db): IndexCodesCopy[] {
  const indexes = db.prepare('SELECT id, endpoint, model, dimensions FROM vector_indexes WHERE dimensions IS NOT NULL ORDER BY id').all() as Array<{
    id: number;
    endpoint: string;
    model: string;
    dimensions: number;
  }>;
  const exists = db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').pluck();
  return indexes
    .filter((index) => exists.get(`vec_index_${index.id}`))
    .map((index) => ({
      indexId: index.id,
      vectors: db.prepare(`SELECT count(*) FROM vec_index_${index.id}`).pluck().get() as number,
      codes() {
        const found = new Map<number, Uint8Array>();
        if (exists.get(`vec_codes_${index.id}`)) {
          readCodes(db, index, codeLength(index.dimensions), (chunkId, code) => found.set(chunkId, Uint8Array.from(code)));
        }
        // Vectors without a stored code (an index whose dimension SQLite keeps as floats, or codes never written):
        // encoded from their cached floats, as SQLite's own start does.
        const floats = db
          .prepare(
            `SELECT v.rowid AS id, e.vector FROM vec_index_${index.id} v JOIN chunks c ON c.id = v.rowid
             JOIN embedding_cache e ON e.endpoint = ? AND e.model = ? AND e.text_hash = c.text_hash`,
          )
          .raw();
        if (found.size < this.vectors) {
          for (const [id, vector] of floats.iterate(index.endpoint, index.model) as Iterable<[number | bigint, Buffer]>) {
            if (!found.has(Number(id))) found.set(Number(id), encodeVector(fromBlob(vector)));
          }
        }
        return [...found].map(([chunkId, code]) => ({ chunkId, code }));
      },
    }));
}

/** Opens an install's SQLite file (migrated to this version first) for export. */
export function openSqliteExport(file: string): { tables: TableCopy[]; indexes: IndexCodesCopy[]; close(): void } {
  const stores = openSqliteStores(file);
  try {
    return { tables: exportTables(stores.db), indexes: exportIndexCodes(stores.db), close: () => stores.close() };
  } catch (err) {
    stores.close();
    throw err;
  }
}
