/**
 * Which failed attempts the SDK tries again. Throttling, 5xx answers and refused connections are
 * retried (adaptive back-off, up to maxAttempts); an attempt that ran out of its deadline is not. The
 * endpoint is usually still working on it: a retry adds the same work to an endpoint already too slow
 * (three times the load on a slow VPC endpoint or an overloaded server), and a conditional write that
 * was applied but answered late would be retried into a false "condition failed". The next read (the
 * watcher's next interval, the viewer's next poll) asks again at its own pace.
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { isTimeout } from './errors';

export function withoutTimeoutRetries(inner: RetryStrategyV2): RetryStrategyV2 {
  return {
    acquireInitialRetryToken: (scope: string) => inner.acquireInitialRetryToken(scope),
    refreshRetryTokenForRetry: (token: RetryToken, info: RetryErrorInfo) =>
      // Rejecting here makes the SDK's retry middleware throw the attempt's own error.
      isTimeout(info.error) ? Promise.reject(info.error ?? new Error('timed out')) : inner.refreshRetryTokenForRetry(token, info),
    recordSuccess: (token: RetryToken) => inner.recordSuccess(token),
  };
}

interface RetryConfigured {
  config: { retryStrategy: () => Promise<unknown> };
}

function isV2(s: unknown): s is RetryStrategyV2 {
  const x = s as Partial<RetryStrategyV2> | null;
  return typeof x?.acquireInitialRetryToken === 'function' && typeof x.refreshRetryTokenForRetry === 'function' && typeof x.recordSuccess === 'function';
}

/** Puts the policy on a built client: its retry middleware asks `config.retryStrategy()` on each call. */
export function applyRetryPolicy(client: unknown): void {
  const config = (client as RetryConfigured).config;
  const original = config.retryStrategy;
  let wrapped: Promise<unknown> | null = null;
  config.retryStrategy = () => (wrapped ??= original().then((s) => (isV2(s) ? withoutTimeoutRetries(s) : s)));
}
