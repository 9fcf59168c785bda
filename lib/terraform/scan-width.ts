/**
 * How many parallel Scan segments a lock table needs: one request per segment is the minimum cost of
 * a read, and a Scan page holds at most 1 MB, so the width that reads a table in one page per segment
 * is its size over 1 MB. Four segments for a 300-item table is four requests where one page would do;
 * sixty such backends made 6,257 Scans in four minutes. So the width follows the table:
 *
 * - before the first read, from DescribeTable (ItemCount, TableSizeBytes; AWS refreshes them about
 *   every six hours, moto reports no size: the count times a typical item is used then);
 * - after each read, from what it returned: the bytes of its items (a close estimate of DynamoDB's own
 *   item size: attribute names plus values), so a table that grew gets more segments next time.
 *
 * A little under 1 MB per segment leaves room for growth between two reads.
 */
import { utf8Bytes } from './utf8';

/** Bytes per segment aimed at (under the 1 MB page limit). */
export const SEGMENT_BYTES = 900 * 1024;
/** Widest automatic Scan: beyond this, more parallel requests only add throttling. */
export const MAX_AUTO_SEGMENTS = 16;
/** A typical lock-table item (LockID plus a lock's Info or a digest) when only the count is known. */
export const TYPICAL_ITEM_BYTES = 300;

export function segmentsForBytes(bytes: number): number {
  if (!Number.isFinite(bytes) || bytes <= 0) return 1;
  return Math.min(MAX_AUTO_SEGMENTS, Math.max(1, Math.ceil(bytes / SEGMENT_BYTES)));
}

/** The width for a table DescribeTable reports (size, else count × a typical item). */
export function segmentsForDescription(itemCount: number | null, sizeBytes: number | null): number {
  const bySize = sizeBytes ?? 0;
  const byCount = (itemCount ?? 0) * TYPICAL_ITEM_BYTES;
  return segmentsForBytes(Math.max(bySize, byCount));
}

/** DynamoDB's size of an item of string attributes: each attribute's name plus its value, in UTF-8 bytes. */
export function itemBytes(attributes: Record<string, string | null | undefined>): number {
  let n = 0;
  for (const [name, value] of Object.entries(attributes)) if (value !== null && value !== undefined) n += utf8Bytes(name) + utf8Bytes(value);
  return n;
}
