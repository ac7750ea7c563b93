import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, isAbort, isApiError, type Api } from './api-client.js';
import { useSession } from './session.js';

export type Loadable<T> =
  | { status: 'loading'; data: T | undefined; error?: undefined }
  | { status: 'ready'; data: T; error?: undefined }
  | { status: 'error'; data: T | undefined; error: ApiError };

/**
 * Loads data for a page and reloads when `key` changes (put every input of `load` into the key).
 * While a new key loads, the previous data stays (`data` with status 'loading'), so a table being
 * re-filtered does not flash empty. A 401 ends the session; other errors become `status: 'error'`.
 */
export function useApi<T>(
  key: string,
  load: (api: Api, signal: AbortSignal) => Promise<T>,
): Loadable<T> & { reload: () => void } {
  const { api, expire } = useSession();
  const [state, setState] = useState<Loadable<T>>({ status: 'loading', data: undefined });
  const [attempt, setAttempt] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ status: 'loading', data: previous.data }));
    loadRef
      .current(api, controller.signal)
      .then((data) => {
        if (!controller.signal.aborted) setState({ status: 'ready', data });
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted || isAbort(err)) return;
        if (isApiError(err) && err.kind === 'unauthenticated') {
          expire();
          return;
        }
        const error = isApiError(err)
          ? err
          : new ApiError(0, 'internal', err instanceof Error ? err.message : String(err));
        setState((previous) => ({ status: 'error', data: previous.data, error }));
      });
    return () => controller.abort();
  }, [api, expire, key, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}

/** `value`, but only after it has stayed the same for `ms` milliseconds (search-as-you-type). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
