// Database Management → Embedding model: a rebuild that did not finish, to resume or cancel.
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { FieldError } from '../../../components/Field.js';
import { Notice } from '../../../components/Notice.js';
import { API } from '../shared.js';
import type { IndexInfo, Job } from '../types.js';

/** A rebuild that failed or was stopped: what it made so far is kept, to resume, or dropped. */
export function UnfinishedRebuild(props: { building: IndexInfo; onResumed: (job: Job) => void; onCancelled: () => void }) {
  const [busy, setBusy] = useState<null | 'resume' | 'cancel'>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(kind: 'resume' | 'cancel') {
    const { model } = props.building;
    if (
      kind === 'cancel' &&
      !window.confirm(
        `Cancel the rebuild with ${model}?\n\nThe new index is deleted; the current one keeps answering. Vectors already paid for stay in the cache.`,
      )
    )
      return;
    setBusy(kind);
    setError(null);
    try {
      if (kind === 'resume') props.onResumed((await api.post<{ job: Job }>(`${API}/embedding-model/resume`)).job);
      else {
        await api.del(`${API}/embedding-model/rebuild`);
        props.onCancelled();
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <Notice type="warning" inline live={false} class="unfinished-rebuild">
      <p>
        <strong>The rebuild with {props.building.model} did not finish.</strong> The current index keeps answering. Resume it where it stopped (nothing already
        embedded is paid for again), or cancel it.
      </p>
      <p class="rebuild-actions">
        <button type="button" class="button button-primary" onClick={() => act('resume')} disabled={!!busy}>
          {busy === 'resume' ? 'Resuming…' : 'Resume rebuild'}
        </button>
        <button type="button" class="button" onClick={() => act('cancel')} disabled={!!busy}>
          {busy === 'cancel' ? 'Cancelling…' : 'Cancel rebuild'}
        </button>
      </p>
      <FieldError id="unfinished-rebuild-error" message={error} />
    </Notice>
  );
}
