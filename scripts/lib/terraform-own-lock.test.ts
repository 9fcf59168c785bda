import { describe, expect, it } from 'vitest';
import { ownLeakedLock } from './terraform-own-lock';

const failure = (created: string) => `Acquiring state lock. This may take a few moments...

Error: Error acquiring the state lock

Error message: operation error DynamoDB: PutItem, https response error
StatusCode: 400, RequestID: pJJT,
ConditionalCheckFailedException: The conditional request failed
Lock Info:
  ID:        c6cd40f7-134d-5344-3f3b-a195d144373c
  Path:      bulk-3e2e8f49/runall/network/terraform.tfstate
  Operation: OperationTypePlan
  Who:       root@vm
  Version:   1.11.4
  Created:   ${created}
  Info:
`;

describe('ownLeakedLock', () => {
  const started = Date.parse('2026-12-08T03:45:12.500Z');

  it('names the lock a command left itself (created after it started)', () => {
    expect(ownLeakedLock(failure('2026-12-08 03:45:13.007754664 +0000 UTC'), started)).toBe('c6cd40f7-134d-5344-3f3b-a195d144373c');
  });

  it('leaves a lock someone else held before the command started alone', () => {
    expect(ownLeakedLock(failure('2026-12-08 03:40:00.000000000 +0000 UTC'), started)).toBeNull();
  });

  it('leaves any other failure alone', () => {
    expect(ownLeakedLock('Error: Invalid provider configuration', started)).toBeNull();
    expect(ownLeakedLock(failure('2026-12-08 03:45:13.007754664 +0000 UTC').replace('ConditionalCheckFailedException', 'ResourceNotFoundException'), started)).toBeNull();
  });
});
