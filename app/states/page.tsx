import type { Metadata } from 'next';
import { Suspense } from 'react';
import { firstStatePages } from '@/lib/http/first-pages';
import { pageSettings } from '@/lib/http/page-settings';
import { StatesOverview } from './states-overview';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'States and digests' };

export default async function StatesPage() {
  const settings = await pageSettings();
  // Not awaited: the page streams at once, and the rows follow in the same response when the read is at hand.
  const firstPages = firstStatePages(settings.backends);
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <StatesOverview backends={settings.backends} pollMs={settings.pollMs} watchMs={settings.watchMs} firstPagesServed={firstPages} />
    </Suspense>
  );
}
