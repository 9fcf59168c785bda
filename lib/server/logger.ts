/**
 * The server's one logger: one JSON object per line, `{"level","time","msg",...context}`, each line
 * at most MAX_LINE_BYTES. Context values are made JSON-safe and bounded: long strings are cut, long
 * arrays and objects shortened, deep nesting elided, errors reduced to name/message/code and a
 * trimmed stack. If a line is still too long it is rebuilt with tighter limits, and as a last resort
 * replaced by a line that says what was dropped: a log line is never unbounded and never lost.
 *
 * Node only, but without `server-only`: instrumentation.ts (server start) logs through it too.
 */

export type LogLevel = 'info' | 'warn' | 'error';
export type LogContext = Record<string, unknown>;

export const MAX_LINE_BYTES = 8 * 1024;

interface Limits {
  string: number;
  items: number;
  depth: number;
  stackLines: number;
}

/** Tried in order until the line fits. */
const LIMITS: Limits[] = [
  { string: 2048, items: 50, depth: 6, stackLines: 8 },
  { string: 256, items: 10, depth: 3, stackLines: 3 },
];

const RESERVED = new Set(['level', 'time', 'msg']);

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…(+${text.length - max} chars)` : text;
}

function errorFacts(e: Error, limits: Limits, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const facts: Record<string, unknown> = { name: e.name, message: cut(e.message, limits.string) };
  const extra = e as Error & { code?: unknown; details?: unknown; cause?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (typeof extra.code === 'string' || typeof extra.code === 'number') facts.code = extra.code;
  if (extra.$metadata?.httpStatusCode !== undefined) facts.httpStatus = extra.$metadata.httpStatusCode;
  if (extra.details !== undefined && typeof extra.details === 'object') facts.details = bound(extra.details, limits, depth + 1, seen);
  if (e.stack) facts.stack = cut(e.stack.split('\n').slice(1, 1 + limits.stackLines).map((l) => l.trim()).join('\n'), limits.string);
  if (extra.cause !== undefined) facts.cause = bound(extra.cause, limits, depth + 1, seen);
  if (e instanceof AggregateError) facts.errors = bound(e.errors, limits, depth + 1, seen);
  return facts;
}

/** A JSON-safe, size-bounded copy of any value. */
function bound(value: unknown, limits: Limits, depth: number, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'string':
      return cut(value, limits.string);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
      return undefined;
    case 'function':
    case 'symbol':
      return `[${typeof value}]`;
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return '[circular]';
  if (depth >= limits.depth) return Array.isArray(object) ? `[array of ${object.length}]` : '[object]';
  seen.add(object);
  try {
    if (object instanceof Error) return errorFacts(object, limits, depth, seen);
    if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
    if (object instanceof Uint8Array) return `[${object.byteLength} bytes]`;
    if (Array.isArray(object)) {
      const items = object.slice(0, limits.items).map((v) => bound(v, limits, depth + 1, seen) ?? null);
      if (object.length > limits.items) items.push(`…(+${object.length - limits.items} items)`);
      return items;
    }
    const entries = Object.entries(object);
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries.slice(0, limits.items)) out[cut(k, 128)] = bound(v, limits, depth + 1, seen);
    if (entries.length > limits.items) out['…'] = `+${entries.length - limits.items} keys`;
    return out;
  } finally {
    seen.delete(object);
  }
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The log line (without newline) for one entry: valid JSON, at most MAX_LINE_BYTES bytes. */
export function formatLogLine(level: LogLevel, msg: string, context: LogContext = {}, now: Date = new Date()): string {
  let original = 0;
  for (const limits of LIMITS) {
    const line: Record<string, unknown> = { level, time: now.toISOString(), msg: cut(msg, limits.string) };
    for (const [k, v] of Object.entries(context)) {
      // The entry's own fields cannot be overwritten by context.
      line[RESERVED.has(k) ? `context.${k}` : k] = bound(v, limits, 1, new WeakSet());
    }
    const text = JSON.stringify(line);
    const size = byteLength(text);
    if (size <= MAX_LINE_BYTES) return text;
    original ||= size;
  }
  return JSON.stringify({
    level,
    time: now.toISOString(),
    msg: cut(msg, 512),
    truncated: true,
    droppedBytes: original,
    contextKeys: Object.keys(context).slice(0, 50).map((k) => cut(k, 64)),
  });
}

export type LogSink = (level: LogLevel, line: string) => void;

/** stdout for info, stderr for warnings and errors. */
const consoleSink: LogSink = (level, line) => {
  if (level === 'info') console.log(line);
  else console.error(line);
};

export interface Logger {
  info(msg: string, context?: LogContext): void;
  warn(msg: string, context?: LogContext): void;
  error(msg: string, context?: LogContext): void;
}

export function createLogger(sink: LogSink = consoleSink): Logger {
  const write = (level: LogLevel, msg: string, context?: LogContext) => {
    let line: string;
    try {
      line = formatLogLine(level, msg, context);
    } catch (e) {
      // A getter that throws, a proxy…: log that the entry could not be formatted rather than fail the caller.
      line = formatLogLine(level, msg, { logFormatError: e instanceof Error ? e.message : String(e) });
    }
    sink(level, line);
  };
  return {
    info: (msg, context) => write('info', msg, context),
    warn: (msg, context) => write('warn', msg, context),
    error: (msg, context) => write('error', msg, context),
  };
}

export const logger: Logger = createLogger();
