// Database Management → Knowledge base: the totals, the last training, and the content per source.
import { Badge, type BadgeTone } from '../../../components/Badge.js';
import { Postbox } from '../../../components/Postbox.js';
import { Tiles } from '../../../components/Tiles.js';
import { formatBytes, formatNumber } from '../../../format.js';
import type { JobStatus, KnowledgeBaseStats } from '../types.js';
import { TimeAgo } from '../../../components/TimeAgo.js';

const KIND_LABEL: Record<string, string> = { text: 'Text & Q&A', files: 'Files', web: 'Web pages', wordpress: 'WordPress' };

/** How the last training ended, as a badge. */
const LAST_TRAINING: Partial<Record<JobStatus, [label: string, tone: BadgeTone]>> = {
  done: ['Finished', 'success'],
  failed: ['Failed', 'error'],
  stopped: ['Stopped', 'warning'],
};

/** The per-source table's number columns: heading, and the field it shows. */
const NUMBER_COLUMNS = [
  ['Documents', 'documents'],
  ['Chunks', 'chunks'],
  ['Trained', 'trainedChunks'],
  ['Tokens', 'tokens'],
] as const;

export function Overview({ kb }: { kb: KnowledgeBaseStats }) {
  return (
    <Postbox id="kb-title" title="Knowledge base">
      <Tiles
        class="stat-tiles"
        tiles={[
          { term: 'Documents', value: formatNumber(kb.documents) },
          { term: 'Chunks', value: formatNumber(kb.chunks) },
          { term: 'Trained chunks', value: formatNumber(kb.trainedChunks) },
          { term: 'Tokens', value: formatNumber(kb.tokens) },
          { term: 'Database size', value: formatBytes(kb.databaseBytes) },
        ]}
      />
      <p class="description stat-legend">
        Chunks are the short passages your content is split into, for the search to find. Trained chunks have their embedding in the search index. Tokens
        measure their length (a token is about ¾ of a word): it is what the embedding provider charges for.
      </p>
      <p class="last-training">
        <strong>Last training:</strong>{' '}
        {kb.lastTraining ? (
          <>
            <Badge tone={LAST_TRAINING[kb.lastTraining.status]?.[1] ?? 'neutral'}>{LAST_TRAINING[kb.lastTraining.status]?.[0] ?? kb.lastTraining.status}</Badge>{' '}
            <TimeAgo at={kb.lastTraining.finishedAt} />
          </>
        ) : (
          'never'
        )}
      </p>
      <div class="table-scroll">
        <table class="widefat source-table">
          <caption class="screen-reader-text">Content per source</caption>
          <thead>
            <tr>
              <th scope="col">Source</th>
              {NUMBER_COLUMNS.map(([label]) => (
                <th key={label} scope="col" class="num">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {kb.sources.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  {s.name}
                  {/* The kind, unless the name already says it ("Web pages", "WordPress: shop.example.com"). */}
                  {s.kind !== 'text' && s.kind !== 'files' && !s.name.startsWith(KIND_LABEL[s.kind] ?? s.kind) && (
                    <span class="table-kind"> · {KIND_LABEL[s.kind] ?? s.kind}</span>
                  )}
                </th>
                {NUMBER_COLUMNS.map(([label, key]) => (
                  <td key={label} class="num" data-label={label}>
                    {formatNumber(s[key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Postbox>
  );
}
