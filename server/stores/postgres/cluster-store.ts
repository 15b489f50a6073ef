// Rate-limit counts and schedule claims shared by every node (see ../cluster-store.ts). Each is one statement,
// so two nodes counting the same key at the same instant both see the right count.
import type { ClusterStore, RateLimitCount } from '../cluster-store.js';
import { type Pool, row } from './database.js';

// The database's clock: nodes' clocks may disagree, the windows must not.
const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

// Expired windows are removed now and then, by whichever request happens to come along.
const SWEEP_EVERY = 500;

export function postgresClusterStore(pool: Pool): ClusterStore {
  let hits = 0;
  return {
    async hit(key, windowMs) {
      if (++hits % SWEEP_EVERY === 0) await pool.query(`DELETE FROM rate_limits WHERE resets_at < ${NOW_MS} - 60000`);
      const counted = await row<{ count: number; ms_left: number }>(
        pool,
        `WITH now AS (SELECT ${NOW_MS} AS ms)
         INSERT INTO rate_limits AS r (key, count, resets_at) SELECT $1, 1, now.ms + $2 FROM now
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN r.resets_at <= (SELECT ms FROM now) THEN 1 ELSE r.count + 1 END,
           resets_at = CASE WHEN r.resets_at <= (SELECT ms FROM now) THEN (SELECT ms FROM now) + $2 ELSE r.resets_at END
         RETURNING count, resets_at - (SELECT ms FROM now) AS ms_left`,
        [key, windowMs],
      );
      return { count: counted!.count, msLeft: Math.max(0, counted!.ms_left) };
    },
    async peek(key): Promise<RateLimitCount> {
      const current = await row<{ count: number; ms_left: number }>(
        pool,
        `SELECT count, resets_at - ${NOW_MS} AS ms_left FROM rate_limits WHERE key = $1 AND resets_at > ${NOW_MS}`,
        [key],
      );
      return current ? { count: current.count, msLeft: current.ms_left } : { count: 0, msLeft: 0 };
    },
    async claimRun(schedule, everyMs, node) {
      const claimed = await row(
        pool,
        `INSERT INTO schedule_runs AS s (name, last_run_at, owner) VALUES ($1, ${NOW_MS}, $3)
         ON CONFLICT (name) DO UPDATE SET last_run_at = excluded.last_run_at, owner = excluded.owner
           WHERE s.last_run_at <= excluded.last_run_at - $2
         RETURNING name`,
        [schedule, everyMs, node],
      );
      return claimed !== undefined;
    },
  };
}
