// The shape of the Conversations and Leads screens: a title with Export CSV, tabs that filter the list, the count and
// the pages, and the rows (or a sentence when there are none). Each screen says what it lists and how.
import { signal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { formatDateTime, relativeTime } from '../format.js';
import { type Resource, useResource } from '../hooks.js';
import { useTitle } from './AdminLayout.js';
import type { Column } from './DataTable.js';
import { Notice } from './Notice.js';
import { LoadError } from './PageLoadState.js';
import { LoadingBox } from './Spinner.js';
import './ListScreen.css';

export const PAGE_SIZE = 20;

/** The lists' first column: when, to the minute (the relative time on hover). */
export const dateColumn: Column<{ createdAt: string }> = {
  label: 'Date',
  class: 'col-date',
  cell: (row) => (
    <time dateTime={row.createdAt} title={relativeTime(row.createdAt)}>
      {formatDateTime(row.createdAt)}
    </time>
  ),
};

/** A one-off message for a list screen (e.g. after deleting a conversation on its detail screen). */
export const listFlash = signal<string | null>(null);

export interface ListTab<F extends string> {
  id: F;
  label: string;
  /** How many the tab holds, when the server says. */
  count?: number | null;
}

export interface ListQuery<F extends string, T> {
  /** The tab chosen in the address (`?filter=…`), 'all' when none or an unknown one. */
  filter: F;
  page: number;
  offset: number;
  /** The rows of this tab and page; null while they load (the previous tab's are not shown as if they were these). */
  data: T | null;
  resource: Resource<T>;
  href: (filter: F, page?: number) => string;
  /** This tab's rows as CSV: `api/export.csv?param=…`. */
  exportHref: string;
}

/**
 * Reads the tab and page from the address of the list at `path` (`?param=…&page=…`) and loads that page from
 * `api?param=…&offset=…&limit=…`.
 */
export function useListQuery<F extends string, T>(path: string, param: string, tabs: ListTab<F>[], api: string): ListQuery<F, T> {
  const { query } = useLocation();
  const filter = (tabs.some((t) => t.id === query[param]) ? query[param] : 'all') as F;
  const page = Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1);
  const offset = (page - 1) * PAGE_SIZE;
  const url = `${api}?${param}=${filter}&offset=${offset}&limit=${PAGE_SIZE}`;
  const resource = useResource<T>(url);
  // Which address the data on hand came from: after a change of tab or page it is the previous list's until the new one arrives.
  const from = useRef<{ data: T | null; url: string }>({ data: null, url });
  if (resource.data !== from.current.data) from.current = { data: resource.data, url };
  const href = (f: F, p = 1) => {
    const q = new URLSearchParams();
    if (f !== 'all') q.set(param, f);
    if (p > 1) q.set('page', String(p));
    const s = q.toString();
    return s ? `${path}?${s}` : path;
  };
  const exportHref = `${api}/export.csv?${param}=${filter}`;
  return { filter, page, offset, data: from.current.url === url ? resource.data : null, resource, href, exportHref };
}

interface Props<F extends string, T> {
  /** The screen's title: "Conversations". */
  title: string;
  /** What the list holds, for the loading and error texts: "conversations". */
  what: string;
  intro: ComponentChildren;
  tabsLabel: string;
  tabs: ListTab<F>[];
  list: ListQuery<F, T>;
  /** "12 conversations". */
  count: string;
  /** How many pages, when known. */
  pages: number | null;
  hasNext: boolean;
  /** Pages under the list too. */
  bottomPager?: boolean;
  /** What to say instead of the table when the page has no rows. */
  empty: ComponentChildren | null;
  /** The table. */
  children: ComponentChildren;
}

export function ListScreen<F extends string, T>({
  title,
  what,
  intro,
  tabsLabel,
  tabs,
  list,
  count,
  pages,
  hasNext,
  bottomPager,
  empty,
  children,
}: Props<F, T>) {
  const { filter, page, data, resource, href, exportHref } = list;
  useTitle(filter === 'all' ? title : `${tabs.find((t) => t.id === filter)!.label} ‹ ${title}`);
  const flash = listFlash.value;
  useEffect(() => () => void (listFlash.value = null), []);
  const pager = (page > 1 || hasNext) && (
    <nav class="pagination" aria-label="Pages">
      <PageLink href={page > 1 && href(filter, page - 1)}>
        <span aria-hidden="true">‹</span> Previous
      </PageLink>
      <span class="paging-text">
        Page {page}
        {pages != null ? ` of ${pages}` : ''}
      </span>
      <PageLink href={hasNext && href(filter, page + 1)}>
        Next <span aria-hidden="true">›</span>
      </PageLink>
    </nav>
  );

  return (
    <div class="wrap chat-admin">
      <div class="page-title-row">
        <h1>{title}</h1>
        <a class="button" href={exportHref} download>
          Export CSV
        </a>
      </div>
      <p class="page-intro">{intro}</p>
      {flash && (
        <Notice type="success" onDismiss={() => (listFlash.value = null)} live={false}>
          <p>{flash}</p>
        </Notice>
      )}

      <nav class="nav-tab-wrapper" aria-label={tabsLabel}>
        {tabs.map((t) => (
          <a key={t.id} href={href(t.id)} class={`nav-tab${t.id === filter ? ' nav-tab-active' : ''}`} aria-current={t.id === filter ? 'page' : undefined}>
            {t.label}
            {t.count != null && <span class="count"> ({t.count})</span>}
          </a>
        ))}
      </nav>

      {resource.error && <LoadError text={`Could not load the ${what}`} error={resource.error} onRetry={resource.reload} />}
      {!data && !resource.error && <LoadingBox label={`Loading ${what}…`} minHeight={240} />}
      {data && (
        <>
          <div class="tablenav">
            <span class="displaying-num">{count}</span>
            {pager}
          </div>
          {empty ? <div class="postbox empty-state">{empty}</div> : children}
          {bottomPager && pager && <div class="tablenav tablenav-bottom">{pager}</div>}
        </>
      )}
    </div>
  );
}

/** Previous or Next: a link, or a button-like text that says it leads nowhere. */
function PageLink({ href, children }: { href: string | false; children: ComponentChildren }) {
  return href ? (
    <a class="button" href={href}>
      {children}
    </a>
  ) : (
    <span class="button" aria-disabled="true">
      {children}
    </span>
  );
}
