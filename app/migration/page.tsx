import { Suspense } from 'react';
import { pageSettings } from '@/lib/http/page-settings';
import { MigrationView } from './migration-view';

export const dynamic = 'force-dynamic';

export default async function MigrationPage() {
  const settings = await pageSettings();
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <MigrationView backends={settings.backends} />
    </Suspense>
  );
}
