import type { ReactNode } from 'react';
import { Badge } from './badge';
import { CardLabel } from './card-label';
import { PathText } from './path-text';
import { TimeText } from './time-text';
import type { PostureFinding, PostureResponse, Severity } from '@/lib/api/posture';

const TONE: Record<Severity, 'red' | 'amber' | 'gray' | 'green'> = { critical: 'red', warning: 'amber', info: 'gray', ok: 'green' };

export const RESTORE_TEXT: Record<PostureResponse['restore'], string> = {
  ok: 'Restore possible',
  at_risk: 'Restore at risk',
  impossible: 'Restore impossible',
  unknown: 'Restore not checked',
};

function Finding({ f }: { f: PostureFinding }) {
  return (
    <li data-testid="posture-finding" data-code={f.code} className="flex gap-2 py-1 text-sm">
      <Badge tone={TONE[f.severity]}>{f.severity}</Badge>
      <div>
        <p>{f.message}</p>
        {f.fix ? (
          <p className="text-xs text-slate-700">
            <span className="font-semibold">Fix: </span>
            <span className="font-mono">{f.fix}</span>
          </p>
        ) : null}
      </div>
    </li>
  );
}

/** The findings of one backend, worst first. */
export function PostureFindings({ findings }: { findings: PostureFinding[] }) {
  return <ul className="divide-y divide-slate-100">{findings.map((f) => <Finding key={f.code + f.message} f={f} />)}</ul>;
}

function date(iso: string | null, none: string): ReactNode {
  return iso ? <TimeText at={iso} stacked /> : none;
}

/** Per state: how far back a restore can go today, and until when the current rules keep that. */
export function PostureStates({ posture, limit = 200 }: { posture: PostureResponse; limit?: number }) {
  if (posture.historyError) return <p className="text-sm text-amber-900">Restore windows not checked: {posture.historyError}</p>;
  if (!posture.states) return null;
  const rows = [...posture.states].sort((a, b) => (a.lastRestorableUntil ?? '9').localeCompare(b.lastRestorableUntil ?? '9') || a.restorableCount - b.restorableCount).slice(0, limit);
  return (
    // A table on a wide screen, a card per state below md (one DOM, no sideways scrolling on a phone).
    <div className="md:overflow-x-auto">
      <table className="min-w-full text-left text-xs max-md:block">
        <thead className="text-slate-600 max-md:hidden">
          <tr>
            <th scope="col" className="px-2 py-1">State</th>
            <th scope="col" className="px-2 py-1">Prior versions</th>
            <th scope="col" className="px-2 py-1">Oldest restorable</th>
            <th scope="col" className="px-2 py-1">Kept until</th>
            <th scope="col" className="px-2 py-1">Last restorable until</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 max-md:block">
          {rows.map((s) => (
            <tr key={s.key} data-testid="posture-state" data-key={s.key} className="max-md:flex max-md:flex-wrap max-md:gap-x-4 max-md:gap-y-1 max-md:py-2">
              <td className="px-2 py-1 font-mono max-md:w-full max-md:p-0">
                <PathText text={s.key} />
              </td>
              <td className="px-2 py-1 tabular-nums max-md:p-0">
                <CardLabel>Prior versions</CardLabel>
                {s.restorableCount}
              </td>
              <td className="px-2 py-1 max-md:w-full max-md:p-0">
                <CardLabel>Oldest restorable</CardLabel>
                {s.oldest ? date(s.oldest.lastModified, '?') : 'none'}
              </td>
              <td className="px-2 py-1 max-md:w-full max-md:p-0">
                <CardLabel>Kept until</CardLabel>
                {s.oldest ? date(s.oldestKeptUntil, 'no expiry rule') : '—'}
                {s.tagDependent ? ' (a tag-filtered rule may apply)' : ''}
              </td>
              <td className="px-2 py-1 max-md:w-full max-md:p-0">
                <CardLabel>Last restorable until</CardLabel>
                {s.restorableCount ? date(s.lastRestorableUntil, 'no expiry rule') : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {posture.states.length > rows.length ? <p className="text-xs text-slate-500">{rows.length} of {posture.states.length} states, closest to losing their history first.</p> : null}
    </div>
  );
}
