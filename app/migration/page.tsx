import { Suspense } from 'react';
import { uiSettings } from '@/lib/server/ui-settings';
import { MigrationView } from './migration-view';

export const dynamic = 'force-dynamic';

export default function MigrationPage() {
  const settings = uiSettings();
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <MigrationView backends={settings.backends} />
    </Suspense>
  );
}
