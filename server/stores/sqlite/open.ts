// Opens the SQLite file, brings its schema up to date and builds every store on it.
import type { Stores } from '../stores.js';
import { sqliteAuthStore } from './auth-store.js';
import { sqliteChatStore } from './chat-store.js';
import { sqliteConfigStore } from './config-store.js';
import { sqliteHelpStore } from './help-store.js';
import { sqliteInsightStore } from './insight-store.js';
import { sqliteLeadStore } from './lead-store.js';
import { sqliteNotificationStore } from './notification-store.js';
import { sqliteUsageStore } from './usage-store.js';
import { openDatabase, type Db } from './database.js';
import { sqliteJobStore } from './job-store.js';
import { sqliteKnowledgeStore } from './knowledge-store.js';
import { sqliteMaintenanceStore } from './maintenance-store.js';
import { migrate } from './migrate.js';
import { sqliteVectorStore } from './vector-store.js';
import { sqliteProviderStore } from './provider-store.js';

export interface SqliteStores extends Stores {
  /** The connection itself: for the SQLite stores and for tests that inspect the file, nothing else. */
  db: Db;
  close(): void;
}

export function openSqliteStores(file: string, migrationsDir?: string): SqliteStores {
  const db = openDatabase(file);
  try {
    migrate(db, migrationsDir);
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    db,
    ...sqliteStoresOn(db),
    close: () => db.close(),
  };
}

/** Every store on an open, migrated connection (openSqliteStores; tests that build a database by hand). */
export function sqliteStoresOn(db: Db): Stores {
  return {
    config: sqliteConfigStore(db),
    chat: sqliteChatStore(db),
    usage: sqliteUsageStore(db),
    help: sqliteHelpStore(db),
    leads: sqliteLeadStore(db),
    insights: sqliteInsightStore(db),
    notifications: sqliteNotificationStore(db),
    vectors: sqliteVectorStore(db),
    auth: sqliteAuthStore(db),
    provider: sqliteProviderStore(db),
    maintenance: sqliteMaintenanceStore(db),
    knowledge: sqliteKnowledgeStore(db),
    jobs: sqliteJobStore(db),
    // One process: rate limits count in memory, and every schedule tick runs.
    cluster: null,
  };
}
