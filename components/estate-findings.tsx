import type { DiscoveryFinding } from '@/lib/api/estate';
import { Badge } from './badge';

const TONE = { error: 'red', warning: 'amber', info: 'gray' } as const;

/** Discovery's problems and notes: what, where, why, and the fix. */
export function EstateFindings({ findings, testId }: { findings: readonly DiscoveryFinding[]; testId?: string }) {
  if (findings.length === 0) return null;
  return (
    <ul className="space-y-2 text-sm" data-testid={testId}>
      {findings.map((f, i) => (
        <li key={`${f.code}-${f.resource ?? ''}-${f.region ?? ''}-${i}`} data-code={f.code} className="[overflow-wrap:anywhere]">
          <Badge tone={TONE[f.severity]}>{f.severity}</Badge> <span>{f.message}</span>
          {f.fix ? (
            <span className="block text-slate-700">
              <span className="font-medium">Fix:</span> {f.fix}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
