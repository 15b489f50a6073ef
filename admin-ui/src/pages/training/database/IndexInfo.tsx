// Database Management → Embedding model: the active index, and the one being built.
import { endpointName, formatNumber, plural } from '../../../format.js';
import type { KnowledgeBaseStats } from '../types.js';

export function IndexInfo({ kb, rebuilding }: { kb: KnowledgeBaseStats; rebuilding: boolean }) {
  return (
    <div class="index-info">
      <p>
        <strong>Active index:</strong>{' '}
        {kb.index ? (
          <>
            <code>{kb.index.model}</code> via {endpointName(kb.index)},{' '}
            {kb.index.dimensions ? `${formatNumber(kb.index.dimensions)} dimensions` : 'dimensions set on first training'}, {plural(kb.index.vectors, 'vector')}
          </>
        ) : (
          'none yet: it is created by the first training.'
        )}
      </p>
      {kb.building && (
        <p>
          <strong>{rebuilding ? 'Being built:' : 'Unfinished:'}</strong> <code>{kb.building.model}</code> via {endpointName(kb.building)}
          {kb.building.dimensions ? `, ${formatNumber(kb.building.dimensions)} dimensions` : ''}, {formatNumber(kb.building.vectors)} of{' '}
          {plural(kb.chunks, 'vector')}.{rebuilding && ' The active index keeps answering until it is complete.'}
        </p>
      )}
    </div>
  );
}
