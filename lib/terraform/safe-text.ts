/**
 * Text Lockboard writes or sends, made safe to show: no control or bidi characters. Pure.
 *
 * A lock's Who, a freeze reason or a user name is typed by someone else and ends up in a terminal
 * (Terraform prints a freeze's Info to every blocked user), in Slack, a webhook receiver, an SNS
 * subscriber or the audit log. C0 controls (escape sequences, carriage returns that overwrite a
 * line), C1 controls and the bidi overrides/isolates/marks (which make `prod` read as `dorp`) are
 * removed from all of it. Tab and line feed are kept by `stripControls` (a multi-line error message
 * stays readable) and turned into spaces by `oneLine`.
 */

// C0 but tab and LF, DEL, C1; ALM (U+061C), LRM/RLM (U+200E/F), LRE…RLO (U+202A–E), LRI…PDI (U+2066–9).
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const ANY_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** The text without control and bidi characters (tab and line feed kept). */
export function stripControls(text: string): string {
  return ANY_CONTROL.test(text) ? text.replace(CONTROLS, '') : text;
}

/** One line: control and bidi characters removed, tabs and line feeds become spaces. */
export function oneLine(text: string): string {
  return stripControls(text).replace(/[\t\n]/g, ' ');
}

const MAX_DEPTH = 32;

/**
 * A copy of a JSON-like value with every string (and object key) passed through `stripControls`.
 * Values nested deeper than 32 levels are replaced by a note (nothing Lockboard sends is that deep).
 */
export function stripControlsDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return stripControls(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '…[cut: nested too deep]' as T;
  if (Array.isArray(value)) return value.map((v: unknown) => stripControlsDeep(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[stripControls(k)] = stripControlsDeep(v, depth + 1);
  return out as T;
}
