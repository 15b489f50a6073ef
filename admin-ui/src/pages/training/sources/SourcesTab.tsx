// Data Training → Sources: a card per source, then panels to add text, files, web pages and WordPress sites.
import { useEffect, useState } from 'preact/hooks';
import { Notice } from '../../../components/Notice.js';
import { LoadError } from '../../../components/PageLoadState.js';
import { LoadingBox } from '../../../components/Spinner.js';
import { useResource } from '../../../hooks.js';
import { API, useJob, useJobList } from '../shared.js';
import type { Source } from '../types.js';
import { FilesPanel } from './FilesPanel.js';
import { SourceCard } from './SourceCard.js';
import { TextPanel } from './TextPanel.js';
import { WebPanel, WordPressPanel } from './SitePanels.js';
import './sources.css';

/** The sync job this screen follows, and where it was started from. */
interface TrackedSync {
  jobId: number;
  sourceId: number;
  origin: 'web' | 'wordpress' | 'card';
}

export default function SourcesTab() {
  const sources = useResource<{ sources: Source[] }>(`${API}/sources`);
  const [tracked, setTracked] = useState<TrackedSync | null>(null);
  const list = sources.data?.sources ?? [];
  const sync = useJob(tracked?.jobId ?? null, () => sources.reload());

  // After a reload: follow a sync that is still running.
  useJobList((r) => {
    if (r.active?.kind === 'sync') setTracked((t) => t ?? { jobId: r.active!.id, sourceId: Number(r.active!.params.sourceId), origin: 'card' });
  });

  // Keep the cards fresh while a sync we do not follow (scheduled, webhook) is under way.
  const untrackedSyncing = list.some((s) => s.status === 'syncing' && s.id !== tracked?.sourceId);
  useEffect(() => {
    if (!untrackedSyncing) return;
    const t = setTimeout(sources.reload, 3000);
    return () => clearTimeout(t);
  }, [untrackedSyncing, sources.data]);

  const textSource = list.find((s) => s.kind === 'text');
  const filesSource = list.find((s) => s.kind === 'files');
  const jobFor = (sourceId: number) => (tracked?.sourceId === sourceId && sync.job ? sync.job : null);

  function updateSource(next: Source) {
    sources.setData({ sources: list.map((s) => (s.id === next.id ? { ...s, ...next } : s)) });
  }

  function startedSync(t: TrackedSync) {
    setTracked(t);
    sources.reload();
  }

  const needsTraining = list.some((s) => s.enabled && s.status === 'needs-training');

  return (
    <div class="sources-tab">
      {sources.error && !sources.data && <LoadError text="Could not load the sources" error={sources.error} onRetry={sources.reload} />}
      {!sources.data && !sources.error && <LoadingBox label="Loading sources…" minHeight={180} />}

      {sources.data && (
        <>
          {needsTraining && (
            <Notice type="info" live={false}>
              <p>
                Some content is not trained yet: the chatbot cannot use it until you <a href="/admin/training?tab=training">start training</a>.
              </p>
            </Notice>
          )}
          <h2 class="section-title">Your sources</h2>
          <div class="source-grid">
            {list.map((s) => (
              <SourceCard
                key={s.id}
                source={s}
                job={jobFor(s.id)}
                onChange={updateSource}
                onSynced={(jobId) => startedSync({ jobId, sourceId: s.id, origin: 'card' })}
                onDeleted={() => {
                  if (tracked?.sourceId === s.id) setTracked(null);
                  sources.reload();
                }}
              />
            ))}
          </div>

          <h2 class="section-title">Add content</h2>
          <div class="add-grid">
            {textSource && <TextPanel source={textSource} onChanged={sources.reload} />}
            {filesSource && <FilesPanel source={filesSource} onChanged={sources.reload} />}
            <WebPanel
              tracked={tracked?.origin === 'web' ? sync : null}
              onAdded={(source, jobId) => startedSync({ jobId, sourceId: source.id, origin: 'web' })}
            />
            <WordPressPanel
              tracked={tracked?.origin === 'wordpress' ? sync : null}
              onAdded={(source, jobId) => startedSync({ jobId, sourceId: source.id, origin: 'wordpress' })}
            />
          </div>
        </>
      )}
    </div>
  );
}
