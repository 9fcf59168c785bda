import type { Metadata } from 'next';
import { Suspense } from 'react';
import { pageSettings } from '@/lib/http/page-settings';
import { preloadListings } from '@/lib/http/preload-listings';
import { LocksOverview } from './_components/locks-overview';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Live locks' };

export default async function OverviewPage() {
  const settings = await pageSettings();
  preloadListings(settings.backends, 'locks');
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <LocksOverview backends={settings.backends} pollMs={settings.pollMs} watchMs={settings.watchMs} staleAfterMinutes={settings.staleAfterMinutes} />
    </Suspense>
  );
}
