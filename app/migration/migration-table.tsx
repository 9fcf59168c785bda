import Link from 'next/link';
import { Badge } from '@/components/badge';
import { CardTableHead } from '@/components/card-label';
import { PathText } from '@/components/path-text';
import type { LockModeSeen, MigrationStateReport } from '@/lib/api/migration';
import { statePageHref } from '@/lib/api/urls';

type Tone = 'gray' | 'blue' | 'green' | 'amber' | 'red';

export const MODE: Record<LockModeSeen, { label: string; tone: Tone }> = {
  'dynamodb-only': { label: 'DynamoDB only', tone: 'amber' },
  dual: { label: 'dual (table + .tflock)', tone: 'blue' },
  'lockfile-only': { label: '.tflock only', tone: 'green' },
  unknown: { label: 'unknown', tone: 'gray' },
};

/** The digest in the States page's words (a mismatch is a mismatch here too). */
const DIGEST: Record<MigrationStateReport['digest'], { label: string; tone: Tone }> = {
  current: { label: 'matches', tone: 'green' },
  mismatch: { label: 'mismatch', tone: 'red' },
  orphan: { label: 'orphan: state deleted', tone: 'amber' },
  none: { label: 'no digest item', tone: 'gray' },
  unverified: { label: 'not checked', tone: 'gray' },
};

const COLUMNS = ['State', 'Lock mode seen', 'Digest', 'What it means'];

/**
 * Each state's lock mode and digest, what it means and where to act: a mismatch links to its repair
 * (the state page), an orphan digest to the clean-up below. Below the md breakpoint each row is a
 * card (CSS only, one DOM): no sideways scrolling on a phone.
 */
export function MigrationTable({ backendId, states }: { backendId: string; states: MigrationStateReport[] }) {
  return (
    <div className="rounded-md border border-slate-200 bg-white">
      <table className="w-full divide-y divide-slate-200 text-sm max-md:block">
        <CardTableHead columns={COLUMNS} className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600" cellClassName="px-3 py-2" />
        <tbody className="divide-y divide-slate-100 max-md:block">
          {states.map((s) => (
            <tr key={s.key} data-testid="migration-row" data-key={s.key} data-mode={s.historyPending ? 'pending' : s.mode} data-digest={s.digest} className="align-top max-md:flex max-md:flex-wrap max-md:items-center max-md:gap-2 max-md:px-3 max-md:py-3">
              <td className="w-1/5 px-3 py-2 max-md:w-full max-md:p-0">
                <Link href={statePageHref(backendId, s.key)} className="font-mono text-xs text-sky-800 hover:underline">
                  <PathText text={s.key} />
                </Link>
              </td>
              <td className="whitespace-nowrap px-3 py-2 max-md:p-0">
                {s.historyPending ? <Badge tone="gray">reading .tflock history…</Badge> : <Badge tone={MODE[s.mode].tone}>{MODE[s.mode].label}</Badge>}
              </td>
              <td className="px-3 py-2 text-xs max-md:p-0">
                <Badge tone={DIGEST[s.digest].tone}>
                  <span className="md:hidden">digest&nbsp;</span>
                  {DIGEST[s.digest].label}
                </Badge>
                {s.needsRepair ? (
                  <div className="mt-1">
                    <Link href={statePageHref(backendId, s.key)} data-testid="migration-repair" className="whitespace-nowrap text-sky-800 underline">
                      Repair on its state page<span className="sr-only">: {s.key}</span>
                    </Link>
                  </div>
                ) : s.leftover ? (
                  <div className="mt-1 text-slate-600">clean-up below</div>
                ) : null}
              </td>
              <td className="px-3 py-2 text-xs text-slate-700 max-md:w-full max-md:p-0">{s.explanation}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
