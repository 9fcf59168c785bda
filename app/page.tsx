import type { Metadata } from 'next';
import { Suspense } from 'react';
import { uiSettings } from '@/lib/server/ui-settings';
import { LocksOverview } from './_components/locks-overview';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Live locks' };

export default function OverviewPage() {
  const settings = uiSettings();
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <LocksOverview backends={settings.backends} pollMs={settings.pollMs} watchMs={settings.watchMs} staleAfterMinutes={settings.staleAfterMinutes} />
    </Suspense>
  );
}
