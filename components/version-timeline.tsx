import type { ReactNode } from 'react';
import { Badge } from './badge';
import { CardLabel } from './card-label';
import { PathText } from './path-text';
import { WriterText } from './writer-text';
import type { WriterContext } from '@/lib/client/writer-words';
import { formatBytes } from '@/lib/client/format';
import { TimeText } from './time-text';
import { cn } from '@/lib/client/cn';
import { versionCount } from '@/lib/client/version-count';
import type { StateVersion } from '@/lib/api/versions';
import type { VersionMetadata } from '@/lib/api/versions';
import { withDigestEvidence, type DigestEvidence } from '@/lib/terraform/attribution';

export interface VersionMetaState {
  status: 'idle' | 'loading' | 'error' | 'ready';
  metadata?: VersionMetadata;
  error?: string;
}

export type CompareRole = 'from' | 'to';

function Writer({ version, loading, context, digest }: { version: StateVersion; loading: boolean; context: WriterContext; digest: DigestEvidence | null }) {
  if (version.deleteMarker) return <WriterText facts={{ writer: null, attribution: 'delete_marker' }} context={context} />;
  // The digest speaks about this content even before (or without) the lock history.
  const a = withDigestEvidence(version, { writer: version.writer ?? null, basis: version.attribution ?? 'none' }, digest);
  if (version.writer === undefined && a.basis !== 'digest_mismatch') return <span className="text-slate-600">{loading ? '…' : '—'}</span>;
  return <WriterText facts={{ writer: a.writer, attribution: a.basis, heldBy: a.heldBy, lockBasis: a.lockBasis }} context={context} />;
}

function Serial({ meta, large, onLoad }: { meta: VersionMetaState | undefined; large: boolean; onLoad: () => void }) {
  if (!meta || meta.status === 'idle') {
    return large ? (
      <button type="button" onClick={onLoad} className="rounded border border-slate-300 px-1.5 py-0.5 text-xs text-slate-600 hover:bg-slate-100" title="Downloads this version to read its serial">
        Load
      </button>
    ) : (
      <span className="text-slate-600">…</span>
    );
  }
  if (meta.status === 'loading') return <span className="text-slate-600">…</span>;
  if (meta.status === 'error') return <span className="text-red-700" title={meta.error}>error</span>;
  const m = meta.metadata!;
  return (
    <span className="flex flex-wrap items-center gap-1" data-testid="serial">
      <span className="font-mono">{m.serial ?? '—'}</span>
      {m.kind === 'encrypted' ? (
        <Badge tone="blue" title={m.note}>
          encrypted
        </Badge>
      ) : m.kind !== 'plaintext' ? (
        <Badge tone="amber" title={m.note}>
          {m.kind.replace('_', ' ')}
        </Badge>
      ) : null}
    </span>
  );
}

/**
 * The versions of one state, newest first, one page at a time: time, size, serial (metadata loaded
 * for the visible rows), writer or "unknown", raw download, and two radio columns to pick the
 * versions to compare.
 */
export function VersionTimeline({
  versions,
  page,
  pageSize,
  onPage,
  metadata,
  largeBytes,
  onLoadMetadata,
  writersLoading,
  writerContext,
  digestEvidence = null,
  selection,
  onSelect,
  downloadHref,
  renderActions,
}: {
  versions: StateVersion[];
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  metadata: Record<string, VersionMetaState | undefined>;
  /** Versions at least this large load their metadata only when asked. */
  largeBytes: number;
  onLoadMetadata: (versionId: string) => void;
  writersLoading: boolean;
  /** What the writer words depend on: the backend's locking and the key's `.tflock` history. */
  writerContext: WriterContext;
  /** What the recorded digest says about the content it was compared with (null: not known). */
  digestEvidence?: DigestEvidence | null;
  selection: { from: string | null; to: string | null };
  onSelect: (role: CompareRole, versionId: string) => void;
  /** Null: the caller may not download raw state here (no link is offered). */
  downloadHref: ((version: StateVersion) => string) | null;
  renderActions?: (version: StateVersion) => ReactNode;
}) {
  const pages = Math.max(1, Math.ceil(versions.length / pageSize));
  const rows = versions.slice(page * pageSize, (page + 1) * pageSize);
  return (
    <div className="space-y-2">
      {/* Below md each row is a card (no sideways scrolling inside the box on a phone); one DOM for both. */}
      <div className="rounded-md border border-slate-200 bg-white md:overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-200 text-sm max-md:block">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 max-md:hidden">
            <tr>
              <th scope="col" className="px-3 py-2">
                Written
              </th>
              <th scope="col" className="px-3 py-2">
                Size
              </th>
              <th scope="col" className="px-3 py-2">
                Serial
              </th>
              <th scope="col" className="px-3 py-2">
                Writer
              </th>
              <th scope="col" className="px-3 py-2" title="Pick the older (from) and newer (to) version to compare">
                From / To
              </th>
              <th scope="col" className="px-3 py-2" title="Raw file, includes sensitive values">
                Raw file
              </th>
              {renderActions ? (
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 max-md:block">
            {rows.map((v) => (
              <tr
                key={v.versionId}
                data-testid="version-row"
                data-version-id={v.versionId}
                data-delete-marker={v.deleteMarker ? 'true' : 'false'}
                className={cn('max-md:flex max-md:flex-wrap max-md:items-baseline max-md:gap-x-4 max-md:gap-y-1.5 max-md:px-3 max-md:py-3', v.deleteMarker && 'bg-slate-50 text-slate-600')}
              >
                <td className="px-3 py-2 text-xs max-md:w-full max-md:p-0">
                  <div>{v.lastModified ? <TimeText at={v.lastModified} stacked /> : '—'}</div>
                  <div className="flex flex-wrap gap-1 pt-0.5">
                    {v.deleteMarker ? (
                      <Badge tone="amber" title={v.isLatest ? 'The latest entry is a delete marker: the state is deleted, it has no current version' : undefined}>
                        {v.isLatest ? 'deleted: latest is a delete marker' : 'delete marker'}
                      </Badge>
                    ) : v.isLatest ? (
                      <Badge tone="green">current</Badge>
                    ) : null}
                    <code className="font-mono text-[11px] text-slate-600 [overflow-wrap:anywhere]" aria-label={`S3 version ID ${v.versionId}`}>
                      <PathText text={v.versionId} />
                    </code>
                  </div>
                </td>
                <td className={cn('px-3 py-2 text-xs max-md:p-0', v.deleteMarker && 'max-md:hidden')}>
                  {v.deleteMarker ? (
                    '—'
                  ) : (
                    <>
                      <CardLabel>Size</CardLabel>
                      {formatBytes(v.size)}
                    </>
                  )}
                </td>
                <td className={cn('px-3 py-2 text-xs max-md:p-0', v.deleteMarker && 'max-md:hidden')}>
                  {v.deleteMarker ? (
                    '—'
                  ) : (
                    <span className="flex items-baseline">
                      <CardLabel>Serial</CardLabel>
                      <Serial meta={metadata[v.versionId]} large={v.size >= largeBytes} onLoad={() => onLoadMetadata(v.versionId)} />
                    </span>
                  )}
                </td>
                <td className="px-3 py-2 text-xs max-md:w-full max-md:p-0">
                  <Writer version={v} loading={writersLoading} context={writerContext} digest={digestEvidence} />
                </td>
                <td className="px-3 py-2 max-md:p-0 max-md:empty:hidden">
                  {v.deleteMarker || !downloadHref ? null : (
                    <div className="flex gap-3 text-xs">
                      <label className="flex items-center gap-1">
                        <input type="radio" name="compare-from" checked={selection.from === v.versionId} onChange={() => onSelect('from', v.versionId)} aria-label={`Compare from version ${v.versionId}`} />
                        from
                      </label>
                      <label className="flex items-center gap-1">
                        <input type="radio" name="compare-to" checked={selection.to === v.versionId} onChange={() => onSelect('to', v.versionId)} aria-label={`Compare to version ${v.versionId}`} />
                        to
                      </label>
                    </div>
                  )}
                </td>
                <td className="px-3 py-2 text-xs max-md:p-0 max-md:empty:hidden">
                  {v.deleteMarker || !downloadHref ? null : (
                    <a href={downloadHref(v)} download className="text-sky-700 underline hover:text-sky-900" title="Raw file, includes sensitive values" data-testid="download-version">
                      Download
                    </a>
                  )}
                </td>
                {renderActions ? <td className="px-3 py-2 max-md:p-0 max-md:empty:hidden">{renderActions(v)}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-slate-600">
        <span data-testid="version-count">
          {versionCount(versions)} · downloads are the raw file and include sensitive values
        </span>
        {pages > 1 ? (
          <span className="flex items-center gap-2">
            <button type="button" disabled={page === 0} onClick={() => onPage(page - 1)} className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40">
              Newer
            </button>
            <span>
              Page {page + 1} of {pages}
            </span>
            <button type="button" disabled={page >= pages - 1} onClick={() => onPage(page + 1)} className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40">
              Older
            </button>
          </span>
        ) : null}
      </div>
    </div>
  );
}
