import { Suspense } from 'react';
import { pageSettings } from '@/lib/http/page-settings';
import { InventoryView } from './inventory-view';

export const dynamic = 'force-dynamic';

export default async function InventoryPage() {
  const settings = await pageSettings();
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <InventoryView backends={settings.backends} pollMs={settings.pollMs} />
    </Suspense>
  );
}
