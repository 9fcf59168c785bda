/**
 * What changed between two versions of one state (format v4, protocol reference §8): resource
 * instances added, removed and changed by address, the attribute paths that changed with their
 * before/after values, and outputs. Pure: no I/O.
 *
 * Secrets: outputs marked `sensitive` and attribute paths listed in an instance's
 * `sensitive_attributes` are replaced by SENSITIVE_MASK wherever they would appear, when marked in
 * EITHER version (state-diff-mask.ts), and so is any displayed string holding a marked value
 * (state-diff-secrets.ts). A `sensitive_attributes` value whose shape is not understood masks more
 * (the whole prefix, or the whole instance), never less.
 *
 * Speed: instances are indexed by address in Maps (linear in the documents), unchanged instances are
 * recognised by a structural comparison that stops at the first difference, and nothing serialises
 * the documents. Values shown are capped so a huge attribute cannot flood the response
 * (state-diff-values.ts). The walks recurse: a caller refuses documents nested deeper than
 * MAX_DIFF_DEPTH first (json-depth.ts).
 */
import { serialDownWarning } from './diff-warnings';
import { maskAll, sensitiveMask, type MaskNode } from './state-diff-mask';
import { isSensitiveOutput, SecretValues, type SecretContext } from './state-diff-secrets';
import { ABSENT, ChangeList, jsonEqual, presentValue, record, walk, type AttributeChange, type ChangeAction } from './state-diff-values';
import { isRecord, type ParsedState, type StateKind } from './state-file';

export { sensitiveMask, type MaskNode } from './state-diff-mask';
export { jsonEqual, MAX_CHANGES_PER_INSTANCE, presentValue, SENSITIVE_MASK, type AttributeChange, type ChangeAction } from './state-diff-values';

/** Deepest nesting of a version the diff compares (its walks recurse; Terraform's states stay far below). */
export const MAX_DIFF_DEPTH = 256;

export interface ResourceChange {
  /** `module.a.aws_instance.web["x"]`, `data.x.y[0]`, plus ` (deposed <key>)` for a deposed object. */
  address: string;
  action: ChangeAction;
  module: string | null;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  indexKey: string | number | null;
  deposed: string | null;
  /** Changed paths (only for `changed`). */
  changes: AttributeChange[];
  omittedChanges: number;
}

export interface OutputChange {
  name: string;
  action: ChangeAction;
  sensitive: boolean;
  before?: unknown;
  after?: unknown;
}

export interface ChangeCounts {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
}

export interface DiffSide {
  kind: StateKind;
  formatVersion: number | null;
  serial: number | null;
  lineage: string | null;
  terraformVersion: string | null;
  size: number;
}

export interface StateDiff {
  /** False when either side cannot be compared (encrypted, not JSON…): `note` says why. */
  comparable: boolean;
  note: string | null;
  warnings: string[];
  from: DiffSide;
  to: DiffSide;
  summary: { resources: ChangeCounts; outputs: ChangeCounts; attributeChanges: number };
  /** Sorted by address. */
  resources: ResourceChange[];
  /** Sorted by name. */
  outputs: OutputChange[];
}

// ---------- resources ----------

interface InstanceRef {
  address: string;
  module: string | null;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  provider: unknown;
  indexKey: string | number | null;
  deposed: string | null;
  instance: Record<string, unknown>;
}

/** Terraform's address of a resource instance. */
export function instanceAddress(parts: { module?: string | null; mode: string; type: string; name: string; indexKey?: string | number | null; deposed?: string | null }): string {
  let address = `${parts.module ? `${parts.module}.` : ''}${parts.mode === 'data' ? 'data.' : ''}${parts.type}.${parts.name}`;
  if (typeof parts.indexKey === 'number') address += `[${parts.indexKey}]`;
  else if (typeof parts.indexKey === 'string') address += `[${JSON.stringify(parts.indexKey)}]`;
  if (parts.deposed) address += ` (deposed ${parts.deposed})`;
  return address;
}

function indexInstances(doc: Record<string, unknown> | null): Map<string, InstanceRef> {
  const map = new Map<string, InstanceRef>();
  if (!doc || !Array.isArray(doc.resources)) return map;
  for (const r of doc.resources) {
    if (!isRecord(r)) continue;
    const mode = r.mode === 'data' ? 'data' : 'managed';
    const type = typeof r.type === 'string' ? r.type : '?';
    const name = typeof r.name === 'string' ? r.name : '?';
    const modulePath = typeof r.module === 'string' && r.module !== '' ? r.module : null;
    for (const instance of Array.isArray(r.instances) ? r.instances : []) {
      if (!isRecord(instance)) continue;
      const indexKey = typeof instance.index_key === 'string' || typeof instance.index_key === 'number' ? instance.index_key : null;
      const deposed = typeof instance.deposed === 'string' && instance.deposed !== '' ? instance.deposed : null;
      const base = instanceAddress({ module: modulePath, mode, type, name, indexKey, deposed });
      let address = base;
      // A malformed document may repeat an address: keep both rather than lose one.
      for (let n = 2; map.has(address); n++) address = `${base} #${n}`;
      map.set(address, { address, module: modulePath, mode, type, name, provider: r.provider, indexKey, deposed, instance });
    }
  }
  return map;
}

/** Instance fields compared besides the attributes (`private` is provider-opaque and not shown). */
const META_FIELDS = ['status', 'schema_version', 'create_before_destroy', 'dependencies', 'identity_schema_version', 'identity'] as const;

function instanceEqual(a: InstanceRef, b: InstanceRef): boolean {
  if (!jsonEqual(a.provider, b.provider)) return false;
  for (const f of META_FIELDS) if (!jsonEqual(a.instance[f], b.instance[f])) return false;
  return jsonEqual(a.instance.attributes, b.instance.attributes) && jsonEqual(a.instance.attributes_flat, b.instance.attributes_flat);
}

function diffInstance(a: InstanceRef, b: InstanceRef, global: SecretValues): ChangeList {
  const out = new ChangeList();
  // Sensitive in either version masks the path in both.
  const mask = sensitiveMask(a.instance.sensitive_attributes, b.instance.sensitive_attributes);
  const own = new SecretValues();
  own.addMasked(a.instance.attributes, mask);
  own.addMasked(b.instance.attributes, mask);
  const secrets: SecretContext = { global, local: own };
  if (!jsonEqual(a.provider, b.provider)) record(out, '(provider)', a.provider ?? ABSENT, b.provider ?? ABSENT, undefined, secrets);
  for (const f of META_FIELDS) {
    const before = a.instance[f];
    const after = b.instance[f];
    if (!jsonEqual(before, after)) record(out, `(${f})`, before === undefined ? ABSENT : before, after === undefined ? ABSENT : after, undefined, secrets);
  }
  const attrs = (x: InstanceRef, field: 'attributes' | 'attributes_flat') => (x.instance[field] === undefined ? ABSENT : x.instance[field]);
  walk(attrs(a, 'attributes'), attrs(b, 'attributes'), '', mask, out, secrets);
  // Legacy flatmap attributes have no structured sensitive paths: mask them whole when any is marked.
  const flatMask: MaskNode | undefined = mask.terminal || mask.children.size > 0 ? maskAll() : undefined;
  walk(attrs(a, 'attributes_flat'), attrs(b, 'attributes_flat'), '', flatMask, out, secrets);
  return out;
}

function resourceChange(ref: InstanceRef, action: ChangeAction, changes: ChangeList | null): ResourceChange {
  return {
    address: ref.address,
    action,
    module: ref.module,
    mode: ref.mode,
    type: ref.type,
    name: ref.name,
    indexKey: ref.indexKey,
    deposed: ref.deposed,
    changes: changes?.changes ?? [],
    omittedChanges: changes?.omitted ?? 0,
  };
}

// ---------- outputs ----------

function outputsOf(doc: Record<string, unknown> | null): Map<string, Record<string, unknown>> {
  const map = new Map<string, Record<string, unknown>>();
  if (!doc || !isRecord(doc.outputs)) return map;
  for (const [name, output] of Object.entries(doc.outputs)) map.set(name, isRecord(output) ? output : { value: output });
  return map;
}

function diffOutputs(before: Map<string, Record<string, unknown>>, after: Map<string, Record<string, unknown>>, counts: ChangeCounts, global: SecretValues): OutputChange[] {
  const secrets: SecretContext = { global };
  const changes: OutputChange[] = [];
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const masked = maskAll();
  for (const name of names) {
    const b = before.get(name);
    const a = after.get(name);
    const sensitive = [b, a].some((o) => o !== undefined && isSensitiveOutput(o));
    const mask = sensitive ? masked : undefined;
    if (b && a && jsonEqual(b.value, a.value) && jsonEqual(b.type, a.type) && Boolean(b.sensitive) === Boolean(a.sensitive)) {
      counts.unchanged++;
      continue;
    }
    const action: ChangeAction = !b ? 'added' : !a ? 'removed' : 'changed';
    counts[action]++;
    const change: OutputChange = { name, action, sensitive };
    if (b) change.before = presentValue(b.value, mask, secrets);
    if (a) change.after = presentValue(a.value, mask, secrets);
    changes.push(change);
  }
  return changes;
}

// ---------- the diff ----------

function side(state: ParsedState): DiffSide {
  const m = state.metadata;
  return { kind: m.kind, formatVersion: m.formatVersion, serial: m.serial, lineage: m.lineage, terraformVersion: m.terraformVersion, size: m.size };
}

/** Why a version cannot be diffed, or null when it can (plaintext v4, or empty = no state). */
export function notDiffableReason(state: ParsedState, label: string): string | null {
  const m = state.metadata;
  switch (m.kind) {
    case 'plaintext':
      return m.formatVersion === 4 ? null : `The ${label} version uses state format version ${m.formatVersion}; only version 4 can be compared.`;
    case 'empty':
      return null;
    case 'encrypted':
      return `The ${label} version is OpenTofu-encrypted (encryption_version ${m.encryptionVersion ?? '?'}): its content cannot be read without the encryption key, so no diff can be shown.`;
    case 'not_json':
      return `The ${label} version is not JSON, so it is not a Terraform state and cannot be compared.`;
    case 'other_json':
      return `The ${label} version is JSON but not a Terraform state document, so it cannot be compared.`;
    case 'too_large':
      return `The ${label} version is too large (${Math.round(m.size / 2 ** 20)} MiB) to compare here.`;
  }
}

const zeroCounts = (): ChangeCounts => ({ added: 0, removed: 0, changed: 0, unchanged: 0 });

/** The difference from `before` to `after`. Never throws; non-comparable inputs give a `note`. */
export function diffStates(before: ParsedState, after: ParsedState): StateDiff {
  const result: StateDiff = {
    comparable: false,
    note: null,
    warnings: [],
    from: side(before),
    to: side(after),
    summary: { resources: zeroCounts(), outputs: zeroCounts(), attributeChanges: 0 },
    resources: [],
    outputs: [],
  };
  const reasons = [notDiffableReason(before, 'older ("from")'), notDiffableReason(after, 'newer ("to")')].filter((r): r is string => r !== null);
  if (reasons.length > 0) {
    result.note = reasons.join(' ');
    return result;
  }
  result.comparable = true;
  if (before.metadata.kind === 'empty') result.warnings.push('The older version is empty (no state): everything in the newer one shows as added.');
  if (after.metadata.kind === 'empty') result.warnings.push('The newer version is empty (no state): everything in the older one shows as removed.');
  const [bl, al] = [before.metadata.lineage, after.metadata.lineage];
  if (bl && al && bl !== al) result.warnings.push(`The lineages differ (${bl} → ${al}): these are versions of unrelated states.`);
  const [bs, as] = [before.metadata.serial, after.metadata.serial];
  if (bs !== null && as !== null && as < bs) result.warnings.push(serialDownWarning(bs, as));

  const secrets = new SecretValues();
  secrets.addDocument(before.doc);
  secrets.addDocument(after.doc);
  const b = indexInstances(before.doc);
  const a = indexInstances(after.doc);
  const counts = result.summary.resources;
  for (const [address, ref] of b) {
    const other = a.get(address);
    if (!other) {
      counts.removed++;
      result.resources.push(resourceChange(ref, 'removed', null));
    } else if (instanceEqual(ref, other)) {
      counts.unchanged++;
    } else {
      const changes = diffInstance(ref, other, secrets);
      counts.changed++;
      result.summary.attributeChanges += changes.changes.length + changes.omitted;
      result.resources.push(resourceChange(other, 'changed', changes));
    }
  }
  for (const [address, ref] of a) {
    if (b.has(address)) continue;
    counts.added++;
    result.resources.push(resourceChange(ref, 'added', null));
  }
  result.resources.sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
  result.outputs = diffOutputs(outputsOf(before.doc), outputsOf(after.doc), result.summary.outputs, secrets);
  return result;
}

export interface DiffPage {
  offset: number;
  limit: number;
  total: number;
}

/** One page of the resource changes (outputs and summary kept whole), so a browser is never flooded. */
export function pageOfDiff<T extends { resources: ResourceChange[] }>(diff: T, offset: number, limit: number): T & { page: DiffPage } {
  return { ...diff, resources: diff.resources.slice(offset, offset + limit), page: { offset, limit, total: diff.resources.length } };
}
