/**
 * Printing strings that came from elsewhere (lock fields, state keys, server messages) so that they
 * cannot act on the terminal: control characters, DEL, C1 controls, line/paragraph separators and
 * Unicode format characters (bidi overrides, zero-width) are shown as escapes, and a backslash as
 * `\\`, so what is printed can always be read back to the exact value.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Cf}\\]/gu;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

function escapeChar(c: string): string {
  const code = c.codePointAt(0)!;
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`);
}

/** An untrusted string, safe to print on a terminal. */
export function safe(value: unknown): string {
  const s = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  return s.replace(UNSAFE, escapeChar);
}

/** JSON for stdout: like JSON.stringify, with DEL, C1, separators and format characters as \u escapes too. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u2028\u2029\p{Cf}]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** At most `max` characters (code points), with an ellipsis when cut. */
export function cut(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** A table: a header row and rows of already-safe cells, columns padded, the last one not. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(Array.from(h).length, ...rows.map((r) => Array.from(r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - Array.from(c).length)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** `5m`, `3h 12m`, `4d 2h`; `?` when unknown. */
export function age(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
