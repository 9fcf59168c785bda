import { Suspense } from 'react';
import { uiSettings } from '@/lib/server/ui-settings';
import { SearchView } from './search-view';

export const dynamic = 'force-dynamic';

export default function SearchPage() {
  const settings = uiSettings();
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <SearchView backends={settings.backends} />
    </Suspense>
  );
}
