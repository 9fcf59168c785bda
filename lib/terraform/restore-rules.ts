/**
 * The rules a restore follows, as `terraform state push` applies them (protocol reference §2, §8):
 * the lineage check, the serial the restored document gets, and the lock Lockboard takes while it
 * writes. Pure: the caller passes the clock and the random bytes.
 */
import { formatRfc3339Nano, newLockId, type LockInfo } from './lock-info';
import { lockPath } from './paths';
import { bumpSerial, findTopLevelSerial } from './serial-bump';
import { parseStateFile, type StateKind, type StateLayout } from './state-file';

/** LockInfo.Operation of the lock Lockboard holds while it restores a version. */
export const RESTORE_OPERATION = 'lockboard-restore';

export interface LineageVerdict {
  ok: boolean;
  /** Terraform's own wording when refused (TF migrate `CheckValidImport`). */
  message: string | null;
}

/**
 * Lineage rule of a restore, as `terraform state push` applies it (TF migrate `CheckValidImport`):
 * the chosen version must belong to the same state history as the current one, and `state push`
 * refuses an unrelated lineage with exactly this message. An empty or unknown lineage on either side
 * (a legacy state, no current state) is allowed, as Terraform allows it. `allowLineageChange` plays
 * the role of `state push -force`. The serial half of the rule always passes: the restored document
 * gets the current serial + 1.
 */
export function checkRestoreLineage(currentLineage: string | null, chosenLineage: string | null, allowLineageChange = false): LineageVerdict {
  const current = currentLineage ?? '';
  const chosen = chosenLineage ?? '';
  if (current === '' || chosen === '' || current === chosen || allowLineageChange) return { ok: true, message: null };
  return { ok: false, message: `cannot import state with lineage "${chosen}" over unrelated state with lineage "${current}"` };
}

export interface RestoreLockInput {
  bucket: string;
  key: string;
  /** The operator's identity; Who becomes `<user>@lockboard`. */
  user: string;
  /** Lockboard's own version (X.Y.Z), as Terraform puts its core version here. */
  version: string;
  /** 16 fresh random bytes for the ID. */
  randomBytes: Uint8Array;
  /** Wall clock, epoch milliseconds. */
  epochMs: number;
  /** Sub-millisecond part of the clock, 0–999999 ns. */
  nanos: number;
}

/** The LockInfo Lockboard writes: the shape Terraform writes, with its own operation and Who. */
export function restoreLockInfo(input: RestoreLockInput): LockInfo {
  return {
    id: newLockId(input.randomBytes),
    operation: RESTORE_OPERATION,
    info: '',
    who: `${input.user}@lockboard`,
    version: input.version,
    created: formatRfc3339Nano(input.epochMs, Math.max(0, Math.min(999_999, Math.floor(input.nanos)))),
    path: lockPath(input.bucket, input.key),
  };
}

export interface RestorePlanInput {
  /** The current object's bytes; null when the latest version is a delete marker (no state). */
  current: Uint8Array | null;
  /** The chosen version's bytes. */
  chosen: Uint8Array;
  allowLineageChange?: boolean;
}

export interface RestorePlan {
  ok: true;
  /** The exact bytes to write. */
  bytes: Uint8Array;
  /** The serial of the written document (null: unknown, an encrypted state without one). */
  serial: bigint | null;
  /** False for an OpenTofu-encrypted version: its bytes are copied unchanged. */
  serialBumped: boolean;
  currentSerial: bigint | null;
  chosenSerial: bigint | null;
  currentLineage: string | null;
  chosenLineage: string | null;
  lineageChanged: boolean;
  chosenKind: StateKind;
  currentKind: StateKind | null;
  /** Layout of the chosen version, which the written bytes keep. */
  layout: StateLayout | null;
  /** Things the operator should know (encrypted copy, lineage change, unreadable current state). */
  warnings: string[];
}

export interface RestoreRefusal {
  ok: false;
  code: 'lineage_mismatch' | 'bad_request';
  message: string;
}

/** Serial and lineage of a state's bytes (plaintext or the pass-through fields of an encrypted envelope). */
function identityOf(bytes: Uint8Array) {
  const { metadata } = parseStateFile(bytes);
  const readable = metadata.kind === 'plaintext' || metadata.kind === 'encrypted';
  return { kind: metadata.kind, layout: metadata.layout, lineage: readable ? metadata.lineage : null, serial: readable ? (findTopLevelSerial(bytes)?.value ?? null) : null };
}

/**
 * What a restore writes (issue: restore a prior state version safely, step 3):
 *
 * - a plaintext chosen version gets `serial` = current serial + 1 (the chosen serial + 1 when there
 *   is no readable current state), every other byte unchanged, so its layout is kept;
 * - an OpenTofu-encrypted version is copied byte for byte: its serial is inside the ciphertext;
 * - the lineages must match (`checkRestoreLineage`) unless explicitly allowed;
 * - anything that is not a state (empty, not JSON, another JSON shape) is refused.
 */
export function planRestore(input: RestorePlanInput): RestorePlan | RestoreRefusal {
  const chosen = identityOf(input.chosen);
  const current = input.current === null ? null : identityOf(input.current);
  if (chosen.kind !== 'plaintext' && chosen.kind !== 'encrypted') {
    const what = chosen.kind === 'empty' ? 'is empty' : chosen.kind === 'not_json' ? 'is not JSON' : chosen.kind === 'too_large' ? 'is too large to read' : 'is JSON but not a state document';
    return { ok: false, code: 'bad_request', message: `The chosen version ${what}, so it is not a Terraform state: restoring it would leave Terraform without a usable state.` };
  }
  const lineage = checkRestoreLineage(current?.lineage ?? null, chosen.lineage, input.allowLineageChange === true);
  if (!lineage.ok) {
    return { ok: false, code: 'lineage_mismatch', message: `${lineage.message}. The chosen version belongs to another state history; restore it only on purpose, with allowLineageChange.` };
  }
  const warnings: string[] = [];
  const lineageChanged = (current?.lineage ?? '') !== '' && (chosen.lineage ?? '') !== '' && current?.lineage !== chosen.lineage;
  if (lineageChanged) warnings.push(`The lineage changes from "${current?.lineage}" to "${chosen.lineage}" (allowed explicitly).`);
  if (current !== null && current.kind !== 'plaintext' && current.kind !== 'encrypted') {
    warnings.push('The current object is not a readable state, so its lineage could not be checked.');
  }
  const base = {
    ok: true as const,
    currentSerial: current?.serial ?? null,
    chosenSerial: chosen.serial,
    currentLineage: current?.lineage ?? null,
    chosenLineage: chosen.lineage,
    lineageChanged,
    chosenKind: chosen.kind,
    currentKind: current?.kind ?? null,
    layout: chosen.layout,
  };
  if (chosen.kind === 'encrypted') {
    warnings.push('The chosen version is OpenTofu-encrypted: its bytes are copied unchanged and its serial could not be bumped (the serial is inside the ciphertext).');
    return { ...base, bytes: input.chosen, serial: chosen.serial, serialBumped: false, warnings };
  }
  if (chosen.serial === null) {
    return { ok: false, code: 'bad_request', message: 'The chosen version has no top-level unsigned integer "serial", so its serial cannot be bumped.' };
  }
  const from = current?.serial ?? chosen.serial;
  let bumped: { bytes: Uint8Array; serial: bigint };
  try {
    bumped = bumpSerial(input.chosen, from);
  } catch {
    return { ok: false, code: 'bad_request', message: `The serial ${from} cannot be incremented (it is the largest uint64).` };
  }
  return { ...base, bytes: bumped.bytes, serial: bumped.serial, serialBumped: true, warnings };
}
