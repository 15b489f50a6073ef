// Small display helpers.

/** 400000 -> "400K context", 1048576 -> "1M context". */
export function formatContext(tokens: number | null): string | null {
  if (!tokens || tokens <= 0) return null;
  if (tokens >= 1_000_000) return `${trimZeros((Math.round(tokens / 100_000) / 10).toFixed(1))}M context`;
  if (tokens >= 1000) return `${Math.round(tokens / 1000)}K context`;
  return `${tokens} context`;
}

function trimZeros(s: string): string {
  return s.replace(/\.0+$/, '');
}

/** USD with at least two decimals and up to four when needed: 2 -> "$2.00", 0.075 -> "$0.075". */
export function formatUsd(n: number): string {
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  let s = abs >= 1000 ? abs.toFixed(2) : abs.toFixed(4).replace(/(\.\d\d\d*?)0+$/, '$1');
  const [int, dec] = s.split('.');
  s = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (dec ? `.${dec}` : '');
  return `${sign}$${s}`;
}

/** "$0.25 / $2.00 per 1M tokens" (input / output). */
export function formatPricing(prompt: number | null, completion: number | null): string {
  if (prompt == null && completion == null) return 'Price depends on the model used';
  const p = prompt == null ? '?' : formatUsd(prompt);
  const c = completion == null ? '?' : formatUsd(completion);
  return `${p} / ${c} per 1M tokens`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "just now", "5 minutes ago", "yesterday". */
export function relativeTime(iso: string | null, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'at an unknown time';
  const seconds = Math.round((t - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(Math.round(seconds / 60) || -1, 'minute');
}

export function formatDateTime(iso: string | null): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}

/** 12345 -> "12,345". */
export function formatNumber(n: number): string {
  return Math.round(n).toLocaleString('en');
}

/** "1 chunk", "3 chunks". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** 1268968 -> "1.2 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : trimZeros(v.toFixed(1))} ${units[i]}`;
}

/** Money spent or to spend on embeddings: tiny amounts read "less than $0.01" rather than "$0.00". */
export function formatCost(usd: number | null): string {
  if (usd == null) return 'unknown';
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return 'less than $0.01';
  return formatUsd(usd);
}

/** For a button or a confirmation: "about $1.20", "less than $0.01", "free", "price unknown". */
export function aboutCost(usd: number | null): string {
  if (usd == null) return 'price unknown';
  if (usd === 0) return 'free';
  if (usd < 0.01) return 'less than $0.01';
  return `about ${formatUsd(usd)}`;
}

/** Names the service an index embeds with, for sentences: "OpenRouter" or "the endpoint at http://…". */
export function endpointName(index: { provider: string; baseUrl: string | null }): string {
  return index.provider === 'openrouter' || !index.baseUrl ? 'OpenRouter' : `the endpoint at ${index.baseUrl}`;
}
