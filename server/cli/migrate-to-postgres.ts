// `npm run migrate-to-postgres`: moves an SQLite install (DATA_DIR/docent.db) into an empty PostgreSQL database for
// cluster mode — every table, the vectors' codes included — in one transaction, then compares every table's row
// count. Run it with Docent stopped (the copy is a snapshot of the file), with the environment the nodes will
// have: DATABASE_URL, and SECRET_KEY set to the key that sealed this install's secrets (DATA_DIR/secret.key).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config.js';
import { MigrationError } from '../stores/migrations.js';
import { openSqliteExport } from '../stores/sqlite/export.js';
import { openPostgresStores } from '../stores/postgres/open.js';
import { importFromSqlite, TargetNotEmptyError } from '../stores/postgres/import.js';
import { createSecretBox, loadSecretKey } from '../security/secret-box.js';

class MigrateError extends Error {}

const USAGE = `Usage: DATABASE_URL=postgres://… SECRET_KEY=<the key in DATA_DIR/secret.key> npm run migrate-to-postgres
  Copies DATA_DIR/docent.db (default ./data) into the empty PostgreSQL database DATABASE_URL names.`;

async function main() {
  const config = loadConfig();
  if (!config.databaseUrl) throw new MigrateError(`DATABASE_URL is not set.\n${USAGE}`);
  if (!existsSync(config.databasePath))
    throw new MigrateError(`There is no Docent database at ${config.databasePath}. Set DATA_DIR to the install's data folder.\n${USAGE}`);

  const sqlite = openSqliteExport(config.databasePath);
  try {
    const { tables } = sqlite;
    // Secrets stay sealed on the way: the nodes must be able to open them with their SECRET_KEY.
    const installKey = path.join(config.dataDir, 'secret.key');
    const box = createSecretBox(loadSecretKey(config.dataDir, config.secretKeyHex));
    const secrets = tables.find((t) => t.name === 'secrets')!;
    const sealedAt = secrets.columns.indexOf('sealed');
    for (const batch of secrets.batches(100)) {
      for (const row of batch) {
        try {
          box.open(row[sealedAt] as string);
        } catch {
          throw new MigrateError(
            `SECRET_KEY does not open this install's secrets (its API key). Set SECRET_KEY to the key that sealed them: the contents of ${installKey}.`,
          );
        }
      }
    }

    const postgres = await openPostgresStores(config.databaseUrl, { max: 2, applicationName: 'docent-migrate' });
    try {
      process.stdout.write(`Copying ${config.databasePath} into PostgreSQL…\n`);
      const started = Date.now();
      const copied = await importFromSqlite(postgres.pool, tables, sqlite.indexes);
      const width = Math.max(...copied.map((t) => t.name.length));
      const wrong = copied.filter((t) => t.copied !== t.source);
      for (const t of copied) {
        process.stdout.write(
          `  ${t.name.padEnd(width)}  ${String(t.source).padStart(9)} → ${String(t.copied).padStart(9)}${t.copied === t.source ? '' : '  MISMATCH'}\n`,
        );
      }
      if (wrong.length) throw new MigrateError(`The counts differ for ${wrong.map((t) => t.name).join(', ')}: the copy is not complete.`);
      process.stdout.write(
        `Done in ${((Date.now() - started) / 1000).toFixed(1)} s: every table has as many rows in PostgreSQL as in SQLite. Start the nodes with DATABASE_URL and SECRET_KEY set.\n`,
      );
    } finally {
      await postgres.close();
    }
  } finally {
    sqlite.close();
  }
}

main().catch((err) => {
  if (err instanceof MigrateError || err instanceof ConfigError || err instanceof MigrationError || err instanceof TargetNotEmptyError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`The migration failed, and nothing was kept in PostgreSQL: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exitCode = 1;
});
