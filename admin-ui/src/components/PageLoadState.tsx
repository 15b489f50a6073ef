import type { ComponentChildren } from 'preact';
import { Notice } from './Notice.js';
import { LoadingBox } from './Spinner.js';

interface Props {
  title: string;
  /** What is loading, for the placeholder and the error ("the lead"). */
  what: string;
  error: string | null | undefined;
  onRetry: () => void;
  /** Shown above the title: a detail page's link back to its list. */
  back?: ComponentChildren;
  /** The placeholder's height, close to the page's own so nothing jumps when it arrives. */
  minHeight?: number;
}

/** A page before its data arrives: a placeholder of the page's size, or the error with a retry. */
export function PageLoadState({ title, what, error, onRetry, back, minHeight = 480 }: Props) {
  return (
    <div class="wrap chat-admin">
      {back}
      <h1>{title}</h1>
      {error ? (
        <Notice type="error">
          <p>
            Could not load {what}: {error}
          </p>
          <p>
            <button type="button" class="button" onClick={onRetry}>
              Try again
            </button>
          </p>
        </Notice>
      ) : (
        <LoadingBox label={`Loading ${what}…`} minHeight={minHeight} />
      )}
    </div>
  );
}

/** A part of a page that could not load: what failed ("Could not load the sources"), the error and a link-style "Try again". */
export function LoadError({ text, error, onRetry, inline }: { text: string; error: string; onRetry: () => void; inline?: boolean }) {
  return (
    <Notice type="error" inline={inline}>
      <p>
        {text}: {error}{' '}
        <button type="button" class="button-link" onClick={onRetry}>
          Try again
        </button>
      </p>
    </Notice>
  );
}
