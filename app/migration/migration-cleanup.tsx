'use client';
import { useState } from 'react';
import { BUTTON } from '@/components/button';
import { PathText } from '@/components/path-text';
import type { PublicBackend } from '@/lib/api/backends';
import type { MigrationCleanupBody, MigrationCleanupResponse, MigrationResponse } from '@/lib/api/migration';
import { formatAge } from '@/lib/client/format';
import { digestLockId, lockfileKey } from '@/lib/terraform/paths';

type Item = MigrationCleanupBody['items'][number];

/** What the clean-up may delete: digest items of deleted states and orphan `.tflock`s, never a mismatching digest. */
export function cleanupItems(report: MigrationResponse): Item[] {
  return [
    ...report.states.flatMap((s) => (s.leftover ? [{ kind: 'digest' as const, key: s.key, digest: s.leftover.digest }] : [])),
    ...report.orphanLockfiles.map((o) => ({ kind: 'lockfile' as const, key: o.key, id: o.id, etag: o.etag })),
  ];
}

/** Exactly what one item deletes, in the backend's own names. */
function deletes(item: Item, backend: Pick<PublicBackend, 'bucket' | 'dynamodbTable'>): string {
  return item.kind === 'digest'
    ? `DynamoDB item LockID = ${digestLockId(backend.bucket, item.key)} (table ${backend.dynamodbTable ?? '(none)'}), only if its Digest is still ${item.digest}`
    : `s3://${backend.bucket}/${lockfileKey(item.key)} (a delete marker; its version is kept), only if it is still the object listed`;
}

/** The orphan `.tflock`s the report found (a crashed client's lock with no state, or half of a split lock). */
export function OrphanLockfiles({ report }: { report: MigrationResponse }) {
  if (report.orphanLockfiles.length === 0) return null;
  return (
    <div className="space-y-1 text-sm">
      <h2 className="font-semibold">Orphan .tflock objects</h2>
      <ul className="list-disc pl-5 text-xs">
        {report.orphanLockfiles.map((o) => (
          <li key={o.key}>
            <PathText text={o.key} className="font-mono" /> · {o.who || 'unknown holder'} · {o.ageSeconds === null ? 'age unknown' : `${formatAge(o.ageSeconds)} old`} · {o.why}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The audited clean-up of the leftovers listed, each item saying what it deletes; then each outcome. */
export function MigrationCleanup({
  items,
  backend,
  pending,
  result,
  onConfirm,
}: {
  items: Item[];
  backend: Pick<PublicBackend, 'bucket' | 'dynamodbTable'>;
  pending: boolean;
  result: MigrationCleanupResponse | null;
  onConfirm: (body: MigrationCleanupBody) => void;
}) {
  const [reason, setReason] = useState('');
  if (items.length === 0 && !result) return null;
  return (
    <form
      data-testid="migration-cleanup"
      className="space-y-2 rounded-md border border-slate-200 bg-white p-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim() && items.length > 0) onConfirm({ reason: reason.trim(), items });
      }}
    >
      <h2 className="font-semibold">Clean up {items.length} leftover{items.length === 1 ? '' : 's'}</h2>
      <ul className="list-disc space-y-1 pl-5 text-xs" aria-label="What the clean-up deletes">
        {items.map((item) => (
          <li key={`${item.kind}|${item.key}`} data-testid="cleanup-item" data-kind={item.kind}>
            <PathText text={item.key} className="font-mono" />: deletes <PathText text={deletes(item, backend)} />
          </li>
        ))}
      </ul>
      <p className="text-xs text-slate-600">Nothing else: no state object or version is touched. One audit record.</p>
      <label className="block">
        <span className="font-medium">Reason</span> <span className="text-slate-600">(required, kept in the audit log)</span>
        <input value={reason} onChange={(e) => setReason(e.target.value)} className="mt-1 block w-full rounded border border-slate-300 px-2 py-1" />
      </label>
      <button type="submit" disabled={!reason.trim() || pending || items.length === 0} className={BUTTON.danger}>
        {pending ? 'Cleaning up…' : `Clean up ${items.length}`}
      </button>
      {result ? (
        <ul data-testid="cleanup-result" className="text-xs">
          {result.results.map((r) => (
            <li key={`${r.kind}|${r.key}`}>
              {r.outcome}: <PathText text={r.key} className="font-mono" /> ({r.kind === 'digest' ? 'digest item' : '.tflock'}) {r.outcome !== 'removed' ? r.message : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}
