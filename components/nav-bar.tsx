import Link from 'next/link';

const LINKS = [
  { href: '/', label: 'Locks' },
  { href: '/states', label: 'States' },
  { href: '/audit', label: 'Audit' },
  { href: '/alerts', label: 'Alerts' },
];

export function NavBar() {
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-[1400px] items-center gap-6 px-4 py-3">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          Lockboard
        </Link>
        {LINKS.map((l) => (
          <Link key={l.href} href={l.href} className="text-sm text-slate-600 hover:text-slate-900">
            {l.label}
          </Link>
        ))}
      </nav>
    </header>
  );
}
