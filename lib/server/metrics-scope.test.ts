import { describe, expect, it } from 'vitest';
import { labelValue, metricsForBackends } from './metrics-scope';

const exposition = [
  '# HELP lockboard_lock_age_seconds Age of each live lock.',
  '# TYPE lockboard_lock_age_seconds gauge',
  'lockboard_lock_age_seconds{backend="main",key="app/terraform.tfstate",workspace="default",operation="OperationTypeApply",who="a@h"} 12',
  // A key written to look like another label: the value's quotes are escaped, it is not the label.
  'lockboard_lock_age_seconds{backend="other",key="x\\",backend=\\"main",workspace="default",operation="OperationTypePlan",who="b@h"} 3',
  'lockboard_lock_age_seconds{key="y\\",backend=\\"main",backend="other"} 4',
  'lockboard_aws_calls_total{service="s3",operation="ListObjectsV2",origin="watcher"} 7',
  'lockboard_backend_read_ok{backend="main"} 1',
  'lockboard_backend_read_ok{backend="other"} 0',
].join('\n');

describe('metricsForBackends', () => {
  it('keeps the samples of the backends the caller may view and every sample without a backend', () => {
    const kept = metricsForBackends(exposition, (id) => id === 'main').split('\n');
    expect(kept).toEqual([exposition.split('\n')[0], exposition.split('\n')[1], exposition.split('\n')[2], exposition.split('\n')[5], exposition.split('\n')[6]]);
  });

  it('reads label values with their escapes', () => {
    expect(labelValue('m{key="a\\"b\\\\c\\nd",backend="x"} 1', 'key')).toBe('a"b\\c\nd');
    expect(labelValue('m{key="a\\"b\\\\c\\nd",backend="x"} 1', 'backend')).toBe('x');
    expect(labelValue('m 1', 'backend')).toBeNull();
    expect(labelValue('# HELP m {backend="x"}', 'backend')).toBeNull();
  });

  it('takes linear time on a long hostile line', () => {
    const line = `m{key="${'\\"backend=\\"'.repeat(200_000)}",backend="main"} 1`;
    const t0 = performance.now();
    expect(labelValue(line, 'backend')).toBe('main');
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
