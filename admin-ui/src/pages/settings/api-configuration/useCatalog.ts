import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import type { ModelCatalog } from '../../../types.js';

/** Fetches the model catalog; refresh() forces the server to update it from the provider. */
export function useCatalog() {
  const [catalog, setCatalog] = useState<ModelCatalog | null>(null);
  const [loading, setLoading] = useState(true);
  const [requestError, setRequestError] = useState<string | null>(null);

  async function load(refresh: boolean) {
    setLoading(true);
    setRequestError(null);
    try {
      setCatalog(await api.get<ModelCatalog>(`/api/admin/models${refresh ? '?refresh=1' : ''}`));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      setRequestError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    load(false);
  }, []);

  return { catalog, loading, requestError, refresh: () => load(true), reload: () => load(false) };
}
