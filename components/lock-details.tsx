import { Badge } from './badge';
import { CopyButton } from './copy-button';
import { LinkedText } from './linked-text';
import { LivenessBadge, LivenessEvidence } from './liveness-badge';
import { PathText } from './path-text';
import { TimeText } from './time-text';
import { formatAge } from '@/lib/client/format';
import { ageNow, type AgedLock } from '@/lib/client/lock-age';
import { useNow } from '@/lib/client/use-time';
import { cliUnlockCommand, lockSourceLabel, operationLabel, problemWords, versionWords, type ListedLock } from '@/lib/client/lock-words';
import { freezeOf } from '@/lib/terraform/freeze-lock';

export { lockSourceLabel };

/** The sides holding a lock (unless `sources` is false) and its staleness or freeze, as badges. */
export function LockBadges({ lock, sources = true }: { lock: ListedLock; sources?: boolean }) {
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
      {freezeOf(lock) ? null : <LivenessBadge lock={lock} />}
    </>
  );
}

/**
 * A lock's problems in words. Each label opens (a <details>, which touch and keyboard reach, unlike a
 * tooltip) to what it means and its raw code; `open` shows all of that as plain text instead.
 */
export function LockProblems({ lock, open = false }: { lock: ListedLock; open?: boolean }) {
  if (lock.problems.length === 0) return null;
  const label = 'w-fit rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-900 ring-1 ring-inset ring-red-300';
  return (
    <ul className="flex flex-col items-start gap-1" aria-label="Problems">
      {lock.problems.map((p) => {
        const words = problemWords(p, lock);
        const meaning = (
          <>
            {words.explanation} <code className="font-mono text-slate-600">{words.code}</code>
          </>
        );
        return (
          <li key={p} data-problem={p} className="text-xs">
            {open ? (
              <>
                <span className={label}>{words.label}</span>
                <p className="mt-0.5 text-slate-700">{meaning}</p>
              </>
            ) : (
              <details>
                <summary className={`cursor-pointer ${label}`}>{words.label}</summary>
                <p className="mt-0.5 max-w-prose text-slate-700">{meaning}</p>
              </details>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** An operation in words (`apply`), the raw value Terraform wrote (`OperationTypeApply`) on hover. */
export function OperationText({ operation }: { operation: string }) {
  if (!operation) return <>—</>;
  const label = operationLabel(operation);
  return label === operation ? <>{operation}</> : <span title={operation}>{label}</span>;
}

/**
 * Who holds a lock and what it is: holder, operation, Terraform version (for a freeze: that Lockboard
 * took it), creation time and age, lock ID, Info, the sides holding it and its problems. `testId`
 * prefixes the test IDs of the holder (`-who`), the version (`-version`) and the ID (`-id`); `copy`
 * adds the buttons copying the ID and (not for a freeze) the `terraform force-unlock` command; `liveness`
 * (default on) the liveness evidence, which the unlock dialog shows first instead.
 */
export function LockDetails({ lock, testId, copy = false, liveness = true }: { lock: ListedLock & AgedLock; testId: string; copy?: boolean; liveness?: boolean }) {
  const operation = operationLabel(lock.operation);
  // Aged from when the browser received it (the change feed does not resend a lock to update its age).
  const age = ageNow(lock, useNow());
  return (
    <dl data-testid={testId} className="grid grid-cols-[max-content_minmax(0,1fr)] [overflow-wrap:anywhere] gap-x-4 gap-y-1">
      <dt className="text-slate-500">Who</dt>
      <dd className="font-mono text-xs [overflow-wrap:anywhere]" data-testid={`${testId}-who`}>
        {lock.who || '—'}
      </dd>
      <dt className="text-slate-500">Operation</dt>
      <dd data-testid={`${testId}-operation`}>
        {operation || '—'}
        {operation !== lock.operation ? <code className="ml-2 font-mono text-xs text-slate-500">{lock.operation}</code> : null}
      </dd>
      <dt className="text-slate-500">{versionWords(lock).label}</dt>
      <dd data-testid={`${testId}-version`}>{versionWords(lock).value}</dd>
      <dt className="text-slate-500">Created</dt>
      <dd>
        <TimeText at={lock.created} show="absolute" /> <span className="text-slate-500">({age === null ? 'age unknown' : `${formatAge(age)} ago`})</span>
      </dd>
      <dt className="text-slate-500">Lock ID</dt>
      <dd className="flex flex-wrap items-center gap-1">
        <code className="font-mono text-xs" data-testid={`${testId}-id`}>
          <PathText text={lock.id || '(none)'} />
        </code>
        {copy && lock.id ? <CopyButton text={lock.id} label={`Copy lock ID ${lock.id}`} /> : null}
        {copy && cliUnlockCommand(lock) ? <CopyButton text={cliUnlockCommand(lock)!} label="Copy CLI: copy terraform force-unlock command" caption="Copy CLI" /> : null}
      </dd>
      {lock.info ? (
        <>
          <dt className="text-slate-500">Info</dt>
          <dd className="text-xs [overflow-wrap:anywhere]" data-testid={`${testId}-info`}>
            <LinkedText text={lock.info} />
          </dd>
        </>
      ) : null}
      <dt className="text-slate-500">Held in</dt>
      <dd className="flex flex-wrap gap-1">
        <LockBadges lock={lock} />
      </dd>
      {liveness && lock.liveness && !freezeOf(lock) ? (
        <>
          <dt className="text-slate-500">Liveness</dt>
          <dd>
            <LivenessEvidence lock={lock} testId={`${testId}-liveness`} />
          </dd>
        </>
      ) : null}
      {lock.problems.length > 0 ? (
        <>
          <dt className="text-slate-500">Problems</dt>
          <dd>
            <LockProblems lock={lock} open />
          </dd>
        </>
      ) : null}
    </dl>
  );
}
