// The head of a detail screen opened from a list (a conversation, a lead): the link back, the title with Delete,
// and the confirmation. Once deleted, the list says so. Before the data arrives, the same link back and title.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError, api, errorMessage } from '../api.js';
import { speak, useActionNotice } from './announce.js';
import { ConfirmDelete } from './ConfirmDelete.js';
import { listFlash } from './ListScreen.js';
import { Notice } from './Notice.js';
import { PageLoadState } from './PageLoadState.js';

/** "← All leads" above a detail screen's title. */
function BackLink({ href, label }: { href: string; label: string }) {
  return (
    <p class="back-link">
      <a href={href}>
        <span aria-hidden="true">←</span> {label}
      </a>
    </p>
  );
}

interface Props {
  /** The list's address and the back link's words: "All leads". */
  list: string;
  back: string;
  title: ComponentChildren;
  /** What is deleted, in words: "lead". */
  what: string;
  deleteUrl: string;
  /** What the confirmation says is lost. */
  consequence: ComponentChildren;
}

/** The screen while its data loads, or why it could not (`title` as in useTitle: "Lead"). */
export function DetailLoadState({
  list,
  back,
  title,
  what,
  error,
  onRetry,
}: Pick<Props, 'list' | 'back' | 'what'> & { title: string; error?: string | null; onRetry(): void }) {
  return <PageLoadState back={<BackLink href={list} label={back} />} title={title} what={`the ${what}`} error={error} onRetry={onRetry} minHeight={320} />;
}

export function DetailHead({ list, back, title, what, deleteUrl, consequence }: Props) {
  const { route } = useLocation();
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const { notice, noticeRef, show, clear } = useActionNotice();

  async function onDelete() {
    setDeleting(true);
    clear();
    const done = `${what[0].toUpperCase()}${what.slice(1)} deleted.`;
    try {
      await api.del(deleteUrl);
      listFlash.value = done;
      speak(done);
      route(list);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      show({ type: 'error', message: `The ${what} was not deleted: ${errorMessage(err)}` });
      setDeleting(false);
    }
  }

  return (
    <>
      <BackLink href={list} label={back} />
      <div class="page-title-row">
        <h1>{title}</h1>
        {!confirming && (
          <button type="button" class="button button-delete" onClick={() => setConfirming(true)}>
            Delete
          </button>
        )}
      </div>
      {confirming && (
        <ConfirmDelete question={`Delete this ${what}?`} busy={deleting} onConfirm={onDelete} onCancel={() => setConfirming(false)}>
          {consequence}
        </ConfirmDelete>
      )}
      {notice && (
        <Notice type={notice.type} onDismiss={clear} live={false} noticeRef={noticeRef}>
          <p>{notice.message}</p>
        </Notice>
      )}
    </>
  );
}
