import { TimeText } from './time-text';

/** The label of data shown after its backend failed to be read again: what time it is from. */
export function LastKnown({ at }: { at: string }) {
  return (
    <span data-testid="last-known" className="mb-1 inline-block rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-800">
      last known, as of <TimeText at={at} show="absolute" />
    </span>
  );
}
