// The maintenance store on both backends: the storage's size, and Database Management's backup. SQLite copies
// itself into one file that opens on its own; PostgreSQL cannot become that file, so the admin is told, with a
// 409 and not a server error, to back it up with pg_dump — and nothing is left in the backup folder either way.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { backends, openForTest } from '../../e2e/support/store-backends.js';
import { backupDir, copyDatabase } from '../backup/backup.js';
import { backupRoutes } from '../backup/routes.js';
import { loadConfig } from '../config.js';
import { errorHandler } from '../http/error-handler.js';
import { HttpError } from '../http/errors.js';
import type { Stores } from './stores.js';
import { BackupUnavailableError } from './maintenance-store.js';

const PG_DUMP_MESSAGE = 'In cluster mode, back up PostgreSQL with pg_dump (see README, Running several nodes).';

/** Database Management's backup routes on these stores, with the app's own error handling (no login in front). */
async function backupApi(t: { after(fn: () => unknown): void }, stores: Stores, dataDir: string) {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.decorate('stores', stores);
  app.decorate('config', loadConfig({ DATA_DIR: dataDir }));
  await app.register(backupRoutes);
  t.after(() => app.close());
  return app;
}

function tempDataDir(t: { after(fn: () => unknown): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-maintenance-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

for (const backend of backends()) {
  describe(`maintenance store (${backend.name})`, { skip: backend.skip }, () => {
    it('the size is a positive number of bytes that grows with what is stored', async (t) => {
      const { stores } = await openForTest(backend, t);
      const before = await stores.maintenance.sizeBytes();
      assert.equal(typeof before, 'number');
      assert.ok(before > 0);
      // Random text: compression cannot make it small.
      for (let i = 0; i < 40; i++) await stores.config.writeSection(`bulk-${i}`, JSON.stringify({ text: randomBytes(25_000).toString('base64') }));
      assert.ok((await stores.maintenance.sizeBytes()) > before);
    });

    if (backend.name === 'sqlite') {
      it('a backup is one SQLite file holding what was stored', async (t) => {
        const { stores } = await openForTest(backend, t);
        await stores.config.writeSection('widget', '{"title":"Ask us"}');
        const copy = await copyDatabase(stores.maintenance, tempDataDir(t));
        t.after(() => copy.remove());
        const db = new Database(copy.file, { readonly: true });
        try {
          assert.equal(db.prepare("SELECT value FROM settings WHERE section = 'widget'").pluck().get(), '{"title":"Ask us"}');
        } finally {
          db.close();
        }
      });
    } else {
      it('a backup is refused: the admin is told to use pg_dump, with a 409, and no file is left behind', async (t) => {
        const { stores } = await openForTest(backend, t);
        const dataDir = tempDataDir(t);
        await assert.rejects(stores.maintenance.backupTo(path.join(dataDir, 'copy.db')), BackupUnavailableError);
        await assert.rejects(copyDatabase(stores.maintenance, dataDir), (err: unknown) => {
          assert.ok(err instanceof HttpError);
          assert.equal(err.statusCode, 409);
          assert.equal(err.message, PG_DUMP_MESSAGE);
          return true;
        });
        assert.deepEqual(existsSync(backupDir(dataDir)) ? readdirSync(backupDir(dataDir)) : [], [], 'no file is left behind');
        assert.equal(stores.maintenance.backupUnavailable, PG_DUMP_MESSAGE);
      });

      it('Download backup answers 409 with the pg_dump sentence, and the status shows it to the admin', async (t) => {
        const { stores } = await openForTest(backend, t);
        const api = await backupApi(t, stores, tempDataDir(t));
        const res = await api.inject({ method: 'GET', url: '/backup' });
        assert.equal(res.statusCode, 409);
        assert.equal(res.json().message, PG_DUMP_MESSAGE);
        const status = (await api.inject({ method: 'GET', url: '/backup/status' })).json();
        assert.equal(status.running, null);
        assert.deepEqual({ ok: status.last.ok, message: status.last.message }, { ok: false, message: PG_DUMP_MESSAGE });
        assert.ok(status.databaseBytes > 0);
      });
    }
  });
}
