import type { Metadata } from 'next';
import { Suspense } from 'react';
import { pageSettings } from '@/lib/http/page-settings';
import { LocksOverview } from './_components/locks-overview';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Live locks' };

export default async function OverviewPage() {
  const settings = await pageSettings();
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <LocksOverview backends={settings.backends} pollMs={settings.pollMs} watchMs={settings.watchMs} staleAfterMinutes={settings.staleAfterMinutes} />
    </Suspense>
  );
}
