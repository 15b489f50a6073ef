// The in-memory vector index: every vector of an index kept as compact codes, searched in three passes so that
// only a few dozen candidates are read back as floats from SQLite for the exact rescoring:
//   1. Hamming distance over sign bits (WebAssembly SIMD, hamming.wat). Past CASCADE_FROM vectors, a first scan
//      over a 256-bit prefix of the bits (32 MB at 1M vectors, not 192 MB) keeps a few per cent, and only those
//      get their full Hamming distance.
//   2. The best `coarse` by Hamming are rescored with 4-bit codes (a nibble per dimension and one scale per
//      vector) against the float query: close to the exact order (recall@8 ≥ 0.99 at 1M on the bench's corpus),
//      where sign bits alone need ~20× more candidates to reach 0.95 at that size.
//   3. The caller rescores what is left exactly (vector-store.ts).
// Memory per 1536-d vector: 192 B of bits + 32 B of prefix + 772 B of 4-bit code ≈ 1 KB (1 GB at 1M).
import { HAMMING_WASM } from './hamming-wasm.js';

const wasmModule = new WebAssembly.Module(Buffer.from(HAMMING_WASM, 'base64'));
const PAGE = 65_536;
/** Bytes of the bit prefix scanned first in big indexes (256 dimensions: with Matryoshka-trained models such as
 * text-embedding-3 the first dimensions carry the most, and for others it is a fair sample of them). */
const PREFIX_BYTES = 32;
/** Below this many vectors the full Hamming scan is cheap (~6 ms at 200k), no prefix pass is needed. */
export const CASCADE_FROM = 200_000;
/** Bytes of the scale stored before the nibbles of a code. */
const SCALE_BYTES = 4;

interface Kernel {
  memory: WebAssembly.Memory;
  distances(query: number, vectors: number, count: number, stride: number, out: number): void;
  distances_at(query: number, vectors: number, slots: number, count: number, stride: number, out: number): void;
  dots_at(low: number, high: number, codes: number, slots: number, count: number, stride: number, out: number): void;
  signs(nibbles: number, bits: number, count: number): void;
  histogram(distances: number, count: number, counts: number): void;
  select(distances: number, count: number, cut: number, out: number): number;
}

/** Sign bits of a float vector, bit i of byte i/8 set when v[i] > 0: the layout of sqlite-vec's vec_quantize_binary(). */
export function quantizeBinary(vector: ArrayLike<number>): Uint8Array {
  const bits = new Uint8Array(Math.ceil(vector.length / 8));
  for (let i = 0; i < vector.length; i++) if (vector[i] > 0) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

/** Bytes of a vector's code. */
export const codeLength = (dimensions: number) => SCALE_BYTES + Math.ceil(dimensions / 2);

/**
 * A vector's stored code: a float32 scale, then one nibble per dimension (dimension 2p in the low half of byte p):
 * value ≈ scale × (nibble − 7.5), for the vector scaled to unit length (so that a dot product with the query
 * orders by cosine). The scale maps the largest magnitude to 0 or 15.
 */
export function encodeVector(vector: ArrayLike<number>): Uint8Array {
  let max = 0;
  let squares = 0;
  for (let i = 0; i < vector.length; i++) {
    max = Math.max(max, Math.abs(vector[i]));
    squares += vector[i] * vector[i];
  }
  const length = Math.sqrt(squares) || 1;
  const scale = max / length / 7.5 || 1;
  const code = new Uint8Array(codeLength(vector.length));
  new DataView(code.buffer).setFloat32(0, scale, true);
  const nibble = (x: number) => Math.min(15, Math.max(0, Math.round(x / length / scale + 7.5)));
  for (let i = 0; i < vector.length; i += 2) {
    code[SCALE_BYTES + (i >> 1)] = nibble(vector[i]) | (i + 1 < vector.length ? nibble(vector[i + 1]) << 4 : 0);
  }
  return code;
}

const scaleBytes = new Uint8Array(SCALE_BYTES);
const scaleValue = new Float32Array(scaleBytes.buffer);

/**
 * Codes by id. Slots 0..size-1 are kept dense (the last moves into a freed slot). WebAssembly memory holds the
 * query (its bits, then its int8 values split into even and odd dimensions), then per slot the bits (`stride`
 * bytes), the prefixes and the nibbles (`nibbleStride` bytes), then room for the distances (u16 per slot), a list
 * of slots (u32) and the 4-bit pass's dot products (i32). The scales and ids live in plain typed arrays.
 */
export class CompactIndex {
  /** Bytes of sign bits per vector, and per slot in memory (the kernel reads 16 at a time). */
  readonly bytes: number;
  readonly stride: number;
  private readonly nibbleBytes: number;
  private readonly nibbleStride: number;
  private readonly prefix: number;
  private readonly kernel: Kernel;
  private readonly slots = new Map<number, number>();
  private ids = new Float64Array(0);
  private scales = new Float32Array(0);
  private capacity = 0;
  private layout = { low: 0, high: 0, bits: 0, prefix: 0, nibbles: 0, distances: 0, list: 0, dots: 0, counts: 0 };
  private bytesView: Uint8Array | null = null;

  /** `expected`: how many vectors are about to be added (room is made once, not by doubling); `cascadeFrom`: the
   * size from which searches start with the prefix scan (tests lower it). */
  constructor(
    readonly dimensions: number,
    expected = 1024,
    private readonly cascadeFrom = CASCADE_FROM,
  ) {
    if (dimensions % 8 !== 0) throw new Error('the compact index needs a multiple of 8 dimensions');
    this.bytes = dimensions / 8;
    this.stride = Math.ceil(this.bytes / 16) * 16;
    this.nibbleBytes = dimensions / 2;
    this.nibbleStride = Math.ceil(this.nibbleBytes / 16) * 16;
    this.prefix = this.stride >= 4 * PREFIX_BYTES ? PREFIX_BYTES : 0;
    this.kernel = new WebAssembly.Instance(wasmModule).exports as unknown as Kernel;
    this.reserve(Math.max(1024, expected));
  }

  get size(): number {
    return this.slots.size;
  }

  has(id: number): boolean {
    return this.slots.has(id);
  }

  /** Adds the code (encodeVector()), or replaces the one stored under `id`. */
  upsert(id: number, code: Uint8Array): void {
    if (code.length !== SCALE_BYTES + this.nibbleBytes) throw new Error(`expected a code of ${SCALE_BYTES + this.nibbleBytes} bytes, got ${code.length}`);
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.size;
      if (slot === this.capacity) this.reserve(Math.max(this.capacity + 1024, Math.ceil(this.capacity * 1.25)));
      this.slots.set(id, slot);
      this.ids[slot] = id;
    }
    scaleBytes.set(code.subarray(0, SCALE_BYTES));
    this.scales[slot] = scaleValue[0];
    const memory = this.view();
    const nibblesAt = this.layout.nibbles + slot * this.nibbleStride;
    memory.set(code.subarray(SCALE_BYTES), nibblesAt);
    memory.fill(0, nibblesAt + this.nibbleBytes, nibblesAt + this.nibbleStride);
    const at = this.layout.bits + slot * this.stride;
    this.kernel.signs(nibblesAt, at, this.bytes);
    memory.fill(0, at + this.bytes, at + this.stride);
    if (this.prefix) memory.copyWithin(this.layout.prefix + slot * this.prefix, at, at + this.prefix);
  }

  remove(id: number): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    const last = this.size - 1;
    this.slots.delete(id);
    if (slot === last) return;
    const moved = this.ids[last];
    const memory = this.view();
    const { bits, prefix, nibbles } = this.layout;
    memory.copyWithin(bits + slot * this.stride, bits + last * this.stride, bits + (last + 1) * this.stride);
    if (this.prefix) memory.copyWithin(prefix + slot * this.prefix, prefix + last * this.prefix, prefix + (last + 1) * this.prefix);
    memory.copyWithin(nibbles + slot * this.nibbleStride, nibbles + last * this.nibbleStride, nibbles + (last + 1) * this.nibbleStride);
    this.scales[slot] = this.scales[last];
    this.ids[slot] = moved;
    this.slots.set(moved, slot);
  }

  clear(): void {
    this.slots.clear();
  }

  /** Ids of the `k` vectors closest to `query` by Hamming distance of their sign bits, closest first. */
  nearestByHamming(query: ArrayLike<number>, k: number): number[] {
    return this.hammingSlots(query, k).map((slot) => this.ids[slot]);
  }

  /**
   * Ids of about the `k` vectors nearest to `query` by cosine: the best `coarse` by Hamming distance, rescored
   * with their 4-bit codes. Best first.
   */
  nearest(query: ArrayLike<number>, k: number, coarse: number): number[] {
    const candidates = this.hammingSlots(query, Math.max(k, coarse));
    if (candidates.length <= k) return candidates.map((slot) => this.ids[slot]);
    // The query as int8 (its largest magnitude → 127), split into even and odd dimensions as the nibbles are.
    let max = 0;
    let sum = 0;
    for (let i = 0; i < this.dimensions; i++) max = Math.max(max, Math.abs(query[i]));
    const memory = this.view();
    const { low, high, nibbles, list, dots } = this.layout;
    const int8 = new Int8Array(memory.buffer, low, 2 * this.nibbleStride);
    int8.fill(0);
    for (let i = 0; i < this.dimensions; i++) {
      const q = Math.round((query[i] / (max || 1)) * 127);
      int8[(i & 1 ? this.nibbleStride : 0) + (i >> 1)] = q;
      sum += q;
    }
    new Uint32Array(memory.buffer, list, candidates.length).set(candidates);
    this.kernel.dots_at(low, high, nibbles, list, candidates.length, this.nibbleStride, dots);
    // value ≈ scale × (nibble − 7.5): the dot product with the vector is scale × (Σ q·nibble − 7.5 Σ q).
    const products = new Int32Array(memory.buffer, dots, candidates.length);
    const offset = 7.5 * sum;
    // The best k kept in order by insertion: after the first few, most candidates fall below the k-th and cost
    // one comparison (a sort of all of them was half of this pass's time).
    const bestScores = new Float64Array(k);
    const bestSlots = new Float64Array(k);
    let kept = 0;
    for (let i = 0; i < candidates.length; i++) {
      const score = this.scales[candidates[i]] * (products[i] - offset);
      if (kept === k && score <= bestScores[k - 1]) continue;
      let at = kept < k ? kept++ : k - 1;
      while (at > 0 && bestScores[at - 1] < score) {
        bestScores[at] = bestScores[at - 1];
        bestSlots[at] = bestSlots[at - 1];
        at--;
      }
      bestScores[at] = score;
      bestSlots[at] = candidates[i];
    }
    return Array.from(bestSlots.subarray(0, kept), (slot) => this.ids[slot]);
  }

  /** Slots of the `k` vectors closest by Hamming distance: a full scan, or a prefix scan then the survivors' full distances. */
  private hammingSlots(query: ArrayLike<number>, k: number): number[] {
    const count = this.size;
    if (count === 0 || k <= 0) return [];
    const memory = this.view();
    memory.set(quantizeBinary(query), 0);
    memory.fill(0, this.bytes, this.stride);
    const { bits, prefix, distances, list } = this.layout;
    if (!this.prefix || count < this.cascadeFrom) {
      this.kernel.distances(0, bits, count, this.stride, distances);
      return this.smallest(count, k, this.bytes * 8);
    }
    // The prefix pass keeps ~1 % (at least 4 per wanted candidate): the query's neighbourhood, by 256 bits.
    this.kernel.distances(0, prefix, count, this.prefix, distances);
    const survivors = this.smallest(count, Math.max(4 * k, Math.ceil(count / 100)), this.prefix * 8);
    new Uint32Array(memory.buffer, list, survivors.length).set(survivors);
    this.kernel.distances_at(0, bits, list, survivors.length, this.stride, distances);
    return this.smallest(survivors.length, k, this.bytes * 8).map((i) => survivors[i]);
  }

  /**
   * Indexes of the `k` smallest of the `count` distances (≤ `max`) in memory, smallest first (ties in index order).
   * Distances are small integers: a histogram finds the k-th smallest, the indexes up to it are picked and
   * bucketed by distance, no sort needed. The two passes over every distance run in WebAssembly.
   */
  private smallest(count: number, k: number, max: number): number[] {
    const { distances, dots, counts } = this.layout;
    const memory = this.view();
    const histogram = new Uint32Array(memory.buffer, counts, max + 1);
    histogram.fill(0);
    this.kernel.histogram(distances, count, counts);
    let cut = 0;
    for (let seen = 0; cut < max && seen + histogram[cut] < k; cut++) seen += histogram[cut];
    const picked = new Uint32Array(memory.buffer, dots, this.kernel.select(distances, count, cut, dots));
    // start[d]: where the indexes at distance d go among those kept.
    const start = new Uint32Array(cut + 1);
    for (let d = 1; d <= cut; d++) start[d] = start[d - 1] + histogram[d - 1];
    const values = new Uint16Array(memory.buffer, distances, count);
    const kept = Math.min(k, count);
    const result = new Array<number>(kept);
    for (const i of picked) {
      const at = start[values[i]]++;
      if (at < kept) result[at] = i;
    }
    return result;
  }

  /** A byte view of the memory, made again only after it grew (growing detaches the old buffer). */
  private view(): Uint8Array {
    if (this.bytesView?.buffer !== this.kernel.memory.buffer) this.bytesView = new Uint8Array(this.kernel.memory.buffer);
    return this.bytesView;
  }

  private reserve(capacity: number): void {
    const old = this.layout;
    const oldCapacity = this.capacity;
    const low = this.stride;
    const high = low + this.nibbleStride;
    const bits = high + this.nibbleStride;
    const prefix = bits + capacity * this.stride;
    const nibbles = prefix + capacity * this.prefix;
    const distances = nibbles + capacity * this.nibbleStride;
    const list = Math.ceil((distances + capacity * 2) / 4) * 4;
    const dots = list + capacity * 4;
    const counts = dots + capacity * 4;
    const pages = Math.ceil((counts + (this.bytes * 8 + 1) * 4) / PAGE) - this.kernel.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.kernel.memory.grow(pages);
    // The bits stay where they are; the regions after them move up, the last first (copyWithin allows overlap).
    if (oldCapacity) {
      const memory = this.view();
      memory.copyWithin(nibbles, old.nibbles, old.nibbles + this.size * this.nibbleStride);
      if (this.prefix) memory.copyWithin(prefix, old.prefix, old.prefix + this.size * this.prefix);
    }
    this.layout = { low, high, bits, prefix, nibbles, distances, list, dots, counts };
    const ids = new Float64Array(capacity);
    ids.set(this.ids.subarray(0, Math.min(this.ids.length, capacity)));
    this.ids = ids;
    const scales = new Float32Array(capacity);
    scales.set(this.scales.subarray(0, Math.min(this.scales.length, capacity)));
    this.scales = scales;
    this.capacity = capacity;
  }
}
