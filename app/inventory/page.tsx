import { Suspense } from 'react';
import { uiSettings } from '@/lib/server/ui-settings';
import { InventoryView } from './inventory-view';

export const dynamic = 'force-dynamic';

export default function InventoryPage() {
  const settings = uiSettings();
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <InventoryView backends={settings.backends} pollMs={settings.pollMs} />
    </Suspense>
  );
}
