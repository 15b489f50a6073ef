// The PostgreSQL connection pool for cluster mode, and the one way stores run a transaction on it.
import pg from 'pg';

export type Pool = pg.Pool;
export type Client = pg.PoolClient;
/** A pool or a client inside a transaction: what a query can run on. */
export type Queryable = Pick<pg.Pool, 'query'>;

// int8 (count(*), bigint ids and unix-ms times) as numbers, as better-sqlite3 returns them. Docent's values stay
// far below 2^53; a value that does not is an error, not a silently rounded id.
const int8 = new pg.TypeOverrides();
int8.setTypeParser(pg.types.builtins.INT8, (text) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${text} does not fit a JavaScript number`);
  return n;
});
// numeric (sum() of integers) as a number too.
int8.setTypeParser(pg.types.builtins.NUMERIC, (text) => Number(text));

export interface PoolOptions {
  /** Connections this node opens at most (DATABASE_POOL_SIZE). */
  max?: number;
  /** Shown in pg_stat_activity: which node a connection belongs to. */
  applicationName?: string;
}

export function openPool(url: string, options: PoolOptions = {}): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'docent',
    types: int8,
    // A request must not hang on a database that does not answer.
    connectionTimeoutMillis: 10_000,
    statement_timeout: 30_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client's connection dropping (the server restarted) is not a crash: the pool replaces it.
  pool.on('error', () => {});
  return pool;
}

/** Runs `work`'s reads in one snapshot (what SQLite's read transaction gives), begun in one round trip. */
export function snapshot<T>(pool: Pool, work: (client: Client) => Promise<T>): Promise<T> {
  return transaction(pool, work, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
}

/**
 * Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws.
 * A transaction spans only the queries inside `work`, never an outside await (the store rule).
 */
export async function transaction<T>(pool: Pool, work: (client: Client) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** The rows of a query, typed. */
export async function rows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)).rows as T[];
}

/** The first row of a query, or undefined. */
export async function row<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T | undefined> {
  return (await db.query(sql, params)).rows[0] as T | undefined;
}
