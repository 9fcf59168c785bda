/**
 * The S3 object events a queue may hold (issue 24), read without trusting them: a bucket notification
 * (`{"Records":[…]}`, keys URL-encoded), the same wrapped in an SNS envelope (a subscription without raw
 * delivery), an EventBridge event (`detail.object.key`, not encoded) and S3's `s3:TestEvent`. Anything
 * else is `ignored` with a reason; nothing here throws. Pure: no I/O.
 */

/** S3 sends at most 64 KiB per event message; an SNS or EventBridge envelope adds a few KiB. */
export const MAX_MESSAGE_BYTES = 96 * 1024;
/** A notification holds one record today; more is tolerated, not unbounded. */
const MAX_RECORDS = 100;
const MAX_KEY_LENGTH = 1024;

export interface ObjectEvent {
  bucket: string;
  key: string;
  /** Per-key order (S3's hexadecimal `sequencer`), null when the event has none. */
  sequencer: string | null;
  /** A write or a removal (re-read); `other`: tags, ACLs, restores… (nothing a listing shows). */
  kind: 'change' | 'other';
}

export type ParsedMessage =
  | { kind: 'events'; events: ObjectEvent[]; unusable: number }
  | { kind: 'test' }
  | { kind: 'ignored'; reason: 'too_large' | 'malformed' | 'not_s3' };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function sequencerOf(v: unknown): string | null {
  const s = str(v);
  return s !== null && /^[0-9A-Fa-f]{1,64}$/.test(s) ? s : null;
}

/** A key as S3 notifications spell it: form-encoded ('+' for a space). */
function decodeKey(raw: string): string | null {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

function validKey(key: string | null): key is string {
  return key !== null && key.length > 0 && key.length <= MAX_KEY_LENGTH;
}

function notificationRecord(r: unknown): ObjectEvent | null {
  if (!isObject(r) || r.eventSource !== 'aws:s3' || !isObject(r.s3)) return null;
  const bucket = isObject(r.s3.bucket) ? str(r.s3.bucket.name) : null;
  const object = isObject(r.s3.object) ? r.s3.object : null;
  const rawKey = object ? str(object.key) : null;
  const key = rawKey === null ? null : decodeKey(rawKey);
  const name = str(r.eventName) ?? '';
  if (bucket === null || !validKey(key)) return null;
  const change = /^(ObjectCreated|ObjectRemoved|LifecycleExpiration):/.test(name);
  return { bucket, key, sequencer: sequencerOf(object?.sequencer), kind: change ? 'change' : 'other' };
}

function eventBridgeEvent(e: Json): ObjectEvent | null {
  const detail = isObject(e.detail) ? e.detail : null;
  const bucket = detail && isObject(detail.bucket) ? str(detail.bucket.name) : null;
  const object = detail && isObject(detail.object) ? detail.object : null;
  const key = object ? str(object.key) : null;
  if (bucket === null || !validKey(key)) return null;
  const type = str(e['detail-type']);
  return { bucket, key, sequencer: sequencerOf(object?.sequencer), kind: type === 'Object Created' || type === 'Object Deleted' ? 'change' : 'other' };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function fromValue(v: unknown, depth: number): ParsedMessage {
  if (!isObject(v)) return { kind: 'ignored', reason: 'malformed' };
  // An SNS envelope (subscription without raw delivery): the S3 message is in `Message`, once.
  if (v.Type === 'Notification' && typeof v.Message === 'string' && depth === 0) return fromValue(parseJson(v.Message), 1);
  if (v.Event === 's3:TestEvent') return { kind: 'test' };
  if (Array.isArray(v.Records)) {
    if (v.Records.length === 0 || v.Records.length > MAX_RECORDS) return { kind: 'ignored', reason: 'malformed' };
    const events = v.Records.map(notificationRecord);
    const ok = events.filter((e): e is ObjectEvent => e !== null);
    return ok.length === 0 ? { kind: 'ignored', reason: 'malformed' } : { kind: 'events', events: ok, unusable: events.length - ok.length };
  }
  if (v.source === 'aws.s3' && typeof v['detail-type'] === 'string') {
    const event = eventBridgeEvent(v);
    return event ? { kind: 'events', events: [event], unusable: 0 } : { kind: 'ignored', reason: 'malformed' };
  }
  return { kind: 'ignored', reason: 'not_s3' };
}

/** What one queue message says. `size` is its body's length in bytes (checked before parsing). */
export function parseS3Message(body: string, size: number): ParsedMessage {
  if (size > MAX_MESSAGE_BYTES) return { kind: 'ignored', reason: 'too_large' };
  return fromValue(parseJson(body), 0);
}
