import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { ErrorBanner } from '@/components/error-banner';
import { pageSettings } from '@/lib/http/page-settings';
import { RestorableStateView } from './state-page-client';

export const dynamic = 'force-dynamic';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The tab says which state. */
export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  const key = [(await searchParams).key].flat()[0] ?? '';
  return { title: key ? `${key} · State` : 'State' };
}

/** One state, deep-linkable as /state?backend=<id>&key=<key>. */
export default async function StatePage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
  const backendId = one(params.backend);
  const key = one(params.key);
  const settings = await pageSettings();
  const backend = settings.backends.find((b) => b.id === backendId);
  if (!backend || !key) {
    return (
      <div className="space-y-3">
        <ErrorBanner
          title="No such state"
          message={!backend ? `No backend with id "${backendId}" is configured, or you may not view it.` : 'The link names no state key (expected /state?backend=<id>&key=<key>).'}
          code={!backend ? 'backend_not_found' : 'bad_request'}
        />
        <Link href="/states" className="text-sm text-sky-700 underline">
          All states
        </Link>
      </div>
    );
  }
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <RestorableStateView key={`${backend.id}\u0000${key}`} backend={backend} stateKey={key} pollMs={settings.pollMs} />
    </Suspense>
  );
}
