import { Suspense } from 'react';
import { pageSettings } from '@/lib/http/page-settings';
import { EstateView } from './estate-view';

export const dynamic = 'force-dynamic';

export default async function EstatePage() {
  const settings = await pageSettings();
  return (
    <Suspense fallback={<p className="text-sm text-slate-600">Loading…</p>}>
      <EstateView pollMs={settings.pollMs} />
    </Suspense>
  );
}
