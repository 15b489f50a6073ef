// Size of everything the widget makes a visitor download, measured the way it is served:
// each file compressed on its own (gzip level 9 and brotli quality 11). Reused by the benchmark.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const WIDGET_DIR = fileURLToPath(new URL('.', import.meta.url));
export const DIST_DIR = join(WIDGET_DIR, '..', 'dist', 'widget');
/** Budgets in bytes (1 KB = 1024 bytes), compressed with gzip -9. */
export const LOADER_BUDGET = 3 * 1024;
export const TOTAL_BUDGET = 20 * 1024;

export interface FileSize {
  name: string;
  bytes: number;
  gzip: number;
  brotli: number;
}
export interface WidgetSize {
  loaderGzip: number;
  loaderBrotli: number;
  totalGzip: number;
  totalBrotli: number;
  files: FileSize[];
}

export function gzipSize(buf: Buffer): number {
  return gzipSync(buf, { level: 9 }).length;
}

export function brotliSize(buf: Buffer): number {
  return brotliCompressSync(buf, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
  }).length;
}

/** Measures dist/widget: the loader (widget.js) and the total of every .js/.css file the widget can load. */
export function measureWidget(distDir = DIST_DIR): WidgetSize {
  const files = readdirSync(distDir)
    .filter((name) => /\.(js|css)$/.test(name))
    .sort((a, b) => (a == 'widget.js' ? -1 : b == 'widget.js' ? 1 : a.localeCompare(b)))
    .map((name): FileSize => {
      const buf = readFileSync(join(distDir, name));
      return { name, bytes: buf.length, gzip: gzipSize(buf), brotli: brotliSize(buf) };
    });
  const loader = files.find((f) => f.name == 'widget.js');
  if (!loader) throw new Error(`no widget.js in ${distDir}: run \`vite build --config widget/vite.config.ts\``);
  const sum = (k: 'gzip' | 'brotli') => files.reduce((n, f) => n + f[k], 0);
  return { loaderGzip: loader.gzip, loaderBrotli: loader.brotli, totalGzip: sum('gzip'), totalBrotli: sum('brotli'), files };
}

export function formatWidgetSize(s: WidgetSize): string {
  const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
  return [
    ...s.files.map((f) => `${f.name.padEnd(22)} ${String(f.bytes).padStart(6)} B   gzip ${kb(f.gzip).padStart(9)}   brotli ${kb(f.brotli).padStart(9)}`),
    `loader                          gzip ${kb(s.loaderGzip).padStart(9)}   brotli ${kb(s.loaderBrotli).padStart(9)}   (budget ${kb(LOADER_BUDGET)} gzip)`,
    `total                           gzip ${kb(s.totalGzip).padStart(9)}   brotli ${kb(s.totalBrotli).padStart(9)}   (budget ${kb(TOTAL_BUDGET)} gzip)`,
  ].join('\n');
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newestMtime(join(path, n))));
}

/**
 * Builds dist/widget/ unless it is newer than the widget sources (`npm test` has built it already).
 * A lock directory keeps test files that run in parallel from building over each other.
 */
export async function ensureWidgetBuilt(): Promise<void> {
  const loader = join(DIST_DIR, 'widget.js');
  const fresh = () =>
    existsSync(loader) && statSync(loader).mtimeMs >= Math.max(newestMtime(join(WIDGET_DIR, 'src')), statSync(join(WIDGET_DIR, 'vite.config.ts')).mtimeMs);
  if (fresh()) return;
  const lock = join(WIDGET_DIR, '..', 'dist', '.widget-build.lock');
  mkdirSync(join(WIDGET_DIR, '..', 'dist'), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      /* someone else is building */
    }
    if (waited > 60_000) rmSync(lock, { recursive: true, force: true }); // stale lock
    await new Promise((r) => setTimeout(r, 200));
    if (fresh()) return;
  }
  try {
    if (fresh()) return;
    const { build } = await import('vite');
    await build({ configFile: join(WIDGET_DIR, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
