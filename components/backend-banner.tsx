import type { ReactNode } from 'react';
import { unreadText, type BackendRead } from '@/lib/client/backend-reads';
import { Notice } from './error-banner';
import { nextStep, type BackendFacts } from '@/lib/client/error-help';
import { TimeText } from './time-text';

function title(read: BackendRead<unknown>, name: string, what: string): ReactNode {
  switch (read.status) {
    case 'failed':
      return `Backend "${name}" could not be read: its ${what} are unknown.`;
    case 'stale':
      return (
        <>
          Backend &quot;{name}&quot; could not be read again: its {what} below are the last known, as of <TimeText at={read.fetchedAt} show="absolute" />.
        </>
      );
    default:
      return `Backend "${name}" could not be read fully.`;
  }
}

/**
 * One banner per backend whose section is not fully read, with each failure's code and next step.
 * It stays until a read succeeds (see useBackendReads), so it does not blink with every poll.
 */
export function BackendBanner({ read, backend, what, children }: { read: BackendRead<unknown>; backend: BackendFacts; what: string; children?: ReactNode }) {
  if (read.errors.length === 0 || read.status === 'loading') return null;
  return (
    <div role="alert" data-testid="backend-banner" data-backend={backend.name} data-status={read.status} className="space-y-1 rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p className="font-semibold">{title(read, backend.name, what)}</p>
      {read.errors.map((e, i) => {
        const step = nextStep(e, backend);
        return (
          <p key={i}>
            {e.message}
            <span className="ml-2 font-mono text-xs text-red-800">[{e.code}]</span>
            {step ? <span className="block text-red-950">Next step: {step}</span> : null}
          </p>
        );
      })}
      {children}
    </div>
  );
}

/** The banners and the server's notices of every backend of a section, in backend order. */
export function BackendBanners({ backends, reads, what }: { backends: readonly BackendFacts[]; reads: ReadonlyArray<BackendRead<{ notices?: string[] }>>; what: string }) {
  return (
    <>
      {reads.map((r, i) => (
        <BackendBanner key={backends[i]!.name} read={r} backend={backends[i]!} what={what} />
      ))}
      {reads.flatMap((r, i) => (r.data?.notices ?? []).map((n, j) => <Notice key={`${backends[i]!.name}-n${j}`}>{n}</Notice>))}
    </>
  );
}

/** What an empty list says, by what was read: nothing, part, or everything. */
export interface ListWords {
  loading: string;
  /** Every backend failed. */
  noneRead: string;
  /** The filters hide every row. */
  noMatch: string;
  /** Some backends were not read (fully) and the rest had nothing. */
  noneFoundInRead: string;
  /** Every backend was read and had nothing. */
  none: string;
}

/**
 * A list's body: "Loading…" before the first read, else the list or, when it is empty, what that
 * means, and which backends were not read (so "nothing" never stands for "not read").
 */
export function ListBody({ backends, reads, what, empty, filtered, words, children }: { backends: readonly BackendFacts[]; reads: ReadonlyArray<BackendRead<unknown>>; what: string; empty: boolean; filtered: boolean; words: ListWords; children: ReactNode }) {
  if (!empty) return <>{children}</>;
  if (reads.some((r) => r.status === 'loading')) return <p className="text-sm text-slate-500">{words.loading}</p>;
  const unread = unreadText(backends, reads, what);
  const text = reads.length > 0 && reads.every((r) => r.status === 'failed') ? words.noneRead : filtered ? words.noMatch : unread ? words.noneFoundInRead : words.none;
  return (
    <div data-testid="empty-list" className="rounded-md border border-dashed border-slate-300 bg-white p-8 text-center text-sm text-slate-600">
      {text}
      {unread ? <span className="mt-1 block font-medium text-red-900">{unread}</span> : null}
    </div>
  );
}
