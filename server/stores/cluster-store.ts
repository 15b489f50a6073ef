// What several Docent nodes on one database must share beyond the data itself: request counts for rate
// limits (a limit of 30 a minute is 30 across the cluster, not 30 per node), and schedules that must run once
// across the cluster rather than once per node. One process on SQLite needs neither: its store is null, rate
// limits stay in memory and every schedule tick runs.

export interface RateLimitCount {
  /** Requests counted under the key in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count starts again. */
  msLeft: number;
}

export interface ClusterStore {
  /** Counts one request under `key` in a fixed window of `windowMs` (the database's clock, shared by all nodes). */
  hit(key: string, windowMs: number): Promise<RateLimitCount>;
  /** The current count under `key` without counting a request (count 0 when no window is open). */
  peek(key: string): Promise<RateLimitCount>;
  /**
   * Claims this run of `schedule` for `node`: true for exactly one caller across the cluster within any
   * `everyMs`, false for the others (they skip this tick).
   */
  claimRun(schedule: string, everyMs: number, node: string): Promise<boolean>;
}
