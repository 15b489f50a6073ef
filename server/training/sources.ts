// Content sources (the cards on Data Training) and their settings.
import { z } from 'zod';
import type { KnowledgeStore, Source } from '../stores/knowledge-store.js';
import { webAddressRule } from './ingest/fetch-web.js';

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

export type SourceRow = Source;

/** Sources whose schedule says they are due for a re-sync. */
export async function dueSources(knowledge: KnowledgeStore, now = Date.now()): Promise<SourceRow[]> {
  const period = { daily: 86_400_000, weekly: 7 * 86_400_000 } as const;
  return (await knowledge.listSources()).filter(
    (s) => s.enabled && s.schedule !== 'off' && (!s.lastSyncedAt || now - Date.parse(s.lastSyncedAt) >= period[s.schedule as 'daily' | 'weekly']),
  );
}
