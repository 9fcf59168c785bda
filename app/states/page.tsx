import type { Metadata } from 'next';
import { Suspense } from 'react';
import { uiSettings } from '@/lib/server/ui-settings';
import { StatesOverview } from './states-overview';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'States and digests' };

export default function StatesPage() {
  const settings = uiSettings();
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <StatesOverview backends={settings.backends} pollMs={settings.pollMs} />
    </Suspense>
  );
}
