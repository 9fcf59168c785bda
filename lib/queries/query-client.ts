import { QueryClient } from '@tanstack/react-query';
import { AppError } from '../api/errors';

/** One QueryClient factory: short staleTime (the server caches too), no retry storms on typed errors. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 2_000,
        retry: (count, error) => !(error instanceof AppError && error.status < 500) && count < 1,
        refetchOnWindowFocus: true,
      },
    },
  });
}
