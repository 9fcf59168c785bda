'use client';
import { useState } from 'react';
import type { DeliveryAttempt } from '@/lib/api/alerts';
import { fetchJson, toClientError } from '@/lib/queries/fetch-json';

/** "Send test message" for one channel; shows the outcome of the attempt. */
export function TestMessageButton({ channel }: { channel: string }) {
  const [state, setState] = useState<{ busy: boolean; text: string | null; ok: boolean }>({ busy: false, text: null, ok: true });
  async function send() {
    setState({ busy: true, text: null, ok: true });
    try {
      const { attempt } = await fetchJson<{ attempt: DeliveryAttempt }>('/api/alerts/test', { method: 'POST', body: JSON.stringify({ channel }) });
      setState({ busy: false, ok: attempt.outcome === 'delivered', text: `${attempt.outcome}${attempt.detail ? ` (${attempt.detail})` : ''}` });
    } catch (e) {
      const error = toClientError(e)!;
      setState({ busy: false, ok: false, text: `${error.message} [${error.code}]` });
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
