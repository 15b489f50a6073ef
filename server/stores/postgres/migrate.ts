// Applies migrations/postgres/ once, even when several nodes start together: the whole run holds a
// transaction-scoped advisory lock, so the second node waits, then finds every version applied.
import { MigrationError, POSTGRES_MIGRATIONS_DIR, readMigrations } from '../migrations.js';
import { type Pool, transaction } from './database.js';

// Any fixed 64-bit number, the same on every node: "Docent migrates".
const MIGRATION_LOCK = 0x646f63656e74;

/** Applies pending migrations; returns the names applied now (by this node). */
export async function migrate(pool: Pool, dir: string = POSTGRES_MIGRATIONS_DIR): Promise<string[]> {
  const migrations = readMigrations(dir);
  return transaction(pool, async (client) => {
    // A migration on a large database may take longer than a request's statement timeout.
    await client.query('SET LOCAL statement_timeout = 0');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      // One transaction for the run: a failing file rolls back every file applied with it, and names itself.
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      } catch (err) {
        throw new MigrationError(m.name, err);
      }
      done.push(m.name);
    }
    return done;
  });
}
