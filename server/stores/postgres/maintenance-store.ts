// Maintenance in cluster mode: the database's size, and no backup file. A PostgreSQL database cannot become
// the single SQLite file Database Management downloads; the operator backs it up with pg_dump (README).
import { BackupUnavailableError, type MaintenanceStore } from '../maintenance-store.js';
import { type Pool, row } from './database.js';

export const CLUSTER_BACKUP_MESSAGE = 'In cluster mode, back up PostgreSQL with pg_dump (see README, Running several nodes).';

export function postgresMaintenanceStore(pool: Pool): MaintenanceStore {
  return {
    backupUnavailable: CLUSTER_BACKUP_MESSAGE,
    async sizeBytes() {
      return (await row<{ bytes: number }>(pool, 'SELECT pg_database_size(current_database()) AS bytes'))!.bytes;
    },
    async backupTo() {
      throw new BackupUnavailableError(CLUSTER_BACKUP_MESSAGE);
    },
  };
}
