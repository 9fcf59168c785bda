'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/client/cn';
import { TimeZoneSwitch } from './time-zone-switch';

const LINKS = [
  { href: '/', label: 'Locks' },
  { href: '/states', label: 'States' },
  { href: '/search', label: 'Search' },
  { href: '/inventory', label: 'Inventory' },
  { href: '/estate', label: 'Estate' },
  { href: '/audit', label: 'Audit' },
  { href: '/migration', label: 'Migration' },
  { href: '/alerts', label: 'Alerts' },
];

/**
 * The main navigation; the current page is marked (aria-current), a state page counts as States.
 * The zone switch of every absolute time shown sits at its end.
 */
export function NavBar() {
  const pathname = usePathname();
  const current = (href: string) => (href === '/' ? pathname === '/' : pathname === href || (href === '/states' && pathname.startsWith('/state')));
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-[1400px] flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          Lockboard
        </Link>
        {LINKS.map((l) => (
          <Link
            key={l.href}
            href={l.href}
            aria-current={current(l.href) ? 'page' : undefined}
            className={cn('text-sm hover:text-slate-900', current(l.href) ? 'font-semibold text-slate-900 underline decoration-2 underline-offset-4' : 'text-slate-700')}
          >
            {l.label}
          </Link>
        ))}
        <div className="ml-auto">
          <TimeZoneSwitch />
        </div>
      </nav>
    </header>
  );
}
