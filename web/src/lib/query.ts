// Data loading for screens: TanStack Query over the typed API clients (api.ts). Errors are always
// ApiError (the transport middleware throws them), so screens show them with <ErrorNotice>.
import { keepPreviousData, QueryClient, useQuery, type QueryKey, type UseQueryResult } from '@tanstack/react-query';
import type { ApiError } from './api.ts';
import { toApiError } from './hooks.ts';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A screen shows what the server says now, as it did before this library: no cache kept
      // between screens, no silent refetch on focus, and an error shown at once instead of
      // retried (the transport already retries a stale CSRF token or a step-up).
      gcTime: 0,
      staleTime: 0,
      retry: false,
      refetchOnWindowFocus: false,
    },
    mutations: { retry: false },
  },
});

/**
 * useQuery with the app's error type. `load` gets the signal that cancels a superseded load; the
 * previous answer stays on screen while the next one (new filters, next id) loads.
 */
export function useApiQuery<T>(
  queryKey: QueryKey,
  load: (signal: AbortSignal) => Promise<T>,
  opts: { enabled?: boolean } = {},
): UseQueryResult<T, ApiError> {
  const queryFn = async ({ signal }: { signal: AbortSignal }) => {
    try {
      return await load(signal);
    } catch (e) {
      // Screens show errors with <ErrorNotice>, which needs an ApiError; a cancelled load stays as is.
      throw (e as Error).name === 'AbortError' ? e : toApiError(e);
    }
  };
  return useQuery<T, ApiError>({ queryKey, queryFn, placeholderData: keepPreviousData, ...opts });
}
