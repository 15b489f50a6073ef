// What the key status, the balance watch and the catalog refresh need, named: built once in app.ts from the
// saved settings, so nothing here reaches into the settings feature or the Fastify instance.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { ProviderStore } from '../stores/provider-store.js';
import type { Stores } from '../stores/stores.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Connection } from './client.js';
import type { ScheduleGate } from '../cluster/schedule.js';

export interface OpenRouterDeps {
  /** The cached catalogs, the key status and the last balance read. */
  store: ProviderStore;
  /** Where the dashboard's alerts are kept and notified from. */
  stores: Pick<Stores, 'chat' | 'notifications'>;
  /** Ties stored observations to one key without storing the key. */
  secretBox: Pick<SecretBox, 'fingerprint'>;
  config: Pick<Config, 'publicUrl'>;
  log: Pick<FastifyBaseLogger, 'warn'>;
  /** Where provider calls go right now: the saved provider, its base URL and the decrypted key. */
  savedConnection: () => Promise<Connection>;
  /** The admin's low-balance warning level in USD; 0 turns the warning off. */
  lowBalanceUsd: () => Promise<number>;
  /** Whether this node runs a background tick (once across the cluster); every tick when unset. */
  schedule?: ScheduleGate;
}

/** A background timer: started once the server is ready, stopped when it closes. */
export interface BackgroundTimer {
  start(): void;
  stop(): void;
}
