'use client';
import { useState } from 'react';

/** Copies `text` to the clipboard; says so for a moment. */
export function CopyButton({ text, label, caption = 'Copy' }: { text: string; label: string; caption?: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard refused (insecure origin): fall back to a prompt the user can copy from.
      window.prompt('Copy:', text);
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  }
  return (
    <button type="button" onClick={copy} aria-label={label} title={label} className="rounded border border-slate-300 px-1.5 py-0.5 text-xs text-slate-600 hover:bg-slate-100">
      {copied ? 'Copied' : caption}
    </button>
  );
}
