import { describe, expect, it } from 'vitest';
import { auditRecordHref } from './action-notices';

describe('action notices', () => {
  it('link to the audit page opened on one record', () => {
    expect(auditRecordHref('e2e-main', '0b7c1d2e-aaaa-4bbb-8ccc-1234567890ab')).toBe('/audit?backend=e2e-main&id=0b7c1d2e-aaaa-4bbb-8ccc-1234567890ab');
    expect(auditRecordHref('a b', 'x&y')).toBe('/audit?backend=a+b&id=x%26y');
  });
});
