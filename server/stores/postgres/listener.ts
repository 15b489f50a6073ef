// One LISTEN connection per node, for every channel the PostgreSQL stores follow (docent_vectors: the vector
// copies; docent_config and docent_indexes: the caches of settings and of the active index). A notification reaches
// the channel's subscriber; a lost connection is told to every subscriber (what it missed meanwhile cannot be known)
// and opened again after a pause.
import pg from 'pg';
import type { Pool } from './database.js';

/** A lost LISTEN connection is opened again after this long. */
const RECONNECT_MS = 1_000;

export interface ChannelSubscriber {
  notify(payload: string): void;
  /** The connection is gone: notifications may be missed until `restored`. */
  lost?(): void;
  /** Listening after a loss or a failed first try (not after a first try that worked). */
  restored?(): void;
}

export class PostgresListener {
  private readonly subscribers = new Map<string, ChannelSubscriber>();
  private client: pg.Client | null = null;
  private started: Promise<void> | null = null;
  private reconnect: NodeJS.Timeout | undefined;
  private attempts = 0;
  private closed = false;

  constructor(private readonly pool: Pool) {}

  /** Subscribes `channel` (a plain identifier), before `start`. */
  subscribe(channel: string, subscriber: ChannelSubscriber): void {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
    if (this.started) throw new Error('subscribe before the listener starts');
    this.subscribers.set(channel, subscriber);
  }

  /** True while notifications arrive: a subscriber may trust that it hears of every change. */
  get listening(): boolean {
    return this.client !== null;
  }

  /** Connects once; resolves when LISTEN is in place, or has failed (then it is tried again). */
  start(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.started ??= this.listen();
    return this.started;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    await this.started;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    this.attempts++;
    const options = this.pool.options as pg.PoolConfig;
    const client = new pg.Client({
      connectionString: options.connectionString,
      application_name: `${options.application_name ?? 'docent'} listener`,
      // A database that does not answer is tried again, not waited for; a connection dropped without a word is
      // noticed by TCP keepalive (the vector copies' poll covers the meantime; a cached value lives 15 s at most).
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 30_000,
    });
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      const wasListening = this.client === client;
      if (wasListening) this.client = null;
      client.end().catch(() => {});
      if (wasListening) for (const subscriber of this.subscribers.values()) subscriber.lost?.();
      if (this.closed) return;
      clearTimeout(this.reconnect);
      this.reconnect = setTimeout(() => void this.listen(), RECONNECT_MS);
      this.reconnect.unref();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (message) => this.subscribers.get(message.channel)?.notify(message.payload ?? ''));
    try {
      await client.connect();
      for (const channel of this.subscribers.keys()) await client.query(`LISTEN ${channel}`);
      if (this.closed || lost) {
        await client.end().catch(() => {});
        return;
      }
      this.client = client;
      // The connection's own socket must not keep a process alive that is otherwise done.
      (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
      if (this.attempts > 1) for (const subscriber of this.subscribers.values()) subscriber.restored?.();
    } catch {
      onLost();
    }
  }
}

/**
 * Values read from PostgreSQL and kept in memory while this node hears of every change to them: triggers NOTIFY
 * `channel` at each commit that changes the rows behind them, and any notification empties the cache (as do this
 * node's own writes, through `forget`, at once). While the LISTEN connection is down nothing is kept, and a read
 * that saw a change while it ran keeps nothing. A connection dead without a word is noticed late (TCP keepalive),
 * so no value is kept longer than `maxAgeMs` whatever happens.
 */
export class NotifiedCache {
  private readonly values = new Map<string, { value: unknown; at: number }>();
  /** Bumped by every change: a read that overlapped one does not keep its (maybe older) value. */
  private generation = 0;

  constructor(
    private readonly listener: PostgresListener,
    channel: string,
    private readonly maxAgeMs = 15_000,
  ) {
    const forget = () => this.forget();
    listener.subscribe(channel, { notify: forget, lost: forget, restored: forget });
  }

  async read<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.values.get(key);
    if (hit && performance.now() - hit.at < this.maxAgeMs) return hit.value as T;
    void this.listener.start();
    const before = this.generation;
    const listening = this.listener.listening;
    const at = performance.now();
    const value = await load();
    if (listening && this.listener.listening && this.generation === before) this.values.set(key, { value, at });
    return value;
  }

  forget(): void {
    this.generation++;
    this.values.clear();
  }
}
