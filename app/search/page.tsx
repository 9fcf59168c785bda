import { Suspense } from 'react';
import { pageSettings } from '@/lib/http/page-settings';
import { SearchView } from './search-view';

export const dynamic = 'force-dynamic';

export default async function SearchPage() {
  const settings = await pageSettings();
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <SearchView backends={settings.backends} />
    </Suspense>
  );
}
