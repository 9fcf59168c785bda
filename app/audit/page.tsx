import type { Metadata } from 'next';
import { Suspense } from 'react';
import { pageSettings } from '@/lib/http/page-settings';
import { AuditLogView } from './audit-log-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Audit log' };

export default async function AuditPage() {
  const settings = await pageSettings();
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <AuditLogView backends={settings.backends} pollMs={settings.pollMs} />
    </Suspense>
  );
}
