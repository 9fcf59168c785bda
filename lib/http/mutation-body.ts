import 'server-only';
/**
 * The body of a mutation, read once and bounded before anything trusts it: at most `limit` bytes
 * (counted while streaming, a larger body is never buffered), valid JSON, nested at most
 * MAX_JSON_DEPTH levels. What a refused body names (its key and reason) is kept only as bounded
 * strings, for the refusal record.
 */
import { AppError } from '../api/errors';

/** Default body cap of a mutation: its real bodies are a few hundred bytes (an unlock's `seen` a few KB). */
export const MUTATION_BODY_LIMIT = 16 * 1024;
/** Deepest JSON nesting a mutation body may have (its schemas need 4). */
export const MAX_JSON_DEPTH = 16;
/** Longest key / reason stored from a body that did not validate. */
const MAX_REFUSED_KEY = 1024;
const MAX_REFUSED_REASON = 2000;

/** A body read up to a cap: the text, or the fact that it was larger (never read further). */
export type CappedBody = { text: string; tooLarge: false } | { text: null; tooLarge: true };

/**
 * Reads at most `limit` bytes of a request body, counting while streaming: a declared or actual
 * larger body stops the read (the rest is never buffered) and is reported as too large.
 */
export async function readCappedBody(request: Request, limit: number): Promise<CappedBody> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel().catch(() => undefined);
    return { text: null, tooLarge: true };
  }
  if (!request.body) return { text: '', tooLarge: false };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { text: null, tooLarge: true };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { text: new TextDecoder().decode(bytes), tooLarge: false };
}

/** Nesting depth of a parsed JSON value (iterative: a hostile depth cannot overflow the stack). */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) max = depth;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return max;
}

/** A parsed body, or why it is refused (with the value when it did parse, for the refusal record). */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: AppError; value?: unknown };

export function parseBody(body: CappedBody, limit: number): ParsedBody {
  if (body.tooLarge) return { ok: false, error: new AppError('payload_too_large', `The request body is larger than ${limit} bytes.`, { limitBytes: limit }) };
  let value: unknown;
  try {
    value = JSON.parse(body.text);
  } catch {
    return { ok: false, error: new AppError('bad_request', 'The request body is not valid JSON.') };
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH) return { ok: false, value, error: new AppError('bad_request', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`) };
  return { ok: true, value };
}

/** The key and reason a body names, as bounded strings (for a refusal record), whatever else it holds. */
export function knownFields(parsed: ParsedBody): { key: string | null; reason: string | null } {
  const value = parsed.value;
  const body = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const cut = (v: unknown, max: number) => (typeof v === 'string' && v !== '' ? v.slice(0, max) : null);
  return { key: cut(body.key, MAX_REFUSED_KEY), reason: cut(body.reason, MAX_REFUSED_REASON) };
}
