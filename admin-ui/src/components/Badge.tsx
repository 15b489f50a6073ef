import type { ComponentChildren } from 'preact';

/** The badge colours (styles.css, `.status-pill-*`): what the status means, not a colour name. */
export type BadgeTone = 'info' | 'success' | 'warning' | 'error' | 'neutral';

interface Props {
  /** No tone: the caller's `class` gives the colours (a lead's status). */
  tone?: BadgeTone;
  /** Shown on hover: what the badge means in a sentence. */
  title?: string;
  class?: string;
  children: ComponentChildren;
}

/** A small rounded status label beside a title or in a table cell ("Q&A answer", "Improved", "No answer"). */
export function Badge({ tone, title, class: extra, children }: Props) {
  return (
    <span class={`status-pill${tone ? ` status-pill-${tone}` : ''}${extra ? ` ${extra}` : ''}`} title={title}>
      {children}
    </span>
  );
}
