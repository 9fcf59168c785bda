/**
 * Rewrites the top-level `serial` of a state document in place, byte for byte (protocol reference
 * §8). Re-serialising would change key order, escaping, number formatting and layout, and so the
 * MD5 and the diff; here only the digits of the top-level `serial` value change. Works on bytes, not
 * on a decoded string, so invalid UTF-8 elsewhere in the document cannot be altered either. Pure.
 */

export interface SerialToken {
  /** Byte offset of the first digit. */
  start: number;
  /** Byte offset just past the last digit. */
  end: number;
  value: bigint;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

function skipSpace(bytes: Uint8Array, i: number): number {
  while (i < bytes.length && isSpace(bytes[i])) i++;
  return i;
}

/** Index just past the string starting at `i` (which must be a quote), or -1 when unterminated. */
function skipString(bytes: Uint8Array, i: number): number {
  for (let j = i + 1; j < bytes.length; j++) {
    const b = bytes[j];
    if (b === BACKSLASH) j++;
    else if (b === QUOTE) return j + 1;
  }
  return -1;
}

/** Index just past the value starting at `i` (object, array, string or scalar), or -1. */
function skipValue(bytes: Uint8Array, i: number): number {
  const first = bytes[i];
  if (first === QUOTE) return skipString(bytes, i);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    for (let j = i; j < bytes.length; j++) {
      const b = bytes[j];
      if (b === QUOTE) {
        j = skipString(bytes, j);
        if (j < 0) return -1;
        j--;
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
      else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < bytes.length && !isSpace(bytes[j]) && bytes[j] !== COMMA && bytes[j] !== CLOSE_OBJECT && bytes[j] !== CLOSE_ARRAY) j++;
  return j > i ? j : -1;
}

function decodeKey(bytes: Uint8Array, start: number, end: number): string | null {
  try {
    const key: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(start, end)));
    return typeof key === 'string' ? key : null;
  } catch {
    return null;
  }
}

/**
 * Value spans of every member named `name` of the top-level object (depth 1 only: a `serial` inside
 * resources or outputs is never matched). Keys are compared after JSON unescaping, as Go does.
 * Returns null when the document is not a JSON object.
 */
export function topLevelValueSpans(bytes: Uint8Array, name: string): Array<{ start: number; end: number }> | null {
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN_OBJECT) return null;
  i = skipSpace(bytes, i + 1);
  const spans: Array<{ start: number; end: number }> = [];
  if (bytes[i] === CLOSE_OBJECT) return spans;
  while (i < bytes.length) {
    if (bytes[i] !== QUOTE) return null;
    const keyEnd = skipString(bytes, i);
    if (keyEnd < 0) return null;
    const key = decodeKey(bytes, i, keyEnd);
    i = skipSpace(bytes, keyEnd);
    if (bytes[i] !== COLON) return null;
    i = skipSpace(bytes, i + 1);
    const valueEnd = skipValue(bytes, i);
    if (valueEnd < 0) return null;
    if (key === name) spans.push({ start: i, end: valueEnd });
    i = skipSpace(bytes, valueEnd);
    if (bytes[i] === COMMA) {
      i = skipSpace(bytes, i + 1);
      continue;
    }
    if (bytes[i] === CLOSE_OBJECT) return spans;
    return null;
  }
  return null;
}

const UINT = /^(0|[1-9][0-9]*)$/;
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * The top-level `serial` token: a JSON unsigned integer (Terraform's uint64), kept as a bigint so
 * serials past 2^53 stay exact. With duplicate keys the last one counts, as in Go's decoder.
 * Null when there is none or it is not a plain unsigned integer.
 */
export function findTopLevelSerial(bytes: Uint8Array): SerialToken | null {
  const spans = topLevelValueSpans(bytes, 'serial');
  const last = spans?.[spans.length - 1];
  if (!last) return null;
  const raw = new TextDecoder().decode(bytes.subarray(last.start, last.end));
  if (!UINT.test(raw)) return null;
  const value = BigInt(raw);
  return value <= UINT64_MAX ? { ...last, value } : null;
}

/**
 * The same document with every top-level `serial` value set to `serial`. All other bytes (layout,
 * key order, escaping, trailing newline, nested `serial` keys) are untouched.
 * Throws when the document has no top-level unsigned-integer `serial`.
 */
export function withSerial(bytes: Uint8Array, serial: bigint): Uint8Array {
  if (serial < 0n || serial > UINT64_MAX) throw new RangeError(`serial ${serial} is outside uint64`);
  if (findTopLevelSerial(bytes) === null) throw new Error('the document has no top-level unsigned integer "serial"');
  const spans = topLevelValueSpans(bytes, 'serial') ?? [];
  const digits = new TextEncoder().encode(serial.toString());
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const span of spans) {
    parts.push(bytes.subarray(from, span.start), digits);
    from = span.end;
  }
  parts.push(bytes.subarray(from));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The restored document: the chosen version's bytes with `serial` = the current serial + 1. */
export function bumpSerial(chosen: Uint8Array, currentSerial: bigint): { bytes: Uint8Array; serial: bigint } {
  const serial = currentSerial + 1n;
  return { bytes: withSerial(chosen, serial), serial };
}
