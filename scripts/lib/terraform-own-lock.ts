/**
 * Terraform 1.11.4 leaks its own DynamoDB lock when the answer to its lock `PutItem` is lost: the
 * SDK retries, the retry meets the item the first attempt wrote (ConditionalCheckFailed against its
 * own lock ID), Terraform exits 1 naming its own lock and leaves it (opentofu#4405; pain point 7 of
 * the protocol notes). Seen under load on the local stack. A test driving Terraform is not testing
 * that: the helper recognises it (the lock named was created by this very command, after it
 * started), releases it with `terraform force-unlock` and runs the command once more, saying so.
 */

/** The ID of the lock a failed command names as the holder when that lock is the command's own, else null. */
export function ownLeakedLock(output: string, startedMs: number): string | null {
  if (!/Error acquiring the state lock/.test(output) || !/ConditionalCheckFailed/.test(output)) return null;
  const id = /Lock Info:[\s\S]*?\n\s*ID:\s+(\S+)/.exec(output)?.[1];
  const created = /\n\s*Created:\s+(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? \+0000 UTC/.exec(output);
  if (!id || !created) return null;
  const createdMs = Date.parse(`${created[1]}T${created[2]}${(created[3] ?? '').slice(0, 4)}Z`);
  // The same machine's clock: a lock created after the command started is the command's own.
  return createdMs >= startedMs - 1_000 ? id : null;
}
