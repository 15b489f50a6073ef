// Cluster mode: connects to PostgreSQL, brings its schema up to date (once, whichever node starts first) and
// builds every store on the pool.
import type { Stores } from '../stores.js';
import { openPool, type Pool, type PoolOptions } from './database.js';
import { postgresJobStore } from './job-store.js';
import { postgresKnowledgeStore } from './knowledge-store.js';
import { migrate } from './migrate.js';
import { postgresChatStore } from './chat-store.js';
import { postgresHelpStore } from './help-store.js';
import { postgresInsightStore } from './insight-store.js';
import { postgresClusterStore } from './cluster-store.js';
import { postgresAuthStore } from './auth-store.js';
import { postgresConfigStore } from './config-store.js';
import { postgresLeadStore } from './lead-store.js';
import { postgresMaintenanceStore } from './maintenance-store.js';
import { postgresNotificationStore } from './notification-store.js';
import { postgresProviderStore } from './provider-store.js';
import { postgresUsageStore } from './usage-store.js';
import { postgresVectorStore } from './vector-store.js';
import { PostgresListener } from './listener.js';

export interface PostgresStores extends Stores {
  /** The pool itself: for the PostgreSQL stores and for tests that inspect the database, nothing else. */
  pool: Pool;
  close(): Promise<void>;
}

export interface PostgresOptions extends PoolOptions {
  migrationsDir?: string;
}

export async function openPostgresStores(url: string, options: PostgresOptions = {}): Promise<PostgresStores> {
  const pool = openPool(url, options);
  try {
    await migrate(pool, options.migrationsDir);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const listener = new PostgresListener(pool);
  const stores = postgresStoresOn(pool, listener);
  return {
    pool,
    ...stores,
    async close() {
      await stores.vectors.close?.();
      await listener.close();
      await pool.end();
    },
  };
}

/** Every store on an open, migrated pool; `listener` is the node's LISTEN connection (closed by the caller). */
export function postgresStoresOn(pool: Pool, listener: PostgresListener): Stores {
  return {
    config: postgresConfigStore(pool, listener),
    chat: postgresChatStore(pool),
    usage: postgresUsageStore(pool),
    help: postgresHelpStore(pool),
    leads: postgresLeadStore(pool),
    insights: postgresInsightStore(pool),
    notifications: postgresNotificationStore(pool),
    vectors: postgresVectorStore(pool, listener),
    auth: postgresAuthStore(pool),
    provider: postgresProviderStore(pool),
    maintenance: postgresMaintenanceStore(pool),
    knowledge: postgresKnowledgeStore(pool),
    jobs: postgresJobStore(pool),
    cluster: postgresClusterStore(pool),
  };
}
