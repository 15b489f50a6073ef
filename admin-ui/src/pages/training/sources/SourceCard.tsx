// Data Training → Sources: one source's card (its status, counts, last sync, problems, schedule, switch and delete).
import { useState } from 'preact/hooks';
import { api } from '../../../api.js';
import { Badge, type BadgeTone } from '../../../components/Badge.js';
import { Icon } from '../../../components/Icon.js';
import { Notice } from '../../../components/Notice.js';
import { Spinner } from '../../../components/Spinner.js';
import { Switch } from '../../../components/Switch.js';
import type { ActionNotice } from '../../../components/announce.js';
import { useAfterRender } from '../../../components/form-helpers.js';
import { formatNumber, plural } from '../../../format.js';
import { API, isActive, useActions } from '../shared.js';
import type { Job, Schedule, Source, SourceKind, SourceStatus } from '../types.js';
import { TimeAgo } from '../../../components/TimeAgo.js';

const ITEM_NOUN: Record<SourceKind, [string, string]> = {
  text: ['entry', 'entries'],
  files: ['file', 'files'],
  web: ['page', 'pages'],
  wordpress: ['post', 'posts'],
};

const STATUS: Record<SourceStatus, [label: string, tone: BadgeTone]> = {
  empty: ['Empty', 'neutral'],
  'needs-training': ['Needs training', 'warning'],
  trained: ['Trained', 'success'],
  syncing: ['Syncing', 'info'],
  failed: ['Failed', 'error'],
};

function describeSource(s: Source): string | null {
  const c = s.config as Record<string, unknown>;
  if (s.kind === 'text') return 'Text and questions with answers you type in.';
  if (s.kind === 'files') return 'Documents you upload.';
  if (s.kind === 'wordpress') return `WordPress site ${String(c.siteUrl ?? '')}`;
  if (c.mode === 'sitemap') return `Sitemap ${String(c.sitemapUrl ?? '')}`;
  if (c.mode === 'crawl') return `Crawl from ${String(c.startUrl ?? '')} (up to ${plural(Number(c.maxPages ?? 100), 'page')})`;
  if (c.mode === 'urls') {
    const urls = (c.urls as string[] | undefined) ?? [];
    return urls.length === 1 ? urls[0] : `${plural(urls.length, 'URL')}: ${urls[0] ?? ''}, …`;
  }
  return null;
}

type Busy = 'enable' | 'schedule' | 'sync' | 'delete';

interface CardProps {
  source: Source;
  job: Job | null;
  onChange: (s: Source) => void;
  onSynced: (jobId: number) => void;
  onDeleted: () => void;
}

export function SourceCard({ source: s, job, onChange, onSynced, onDeleted }: CardProps) {
  const { busy, run, notice: message, noticeRef: messageRef } = useActions<Busy, HTMLParagraphElement>();
  const [pending, setPending] = useState<Partial<Pick<Source, 'enabled' | 'schedule'>>>({});
  const enabled = pending.enabled ?? s.enabled;
  const schedule = pending.schedule ?? s.schedule;
  const remote = s.kind === 'web' || s.kind === 'wordpress';
  const [one, many] = ITEM_NOUN[s.kind];
  const titleId = `source-${s.id}-title`;
  const syncing = s.status === 'syncing' || isActive(job);
  const afterRender = useAfterRender();

  /** Runs one of the card's actions: its controls wait, and a failure is said on the card. */
  async function act(what: Busy, action: () => Promise<void>, done?: ActionNotice) {
    await run(what, action, { done });
    setPending({});
  }

  function patch(body: Partial<Pick<Source, 'enabled' | 'schedule'>>, what: 'enable' | 'schedule', done: string) {
    // Show the new value at once; it goes back if the server refuses.
    setPending(body);
    return act(what, async () => onChange((await api.patch<{ source: Source }>(`${API}/sources/${s.id}`, body)).source), { type: 'success', message: done });
  }

  function resync(from: 'button' | 'retry' = 'button') {
    return act('sync', async () => {
      onSynced((await api.post<{ job: Job }>(`${API}/sources/${s.id}/sync`)).job.id);
      // Retry goes away with the failure it answered: keep focus on this card, not on the page's start.
      if (from === 'retry') afterRender(() => document.getElementById(titleId)?.focus());
    });
  }

  function remove() {
    const what = remote
      ? `Delete the source “${s.name}” and its ${plural(s.documents, one, many)}?\n\nThe chatbot stops using them at once.`
      : `Remove all ${plural(s.documents, one, many)} from “${s.name}”?\n\nThe chatbot stops using them at once.`;
    if (window.confirm(what))
      act('delete', async () => {
        await api.del(`${API}/sources/${s.id}`);
        onDeleted();
      });
  }

  const desc = describeSource(s);
  const status = STATUS[syncing ? 'syncing' : s.status] ?? [s.status, 'neutral'];
  // Pages of the last sync that could not be read while others were (a failure that read nothing is lastError).
  const partlyFailed = remote && !syncing && !s.lastError && s.lastSync && s.lastSync.failures > 0 ? s.lastSync : null;
  return (
    <article class={`source-card${s.enabled ? '' : ' is-disabled'}`} aria-labelledby={titleId} data-source-kind={s.kind}>
      <header class="source-card-head">
        <h3 id={titleId} class="source-card-title" tabIndex={-1}>
          {s.name}
        </h3>
        <Badge tone={status[1]} class="status-badge">
          {status[0]}
        </Badge>
      </header>
      {desc && <p class="source-card-desc">{desc}</p>}
      <p class="source-card-counts">
        <span>{plural(s.documents, one, many)}</span>
        <span>{plural(s.chunks, 'chunk')}</span>
        {s.chunks > 0 && s.trainedChunks < s.chunks && <span>{s.trainedChunks === 0 ? 'not trained yet' : `${formatNumber(s.trainedChunks)} trained`}</span>}
      </p>
      {remote && (
        <p class="source-card-sync">
          {s.lastSyncedAt ? (
            <>
              Last synced <TimeAgo at={s.lastSyncedAt} />
            </>
          ) : (
            'Not synced yet'
          )}
        </p>
      )}
      {job && isActive(job) && (
        <p class="source-card-job" role="status">
          <Spinner />{' '}
          {job.status === 'queued'
            ? 'Waiting for the current job to finish…'
            : job.progress.chunksTotal != null
              ? `Embedding: ${formatNumber(job.progress.chunksDone)} of ${formatNumber(job.progress.chunksTotal)} chunks`
              : `Reading: ${plural(job.progress.itemsDone, one, many)} so far`}
        </p>
      )}
      {((s.lastError && !syncing) || partlyFailed) && (
        <Notice type={partlyFailed ? 'warning' : 'error'} inline live={false} class="source-card-problem">
          {partlyFailed ? (
            <p>
              <strong>{plural(partlyFailed.failures, one, many)} could not be read in the last sync.</strong>
              {partlyFailed.firstProblem && <> The first: {partlyFailed.firstProblem}</>}
            </p>
          ) : (
            <p>
              <strong>Could not be read:</strong> {s.lastError}
            </p>
          )}
          <p>
            <button
              type="button"
              class="button"
              onClick={() => resync('retry')}
              disabled={busy !== null || !s.enabled}
              aria-describedby={titleId}
              title={!s.enabled ? 'Switch the source on to retry.' : undefined}
            >
              <Icon name="refresh" size={16} />
              Retry
            </button>
          </p>
        </Notice>
      )}
      {message && (
        <p class={`source-card-message is-${message.type}`} ref={messageRef}>
          {message.message}
        </p>
      )}
      {remote && (
        <div class="source-card-sync-row">
          <label class="screen-reader-text" for={`source-${s.id}-schedule`}>
            Automatic re-sync of {s.name}
          </label>
          <select
            id={`source-${s.id}-schedule`}
            class="input select"
            value={schedule}
            disabled={busy !== null}
            onChange={(e) => {
              const v = e.currentTarget.value as Schedule;
              patch({ schedule: v }, 'schedule', v === 'off' ? 'Automatic re-sync is off.' : `Re-synced ${v} from now on.`);
            }}
          >
            <option value="off">Re-sync: Off</option>
            <option value="daily">Re-sync: Daily</option>
            <option value="weekly">Re-sync: Weekly</option>
          </select>
          <button
            type="button"
            class="button"
            onClick={() => resync()}
            disabled={busy !== null || syncing || !s.enabled}
            aria-describedby={titleId}
            title={!s.enabled ? 'Switch the source on to re-sync it.' : undefined}
          >
            <Icon name="refresh" size={16} />
            Re-sync
          </button>
        </div>
      )}
      <div class="source-card-actions">
        <Switch
          id={`source-${s.id}-enabled`}
          checked={enabled}
          disabled={busy !== null}
          label={enabled ? 'On' : 'Off'}
          describedBy={titleId}
          onChange={(on) =>
            patch({ enabled: on }, 'enable', on ? 'Switched on: the chatbot uses this content.' : 'Switched off: the chatbot ignores this content.')
          }
        />
        {(remote || s.documents > 0) && (
          <button type="button" class="button-link button-link-delete source-delete" onClick={remove} disabled={busy !== null} aria-describedby={titleId}>
            {remote ? 'Delete' : 'Remove all'}
          </button>
        )}
      </div>
    </article>
  );
}
