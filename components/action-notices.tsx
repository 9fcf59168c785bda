'use client';
import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { CopyButton } from './copy-button';
import { auditRecordHref, dismissNotice, useActionNotices } from '@/lib/client/action-notices';
import { TimeText } from './time-text';

/**
 * The page's live region for completed actions: always in the page (a live region must exist before
 * its message), announced politely. It also takes the focus when a dialog's opener is gone (the
 * unlocked row left the table), so keyboard users land on the result.
 */
export function ActionNotices() {
  const notices = useActionNotices();
  const ref = useRef<HTMLDivElement>(null);
  const focused = useRef(0);
  useEffect(() => {
    const newest = notices[0];
    if (newest?.focus && newest.id > focused.current) {
      focused.current = newest.id;
      ref.current?.focus();
    }
  }, [notices]);
  return (
    <div ref={ref} id="action-notices" role="status" aria-live="polite" tabIndex={-1} data-focus-fallback className="mb-4 space-y-2 empty:hidden focus:outline-none">
      {notices.map((n) => (
        <div
          key={n.id}
          data-testid={n.testId ?? 'action-notice'}
          data-tone={n.tone}
          className={`flex items-start gap-3 rounded-md border px-4 py-2 text-sm ${n.tone === 'success' ? 'border-emerald-300 bg-emerald-50 text-emerald-950' : 'border-amber-300 bg-amber-50 text-amber-950'}`}
        >
          <div className="mr-auto min-w-0 space-y-1">
            <p className="font-semibold [overflow-wrap:anywhere]">{n.title}</p>
            {n.lines.map((line) => (
              <p key={line} className="[overflow-wrap:anywhere]">
                {line}
              </p>
            ))}
            {n.command ? (
              <p className="flex flex-wrap items-center gap-2">
                <code className="font-mono text-xs [overflow-wrap:anywhere]">{n.command}</code>
                <CopyButton text={n.command} label="Copy the command" />
              </p>
            ) : null}
            <p className="text-xs">
              {/* Absolute only: a ticking relative time in a live region would be announced every second. */}
              Done at <TimeText at={n.at} show="absolute" />
              {n.audit.map((a, i) => (
                <span key={a.id}>
                  {' · '}
                  <Link href={auditRecordHref(a.backend, a.id)} className="underline" data-testid="notice-audit-link">
                    audit record{n.audit.length > 1 ? ` ${i + 1}` : ''}
                  </Link>
                </span>
              ))}
            </p>
          </div>
          <button type="button" onClick={() => dismissNotice(n.id)} aria-label={`Dismiss: ${n.title}`} className="rounded px-2 text-lg leading-none hover:bg-black/5">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
