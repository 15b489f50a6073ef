import type { CachedCatalog, ProviderStore, StoredBalanceCheck, StoredKeyStatus } from '../provider-store.js';
import { type Pool, row } from './database.js';

export function postgresProviderStore(pool: Pool): ProviderStore {
  return {
    async readCatalog(kind, endpointKey) {
      const catalog = await row<{ fetched_at: number; data: string }>(
        pool,
        'SELECT fetched_at, data FROM model_catalog WHERE kind = $1 AND provider_key = $2',
        [kind, endpointKey],
      );
      return catalog ? { fetchedAt: catalog.fetched_at, models: JSON.parse(catalog.data) as CachedCatalog['models'] } : null;
    },
    async catalogFetchedAt(kind, endpointKey) {
      return (
        (await row<{ fetched_at: number }>(pool, 'SELECT fetched_at FROM model_catalog WHERE kind = $1 AND provider_key = $2', [kind, endpointKey]))
          ?.fetched_at ?? null
      );
    },
    async newestCatalogFetch(kind) {
      return (await row<{ newest: number | null }>(pool, 'SELECT max(fetched_at) AS newest FROM model_catalog WHERE kind = $1', [kind]))!.newest;
    },
    async saveCatalog(kind, endpointKey, catalog) {
      await pool.query(
        `INSERT INTO model_catalog (kind, provider_key, fetched_at, data) VALUES ($1, $2, $3, $4)
        ON CONFLICT (kind, provider_key) DO UPDATE SET fetched_at = excluded.fetched_at, data = excluded.data`,
        [kind, endpointKey, catalog.fetchedAt, JSON.stringify(catalog.models)],
      );
    },

    async keyStatus() {
      return (await row<StoredKeyStatus>(pool, 'SELECT fingerprint, state, since, message, call FROM key_status WHERE id = 1')) ?? null;
    },
    async saveKeyStatus(status) {
      await pool.query(
        `INSERT INTO key_status (id, fingerprint, state, since, message, call) VALUES (1, $1, $2, $3, $4, $5)
        ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, state = excluded.state, since = excluded.since,
          message = excluded.message, call = excluded.call`,
        [status.fingerprint, status.state, status.since, status.message, status.call],
      );
    },

    async balanceCheck() {
      return (
        (await row<StoredBalanceCheck>(
          pool,
          'SELECT fingerprint, checked_at AS "checkedAt", amount, source, measured_at AS "measuredAt" FROM balance_check WHERE id = 1',
        )) ?? null
      );
    },
    async saveBalanceCheck(check) {
      await pool.query(
        `INSERT INTO balance_check (id, fingerprint, checked_at, amount, source, measured_at) VALUES (1, $1, $2, $3, $4, $5)
        ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, checked_at = excluded.checked_at, amount = excluded.amount,
          source = excluded.source, measured_at = excluded.measured_at`,
        [check.fingerprint, check.checkedAt, check.amount, check.source, check.measuredAt],
      );
    },

    async isOpen() {
      return !pool.ending && !pool.ended;
    },
  };
}
