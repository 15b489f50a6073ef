// Opens the SQLite file, brings its schema up to date and builds every store on it.
import type { Stores } from '../stores.js';
import { sqliteChatStore } from './chat-store.js';
import { sqliteConfigStore } from './config-store.js';
import { openDatabase, type Db } from './database.js';
import { sqliteJobStore } from './job-store.js';
import { sqliteKnowledgeStore } from './knowledge-store.js';
import { migrate } from './migrate.js';
import { sqliteVectorStore } from './vector-store.js';

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
    config: sqliteConfigStore(db),
    chat: sqliteChatStore(db),
    vectors: sqliteVectorStore(db),
    knowledge: sqliteKnowledgeStore(db),
    jobs: sqliteJobStore(db),
    close: () => db.close(),
  };
}
