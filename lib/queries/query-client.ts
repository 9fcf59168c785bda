import { QueryClient } from '@tanstack/react-query';
import { toClientError } from './fetch-json';

/** One QueryClient factory: short staleTime (the server caches too), no retry storms on typed errors. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 2_000,
        // A 4xx will answer the same again; a 5xx or a network failure gets one retry.
        retry: (count, error) => (toClientError(error)?.status ?? 500) >= 500 && count < 1,
        refetchOnWindowFocus: true,
      },
    },
  });
}
