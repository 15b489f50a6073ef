// Content sources (the cards on Data Training) and their settings.
import { z } from 'zod';
import type { Db } from '../stores/sqlite/database.js';
import { webAddressRule } from './ingest/fetch-web.js';

export type SourceKind = 'text' | 'files' | 'web' | 'wordpress';

const MAX_URL_LENGTH = 2000;

/** Why `value` cannot be a web source address (`invalid` when it is not a URL at all); null when it can. */
function webAddressProblem(value: string, invalid: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid;
  }
  return webAddressRule(url);
}

/** A web address Docent may read: a full http(s) URL without a user name or password in it. */
export const webAddress = (invalid: string) =>
  z
    .string({ message: invalid })
    .trim()
    .max(MAX_URL_LENGTH, 'This address is too long (2,000 characters at most).')
    .superRefine((value, ctx) => {
      const problem = webAddressProblem(value, invalid);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

const LIST_ITEM_INVALID = 'Each line must be a full URL starting with http:// or https://.';
/** One address per line; a line that breaks the rule is named with its number and address. */
const webAddressList = z
  .array(z.string({ message: LIST_ITEM_INVALID }).trim().max(MAX_URL_LENGTH, 'A line is too long (2,000 characters at most).'))
  .min(1, 'Add at least one URL.')
  .max(5000, 'Add at most 5,000 URLs; use a sitemap for more.')
  .superRefine((urls, ctx) => {
    urls.forEach((value, i) => {
      const problem = webAddressProblem(value, LIST_ITEM_INVALID);
      if (problem) ctx.addIssue({ code: 'custom', path: [i], message: problem === LIST_ITEM_INVALID ? problem : `Line ${i + 1} (${value}): ${problem}` });
    });
  });

export const WebSourceConfig = z.discriminatedUnion(
  'mode',
  [
    z.object({ mode: z.literal('urls'), urls: webAddressList }),
    z.object({ mode: z.literal('sitemap'), sitemapUrl: webAddress('Enter the full sitemap URL, e.g. https://example.com/sitemap.xml.') }),
    z.object({
      mode: z.literal('crawl'),
      startUrl: webAddress('Enter the full start URL, e.g. https://example.com/.'),
      maxPages: z.number().int().min(1).max(10000).default(100),
    }),
  ],
  { message: 'Choose URLs, a sitemap, or a crawl.' },
);
export const WordPressSourceConfig = z.object({
  siteUrl: webAddress("Enter the site's address, e.g. https://example.com."),
  postTypes: z
    .array(z.string().regex(/^[a-z0-9_-]+$/i))
    .max(50)
    .optional(),
});

export interface SourceRow {
  id: number;
  kind: SourceKind;
  name: string;
  enabled: boolean;
  config: Record<string, unknown>;
  schedule: 'off' | 'daily' | 'weekly';
  lastSyncedAt: string | null;
  lastError: string | null;
}

function toSource(r: Record<string, any>): SourceRow {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    enabled: r.enabled === 1,
    config: JSON.parse(r.config),
    schedule: r.schedule,
    lastSyncedAt: r.last_synced_at,
    lastError: r.last_error,
  };
}

export function listSources(db: Db): SourceRow[] {
  return (db.prepare('SELECT * FROM sources ORDER BY id').all() as Record<string, any>[]).map(toSource);
}

export function getSource(db: Db, id: number): SourceRow | null {
  const r = db.prepare('SELECT * FROM sources WHERE id = ?').get(id) as Record<string, any> | undefined;
  return r ? toSource(r) : null;
}

export function sourceOfKind(db: Db, kind: 'text' | 'files'): SourceRow {
  return toSource(db.prepare('SELECT * FROM sources WHERE kind = ? ORDER BY id LIMIT 1').get(kind) as Record<string, any>);
}

export function createSource(db: Db, kind: 'web' | 'wordpress', name: string, config: unknown, schedule: SourceRow['schedule']): SourceRow {
  const id = Number(
    db.prepare('INSERT INTO sources (kind, name, config, schedule) VALUES (?, ?, ?, ?)').run(kind, name, JSON.stringify(config), schedule).lastInsertRowid,
  );
  return getSource(db, id)!;
}

export function updateSource(
  db: Db,
  id: number,
  patch: { name?: string; enabled?: boolean; schedule?: SourceRow['schedule']; config?: unknown },
): SourceRow | null {
  const current = getSource(db, id);
  if (!current) return null;
  db.prepare('UPDATE sources SET name = ?, enabled = ?, schedule = ?, config = ? WHERE id = ?').run(
    patch.name ?? current.name,
    (patch.enabled ?? current.enabled) ? 1 : 0,
    patch.schedule ?? current.schedule,
    JSON.stringify(patch.config ?? current.config),
    id,
  );
  return getSource(db, id);
}

export function recordSync(db: Db, id: number, error: string | null): void {
  db.prepare("UPDATE sources SET last_synced_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), last_error = ? WHERE id = ?").run(error, id);
}

/** Sources whose schedule says they are due for a re-sync. */
export function dueSources(db: Db, now = Date.now()): SourceRow[] {
  const period = { daily: 86_400_000, weekly: 7 * 86_400_000 } as const;
  return listSources(db).filter(
    (s) => s.enabled && s.schedule !== 'off' && (!s.lastSyncedAt || now - Date.parse(s.lastSyncedAt) >= period[s.schedule as 'daily' | 'weekly']),
  );
}
