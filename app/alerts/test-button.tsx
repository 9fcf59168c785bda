'use client';
import { useState } from 'react';
import type { DeliveryAttempt } from '@/lib/api/alerts';

/** "Send test message" for one channel; shows the outcome of the attempt. */
export function TestMessageButton({ channel }: { channel: string }) {
  const [state, setState] = useState<{ busy: boolean; text: string | null; ok: boolean }>({ busy: false, text: null, ok: true });
  async function send() {
    setState({ busy: true, text: null, ok: true });
    try {
      const res = await fetch('/api/alerts/test', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel }) });
      const body = (await res.json()) as { attempt?: DeliveryAttempt; error?: { message: string } };
      if (!res.ok || !body.attempt) setState({ busy: false, ok: false, text: body.error?.message ?? `HTTP ${res.status}` });
      else setState({ busy: false, ok: body.attempt.outcome === 'delivered', text: `${body.attempt.outcome}${body.attempt.detail ? ` (${body.attempt.detail})` : ''}` });
    } catch (e) {
      setState({ busy: false, ok: false, text: String(e) });
    }
  }
  return (
    <span className="inline-flex items-center gap-2">
      <button type="button" onClick={send} disabled={state.busy} className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-50">
        {state.busy ? 'Sending…' : 'Send test message'}
      </button>
      {state.text ? (
        <span role="status" className={state.ok ? 'text-xs text-emerald-700' : 'text-xs text-red-700'}>
          {state.text}
        </span>
      ) : null}
    </span>
  );
}
