import { Suspense } from 'react';
import { uiSettings } from '@/lib/server/ui-settings';
import { EstateView } from './estate-view';

export const dynamic = 'force-dynamic';

export default function EstatePage() {
  const settings = uiSettings();
  return (
    <Suspense fallback={<p className="text-sm text-slate-600">Loading…</p>}>
      <EstateView pollMs={settings.pollMs} />
    </Suspense>
  );
}
