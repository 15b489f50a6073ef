import { formatDateTime, relativeTime } from '../format.js';

/** "3 minutes ago", with the date and time on hover and in `dateTime`. */
export function TimeAgo({ at }: { at: string }) {
  return (
    <time dateTime={at} title={formatDateTime(at)}>
      {relativeTime(at)}
    </time>
  );
}
