// Keeps the cached catalogs at most a day old without the admin having to open the screen.
import { CATALOG_MAX_AGE_MS, refreshCatalog } from './catalog.js';
import type { BackgroundTimer, OpenRouterDeps } from './deps.js';
import { keyOutcomeReport } from './key-status.js';
import { everyTickRuns } from '../cluster/schedule.js';

const CHECK_EVERY_MS = 60 * 60 * 1000;

/** Refreshes a catalog older than a day, looking every hour (unref'd: it never keeps the process up). */
export function catalogRefresh(deps: OpenRouterDeps): BackgroundTimer {
  const tick = async () => {
    if (!(await (deps.schedule ?? everyTickRuns)('catalog-refresh', CHECK_EVERY_MS))) return;
    const connection = await deps.savedConnection();
    for (const kind of ['chat', 'embedding'] as const) {
      const fetchedAt = await deps.store.newestCatalogFetch(kind);
      if (fetchedAt === null || Date.now() - fetchedAt > CATALOG_MAX_AGE_MS) {
        const error = await refreshCatalog(deps.store, kind, connection, deps.config, keyOutcomeReport(deps, connection));
        if (error) deps.log.warn({ kind }, error);
      }
    }
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    start() {
      timer = setInterval(() => {
        tick().catch((err) => deps.log.warn({ err }, 'catalog refresh failed'));
      }, CHECK_EVERY_MS);
      timer.unref();
    },
    stop: () => clearInterval(timer),
  };
}
