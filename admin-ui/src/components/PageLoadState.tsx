import { Notice } from './Notice.js';
import { LoadingBox } from './Spinner.js';

/** A settings page before its data arrives: a placeholder of the form's size, or the error with a retry. */
export function PageLoadState({ title, what, error, onRetry }: { title: string; what: string; error: string | null | undefined; onRetry: () => void }) {
  return (
    <div class="wrap chat-admin">
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
        <LoadingBox label={`Loading ${what}…`} minHeight={480} />
      )}
    </div>
  );
}
