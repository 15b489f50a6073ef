import type { ComponentChildren, Ref } from 'preact';

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
