// Each node's in-memory copies of the vector indexes (server/stores/vector-index/compact-index.ts), read from
// index_vectors and kept in step with the writes of every node: triggers log each change in vector_changes
// (migration 002) and NOTIFY docent_vectors; this node LISTENs on a connection of its own and applies every change
// after the last it applied, its own included. Applying reads the current code, so applying twice does no harm. A
// poll every few seconds catches what a lost connection missed (the node's listener opens it again: listener.ts).
import { CompactIndex, codeLength } from '../vector-index/compact-index.js';
import type { VectorIndex } from '../vector-store.js';
import { rows, type Pool } from './database.js';
import type { PostgresListener } from './listener.js';

/** Sign bits need a multiple of 8 dimensions: other sizes are padded with zeros, which change no distance. */
export const codeDimensions = (dimensions: number) => Math.ceil(dimensions / 8) * 8;
export function padded(vector: Float32Array, dimensions: number): Float32Array {
  if (vector.length === dimensions) return vector;
  const out = new Float32Array(dimensions);
  out.set(vector.subarray(0, dimensions));
  return out;
}

/**
 * A stored code as `copy` holds it: one made for the unpadded dimension (shorter) gets the padding's nibbles (8, what
 * encodeVector gives a zero), the same for every vector, so no distance changes order; one of another size is null.
 */
function fitted(copy: CompactIndex, code: Buffer): Uint8Array | null {
  const length = codeLength(copy.dimensions);
  if (code.length === length) return code;
  if (code.length > length || code.length < length - 4) return null;
  const out = new Uint8Array(length).fill(0x88);
  out.set(code);
  return out;
}

export const VECTOR_CHANNEL = 'docent_vectors';
/** The poll that catches changes whose NOTIFY was lost (NOTIFY wakes nodes at once; this is the fallback). */
const POLL_MS = 5_000;
/** Changes older than this are trimmed, by whichever node trims first, at most once a minute per node. */
const KEEP_CHANGES_MS = 10 * 60_000;
const TRIM_EVERY_MS = 60_000;
/** Rows read per query when loading an index or applying changes. */
const PAGE = 10_000;

interface Change {
  id: number;
  index_id: number;
  chunk_id: number | null;
  code: Buffer | null;
}

export class VectorCopies {
  private readonly copies = new Map<number, CompactIndex>();
  /** Id of the last change applied to every copy; null until first read (nothing loaded yet). */
  private lastApplied: number | null = null;
  /** Loads and catch-ups run one at a time, in order: a copy is never loaded while changes are half applied. */
  private queue: Promise<unknown> = Promise.resolve();
  private catchUpQueued: Promise<void> | null = null;
  private poll: NodeJS.Timeout | undefined;
  private lastTrim = 0;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly listener: PostgresListener,
  ) {
    listener.subscribe(VECTOR_CHANNEL, {
      notify: (payload) => {
        if (this.lastApplied !== null && Number(payload) <= this.lastApplied) return;
        void this.catchUp().catch(() => {});
      },
      // What was missed while the connection was down is applied at once.
      restored: () => void this.catchUp().catch(() => {}),
    });
  }

  /** Starts listening (and polling) once; resolves when the LISTEN is in place, or has failed (the poll remains). */
  start(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.poll) {
      this.poll = setInterval(() => void this.catchUp().catch(() => {}), POLL_MS);
      this.poll.unref();
    }
    return this.listener.start();
  }

  /** Stops the poll and forgets the copies (the node's listener is closed by its owner). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poll);
    await this.queue.catch(() => {});
    this.copies.clear();
  }

  /** The index's copy, read from the database first if this node has none. */
  async copyOf(index: VectorIndex): Promise<CompactIndex | null> {
    const copy = this.copies.get(index.id);
    if (copy) return copy;
    await this.serially(() => this.load(index.id));
    return this.copies.get(index.id) ?? null;
  }

  /** Forgets a copy at once (its index dropped by this node): no search finds its vectors, nor its memory held. */
  forget(indexId: number): void {
    this.copies.delete(indexId);
  }

  /** Applies every change committed since the last applied; calls made while one runs share the next run. */
  catchUp(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.catchUpQueued) {
      const run = this.serially(async () => {
        this.catchUpQueued = null;
        await this.applyChanges();
      });
      this.catchUpQueued = run;
    }
    return this.catchUpQueued;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Reads the index's codes into a new copy, in one snapshot with the last change id, and swaps it in. */
  private async load(indexId: number): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const [{ last }] = await rows<{ last: number }>(client, 'SELECT coalesce(max(id), 0) AS last FROM vector_changes');
      const [index] = await rows<{ dimensions: number | null; count: number }>(
        client,
        'SELECT dimensions, (SELECT count(*) FROM index_vectors WHERE index_id = $1) AS count FROM vector_indexes WHERE id = $1',
        [indexId],
      );
      if (!index?.dimensions) {
        this.copies.delete(indexId);
      } else {
        const copy = new CompactIndex(codeDimensions(index.dimensions), index.count);
        let after = -1;
        for (;;) {
          const page = await rows<{ chunk_id: number; code: Buffer }>(
            client,
            'SELECT chunk_id, code FROM index_vectors WHERE index_id = $1 AND chunk_id > $2 ORDER BY chunk_id LIMIT $3',
            [indexId, after, PAGE],
          );
          for (const { chunk_id, code } of page) {
            const fit = fitted(copy, code);
            if (fit) copy.upsert(chunk_id, fit);
          }
          if (page.length < PAGE) break;
          after = page[page.length - 1].chunk_id;
        }
        this.copies.set(indexId, copy);
      }
      await client.query('COMMIT');
      // Changes after `last` are applied by the next catch-up (again, if this copy already holds them: no harm).
      if (this.lastApplied === null) this.lastApplied = last;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  private async applyChanges(): Promise<void> {
    if (this.lastApplied === null) {
      const [{ last }] = await rows<{ last: number }>(this.pool, 'SELECT coalesce(max(id), 0) AS last FROM vector_changes');
      if (this.lastApplied === null) this.lastApplied = last;
      return;
    }
    const reload = new Set<number>();
    // Changes trimmed before this node saw them (it was cut off for minutes): its copies are read again.
    const [{ first }] = await rows<{ first: number | null }>(this.pool, 'SELECT min(id) AS first FROM vector_changes');
    if (first !== null && first > this.lastApplied + 1) for (const id of this.copies.keys()) reload.add(id);
    for (;;) {
      const changes: Change[] = await rows<Change>(
        this.pool,
        `SELECT c.id, c.index_id, c.chunk_id, v.code FROM vector_changes c
        LEFT JOIN index_vectors v ON v.index_id = c.index_id AND v.chunk_id = c.chunk_id
        WHERE c.id > $1 ORDER BY c.id LIMIT $2`,
        [this.lastApplied, PAGE],
      );
      for (const change of changes) {
        if (change.chunk_id === null) reload.add(change.index_id);
        else {
          const copy = this.copies.get(change.index_id);
          if (copy && !reload.has(change.index_id)) {
            const fit = change.code && fitted(copy, change.code);
            if (fit) copy.upsert(change.chunk_id, fit);
            else copy.remove(change.chunk_id);
          }
        }
      }
      if (changes.length) this.lastApplied = changes[changes.length - 1].id;
      if (changes.length < PAGE) break;
    }
    if (reload.size) {
      // Copies this node holds are read again; an index swapped in is read now, before a visitor needs it.
      const active = await rows<{ id: number }>(this.pool, "SELECT id FROM vector_indexes WHERE status = 'active'");
      for (const id of reload) if (this.copies.has(id) || active.some((a) => a.id === id)) await this.load(id);
    }
    await this.trim();
  }

  private async trim(): Promise<void> {
    const now = Date.now();
    if (now - this.lastTrim < TRIM_EVERY_MS) return;
    this.lastTrim = now;
    // The newest row stays: it tells a node that comes back whether it missed anything.
    await this.pool.query('DELETE FROM vector_changes WHERE changed_at < $1 AND id < (SELECT max(id) FROM vector_changes)', [now - KEEP_CHANGES_MS]);
  }
}
