// Database Management → Danger zone: re-embed everything, or delete all training data.
import { useRef, useState } from 'preact/hooks';
import { api } from '../../../api.js';
import { Icon } from '../../../components/Icon.js';
import { ActionNoticeView } from '../../../components/Notice.js';
import { Postbox } from '../../../components/Postbox.js';
import { useAfterRender } from '../../../components/form-helpers.js';
import { aboutCost, plural } from '../../../format.js';
import { API, useActions } from '../shared.js';
import type { EmbeddingModel, Job, KnowledgeBaseStats } from '../types.js';

export function DangerZone(props: {
  kb: KnowledgeBaseStats | null;
  model: EmbeddingModel | null;
  modelId: string | null;
  busy: boolean;
  onStarted: (job: Job) => void;
  onPurged: () => void;
}) {
  const { kb, model } = props;
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const { busy, run, notice, noticeRef, show: showNotice } = useActions<'reembed' | 'purge'>();
  const confirmInput = useRef<HTMLInputElement>(null);
  const purgeButton = useRef<HTMLButtonElement>(null);
  const afterRender = useAfterRender();

  const reembedCost = kb && model?.promptPricePerM != null ? (kb.tokens * model.promptPricePerM) / 1e6 : null;

  function reembed() {
    const ok = window.confirm(
      `Re-embed everything with ${props.modelId ?? 'the current model'}?\n\n` +
        `All ${plural(kb?.chunks ?? 0, 'chunk')} are sent to the embedding API again (${aboutCost(reembedCost)}), even those in the cache. ` +
        'Until it finishes, the chatbot finds fewer passages.',
    );
    if (!ok) return;
    run('reembed', async () => props.onStarted((await api.post<{ job: Job }>(`${API}/reembed`)).job), {
      done: { type: 'info', message: 'Re-embedding started: see the progress under Embedding model.' },
      failed: 'Not started',
    });
  }

  async function purge(e: Event) {
    e.preventDefault();
    if (typed !== 'DELETE' || busy) return;
    const r = await run('purge', () => api.post<{ removedDocuments: number }>(`${API}/purge`), { failed: 'Nothing deleted', focusOnError: 'purge-confirm' });
    if (!r) return;
    setConfirming(false);
    setTyped('');
    props.onPurged();
    // The confirmation form is gone: focus returns to the button that opened it (enabled again by now).
    showNotice({ type: 'success', message: `All training data deleted (${plural(r.removedDocuments, 'document')}).` }, () => purgeButton.current?.focus());
  }

  return (
    <Postbox
      id="danger-title"
      title={
        <>
          <Icon name="warning" size={18} /> Danger zone
        </>
      }
      class="danger-zone"
    >
      <div class="danger-row">
        <div>
          <h3>Re-embed everything</h3>
          <p class="description">
            Sends every chunk to the embedding API again and ignores the cache ({aboutCost(reembedCost)}). Only useful if the provider changed the model.
          </p>
        </div>
        <button type="button" class="button" onClick={reembed} disabled={!!busy || props.busy || !kb || kb.chunks === 0}>
          Re-embed everything
        </button>
      </div>
      <div class="danger-row">
        <div>
          <h3>Delete all training data</h3>
          <p class="description">
            Removes every document, chunk and vector, and all web and WordPress sources. The chatbot will know nothing until you add content again. This cannot
            be undone.
          </p>
        </div>
        {!confirming && (
          <button
            type="button"
            ref={purgeButton}
            class="button button-delete"
            onClick={() => {
              setConfirming(true);
              afterRender(() => confirmInput.current?.focus());
            }}
            disabled={!!busy}
          >
            Delete all training data…
          </button>
        )}
      </div>
      {confirming && (
        <form class="purge-confirm" onSubmit={purge}>
          <label for="purge-confirm">
            Type <code>DELETE</code> to confirm
          </label>
          <div class="purge-row">
            <input
              id="purge-confirm"
              ref={confirmInput}
              type="text"
              class="input code"
              value={typed}
              autoComplete="off"
              spellcheck={false}
              onInput={(e) => setTyped(e.currentTarget.value)}
            />
            <button type="submit" class="button button-delete" disabled={typed !== 'DELETE' || !!busy}>
              {busy === 'purge' ? 'Deleting…' : 'Delete everything'}
            </button>
            <button
              type="button"
              class="button"
              onClick={() => {
                setConfirming(false);
                setTyped('');
                afterRender(() => purgeButton.current?.focus());
              }}
              disabled={!!busy}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      <ActionNoticeView notice={notice} noticeRef={noticeRef} />
    </Postbox>
  );
}
