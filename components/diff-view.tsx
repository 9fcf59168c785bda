'use client';
import { useState } from 'react';
import { Badge } from './badge';
import { Notice } from './error-banner';
import { TimeText } from './time-text';
import type { DiffResult } from '@/lib/api/diff';
import { SENSITIVE_MASK, type AttributeChange, type ChangeAction, type OutputChange, type ResourceChange } from '@/lib/terraform/state-diff';
import { serialDownWarning } from '@/lib/terraform/diff-warnings';

const ACTION_TONE = { added: 'green', removed: 'red', changed: 'amber' } as const;
const ACTION_SIGN = { added: '+', removed: '−', changed: '~' } as const;
/** Outputs shown before "show all": a state rarely has more, and the list stays light when it does. */
const OUTPUTS_SHOWN = 100;
/** Changed resources whose attribute table starts open (the rest are collapsed). */
const OPEN_FIRST = 5;

function ActionBadge({ action }: { action: ChangeAction }) {
  return (
    <Badge tone={ACTION_TONE[action]}>
      {ACTION_SIGN[action]} {action}
    </Badge>
  );
}

/** A value as Terraform users read it: strings quoted, masked values as a badge, objects as JSON. */
function Value({ value, present }: { value: unknown; present: boolean }) {
  if (!present) return <span className="text-slate-600">(absent)</span>;
  if (value === SENSITIVE_MASK) {
    return (
      <span data-testid="sensitive-value" className="rounded bg-slate-800 px-1.5 py-0.5 font-mono text-[11px] text-white" title="Marked sensitive: the value is never shown">
        {SENSITIVE_MASK}
      </span>
    );
  }
  if (value !== null && typeof value === 'object') return <pre className="max-h-48 overflow-auto whitespace-pre-wrap break-all font-mono text-[11px]">{JSON.stringify(value, null, 2)}</pre>;
  return <code className="break-all font-mono text-[11px]">{JSON.stringify(value)}</code>;
}

function ChangeTable({ changes }: { changes: Array<AttributeChange | (OutputChange & { path: string })> }) {
  return (
    <table className="mt-2 w-full table-fixed text-left text-xs">
      <thead className="text-slate-500">
        <tr>
          <th className="w-1/4 py-1 pr-2 font-medium">Path</th>
          <th className="w-[37.5%] py-1 pr-2 font-medium">Before</th>
          <th className="w-[37.5%] py-1 font-medium">After</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 align-top">
        {changes.map((c) => (
          <tr key={c.path} data-testid="diff-attribute" data-path={c.path}>
            <td className="break-all py-1 pr-2 font-mono text-[11px]">{c.path}</td>
            <td className="py-1 pr-2">
              <Value value={c.before} present={'before' in c} />
            </td>
            <td className="py-1">
              <Value value={c.after} present={'after' in c} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ResourceItem({ change, open }: { change: ResourceChange; open: boolean }) {
  const count = change.changes.length + change.omittedChanges;
  const header = (
    <span className="inline-flex flex-wrap items-center gap-2">
      <ActionBadge action={change.action} />
      <code className="break-all font-mono text-xs">{change.address}</code>
      {change.action === 'changed' ? <span className="text-xs text-slate-500">{count} change(s)</span> : null}
    </span>
  );
  if (change.action !== 'changed') {
    return (
      <li data-testid="diff-resource" data-address={change.address} data-action={change.action} className="px-3 py-2">
        {header}
      </li>
    );
  }
  return (
    <li data-testid="diff-resource" data-address={change.address} data-action={change.action} className="px-3 py-2">
      <details open={open}>
        <summary className="cursor-pointer">{header}</summary>
        <ChangeTable changes={change.changes} />
        {change.omittedChanges > 0 ? <p className="mt-1 text-xs text-slate-500">…and {change.omittedChanges} more changed path(s) not shown.</p> : null}
      </details>
    </li>
  );
}

function Counts({ label, counts }: { label: string; counts: { added: number; removed: number; changed: number; unchanged: number } }) {
  return (
    <span className="flex flex-wrap items-center gap-2" data-testid={`diff-counts-${label}`}>
      <span className="font-semibold">{label}:</span>
      <span className="text-emerald-800">+{counts.added} added</span>
      <span className="text-red-800">−{counts.removed} removed</span>
      <span className="text-amber-800">~{counts.changed} changed</span>
      <span className="text-slate-500">{counts.unchanged} unchanged (hidden)</span>
    </span>
  );
}

/**
 * The diff between two versions: counts, outputs, and one page of changed resources (unchanged ones
 * are never listed, changed ones beyond the first few start collapsed), so a huge diff stays light.
 * Sensitive values arrive already masked and are shown as "(sensitive)".
 */
export function DiffView({
  diff,
  loading,
  error,
  stale,
  onPage,
  restorePreview = false,
}: {
  diff: DiffResult | undefined;
  loading: boolean;
  error: string | null;
  /** The shown diff is the previous selection's while the new one loads. */
  stale: boolean;
  onPage: (offset: number) => void;
  /** The restore preview: it announces the restored copy's serial itself, so "the serial goes down" would contradict it. */
  restorePreview?: boolean;
}) {
  const [allOutputs, setAllOutputs] = useState(false);
  if (error) return <p className="text-sm text-red-800">The diff could not be computed: {error}</p>;
  if (!diff) return <p className="text-sm text-slate-500">{loading ? 'Computing the diff…' : 'Pick two versions to compare.'}</p>;
  const { page } = diff;
  const outputs = allOutputs ? diff.outputs : diff.outputs.slice(0, OUTPUTS_SHOWN);
  return (
    <div data-testid="diff-view" className={stale ? 'space-y-3 opacity-60' : 'space-y-3'} aria-busy={stale || loading}>
      <p className="text-sm text-slate-700">
        Serial <span className="font-mono">{diff.from.serial ?? '?'}</span> ({diff.from.lastModified ? <TimeText at={diff.from.lastModified} show="absolute" /> : diff.from.versionId}) →{' '}
        <span className="font-mono">{diff.to.serial ?? '?'}</span> ({diff.to.lastModified ? <TimeText at={diff.to.lastModified} show="absolute" /> : diff.to.versionId})
      </p>
      {!diff.comparable ? (
        <div data-testid="diff-note">
          <Notice>{diff.note}</Notice>
        </div>
      ) : (
        <>
          {diff.warnings.filter((w) => !(restorePreview && diff.from.serial !== null && diff.to.serial !== null && w === serialDownWarning(diff.from.serial, diff.to.serial))).map((w) => (
            <Notice key={w}>{w}</Notice>
          ))}
          <div className="flex flex-col gap-1 text-sm">
            <Counts label="Resources" counts={diff.summary.resources} />
            <Counts label="Outputs" counts={diff.summary.outputs} />
          </div>

          {diff.outputs.length > 0 ? (
            <section aria-label="Changed outputs" className="rounded-md border border-slate-200 bg-white px-3 py-2">
              <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-600">Outputs</h3>
              <ul className="divide-y divide-slate-100">
                {outputs.map((o) => (
                  <li key={o.name} data-testid="diff-output" data-name={o.name} className="py-1">
                    <span className="flex items-center gap-2">
                      <ActionBadge action={o.action} />
                      <code className="font-mono text-xs">{o.name}</code>
                      {o.sensitive ? <Badge>sensitive</Badge> : null}
                    </span>
                    <ChangeTable changes={[{ ...o, path: `output.${o.name}` }]} />
                  </li>
                ))}
              </ul>
              {diff.outputs.length > outputs.length ? (
                <button type="button" onClick={() => setAllOutputs(true)} className="mt-1 text-xs text-sky-700 underline">
                  Show all {diff.outputs.length} outputs
                </button>
              ) : null}
            </section>
          ) : null}

          {page.total > 0 ? (
            <section aria-label="Changed resources" className="rounded-md border border-slate-200 bg-white">
              <h3 className="px-3 pt-2 text-xs font-semibold uppercase tracking-wide text-slate-600">Resources</h3>
              <ul className="divide-y divide-slate-100">
                {diff.resources.map((r, i) => (
                  <ResourceItem key={r.address} change={r} open={page.offset + i < OPEN_FIRST} />
                ))}
              </ul>
            </section>
          ) : (
            <p className="text-sm text-slate-500">No resource changed.</p>
          )}
          {page.total > page.limit ? (
            <div className="flex items-center gap-2 text-xs text-slate-600">
              <button type="button" disabled={page.offset === 0} onClick={() => onPage(Math.max(0, page.offset - page.limit))} className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40">
                Previous
              </button>
              <span>
                {page.offset + 1}–{Math.min(page.total, page.offset + page.limit)} of {page.total} changed resources
              </span>
              <button type="button" disabled={page.offset + page.limit >= page.total} onClick={() => onPage(page.offset + page.limit)} className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40">
                Next
              </button>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}
