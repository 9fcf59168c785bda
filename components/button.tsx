/**
 * The button styles of the app, in one place. `action`: a small destructive action in a table or
 * card (Unlock, Repair the digest, Restore version); `danger`: a dialog's confirm button;
 * `secondary`: Cancel, Close and other neutral buttons; `small`: a neutral button in running text.
 */
export const BUTTON = {
  action: 'whitespace-nowrap rounded border border-red-300 px-1.5 py-0.5 text-xs font-medium text-red-800 hover:bg-red-50 disabled:cursor-not-allowed disabled:border-slate-300 disabled:text-slate-600 disabled:hover:bg-transparent',
  danger: 'rounded bg-red-700 px-3 py-1.5 font-medium text-white hover:bg-red-800 disabled:cursor-not-allowed disabled:bg-slate-300 disabled:text-slate-700',
  secondary: 'rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-100',
  small: 'rounded border border-slate-300 px-2 py-0.5 text-slate-700 hover:bg-slate-100',
} as const;
