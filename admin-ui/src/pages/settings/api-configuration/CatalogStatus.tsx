import { Icon } from '../../../components/Icon.js';
import { Notice } from '../../../components/Notice.js';
import { Spinner } from '../../../components/Spinner.js';
import { TimeAgo } from '../../../components/TimeAgo.js';
import { relativeTime } from '../../../format.js';
import type { ModelCatalog } from '../../../types.js';

/** How many models the list has, when it was fetched, and "Refresh list". */
export function CatalogStatus(props: { catalog: ModelCatalog | null; loading: boolean; error: string | null; onRefresh: () => void }) {
  const { catalog, loading, error, onRefresh } = props;
  const count = catalog?.models.length ?? 0;
  return (
    <>
      <p class="catalog-status">
        {loading ? (
          <Spinner label={catalog ? 'Refreshing the model list…' : 'Loading the model list…'} />
        ) : (
          <>
            <span>
              {count} {count === 1 ? 'model' : 'models'}
            </span>
            {catalog?.fetchedAt && (
              <span>
                Updated <TimeAgo at={catalog.fetchedAt} />
              </span>
            )}
            <button type="button" class="button-link" onClick={onRefresh}>
              <Icon name="refresh" size={14} />
              Refresh list
            </button>
          </>
        )}
      </p>
      {error && !loading && (
        <Notice type={count ? 'warning' : 'error'} inline>
          <p>
            {error} {count ? `Showing the list from ${relativeTime(catalog?.fetchedAt ?? null)}.` : 'You can still type a model id.'}
          </p>
        </Notice>
      )}
    </>
  );
}
