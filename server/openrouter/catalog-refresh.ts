// Keeps the cached catalogs at most a day old without the admin having to open the screen.
import type { FastifyInstance } from 'fastify';
import { currentConnection } from '../settings/connection.js';
import { CATALOG_MAX_AGE_MS, refreshCatalog } from './catalog.js';
import { keyOutcomeReport } from './key-status.js';

const CHECK_EVERY_MS = 60 * 60 * 1000;

export function startCatalogRefresh(app: FastifyInstance): void {
  const tick = async () => {
    const connection = currentConnection(app);
    for (const kind of ['chat', 'embedding'] as const) {
      const row = app.db.prepare('SELECT fetched_at FROM model_catalog WHERE kind = ? ORDER BY fetched_at DESC LIMIT 1').get(kind) as
        | { fetched_at: number }
        | undefined;
      if (!row || Date.now() - row.fetched_at > CATALOG_MAX_AGE_MS) {
        const error = await refreshCatalog(app.db, kind, connection, app.config, keyOutcomeReport(app, connection));
        if (error) app.log.warn({ kind }, error);
      }
    }
  };
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      tick().catch((err) => app.log.warn({ err }, 'catalog refresh failed'));
    }, CHECK_EVERY_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}
