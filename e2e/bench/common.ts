// Shared helpers for the benchmark sections: the row shape, a seeded PRNG, a synthetic corpus,
// percentiles and RSS sampling.
import { readFileSync } from 'node:fs';

export interface Row {
  section: string;
  metric: string;
  value: number | string;
  unit: string;
  /** Human-readable target, e.g. "≥ 2000". */
  target?: string;
  /** Whether the target is met (undefined when the row has no target). */
  met?: boolean;
  note?: string;
}

export interface Section {
  name: string;
  run(): Promise<Row[]>;
}

/** mulberry32: small, fast, good enough for synthetic data; the same seed gives the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Scales `v` to unit length in place (the bench corpora's vectors are unit length, as embeddings are). */
export function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

/** Standard normal deviates (Box–Muller), two per call of the underlying PRNG pair. */
export function gaussian(random: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

const SYLLABLES = 'ka lo mi ne ru sa ti vo be da fe gi ho ju la mo nu pe qui ra se to vu wa xe yo zi an el in or us'.split(' ');

/** A synthetic vocabulary of `size` distinct pronounceable words. */
export function vocabulary(size: number, seed = 1): string[] {
  const random = prng(seed);
  const words = new Set<string>();
  while (words.size < size) {
    const n = 2 + Math.floor(random() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

/** Draws word indices with a Zipf(1) distribution, like real text: a few words are everywhere, most are rare. */
export function zipf(size: number, random: () => number): () => number {
  const cdf = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    sum += 1 / (i + 1);
    cdf[i] = sum;
  }
  for (let i = 0; i < size; i++) cdf[i] /= sum;
  return () => {
    const x = random();
    let lo = 0,
      hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface Corpus {
  words: string[];
  sentence(n: number): string;
  document(i: number): { title: string; text: string };
}

/**
 * Deterministic documents that look like help-centre pages: a title, 2–4 '#' sections of 1–2 paragraphs of
 * 25–60 words (synthetic words are 2–3 tokens each). With the default chunking that is about 3 chunks per document.
 */
export function corpus(seed = 7, vocabularySize = 20_000): Corpus {
  const words = vocabulary(vocabularySize, seed);
  const random = prng(seed * 31 + 1);
  const word = zipf(words.length, random);
  const sentence = (n: number) => Array.from({ length: n }, () => words[word()]).join(' ');
  return {
    words,
    sentence,
    document(i: number) {
      const r = prng(seed * 1_000_003 + i);
      const w = zipf(words.length, r);
      const s = (n: number) => Array.from({ length: n }, () => words[w()]).join(' ');
      const sections = 2 + Math.floor(r() * 3);
      const parts: string[] = [];
      for (let k = 0; k < sections; k++) {
        parts.push(`# ${s(3)} ${k}`);
        const paragraphs = 1 + Math.floor(r() * 2);
        for (let p = 0; p < paragraphs; p++) parts.push(`${s(25 + Math.floor(r() * 35))} (document ${i}, section ${k}, paragraph ${p}).`);
      }
      return { title: `Document ${i}: ${s(4)}`, text: parts.join('\n\n') };
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Samples RSS every few ms so a phase can report its peak (the event loop must breathe for samples). */
export function rssSampler(everyMs = 25): { peak(): number; stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  timer.unref();
  return {
    peak: () => Math.max(peak, process.memoryUsage.rss()),
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ result: T; ms: number }> {
  const t0 = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - t0 };
}

/**
 * RSS split as Linux reports it: anonymous memory (heap, buffers: what the process really costs) and
 * file-backed pages (the SQLite file mapped with mmap_size, code), which are the OS's file cache.
 */
export function rssParts(): { rss: number; anon: number | null; file: number | null } {
  const rss = process.memoryUsage.rss();
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) * 1024 : null;
    };
    return { rss, anon: kb('RssAnon'), file: kb('RssFile') };
  } catch {
    return { rss, anon: null, file: null };
  }
}

/** "787 MB (anon 201 MB, file 586 MB)" */
export function rssText(): string {
  const { rss, anon, file } = rssParts();
  return anon === null ? `${mb(rss)} MB` : `${mb(rss)} MB (anonymous ${mb(anon)} MB, file-backed ${mb(file ?? 0)} MB)`;
}
