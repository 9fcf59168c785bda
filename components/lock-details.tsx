import { Badge } from './badge';
import { CopyButton } from './copy-button';
import { PathText } from './path-text';
import { TimeText } from './time-text';
import { formatAge, LOCK_PROBLEM_TEXT } from '@/lib/client/format';
import { forceUnlockCommand } from '@/lib/terraform/lock-info';
import type { Lock } from '@/lib/terraform/locks';
import { freezeOf } from '@/lib/terraform/freeze-lock';

export function lockSourceLabel(source: string): string {
  return source === 's3' ? '.tflock' : 'DynamoDB';
}

/** The sides holding a lock (unless `sources` is false), its staleness and its problems, as badges. */
export function LockBadges({ lock, sources = true }: { lock: Lock; sources?: boolean }) {
  return (
    <>
      {sources ? lock.sources.map((s) => <Badge key={s}>{lockSourceLabel(s)}</Badge>) : null}
      {freezeOf(lock) ? (
        <Badge tone="blue" title={`Frozen on purpose by ${freezeOf(lock)!.frozenBy}: ${freezeOf(lock)!.reason}`}>
          frozen
        </Badge>
      ) : lock.stale ? (
        <Badge tone="amber" title="Older than the stale threshold">
          stale
        </Badge>
      ) : null}
      {lock.problems.map((p) => (
        <Badge key={p} tone="red" title={LOCK_PROBLEM_TEXT[p] ?? p}>
          {p}
        </Badge>
      ))}
    </>
  );
}

/**
 * Who holds a lock and what it is: holder, operation, Terraform version, creation time and age, lock
 * ID and the sides holding it. `testId` prefixes the test IDs of the holder (`-who`) and the ID (`-id`);
 * `copy` adds the buttons copying the ID and the `terraform force-unlock` command.
 */
export function LockDetails({ lock, testId, copy = false }: { lock: Lock; testId: string; copy?: boolean }) {
  return (
    <dl data-testid={testId} className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
      <dt className="text-slate-500">Who</dt>
      <dd className="font-mono text-xs [overflow-wrap:anywhere]" data-testid={`${testId}-who`}>
        {lock.who || '—'}
      </dd>
      <dt className="text-slate-500">Operation</dt>
      <dd>{lock.operation || '—'}</dd>
      <dt className="text-slate-500">Terraform version</dt>
      <dd>{lock.version || '—'}</dd>
      <dt className="text-slate-500">Created</dt>
      <dd>
        <TimeText at={lock.created} show="absolute" /> <span className="text-slate-500">({lock.ageSeconds === null ? 'age unknown' : `${formatAge(lock.ageSeconds)} ago`})</span>
      </dd>
      <dt className="text-slate-500">Lock ID</dt>
      <dd className="flex flex-wrap items-center gap-1">
        <code className="font-mono text-xs" data-testid={`${testId}-id`}>
          <PathText text={lock.id || '(none)'} />
        </code>
        {copy && lock.id ? <CopyButton text={lock.id} label={`Copy lock ID ${lock.id}`} /> : null}
        {copy && forceUnlockCommand(lock) ? <CopyButton text={forceUnlockCommand(lock)!} label="Copy CLI: copy terraform force-unlock command" caption="Copy CLI" /> : null}
      </dd>
      <dt className="text-slate-500">Held in</dt>
      <dd className="flex flex-wrap gap-1">
        <LockBadges lock={lock} />
      </dd>
    </dl>
  );
}
