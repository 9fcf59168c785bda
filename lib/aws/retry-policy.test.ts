import { describe, expect, it } from 'vitest';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { withoutTimeoutRetries } from './retry-policy';

const token = { getRetryCount: () => 1, getRetryDelay: () => 0 } as RetryToken;

function innerStrategy(): RetryStrategyV2 & { refreshed: number } {
  const s = {
    refreshed: 0,
    acquireInitialRetryToken: async () => token,
    refreshRetryTokenForRetry: async () => {
      s.refreshed += 1;
      return token;
    },
    recordSuccess: () => undefined,
  };
  return s;
}

const info = (error: object, errorType: RetryErrorInfo['errorType']): RetryErrorInfo => ({ error: error as RetryErrorInfo['error'], errorType });

describe('withoutTimeoutRetries', () => {
  it('gives up on an attempt that ran out of its deadline, with that attempt’s error', async () => {
    const inner = innerStrategy();
    const timeout = Object.assign(new Error('Request timed out'), { name: 'TimeoutError' });
    await expect(withoutTimeoutRetries(inner).refreshRetryTokenForRetry(token, info(timeout, 'TRANSIENT'))).rejects.toBe(timeout);
    const wrapped = Object.assign(new Error('socket'), { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) });
    await expect(withoutTimeoutRetries(inner).refreshRetryTokenForRetry(token, info(wrapped, 'TRANSIENT'))).rejects.toBe(wrapped);
    expect(inner.refreshed).toBe(0);
  });

  it('leaves throttling, server errors and refused connections to the inner strategy', async () => {
    const inner = innerStrategy();
    const policy = withoutTimeoutRetries(inner);
    await expect(policy.refreshRetryTokenForRetry(token, info(Object.assign(new Error('slow'), { name: 'ThrottlingException' }), 'THROTTLING'))).resolves.toBe(token);
    await expect(policy.refreshRetryTokenForRetry(token, info(Object.assign(new Error('boom'), { name: 'InternalError' }), 'SERVER_ERROR'))).resolves.toBe(token);
    await expect(policy.refreshRetryTokenForRetry(token, info(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'TRANSIENT'))).resolves.toBe(token);
    expect(inner.refreshed).toBe(3);
  });
});
