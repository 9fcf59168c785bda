/**
 * Where the s3 backend keeps things (TF backend_state.go / client.go). Each rule lives here once.
 */

/** Suffix of the DynamoDB digest item's LockID (`stateIDSuffix`). */
export const DIGEST_SUFFIX = '-md5';
/** Suffix of the S3-native lock object (`lockFileSuffix`). */
export const LOCKFILE_SUFFIX = '.tflock';
export const DEFAULT_WORKSPACE_KEY_PREFIX = 'env:';
export const DEFAULT_STATE_SUFFIXES: readonly string[] = ['.tfstate'];

/** `<bucket>/<state key>`: the lock item's LockID and LockInfo.Path. */
export function lockPath(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}

/** LockID of the digest item for a state. */
export function digestLockId(bucket: string, key: string): string {
  return lockPath(bucket, key) + DIGEST_SUFFIX;
}

/** Key of the `.tflock` object that locks a state. */
export function lockfileKey(key: string): string {
  return key + LOCKFILE_SUFFIX;
}

/** The state key a `.tflock` object locks, or null when the object is not a lock file. */
export function stateKeyOfLockfile(objectKey: string): string | null {
  if (!objectKey.endsWith(LOCKFILE_SUFFIX) || objectKey.length === LOCKFILE_SUFFIX.length) return null;
  return objectKey.slice(0, -LOCKFILE_SUFFIX.length);
}

/** The state key inside `bucket` named by a lock LockID, or null when the LockID is for another bucket. */
export function stateKeyOfLockId(lockId: string, bucket: string): string | null {
  const prefix = `${bucket}/`;
  return lockId.startsWith(prefix) && lockId.length > prefix.length ? lockId.slice(prefix.length) : null;
}

/** The state key a digest LockID belongs to, or null when it is not a digest LockID of `bucket`. */
export function stateKeyOfDigestId(lockId: string, bucket: string): string | null {
  if (!lockId.endsWith(DIGEST_SUFFIX)) return null;
  return stateKeyOfLockId(lockId.slice(0, -DIGEST_SUFFIX.length), bucket);
}

/** State key of a workspace: `key` for default, else `<prefix>/<workspace>/<key>` (path.Join). */
export function workspaceStateKey(key: string, workspace: string, prefix = DEFAULT_WORKSPACE_KEY_PREFIX): string {
  if (workspace === 'default') return key;
  return [prefix, workspace, key].filter((part) => part !== '').join('/');
}

/**
 * The workspace a state key belongs to. Keys under `<prefix>/<name>/…` belong to workspace `name`;
 * everything else is `default`. With an empty prefix the workspace cannot be told from the key alone.
 */
export function workspaceOfKey(key: string, prefix = DEFAULT_WORKSPACE_KEY_PREFIX): string {
  if (prefix === '') return 'default';
  const head = `${prefix}/`;
  if (!key.startsWith(head)) return 'default';
  const rest = key.slice(head.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return 'default';
  return rest.slice(0, slash);
}

/** Whether an object key is a state file: ends with a configured suffix and is not a lock file. */
export function isStateKey(key: string, suffixes: readonly string[] = DEFAULT_STATE_SUFFIXES): boolean {
  if (stateKeyOfLockfile(key) !== null) return false;
  return suffixes.some((suffix) => key.endsWith(suffix) && key.length > suffix.length);
}
