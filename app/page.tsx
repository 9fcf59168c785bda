import type { Metadata } from 'next';
import { Suspense } from 'react';
import { firstLockPages } from '@/lib/http/first-pages';
import { pageSettings } from '@/lib/http/page-settings';
import { LocksOverview } from './_components/locks-overview';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Live locks' };

export default async function OverviewPage() {
  const settings = await pageSettings();
  // Not awaited: the page streams at once, and the rows follow in the same response when the read is at hand.
  const firstPages = firstLockPages(settings.backends);
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <LocksOverview backends={settings.backends} pollMs={settings.pollMs} watchMs={settings.watchMs} staleAfterMinutes={settings.staleAfterMinutes} firstPagesServed={firstPages} />
    </Suspense>
  );
}
