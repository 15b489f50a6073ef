// Schedules that must run once across the cluster (catalog refresh, balance watch, re-sync, retention): each node
// keeps its own timer, and on each tick asks the cluster store whether this run is its to do. One process on
// SQLite has no cluster store: every tick runs.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ClusterStore } from '../stores/cluster-store.js';

/** Whether this node runs `schedule` now; the schedule's timer ticks every `everyMs` on every node. */
export type ScheduleGate = (schedule: string, everyMs: number) => Promise<boolean>;

/** This process among the cluster's nodes, as schedule claims and logs name it. */
export const NODE_NAME = `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;

export function scheduleGate(cluster: ClusterStore | null, node: string = NODE_NAME): ScheduleGate {
  if (!cluster) return async () => true;
  // Nodes tick out of phase: a run claimed a little less than a period ago still counts as this period's.
  return (schedule, everyMs) => cluster.claimRun(schedule, Math.floor(everyMs * 0.9), node);
}

/** For timers whose deps may lack a gate (tests building deps by hand): every tick runs. */
export const everyTickRuns: ScheduleGate = async () => true;
