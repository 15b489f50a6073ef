import type { CachedCatalog, ProviderStore, StoredBalanceCheck, StoredKeyStatus } from '../provider-store.js';
import { stmt, type Db } from './database.js';

export function sqliteProviderStore(db: Db): ProviderStore {
  return {
    async readCatalog(kind, endpointKey) {
      const row = stmt(db, 'SELECT fetched_at, data FROM model_catalog WHERE kind = ? AND provider_key = ?').get(kind, endpointKey) as
        | { fetched_at: number; data: string }
        | undefined;
      return row ? { fetchedAt: row.fetched_at, models: JSON.parse(row.data) as CachedCatalog['models'] } : null;
    },
    async catalogFetchedAt(kind, endpointKey) {
      return (
        (stmt(db, 'SELECT fetched_at FROM model_catalog WHERE kind = ? AND provider_key = ?').pluck().get(kind, endpointKey) as number | undefined) ?? null
      );
    },
    async newestCatalogFetch(kind) {
      return (stmt(db, 'SELECT fetched_at FROM model_catalog WHERE kind = ? ORDER BY fetched_at DESC LIMIT 1').pluck().get(kind) as number | undefined) ?? null;
    },
    async saveCatalog(kind, endpointKey, catalog) {
      stmt(
        db,
        `INSERT INTO model_catalog (kind, provider_key, fetched_at, data) VALUES (?, ?, ?, ?)
        ON CONFLICT (kind, provider_key) DO UPDATE SET fetched_at = excluded.fetched_at, data = excluded.data`,
      ).run(kind, endpointKey, catalog.fetchedAt, JSON.stringify(catalog.models));
    },

    async keyStatus() {
      return (stmt(db, 'SELECT fingerprint, state, since, message, call FROM key_status WHERE id = 1').get() as StoredKeyStatus | undefined) ?? null;
    },
    async saveKeyStatus(status) {
      stmt(
        db,
        `INSERT INTO key_status (id, fingerprint, state, since, message, call) VALUES (1, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, state = excluded.state, since = excluded.since,
          message = excluded.message, call = excluded.call`,
      ).run(status.fingerprint, status.state, status.since, status.message, status.call);
    },

    async balanceCheck() {
      return (
        (stmt(db, 'SELECT fingerprint, checked_at AS checkedAt, amount, source, measured_at AS measuredAt FROM balance_check WHERE id = 1').get() as
          | StoredBalanceCheck
          | undefined) ?? null
      );
    },
    async saveBalanceCheck(check) {
      stmt(
        db,
        `INSERT INTO balance_check (id, fingerprint, checked_at, amount, source, measured_at) VALUES (1, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, checked_at = excluded.checked_at, amount = excluded.amount,
          source = excluded.source, measured_at = excluded.measured_at`,
      ).run(check.fingerprint, check.checkedAt, check.amount, check.source, check.measuredAt);
    },

    async isOpen() {
      return db.open;
    },
  };
}
