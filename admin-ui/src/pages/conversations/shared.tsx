// Pieces shared by the conversation list and detail screens (and the Playground): formats, badges, links.
import { Badge, type BadgeTone } from '../../components/Badge.js';
import { Icon } from '../../components/Icon.js';
import type { ComponentChildren } from 'preact';
import { formatDateTime, formatUsd } from '../../format.js';
import type { Filter, MessageStatus, SourceLink } from './types.js';

export const FILTERS: { id: Filter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'unanswered', label: 'Unanswered' },
  { id: 'thumbs-down', label: 'Thumbs down' },
];

/** Chat costs are fractions of a cent: "$0.00", "$0.0004", "$1.25". */
export function formatMoney(usd: number | null | undefined): string {
  if (usd == null) return '—';
  if (usd === 0) return '$0.00';
  if (usd < 0.0001) return '< $0.0001';
  return formatUsd(usd);
}

export function formatMs(ms: number | null | undefined): string {
  if (ms == null) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Only http(s) links are made clickable; anything else is shown as text. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url, location.origin);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

export function SourceLinkView({ source }: { source: SourceLink }) {
  const href = safeHref(source.url);
  if (!href) return <span class="source-title">{source.title}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {source.title || source.url}
      <Icon name="external" size={12} class="icon-external" />
      <span class="screen-reader-text"> (opens in a new tab)</span>
    </a>
  );
}

export function SourcesList({ sources }: { sources: SourceLink[] }) {
  if (!sources.length) return null;
  return (
    <div class="message-sources">
      <span class="message-sources-label">Sources:</span>
      <ol>
        {sources.map((s, i) => (
          <li key={i}>
            <SourceLinkView source={s} />
          </li>
        ))}
      </ol>
    </div>
  );
}

const STATUS: Record<string, { label: string; tone: BadgeTone; help: string }> = {
  no_answer: { label: 'No answer', tone: 'warning', help: 'Nothing in your content matched; the "I don\'t know" message was shown.' },
  error: { label: 'Error', tone: 'error', help: 'The answer failed; the visitor saw an apology.' },
  stopped: { label: 'Stopped', tone: 'neutral', help: 'The answer was stopped before it finished.' },
  links_only: { label: 'Links only', tone: 'warning', help: 'Only links to matching pages were given (spend cap reached or the model was unavailable).' },
};

export function StatusBadge({ status }: { status: MessageStatus | string | null | undefined }) {
  const s = status ? STATUS[status] : undefined;
  if (!s) return null;
  return (
    <Badge tone={s.tone} title={s.help}>
      {s.label}
    </Badge>
  );
}

const THUMB = 'M7 10v11H3V10h4l4-7a2 2 0 0 1 2 2v4h6a2 2 0 0 1 2 2.3l-1.4 8a2 2 0 0 1-2 1.7H7';

/** Thumbs up/down as an SVG (emoji fonts are not everywhere). */
export function Thumb({ down }: { down?: boolean }) {
  return (
    <svg class={`thumb${down ? ' thumb-down' : ''}`} width="14" height="14" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={THUMB} fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round" />
    </svg>
  );
}

export function Feedback({ up, down }: { up: number; down: number }) {
  if (!up && !down) return <span class="muted">—</span>;
  return (
    <span class="feedback-counts">
      {up > 0 && (
        <span class="feedback-up" title={`${up} thumbs up`}>
          <Thumb /> {up}
          <span class="screen-reader-text"> thumbs up</span>
        </span>
      )}
      {down > 0 && (
        <span class="feedback-down" title={`${down} thumbs down`}>
          <Thumb down /> {down}
          <span class="screen-reader-text"> thumbs down</span>
        </span>
      )}
    </span>
  );
}

/** "shop.example.com" for an origin, "Playground" for admin tests. */
export function OriginLabel({ origin, channel }: { origin: string | null; channel: string }) {
  if (channel === 'playground') return <span class="channel-badge">Playground</span>;
  if (!origin) return <span class="muted">unknown</span>;
  let host = origin;
  try {
    host = new URL(origin).host;
  } catch {
    /* keep as is */
  }
  return <span title={origin}>{host}</span>;
}

export function MatchBadge({ percent }: { percent: number }) {
  const p = Math.round(percent);
  const tone = p >= 60 ? 'high' : p >= 40 ? 'mid' : 'low';
  return <span class={`match-badge match-${tone}`}>{p}% match</span>;
}

/** An answer given from a Q&A entry word for word (no model call). */
export function QaAnswerBadge() {
  return (
    <Badge tone="info" title="Your Q&A answer, word for word: no AI call, no cost">
      Q&amp;A answer
    </Badge>
  );
}

/** A conversation whose answer the admin improved with a Q&A entry. */
export function ImprovedBadge({ at }: { at: string }) {
  return (
    <Badge tone="success" title={`You added a Q&A answer for it on ${new Date(at).toLocaleString()}`}>
      Improved
    </Badge>
  );
}

/** A transcript message's head: who said it, its badges, and when. */
export function TranscriptHead({ who, at, children }: { who: string; at: string; children?: ComponentChildren }) {
  return (
    <div class="transcript-head">
      <span class="transcript-who">{who}</span>
      {children}
      <time dateTime={at}>{formatDateTime(at)}</time>
    </div>
  );
}
