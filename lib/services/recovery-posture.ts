import 'server-only';
/**
 * Recovery posture of one backend: reads the bucket's configuration (each read on its own, with a
 * deadline; a missing permission is "not checked") and, unless asked not to, the whole version
 * history once (folded page by page into per-state windows), then applies lib/terraform/recovery-rules.
 * Cached a few minutes: bucket settings change rarely and the history listing is the costly part.
 */
import { foldObjectVersions, readEncryption, readLifecycle, readObjectLock, readReplication, readVersioning } from '../aws/bucket-config';
import { getBackend } from '../server/backends';
import { cachedRead } from '../server/cache';
import { withCallOrigin } from '../server/call-origin';
import type { BackendConfig } from '../server/config';
import type { PostureResponse } from '../api/posture';
import { isStateKey, LOCKFILE_SUFFIX } from '../terraform/paths';
import { backendPosture, statePosture, type BucketFacts, type KeyVersionInfo, type StatePosture } from '../terraform/recovery-rules';
import { recordsFinding } from '../terraform/records-protection';
import { getSnapshot } from './backend-snapshot';
import { readRecordsProtection } from './records-protection';
import { toAppError } from '../server/errors';

const POSTURE_TTL_MS = 5 * 60_000;

async function readFacts(backend: BackendConfig): Promise<BucketFacts> {
  const [versioning, lifecycle, objectLock, encryption, replication] = await Promise.all([readVersioning(backend), readLifecycle(backend), readObjectLock(backend), readEncryption(backend), readReplication(backend)]);
  return { bucket: backend.bucket, versioning, lifecycle, objectLock, encryption, replication };
}

interface History {
  states: Map<string, KeyVersionInfo[]>;
  lockfileVersions: number;
  complete: boolean;
}

async function readHistory(backend: BackendConfig): Promise<History> {
  const states = new Map<string, KeyVersionInfo[]>();
  let lockfileVersions = 0;
  const { complete } = await foldObjectVersions(backend, (entries) => {
    for (const e of entries) {
      if (e.key.endsWith(LOCKFILE_SUFFIX)) lockfileVersions++;
      else if (isStateKey(e.key, backend.stateSuffixes)) {
        let list = states.get(e.key);
        if (!list) states.set(e.key, (list = []));
        list.push({ versionId: e.versionId, lastModified: e.lastModified, deleteMarker: e.deleteMarker, isLatest: e.isLatest });
      }
    }
  });
  // Each key's versions and markers newest first (a page lists versions and markers apart).
  const time = (v: KeyVersionInfo) => (v.lastModified ? Date.parse(v.lastModified) : 0);
  for (const list of states.values()) list.sort((a, b) => Number(b.isLatest) - Number(a.isLatest) || time(b) - time(a));
  return { states, lockfileVersions, complete };
}

async function computePosture(backend: BackendConfig, withHistory: boolean): Promise<PostureResponse> {
  const nowMs = Date.now();
  const [facts, snapshot, records] = await Promise.all([readFacts(backend), getSnapshot(backend), readRecordsProtection(backend)]);
  const objects = snapshot.objects ?? [];
  const stateKeys = objects.filter((o) => isStateKey(o.key, backend.stateSuffixes)).map((o) => o.key);
  const sizeOf = new Map(objects.map((o) => [o.key, o.size]));
  // Rules are tested against the `.tflock` key of every state (a lock may not be held right now).
  const lockKeys = stateKeys.map((k) => k + LOCKFILE_SUFFIX);
  let states: StatePosture[] | null = null;
  let historyError: string | null = null;
  let history: History | null = null;
  if (withHistory) {
    try {
      // The bucket's whole version history is background work: it yields to live reads (the bucket settings above do not).
      history = await withCallOrigin('background', () => readHistory(backend));
      const rules = facts.lifecycle.status === 'ok' ? facts.lifecycle.value : [];
      states = [...history.states].map(([key, versions]) => statePosture(key, versions, rules, sizeOf.get(key) ?? null)).sort((a, b) => a.key.localeCompare(b.key));
    } catch (e) {
      const error = toAppError(e, 'posture history failed', { backend: backend.id });
      historyError = error.code === 'aws_access_denied' ? 'not checked: AccessDenied (s3:ListBucketVersions)' : error.code === 'internal' ? 'the version history could not be read' : error.message;
    }
  }
  const verdict = backendPosture(facts, { stateKeys, lockKeys, states, lockfileVersions: history?.lockfileVersions ?? null, nowMs });
  // Lockboard's own records: after the restore findings (it does not change what a restore can do).
  const findings = [...verdict.findings, recordsFinding(records)];
  return {
    backendId: backend.id,
    checkedAt: new Date(nowMs).toISOString(),
    ...facts,
    ...verdict,
    findings,
    records,
    states,
    historyError,
    historyComplete: history?.complete ?? false,
    lockfileVersions: history?.lockfileVersions ?? null,
  };
}

export function getRecoveryPosture(backendId: string, opts: { history?: boolean } = {}): Promise<PostureResponse> {
  const backend = getBackend(backendId);
  const withHistory = opts.history ?? true;
  return cachedRead('posture', `${backend.id}\u0000${withHistory ? 1 : 0}`, POSTURE_TTL_MS, () => computePosture(backend, withHistory));
}
