import { Badge } from './badge';
import { TimeText } from './time-text';
import type { Lock } from '@/lib/api/locks';
import { livenessEvidence, livenessWords } from '@/lib/client/liveness-words';

/** Is the holder still running? `alive`, `dead` or why it is unknown, its meaning on hover. Nothing when the server did not judge. */
export function LivenessBadge({ lock }: { lock: Pick<Lock, 'liveness'> }) {
  if (!lock.liveness) return null;
  const w = livenessWords(lock.liveness);
  return (
    <span data-testid="liveness-badge" data-liveness={lock.liveness.state}>
      <Badge tone={w.tone} title={w.sentence}>
        {w.label}
      </Badge>
    </span>
  );
}

/** The evidence in full: what it means, the last heartbeat (S3's time), the process, the last state write, the age. */
export function LivenessEvidence({ lock, testId }: { lock: Pick<Lock, 'liveness'>; testId: string }) {
  const l = lock.liveness;
  if (!l) return <p data-testid={testId}>Liveness: not known (the bucket could not be read).</p>;
  const w = livenessWords(l);
  return (
    <div data-testid={testId} data-liveness={l.state} className="space-y-1">
      <p className="flex flex-wrap items-center gap-2">
        <LivenessBadge lock={lock} />
        <span>{w.sentence}</span>
      </p>
      <ul className="list-disc pl-5 text-xs text-slate-700 [overflow-wrap:anywhere]">
        {l.lastHeartbeat ? (
          <li>
            Last heartbeat: <TimeText at={l.lastHeartbeat} />
          </li>
        ) : null}
        {livenessEvidence(l).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}
