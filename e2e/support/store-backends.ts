// Store tests run on both backends: SQLite (a temporary file) and PostgreSQL (a fresh database on the cluster
// DOCENT_TEST_DATABASE_URL names, which `npm test` starts privately when PostgreSQL's binaries are installed).
// Without it the PostgreSQL runs are skipped, and say why.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, testDatabaseBaseUrl } from './postgres.js';
import type { Stores } from '../../server/stores/stores.js';
import { openSqliteStores, type SqliteStores } from '../../server/stores/sqlite/open.js';
import { openPostgresStores, type PostgresStores } from '../../server/stores/postgres/open.js';

export interface OpenBackend {
  stores: Stores;
  /** The backend's own handle, for a test that must look underneath the interface. */
  sqlite?: SqliteStores;
  postgres?: PostgresStores;
  close(): Promise<void>;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Why this backend cannot run here, or false. Pass as node:test's `skip` option. */
  skip: string | false;
  open(): Promise<OpenBackend>;
}

export const POSTGRES_SKIPPED = 'no PostgreSQL for this run: DOCENT_TEST_DATABASE_URL is not set (npm test sets it when PostgreSQL is installed)';

/** A new, empty PostgreSQL database for one test, dropped by `drop()`. */
export const freshPostgresDatabase = createTestDatabase;

export function backends(): Backend[] {
  const baseUrl = testDatabaseBaseUrl();
  return [
    {
      name: 'sqlite',
      skip: false,
      async open() {
        const dir = mkdtempSync(path.join(tmpdir(), 'docent-store-'));
        const sqlite = openSqliteStores(path.join(dir, 'docent.db'));
        return {
          stores: sqlite,
          sqlite,
          async close() {
            sqlite.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    },
    {
      name: 'postgres',
      skip: baseUrl ? false : POSTGRES_SKIPPED,
      async open() {
        const database = await freshPostgresDatabase(baseUrl!);
        const postgres = await openPostgresStores(database.url, { max: 4 });
        return {
          stores: postgres,
          postgres,
          async close() {
            await postgres.close();
            await database.drop();
          },
        };
      },
    },
  ];
}

/** `backend` opened for one test (a fresh file or database) and closed when that test ends. */
export async function openForTest(backend: Backend, t: { after(fn: () => unknown): void }): Promise<OpenBackend> {
  const opened = await backend.open();
  t.after(() => opened.close());
  return opened;
}
