import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { Notice } from './Notice.js';
import { Spinner } from './Spinner.js';
// Its layout (.confirm-box .confirm-actions) is in chat-admin.css, which every page using it loads.

interface Props {
  /** The question, in bold: "Delete this lead?" */
  question: string;
  /** What is lost, after the question. */
  children: ComponentChildren;
  confirmLabel?: string;
  /** The deletion is under way: both buttons wait, a spinner says so. */
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * The inline "Delete …? / Delete permanently / Cancel" box shown in place of a browser dialog. It takes focus on
 * its confirm button when it appears (before the browser paints), so Enter or Space answers it at once.
 */
export function ConfirmDelete({ question, children, confirmLabel = 'Delete permanently', busy, onConfirm, onCancel }: Props) {
  const confirm = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => confirm.current?.focus(), []);
  return (
    <Notice type="warning" live={false} class="confirm-box">
      <p>
        <strong>{question}</strong> {children}
      </p>
      <p class="confirm-actions">
        <button ref={confirm} type="button" class="button button-delete" onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
        <button type="button" class="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        {busy && <Spinner label="Deleting…" />}
      </p>
    </Notice>
  );
}
