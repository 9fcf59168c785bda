import { Badge } from './badge';
import { operationLabel } from '@/lib/client/lock-words';
import { describeWriter, type WriterContext, type WriterFacts, type WriterKind } from '@/lib/client/writer-words';

const LABEL_STYLE: Record<WriterKind, string> = {
  writer: 'font-mono text-xs',
  likely: 'font-mono text-xs',
  restore: 'font-mono text-xs',
  no_lock: 'font-medium text-amber-900',
  not_terraform: 'font-medium text-red-800',
  no_writer: 'text-slate-600',
  unknown: 'text-slate-600',
};

/**
 * Who wrote a version, with its explanation visible (touch and keyboard users cannot reach a
 * tooltip): the holder and operation, a "likely" label when the holder is inferred, "no lock held",
 * "restored by … via Lockboard", "not written by Terraform" (the content fails the recorded digest),
 * "—" for a delete marker, or "unknown" with why.
 */
export function WriterText({ facts, context, showOperation = true }: { facts: WriterFacts; context: WriterContext; showOperation?: boolean }) {
  const words = describeWriter(facts, context);
  const w = facts.writer;
  return (
    <span data-testid="writer" data-writer-kind={words.kind} data-basis={facts.attribution} className="block max-w-xs">
      <span className={LABEL_STYLE[words.kind]}>{words.label}</span>
      {words.kind === 'likely' ? (
        <>
          {' '}
          <Badge tone="amber">likely</Badge>
        </>
      ) : null}
      {showOperation && w && (words.kind === 'writer' || words.kind === 'likely') ? <span className="block text-xs text-slate-600" title={w.operation}>
          {operationLabel(w.operation)}
        </span> : null}
      {words.note ? <span className="block text-[11px] leading-snug text-slate-600">{words.note}</span> : null}
    </span>
  );
}
