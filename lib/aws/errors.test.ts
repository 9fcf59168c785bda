import { describe, expect, it } from 'vitest';
import { isConditionFailed, isThrottling, toAwsError } from './errors';

const target = { backend: 'prod', service: 'DynamoDB' as const, resource: 'tf-locks' };

function sdkError(name: string, status: number) {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

describe('toAwsError', () => {
  it.each([
    ['ResourceNotFoundException', 400, 'table_not_found', 502],
    ['NoSuchBucket', 404, 'bucket_not_found', 502],
    ['AccessDeniedException', 400, 'aws_access_denied', 502],
    ['AccessDenied', 403, 'aws_access_denied', 502],
    ['ProvisionedThroughputExceededException', 400, 'aws_throttled', 503],
    ['SlowDown', 503, 'aws_throttled', 503],
    ['InternalError', 500, 'aws_error', 502],
    ['InvalidObjectState', 403, 'aws_error', 502],
  ])('%s → %s', (name, status, code, httpStatus) => {
    const err = toAwsError(sdkError(name, status), target);
    expect(err.code).toBe(code);
    expect(err.status).toBe(httpStatus);
    expect(err.message).toContain('prod');
    expect(err.toJson()).toMatchObject({ backend: 'prod', awsError: name });
  });

  it('finds a refused connection inside nested causes', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const wrapped = Object.assign(new Error('aggregate'), { name: 'Error', errors: [refused] });
    const err = toAwsError(Object.assign(new Error('outer'), { cause: wrapped }), target);
    expect(err.code).toBe('aws_unreachable');
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('recognises throttling and failed conditions', () => {
    expect(isThrottling(sdkError('ThrottlingException', 400))).toBe(true);
    expect(isThrottling(sdkError('ValidationException', 400))).toBe(false);
    expect(isConditionFailed(sdkError('ConditionalCheckFailedException', 400))).toBe(true);
    expect(isConditionFailed(sdkError('PreconditionFailed', 412))).toBe(true);
    expect(isConditionFailed(sdkError('NoSuchKey', 404))).toBe(false);
  });
});
