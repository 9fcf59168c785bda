'use client';
import { useSyncExternalStore } from 'react';
import { auditPageHref } from '@/lib/api/urls';

/** A change confirmed by the server, announced in the page (not only in the dialog that closes). */
export interface ActionNotice {
  id: number;
  /** `warning`: done, with something left to do (part of a bulk action failed, a lock left behind). */
  tone: 'success' | 'warning';
  title: string;
  lines: string[];
  /** When the browser got the server's confirmation (ISO 8601). */
  at: string;
  /** The audit record(s) of the change. */
  audit: Array<{ backend: string; id: string }>;
  /** A command the operator may still need (e.g. releasing a lock left behind). */
  command?: string | null;
  testId?: string;
  /** Move the focus to the notice: the dialog's opener is gone with the change (an unlocked row). */
  focus?: boolean;
}

/** The audit page opened on one record. */
export function auditRecordHref(backend: string, id: string): string {
  return auditPageHref(backend, id);
}

/** Newest first; older ones drop off. */
const KEPT = 4;
const NONE: ActionNotice[] = [];
let notices: ActionNotice[] = NONE;
let nextId = 1;
const listeners = new Set<() => void>();

function publish(next: ActionNotice[]): void {
  notices = next;
  for (const l of listeners) l();
}

export function announce(notice: Omit<ActionNotice, 'id' | 'at'> & { at?: string }): void {
  publish([{ ...notice, id: nextId++, at: notice.at ?? new Date().toISOString() }, ...notices].slice(0, KEPT));
}

export function dismissNotice(id: number): void {
  publish(notices.filter((n) => n.id !== id));
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useActionNotices(): ActionNotice[] {
  return useSyncExternalStore(
    subscribe,
    () => notices,
    () => NONE,
  );
}
