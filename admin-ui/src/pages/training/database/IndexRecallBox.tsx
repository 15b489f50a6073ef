// Database Management → Search accuracy: the active index's measured recall (server/training/index-recall.ts),
// how it was measured, a warning when it is low, and the button that measures it again.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../../api.js';
import { Badge } from '../../../components/Badge.js';
import { ActionNoticeView, Notice } from '../../../components/Notice.js';
import { Postbox } from '../../../components/Postbox.js';
import { Spinner } from '../../../components/Spinner.js';
import { TimeAgo } from '../../../components/TimeAgo.js';
import { formatNumber, plural } from '../../../format.js';
import { API, useActions } from '../shared.js';
import type { IndexRecallStatus } from '../types.js';

const RECALL_URL = `${API}/index-recall`;
/** Below this share the search visibly drops good passages: the number turns into a warning. */
const GOOD_RECALL = 0.95;
const POLL_MS = 1000;

/** Whole percents rounded down: 99.9 % found is not "100 %". */
const percent = (share: number) => `${Math.floor(share * 100)} %`;

export function IndexRecallBox({ initial, hasIndex }: { initial: IndexRecallStatus; hasIndex: boolean }) {
  const [status, setStatus] = useState(initial);
  const { busy, run, notice, noticeRef, show } = useActions<'measure'>();
  useEffect(() => setStatus(initial), [initial]);

  // While a measurement runs (started here or after a training run), follow it until it is done.
  useEffect(() => {
    if (!status.measuring) return;
    const timer = setInterval(async () => {
      const next = await api.get<IndexRecallStatus>(RECALL_URL).catch(() => null);
      if (!next || next.measuring) return;
      setStatus(next);
      if (next.lastError) show({ type: 'warning', message: next.lastError });
      else if (next.measured) show({ type: 'success', message: `Measured: the search finds ${percent(next.measured.recall)} of the best-matching chunks.` });
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [status.measuring]);

  function measure() {
    run('measure', async () => setStatus(await api.post<IndexRecallStatus>(RECALL_URL)), { failed: 'Not measured' });
  }

  const measured = status.measured;
  const low = measured !== null && measured.recall < GOOD_RECALL;
  const measuring = status.measuring || busy === 'measure';
  return (
    <Postbox id="recall-title" title="Search accuracy">
      <p class="description">
        Of the chunks an exact comparison with every chunk would pick for a question, the share the search index finds. The index trades a little of it for
        speed; it is measured again by itself after large changes.
      </p>
      <p class="recall-line">
        <strong>Search accuracy (recall@{measured?.k ?? 8}):</strong>{' '}
        {measured ? (
          <>
            <Badge tone={low ? 'warning' : 'success'}>{percent(measured.recall)}</Badge> — measured on {plural(measured.sampleSize, 'sample question')} at{' '}
            {plural(measured.indexSize, 'chunk')}, <TimeAgo at={measured.measuredAt} />
          </>
        ) : (
          <>
            not measured yet{hasIndex ? '' : ': it needs a trained index'}. It is measured by itself once the index holds {formatNumber(1000)} chunks.
          </>
        )}
      </p>
      {low && (
        <Notice type="warning" inline live={false}>
          <p>
            The search misses some of the chunks that best match a question, so answers can leave things out: update Docent (newer versions search large indexes
            more thoroughly), or use larger chunks below so there are fewer to search.
          </p>
        </Notice>
      )}
      {status.lastError && !measuring && !notice && (
        <Notice type="warning" inline live={false}>
          <p>{status.lastError}</p>
        </Notice>
      )}
      <p class="recall-actions">
        <button type="button" class="button" onClick={measure} disabled={measuring} aria-describedby={measuring ? 'recall-busy' : undefined}>
          {measuring ? 'Measuring…' : 'Measure recall'}
        </button>
        <span id="recall-busy" role="status">
          {measuring && <Spinner label="Searching 50 sample questions through the index and exactly…" />}
        </span>
      </p>
      <ActionNoticeView notice={notice} noticeRef={noticeRef} />
    </Postbox>
  );
}
