/**
 * Signing what Lockboard stores in S3, so that it can tell its own objects from planted ones.
 *
 * Audit records, alert claims, freeze markers, the index manifest and discovery's decisions live in buckets that Terraform
 * roles can usually write. Each is a JSON object whose last member is
 * `"lockboardSignature":"v1.<key id>.<hex HMAC-SHA256>"`, computed with the replicas' shared key
 * (lib/server/signing-config.ts) over the purpose, the object key and the JSON without that member:
 * a body copied to another key, or used for another purpose, does not verify. Readers that predate
 * the signature simply ignore the extra member. Verification is constant time and never parses more
 * than the fixed-length tail.
 */
import crypto from 'node:crypto';
import { getConfig } from './config';

export type SignPurpose = 'audit-record' | 'alert-claim' | 'index-manifest' | 'freeze-marker' | 'discovery-decision';

export interface KeyRing {
  current: Buffer;
  /** Accepted when verifying (the key before a rotation). */
  previous: Buffer[];
  /** True when no key is configured and this process made one up (nothing else can verify it). */
  ephemeral: boolean;
}

/** `unsigned`: no signature; `unknown_key`: signed with a key this replica does not hold; `bad_signature`: forged or altered. */
export type Verification = 'signed' | 'unsigned' | 'unknown_key' | 'bad_signature';

const FIELD = 'lockboardSignature';
const SIG_HEX = 64;
const KID_HEX = 8;
// `"lockboardSignature":"v1.` + key id + `.` + hex + `"}`
const TAIL_LENGTH = `"${FIELD}":"v1.`.length + KID_HEX + 1 + SIG_HEX + 2;
const TAIL = new RegExp(`^"${FIELD}":"v1\\.([0-9a-f]{${KID_HEX}})\\.([0-9a-f]{${SIG_HEX}})"\\}$`);

const ephemeralKey = Symbol.for('lockboard.ephemeralSigningKey');

/** The process's random key (one per process, whichever bundle asks: kept on globalThis). */
function ephemeral(): Buffer {
  const holder = globalThis as unknown as Record<symbol, Buffer | undefined>;
  holder[ephemeralKey] ??= crypto.randomBytes(32);
  return holder[ephemeralKey];
}

/** The keys of this replica: the configured key (and the previous one), or the process's random key. */
export function keyRing(): KeyRing {
  const { key, previous } = getConfig().signing;
  if (key === null) return { current: ephemeral(), previous: previous.map((p) => Buffer.from(p, 'utf8')), ephemeral: true };
  return { current: Buffer.from(key, 'utf8'), previous: previous.map((p) => Buffer.from(p, 'utf8')), ephemeral: false };
}

/** A short public name of a key (so a reader can say "signed with another key"); reveals nothing of it. */
export function keyId(key: Buffer): string {
  return crypto.createHash('sha256').update('lockboard-key-id\u0000').update(key).digest('hex').slice(0, KID_HEX);
}

function mac(key: Buffer, purpose: SignPurpose, objectKey: string, body: string): Buffer {
  // Length-prefixed parts: no two (purpose, key, body) triples give the same input.
  return crypto.createHmac('sha256', key).update(`lockboard-signature-v1\u0000${purpose.length}:${purpose}${Buffer.byteLength(objectKey)}:${objectKey}`).update(body, 'utf8').digest();
}

/** The JSON object text `json` with its signature as last member. */
export function signJson(purpose: SignPurpose, objectKey: string, json: string, ring: KeyRing = keyRing()): string {
  if (!json.startsWith('{') || !json.endsWith('}')) throw new Error('signJson: not a JSON object text');
  const sig = `v1.${keyId(ring.current)}.${mac(ring.current, purpose, objectKey, json).toString('hex')}`;
  return `${json.slice(0, -1)}${json === '{}' ? '' : ','}"${FIELD}":"${sig}"}`;
}

/**
 * Checks a stored JSON object text. `body` is the text without the signature member (what was signed;
 * the text as it is when there is none), to be parsed by the caller whatever the verdict.
 */
export function verifyJson(purpose: SignPurpose, objectKey: string, text: string, ring: KeyRing = keyRing()): { verification: Verification; body: string } {
  const tailAt = text.length - TAIL_LENGTH;
  const m = tailAt > 0 ? TAIL.exec(text.slice(tailAt)) : null;
  if (!m) return { verification: text.includes(`"${FIELD}"`) ? 'bad_signature' : 'unsigned', body: text };
  const before = text[tailAt - 1];
  if (before !== ',' && before !== '{') return { verification: 'bad_signature', body: text };
  const body = `${text.slice(0, before === ',' ? tailAt - 1 : tailAt)}}`;
  const key = [ring.current, ...ring.previous].find((k) => keyId(k) === m[1]);
  if (!key) return { verification: 'unknown_key', body };
  const ok = crypto.timingSafeEqual(mac(key, purpose, objectKey, body), Buffer.from(m[2]!, 'hex'));
  return { verification: ok ? 'signed' : 'bad_signature', body };
}

/** Plain words for a verdict other than `signed`, for notes and logs. */
export function foreignReason(v: Exclude<Verification, 'signed'>): string {
  if (v === 'unsigned') return 'not signed (written by something other than Lockboard, or by a Lockboard before signing)';
  if (v === 'unknown_key') return 'signed with a key this replica does not hold (another deployment, an earlier run without a configured key, or a key rotated out)';
  return 'its signature does not match (altered or forged)';
}
