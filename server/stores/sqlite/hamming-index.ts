// The coarse pass of vector search: every binary-quantized vector of an index kept in WebAssembly memory
// (dimensions / 8 bytes each: 19 MB for 100,000 × 1536) and scanned with SIMD popcounts in ~2 ms, a flat
// cost whatever the number of candidates. sqlite-vec's own bit[] KNN costs 13 ms for 64 candidates and
// 28 ms for 192 at 100k (npm run bench -- retrieval), which is what the exact rescoring needs.
import { HAMMING_WASM } from './hamming-wasm.js';

const wasmModule = new WebAssembly.Module(Buffer.from(HAMMING_WASM, 'base64'));
const PAGE = 65_536;

interface Kernel {
  memory: WebAssembly.Memory;
  distances(query: number, vectors: number, count: number, stride: number, out: number): void;
}

/** Sign bits of a float vector, bit i of byte i/8 set when v[i] > 0: the layout of sqlite-vec's vec_quantize_binary(). */
export function quantizeBinary(vector: ArrayLike<number>): Uint8Array {
  const bits = new Uint8Array(Math.ceil(vector.length / 8));
  for (let i = 0; i < vector.length; i++) if (vector[i] > 0) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

/**
 * Binary vectors by id with a nearest-by-Hamming-distance search. Memory layout: the query at 0, then
 * the vectors `stride` bytes apart (slots 0..size-1, kept dense by moving the last into a freed slot),
 * then the distances (u16 per slot).
 */
export class HammingIndex {
  /** Bytes per vector in memory: the kernel reads 16 at a time. */
  readonly stride: number;
  private readonly kernel: Kernel;
  private ids = new Float64Array(0);
  private readonly slots = new Map<number, number>();
  private capacity = 0;
  private bytesView: Uint8Array | null = null;

  /** `expected`: how many vectors are about to be added (room is made once, not by doubling). */
  constructor(
    readonly bytes: number,
    expected = 1024,
  ) {
    this.stride = Math.ceil(bytes / 16) * 16;
    this.kernel = new WebAssembly.Instance(wasmModule).exports as unknown as Kernel;
    this.reserve(Math.max(1024, expected));
  }

  get size(): number {
    return this.slots.size;
  }

  has(id: number): boolean {
    return this.slots.has(id);
  }

  /** Adds the vector, or replaces the one stored under `id`. */
  upsert(id: number, bits: Uint8Array): void {
    if (bits.length !== this.bytes) throw new Error(`expected ${this.bytes} bytes, got ${bits.length}`);
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.size;
      if (slot === this.capacity) this.reserve(this.capacity * 2);
      this.slots.set(id, slot);
      this.ids[slot] = id;
    }
    const at = this.vectorOffset(slot);
    const memory = this.view();
    memory.set(bits, at);
    if (this.stride > this.bytes) memory.fill(0, at + this.bytes, at + this.stride);
  }

  remove(id: number): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    const last = this.size - 1;
    this.slots.delete(id);
    if (slot !== last) {
      const moved = this.ids[last];
      this.view().copyWithin(this.vectorOffset(slot), this.vectorOffset(last), this.vectorOffset(last) + this.stride);
      this.ids[slot] = moved;
      this.slots.set(moved, slot);
    }
  }

  clear(): void {
    this.slots.clear();
  }

  /** Ids of the `k` vectors closest to `query` by Hamming distance, closest first (ties in slot order). */
  nearest(query: Uint8Array, k: number): number[] {
    const count = this.size;
    if (count === 0 || k <= 0) return [];
    const memory = this.view();
    memory.set(query.subarray(0, this.bytes), 0);
    memory.fill(0, this.bytes, this.stride);
    const out = this.vectorOffset(this.capacity);
    this.kernel.distances(0, this.vectorOffset(0), count, this.stride, out);
    const distances = new Uint16Array(this.kernel.memory.buffer, out, count);
    // Distances are small integers (≤ 8 × bytes): a counting pass finds the k-th smallest, a second
    // pass buckets the ids by distance, no sort of 100,000 numbers needed.
    const histogram = new Uint32Array(this.bytes * 8 + 2);
    for (let i = 0; i < count; i++) histogram[distances[i] + 1]++;
    let cut = 0;
    for (let seen = 0; cut < histogram.length - 2 && seen + histogram[cut + 1] < k; cut++) seen += histogram[cut + 1];
    // histogram[d + 1] → start of distance d among the kept ids (prefix sums up to the cut).
    for (let d = 1; d <= cut + 1; d++) histogram[d] += histogram[d - 1];
    const kept = Math.min(k, count);
    const result = new Array<number>(kept);
    for (let i = 0; i < count; i++) {
      const d = distances[i];
      if (d > cut) continue;
      const at = histogram[d]++;
      if (at < kept) result[at] = this.ids[i];
    }
    return result;
  }

  private vectorOffset(slot: number): number {
    return this.stride + slot * this.stride;
  }

  /** A byte view of the memory, made again only after it grew (growing detaches the old buffer). */
  private view(): Uint8Array {
    if (this.bytesView?.buffer !== this.kernel.memory.buffer) this.bytesView = new Uint8Array(this.kernel.memory.buffer);
    return this.bytesView;
  }

  private reserve(capacity: number): void {
    // query + vectors + u16 distances, rounded up to whole pages
    const needed = this.stride * (capacity + 1) + capacity * 2;
    const pages = Math.ceil(needed / PAGE) - this.kernel.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.kernel.memory.grow(pages);
    const ids = new Float64Array(capacity);
    ids.set(this.ids.subarray(0, Math.min(this.ids.length, capacity)));
    this.ids = ids;
    this.capacity = capacity;
  }
}
