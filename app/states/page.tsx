import type { Metadata } from 'next';
import { Suspense } from 'react';
import { pageSettings } from '@/lib/http/page-settings';
import { preloadListings } from '@/lib/http/preload-listings';
import { StatesOverview } from './states-overview';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'States and digests' };

export default async function StatesPage() {
  const settings = await pageSettings();
  preloadListings(settings.backends, 'states');
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <StatesOverview backends={settings.backends} pollMs={settings.pollMs} watchMs={settings.watchMs} />
    </Suspense>
  );
}
