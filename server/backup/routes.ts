// Safety nets on the admin API: download a backup of the database, export and import the settings.
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { conflict, HttpError } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';
import { BackupCancelled, backupFileName, clearBackupDir, copyDatabase, databaseBytes, type BackupCopy } from './backup.js';
import { exportSettings, planImport } from './settings-transfer.js';

const BackupOutcome = z.object({ fileName: z.string(), bytes: z.number().nullable(), ok: z.boolean(), message: z.string().nullable(), finishedAt: z.string() });
const BackupStatus = z.object({
  running: z.object({ phase: z.enum(['copying', 'sending']), percent: z.number(), fileName: z.string() }).nullable(),
  /** Backups started since Docent started: a screen that started one knows which `last` is its own. */
  started: z.number(),
  last: BackupOutcome.nullable(),
  databaseBytes: z.number(),
});
type BackupStatus = z.infer<typeof BackupStatus>;

const SettingChange = z.object({ path: z.string(), section: z.string(), setting: z.string(), from: z.unknown(), to: z.unknown() });
const ImportResult = z.object({ applied: z.boolean(), changes: z.array(SettingChange), notes: z.array(z.string()) });
// Any JSON object: what is wrong with a file is said by planImport, in sentences, per field.
const SettingsFileBody = z.record(z.string(), z.unknown());

export const backupRoutes: FastifyPluginAsyncZod = async (app) => {
  const { stores, config } = app;
  const status: Omit<BackupStatus, 'databaseBytes'> = { running: null, started: 0, last: null };
  const copies = new Map<AbortController, Promise<BackupCopy>>();
  let closing = false;

  app.addHook('onReady', async () => clearBackupDir(config.dataDir));
  // A copy under way is stopped and its file deleted when Docent shuts down.
  app.addHook('onClose', async () => {
    closing = true;
    for (const stop of copies.keys()) stop.abort();
    await Promise.allSettled(copies.values());
  });

  app.get('/backup/status', { schema: { response: { 200: BackupStatus } } }, async () => ({
    ...status,
    databaseBytes: await databaseBytes(stores.maintenance),
  }));

  // Not HEAD: a HEAD request would make a whole copy to send nothing.
  app.get('/backup', { exposeHeadRoute: false }, async (request, reply) => {
    if (status.running) throw conflict('A backup is being made right now. Wait for it to finish, then try again.');
    const fileName = backupFileName(new Date());
    const run = { phase: 'copying' as 'copying' | 'sending', percent: 0, fileName };
    status.running = run;
    status.started++;
    const finish = (ok: boolean, bytes: number | null, message: string | null) => {
      if (status.running !== run) return;
      status.running = null;
      status.last = { fileName, bytes, ok, message, finishedAt: new Date().toISOString() };
    };

    // The admin may close the tab while the copy is made: then it stops, and nothing is left behind.
    const stop = new AbortController();
    reply.raw.once('close', () => stop.abort());
    const abandoned = () => {
      finish(false, null, closing ? 'Docent was shutting down, so the backup was stopped.' : 'The download was cancelled before the backup was ready.');
      if (closing) throw new HttpError(503, 'Docent is shutting down. Try again once it is back.');
      // Nobody is listening: close the response without an answer.
      reply.hijack();
      reply.raw.destroy();
      return reply;
    };
    const started = performance.now();
    let copy: BackupCopy;
    try {
      const making = copyDatabase(stores.maintenance, config.dataDir, {
        signal: stop.signal,
        onProgress: (fraction) => {
          run.percent = Math.floor(fraction * 100);
        },
      });
      copies.set(stop, making);
      copy = await making;
    } catch (err) {
      if (err instanceof BackupCancelled) return abandoned();
      finish(false, null, err instanceof HttpError ? err.message : 'The backup could not be made. The server log has the details.');
      throw err;
    } finally {
      copies.delete(stop);
    }
    // Gone in the moment the copy was finished: the listener below would never hear it.
    if (stop.signal.aborted) {
      copy.remove();
      return abandoned();
    }

    request.log.info({ bytes: copy.bytes, ms: Math.round(performance.now() - started) }, 'backup made');
    run.phase = 'sending';
    run.percent = 100;
    const stream = createReadStream(copy.file);
    // Sent, or cut off: the copy is deleted either way (it holds every conversation and sealed secret).
    reply.raw.once('close', () => {
      stream.destroy();
      copy.remove();
      const sent = reply.raw.writableFinished;
      finish(sent, copy.bytes, sent ? null : 'The download was cut off before it finished. Try again.');
    });
    return reply
      .header('content-type', 'application/vnd.sqlite3')
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .header('content-length', copy.bytes)
      .header('cache-control', 'no-store')
      .send(stream);
  });

  app.get('/settings/export', async (_request, reply) => {
    const file = await exportSettings(app);
    return reply
      .header('content-disposition', `attachment; filename="docent-settings-${file.exportedAt.slice(0, 10)}.json"`)
      .header('cache-control', 'no-store')
      .send(file);
  });

  app.post('/settings/import/preview', { schema: { body: SettingsFileBody, response: { 200: ImportResult, 400: ErrorBody } } }, async (request) => {
    const { changes, notes } = await planImport(app, request.body);
    return { applied: false, changes, notes };
  });

  app.post('/settings/import', { schema: { body: SettingsFileBody, response: { 200: ImportResult, 400: ErrorBody } } }, async (request) => {
    const plan = await planImport(app, request.body);
    await plan.apply();
    request.log.info({ changed: plan.changes.map((c) => c.path) }, 'settings imported');
    return { applied: true, changes: plan.changes, notes: plan.notes };
  });
};
