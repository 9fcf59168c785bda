import type { ReactNode } from 'react';
import { refreshWords, type RefreshStatus } from '@/lib/client/backend-reads';
import { TimeText } from './time-text';

function RefreshText(status: RefreshStatus) {
  const words = refreshWords(status);
  if ('notRead' in words) return <>{words.notRead}</>;
  return (
    <>
      <span data-testid="freshness">
        As of <TimeText at={status.readAt} pastOnly />
      </span>
      {` · ${words.parts.join(' · ')}`}
    </>
  );
}

/**
 * A page's title with its filters beside it and, for polled pages, when its listings were read (the
 * server's read time of the oldest one, and how long ago, ticking) and the two intervals behind that
 * age: the server's reads and this page's requests. The refresh
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
