import type { ReactNode } from 'react';
import { cn } from '@/lib/client/cn';

const TONES = {
  gray: 'bg-slate-100 text-slate-700 ring-slate-300',
  red: 'bg-red-50 text-red-800 ring-red-300',
  amber: 'bg-amber-50 text-amber-900 ring-amber-300',
  green: 'bg-emerald-50 text-emerald-800 ring-emerald-300',
  blue: 'bg-sky-50 text-sky-800 ring-sky-300',
} as const;

export function Badge({ tone = 'gray', title, children }: { tone?: keyof typeof TONES; title?: string; children: ReactNode }) {
  return (
    <span title={title} className={cn('inline-flex items-center whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset', TONES[tone])}>
      {children}
    </span>
  );
}
