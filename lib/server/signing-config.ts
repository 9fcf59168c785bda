/**
 * The signing key setting: the key that signs what Lockboard stores in S3 (audit records, alert claims,
 * freeze markers, the inventory index manifest), so that an object nobody but a replica could have
 * written is told apart from one planted by whoever else can write the bucket (lib/server/signing.ts).
 *
 * `LOCKBOARD_SIGNING_KEY`, or the variable the config file's `signingKeyEnv` names: at least 32 bytes
 * (e.g. `openssl rand -base64 48`). `<that name>_PREVIOUS` optionally holds the key before a rotation
 * (still accepted when reading, never used to sign). Without a key, `authMode: none` signs with a random
 * key of the process (a warning at start-up); `authMode: proxy` does not start.
 */

export const DEFAULT_SIGNING_KEY_ENV = 'LOCKBOARD_SIGNING_KEY';
export const MIN_SIGNING_KEY_BYTES = 32;

export interface SigningConfig {
  /** The variable the key is read from. */
  env: string;
  /** The key (a secret: never logged nor sent), or null when none is set. */
  key: string | null;
  /** Keys accepted when verifying, not for signing (the one before a rotation). */
  previous: string[];
}

type Env = Record<string, string | undefined>;

function checked(env: Env, name: string, problems: string[]): string | null {
  const value = env[name];
  if (value === undefined || value === '') return null;
  if (Buffer.byteLength(value, 'utf8') < MIN_SIGNING_KEY_BYTES) {
    problems.push(`${name}: the signing key must be at least ${MIN_SIGNING_KEY_BYTES} bytes (e.g. openssl rand -base64 48)`);
    return null;
  }
  return value;
}

/** Reads the key from the variable the file names (`signingKeyEnv`), else LOCKBOARD_SIGNING_KEY. */
export function signingConfigOf(env: Env, signingKeyEnv: string | undefined, problems: string[]): SigningConfig {
  const name = signingKeyEnv ?? DEFAULT_SIGNING_KEY_ENV;
  if (signingKeyEnv !== undefined && !env[signingKeyEnv]) problems.push(`LOCKBOARD_CONFIG signingKeyEnv: environment variable ${signingKeyEnv} (the signing key) is not set`);
  const key = checked(env, name, problems);
  const previous = checked(env, `${name}_PREVIOUS`, problems);
  return { env: name, key, previous: previous ? [previous] : [] };
}

/**
 * What start-up says about the key: an error (proxy mode needs one: its records must be readable by
 * every replica and after a restart, and only a shared secret proves who wrote them), a warning (mode
 * none without a key), or nothing.
 */
export function signingStartupCheck(config: { authMode: 'none' | 'proxy'; signing: SigningConfig }): { level: 'error' | 'warn'; message: string } | null {
  if (config.signing.key !== null) return null;
  if (config.authMode === 'proxy') {
    return { level: 'error', message: `${config.signing.env}: required with authMode "proxy" (at least ${MIN_SIGNING_KEY_BYTES} bytes, the same on every replica; e.g. openssl rand -base64 48): it signs the audit records, alert claims, freeze markers and index manifest Lockboard stores, so that objects planted by anyone else who can write the bucket are recognised` };
  }
  return {
    level: 'warn',
    message: `WARNING: no signing key (${config.signing.env}): this process signs what it stores (audit records, alert claims, freeze markers, the index manifest) with a random key of its own, so what other replicas or earlier runs wrote reads as "not written by Lockboard" (audit records hidden by default, freezes shown unverified, claims taken over, the index rebuilt). Set ${config.signing.env} (at least ${MIN_SIGNING_KEY_BYTES} bytes, the same on every replica) to keep them.`,
  };
}
