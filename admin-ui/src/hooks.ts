import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from './api.js';

export interface Resource<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
  setData: (d: T) => void;
}

/** GET a JSON resource once on mount (and on reload()). 401s are handled globally. */
export function useResource<T>(path: string): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [n, setN] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    api
      .get<T>(path, { signal: ctrl.signal })
      .then((d) => {
        setData(d);
        setLoading(false);
      })
      .catch((err) => {
        if (ctrl.signal.aborted || (err instanceof ApiError && err.status === 401)) return;
        setError(errorMessage(err));
        setLoading(false);
      });
    return () => {
      ctrl.abort();
    };
  }, [path, n]);

  const reload = useCallback(() => setN((x) => x + 1), []);
  return { data, error, loading, reload, setData };
}
