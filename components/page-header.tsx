import type { ReactNode } from 'react';
import type { RefreshStatus } from '@/lib/client/backend-reads';
import { TimeText } from './time-text';

function RefreshText({ readAt, refreshing, failed, pollMs }: RefreshStatus) {
  const every = `every ${Math.round(pollMs / 1000)} s`;
  if (readAt === null) return <>{failed > 0 ? `Not read: ${failed === 1 ? 'a backend' : `${failed} backends`} could not be read · retrying ${every}` : 'Reading…'}</>;
  const parts: string[] = [];
  if (failed > 0) parts.push(`${failed === 1 ? '1 backend' : `${failed} backends`} not read since`);
  if (refreshing) parts.push('refreshing…');
  parts.push(every);
  return (
    <>
      <span data-testid="freshness">
        As of <TimeText at={readAt} pastOnly />
      </span>
      {` · ${parts.join(' · ')}`}
    </>
  );
}

/**
 * A page's title with its filters beside it and, for polled pages, when its listings were read (the
 * server's read time of the oldest one, and how long ago, ticking). The refresh
 * line is not a live region: a poll every few seconds must not be announced each time.
 */
export function PageHeader({ id, title, description, refresh, children }: { id: string; title: string; description?: ReactNode; refresh?: RefreshStatus; children?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 id={id} className="text-2xl font-semibold">
          {title}
        </h1>
        {description ? <p className="text-sm text-slate-600">{description}</p> : null}
        {refresh ? (
          <p className="text-sm text-slate-600" data-testid="refresh-status">
            <RefreshText {...refresh} />
          </p>
        ) : null}
      </div>
      {children}
    </div>
  );
}
