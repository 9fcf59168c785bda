import { describe, expect, it } from 'vitest';
import { MAX_AUTO_SEGMENTS, itemBytes, segmentsForBytes, segmentsForDescription } from './scan-width';

describe('Scan width follows the table', () => {
  it('reads a small table with one segment, a large one with one per ~900 KiB, never more than the cap', () => {
    expect(segmentsForBytes(0)).toBe(1);
    expect(segmentsForBytes(300 * 300)).toBe(1); // 300 items
    expect(segmentsForBytes(900 * 1024)).toBe(1);
    expect(segmentsForBytes(900 * 1024 + 1)).toBe(2);
    expect(segmentsForBytes(20_000 * 400)).toBe(9);
    expect(segmentsForBytes(1e12)).toBe(MAX_AUTO_SEGMENTS);
    expect(segmentsForBytes(Number.NaN)).toBe(1);
  });

  it('before the first read: the reported size, or the item count when no size is reported (moto)', () => {
    expect(segmentsForDescription(300, 0)).toBe(1);
    expect(segmentsForDescription(10_200, 0)).toBe(4);
    expect(segmentsForDescription(10, 5 * 1024 * 1024)).toBe(6);
    expect(segmentsForDescription(null, null)).toBe(1);
  });

  it('measures an item as DynamoDB does: attribute names plus UTF-8 values', () => {
    expect(itemBytes({ LockID: 'b/k', Digest: 'a'.repeat(32) })).toBe(6 + 3 + 6 + 32);
    expect(itemBytes({ LockID: 'é€😀', Info: null })).toBe(6 + 2 + 3 + 4);
  });
});
