// What a feature test reads or arranges underneath the API, on whichever backend the app runs (SQLite, or PostgreSQL
// in the second pass of `npm test`): plain SQL with `?` placeholders, async on both. Write SQL both databases take
// (no rowid, no json_each, no `::` casts); `order` names the column that keeps insertion order of messages.
import type { FastifyInstance } from 'fastify';
import type { Pool } from '../../server/stores/postgres/database.js';
import type { Db } from '../../server/stores/sqlite/database.js';

export interface TestDb {
  backend: 'sqlite' | 'postgres';
  /** `rowid` on SQLite, `seq` on PostgreSQL: ORDER BY ${db.messageOrder} lists a conversation's messages as written. */
  messageOrder: string;
  all<T = Record<string, any>>(sql: string, ...params: unknown[]): Promise<T[]>;
  get<T = Record<string, any>>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  /** The first column of the first row. */
  value<T = any>(sql: string, ...params: unknown[]): Promise<T>;
  /** Runs a statement; the number of rows it changed. */
  run(sql: string, ...params: unknown[]): Promise<number>;
}

/**
 * PostgreSQL only: the tables with a row whose text holds `text` (every column, cast to text). In cluster mode the
 * database's files belong to the server, so "never stored in clear" is checked row by row instead of in the file.
 */
export async function postgresTablesHolding(db: TestDb, text: string): Promise<string[]> {
  if (db.backend !== 'postgres') throw new Error('postgresTablesHolding reads PostgreSQL; on SQLite read the database file');
  const tables = await db.all<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  );
  if (!tables.some((table) => table.name === 'messages')) throw new Error("Docent's tables were not found");
  const holding: string[] = [];
  for (const { name } of tables) if ((await db.value(`SELECT count(*) FROM "${name}" t WHERE strpos(CAST(t AS text), ?) > 0`, text)) > 0) holding.push(name);
  return holding;
}

/** `?` → `$1, $2…` outside quoted strings. */
function numbered(sql: string): string {
  let n = 0;
  let quoted = false;
  let out = '';
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted;
    out += ch === '?' && !quoted ? `$${++n}` : ch;
  }
  return out;
}

export function testDb(app: FastifyInstance): TestDb {
  const pool = (app.stores as { pool?: Pool }).pool;
  if (pool) {
    const query = (sql: string, params: unknown[]) => pool.query(numbered(sql), params);
    return {
      backend: 'postgres',
      messageOrder: 'seq',
      all: async (sql, ...params) => (await query(sql, params)).rows,
      get: async (sql, ...params) => (await query(sql, params)).rows[0],
      value: async (sql, ...params) => {
        const row = (await query(sql, params)).rows[0];
        return (row === undefined ? undefined : Object.values(row)[0]) as any;
      },
      run: async (sql, ...params) => (await query(sql, params)).rowCount ?? 0,
    };
  }
  return sqliteTestDb(app.db);
}

/** The same, on a SQLite database a test opened itself (e.g. one migrated only part of the way). */
export function sqliteTestDb(db: Db): TestDb {
  return {
    backend: 'sqlite',
    messageOrder: 'rowid',
    all: async (sql, ...params) => db.prepare(sql).all(...params) as any[],
    get: async (sql, ...params) => db.prepare(sql).get(...params) as any,
    value: async (sql, ...params) => {
      const row = db.prepare(sql).get(...params) as Record<string, unknown> | undefined;
      return row === undefined ? undefined : (Object.values(row)[0] as any);
    },
    run: async (sql, ...params) => db.prepare(sql).run(...params).changes,
  };
}
