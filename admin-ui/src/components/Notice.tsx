import type { ComponentChildren, Ref } from 'preact';
import type { ActionNotice } from './announce.js';

export type NoticeType = 'success' | 'error' | 'warning' | 'info';

interface Props {
  type: NoticeType;
  children: ComponentChildren;
  id?: string;
  /** Errors are announced assertively (role=alert); the rest politely (role=status). */
  live?: boolean;
  onDismiss?: () => void;
  inline?: boolean;
  noticeRef?: Ref<HTMLDivElement>;
  class?: string;
}

/** WordPress-style notice: white box with a coloured left border. */
export function Notice({ type, children, id, live = true, onDismiss, inline, noticeRef, class: extra }: Props) {
  const role = live ? (type === 'error' ? 'alert' : 'status') : undefined;
  return (
    <div
      id={id}
      ref={noticeRef}
      tabIndex={-1}
      role={role}
      class={`notice notice-${type}${inline ? ' notice-inline' : ''}${onDismiss ? ' is-dismissible' : ''}${extra ? ` ${extra}` : ''}`}
    >
      <div class="notice-body">{children}</div>
      {onDismiss && (
        <button type="button" class="notice-dismiss" onClick={onDismiss}>
          <span class="screen-reader-text">Dismiss this notice</span>
        </button>
      )}
    </div>
  );
}

/** The notice of `useActionNotice` under a form or a button: inline, and not a live region (it was read out already). */
export function ActionNoticeView({ notice, noticeRef }: { notice: ActionNotice | null; noticeRef: Ref<HTMLDivElement> }) {
  if (!notice) return null;
  return (
    <Notice type={notice.type} inline live={false} noticeRef={noticeRef}>
      <p>{notice.message}</p>
    </Notice>
  );
}
