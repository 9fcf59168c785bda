/**
 * What changed between two versions of one state (format v4, protocol reference §8): resource
 * instances added, removed and changed by address, the attribute paths that changed with their
 * before/after values, and outputs. Pure: no I/O.
 *
 * Secrets: outputs marked `sensitive` and attribute paths listed in an instance's
 * `sensitive_attributes` are replaced by SENSITIVE_MASK wherever they would appear, when marked in
 * EITHER version. A `sensitive_attributes` value whose shape is not understood masks more (the
 * whole prefix, or the whole instance), never less.
 *
 * Speed: instances are indexed by address in Maps (linear in the documents), unchanged instances are
 * recognised by a structural comparison that stops at the first difference, and nothing serialises
 * the documents. Values shown are capped so a huge attribute cannot flood the response.
 */
import { serialDownWarning } from './diff-warnings';
import { isRecord, type ParsedState, type StateKind } from './state-file';
import { SubstringMatcher } from './substring-matcher';

export const SENSITIVE_MASK = '(sensitive)';
/** Attribute changes kept per instance; the rest are counted in `omittedChanges`. */
export const MAX_CHANGES_PER_INSTANCE = 200;
const MAX_STRING = 1000;
const MAX_VALUE_NODES = 200;

export type ChangeAction = 'added' | 'removed' | 'changed';

export interface AttributeChange {
  /** `ami`, `tags.Name`, `ingress[0].cidr_blocks[1]`, `tags["a b"]`; meta fields as `(status)`. */
  path: string;
  action: ChangeAction;
  before?: unknown;
  after?: unknown;
  /** The values are masked. */
  sensitive?: true;
}

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

// ---------- sensitive paths ----------

export interface MaskNode {
  terminal: boolean;
  children: Map<string, MaskNode>;
}

function newNode(): MaskNode {
  return { terminal: false, children: new Map() };
}

/** A cty path step as the trie key (`s:` name or string key, `n:` list index), or null if unknown. */
function stepKey(step: unknown): string | null {
  if (!isRecord(step)) return null;
  if (step.type === 'get_attr') return typeof step.value === 'string' ? `s:${step.value}` : null;
  if (step.type === 'index') {
    // Classic form: {"value": <cty value>, "type": <cty type>}; also accept a bare key.
    const key = isRecord(step.value) ? step.value.value : step.value;
    if (typeof key === 'string') return `s:${key}`;
    if (typeof key === 'number' && Number.isInteger(key)) return `n:${key}`;
    return null; // a set element or anything else: the caller masks the whole prefix
  }
  return null;
}

function addPath(root: MaskNode, keys: string[]): void {
  let node = root;
  for (const key of keys) {
    if (node.terminal) return; // already masked above
    let child = node.children.get(key);
    if (!child) {
      child = newNode();
      node.children.set(key, child);
    }
    node = child;
  }
  node.terminal = true;
  node.children.clear();
}

/** The steps of one path up to the first step not understood (masking that prefix masks more). */
function pathKeys(steps: unknown[]): string[] {
  const keys: string[] = [];
  for (const step of steps) {
    const key = stepKey(step);
    if (key === null) break;
    keys.push(key);
  }
  return keys;
}

/**
 * Adds an instance's `sensitive_attributes` to the mask. Accepts the classic array of paths
 * (`[[step, step], [step]]`) and a flat list of steps (`[step, step]`); for the flat form it masks
 * the first step's whole subtree and each `get_attr` step as a top-level attribute, which covers
 * every reading of the ambiguous list.
 */
export function addSensitiveAttributes(root: MaskNode, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) {
    root.terminal = true; // unknown shape: mask everything
    return;
  }
  const flatSteps: unknown[] = [];
  for (const entry of value) {
    if (Array.isArray(entry)) addPath(root, pathKeys(entry));
    else if (isRecord(entry) && 'type' in entry) flatSteps.push(entry);
    else if (typeof entry === 'string') addPath(root, [`s:${entry}`]);
    else root.terminal = true;
  }
  if (flatSteps.length > 0) {
    addPath(root, pathKeys(flatSteps.slice(0, 1)));
    for (const step of flatSteps) {
      const key = stepKey(step);
      if (key === null) root.terminal = true;
      else if (isRecord(step) && step.type === 'get_attr') addPath(root, [key]);
    }
  }
}

/** The mask of an attribute path: a path is sensitive when any prefix of it is marked. */
export function sensitiveMask(...sensitiveAttributes: unknown[]): MaskNode {
  const root = newNode();
  for (const value of sensitiveAttributes) addSensitiveAttributes(root, value);
  return root;
}

function childOf(node: MaskNode | undefined, key: string | number): MaskNode | undefined {
  if (!node || node.children.size === 0) return undefined;
  // Look the step up both ways: a number-like map key and a list index both match (mask more).
  const text = String(key);
  return node.children.get(`s:${text}`) ?? (/^\d+$/.test(text) ? node.children.get(`n:${text}`) : undefined);
}

function mergeMasks(a: MaskNode | undefined, b: MaskNode | undefined): MaskNode | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.terminal || b.terminal) return { terminal: true, children: new Map() };
  const children = new Map(a.children);
  for (const [k, v] of b.children) children.set(k, mergeMasks(children.get(k), v)!);
  return { terminal: false, children };
}

/**
 * A dynamically typed attribute (`terraform_data.input`, …) is stored as `{"value": …, "type": …}`
 * while its sensitive paths address the value directly (`input.password`, not
 * `input.value.password`): under such a wrapper the mask applies to `value` as well.
 */
function isDynamicWrapper(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && 'value' in value && 'type' in value;
}

function childMask(mask: MaskNode | undefined, key: string | number, wrapper: boolean): MaskNode | undefined {
  if (wrapper && key === 'value') return mergeMasks(mask, childOf(mask, key));
  return childOf(mask, key);
}

// ---------- secrets by value ----------

/** Shorter marked strings are masked only where a displayed string equals them ("true", "80"…). */
const MIN_INSIDE = 4;

/**
 * The string values marked sensitive anywhere in a document. A provider can copy a secret into an
 * attribute that is not marked (`terraform_data.output` mirrors its sensitive `input`, and
 * `terraform state show` prints it, and a connection string or user data can embed it); any displayed
 * string equal to a marked one, or containing one, is masked too.
 */
export class SecretValues {
  private readonly values = new Set<string>();
  /** Marked strings long enough to be told apart inside a longer string (shorter ones match exactly). */
  private readonly inside = new SubstringMatcher();

  has(value: string): boolean {
    return this.values.has(value);
  }

  /** The string is a marked secret, or contains one of at least MIN_INSIDE characters. */
  hides(value: string): boolean {
    return this.values.has(value) || this.inside.matches(value);
  }

  get size(): number {
    return this.values.size;
  }

  /** Every non-empty string leaf of a value. */
  addAll(value: unknown): void {
    if (typeof value === 'string') {
      if (value === '' || this.values.has(value)) return;
      this.values.add(value);
      if (value.length >= MIN_INSIDE) this.inside.add(value);
    } else if (Array.isArray(value)) {
      for (const v of value) this.addAll(v);
    } else if (isRecord(value)) {
      for (const v of Object.values(value)) this.addAll(v);
    }
  }

  /** The leaves of `value` under the masked paths (walks only along the mask). */
  addMasked(value: unknown, mask: MaskNode | undefined): void {
    if (!mask || value === undefined) return;
    if (mask.terminal) {
      this.addAll(value);
      return;
    }
    const wrapper = isDynamicWrapper(value);
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.addMasked(v, childOf(mask, i)));
    } else if (isRecord(value)) {
      for (const [k, v] of Object.entries(value)) this.addMasked(v, childMask(mask, k, wrapper));
    }
  }

  /** Marked values of every instance and every sensitive output of a v4 document. */
  addDocument(doc: Record<string, unknown> | null): void {
    if (!doc) return;
    for (const r of Array.isArray(doc.resources) ? doc.resources : []) {
      if (!isRecord(r)) continue;
      for (const instance of Array.isArray(r.instances) ? r.instances : []) {
        if (!isRecord(instance) || instance.sensitive_attributes === undefined || instance.sensitive_attributes === null) continue;
        const mask = sensitiveMask(instance.sensitive_attributes);
        this.addMasked(instance.attributes, mask);
        if (mask.terminal || mask.children.size > 0) this.addAll(instance.attributes_flat);
      }
    }
    if (isRecord(doc.outputs)) {
      for (const output of Object.values(doc.outputs)) if (isRecord(output) && isSensitiveOutput(output)) this.addAll(output.value);
    }
  }
}

/** Anything but an explicit `false`/absent counts as sensitive (mask more). */
function isSensitiveOutput(output: Record<string, unknown>): boolean {
  return output.sensitive !== undefined && output.sensitive !== false && output.sensitive !== null;
}

/** Secrets in force while presenting values: marked strings of both documents, and of this instance. */
interface SecretContext {
  global: SecretValues;
  /** This instance's values under a path marked in either version (a mark may exist in one only). */
  local?: SecretValues;
}

const NO_SECRETS: SecretContext = { global: new SecretValues() };

// ---------- values ----------

/** Structural equality of JSON values; stops at the first difference. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(bo, k) || !jsonEqual(ao[k], bo[k])) return false;
  }
  return true;
}

/** A masked, size-capped copy of a value for display. */
export function presentValue(value: unknown, mask?: MaskNode, secrets: SecretContext = NO_SECRETS, budget = { nodes: MAX_VALUE_NODES }): unknown {
  if (mask?.terminal) return SENSITIVE_MASK;
  if (budget.nodes-- <= 0) return '…';
  if (typeof value === 'string') {
    if (secrets.global.hides(value) || secrets.local?.hides(value)) return SENSITIVE_MASK;
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => presentValue(v, childOf(mask, i), secrets, budget));
  if (isRecord(value)) {
    const wrapper = isDynamicWrapper(value);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = presentValue(v, childMask(mask, k, wrapper), secrets, budget);
    return out;
  }
  return value;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (IDENT.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

class ChangeList {
  readonly changes: AttributeChange[] = [];
  omitted = 0;

  push(change: AttributeChange): void {
    if (this.changes.length < MAX_CHANGES_PER_INSTANCE) this.changes.push(change);
    else this.omitted++;
  }
}

const ABSENT = Symbol('absent');

function record(out: ChangeList, path: string, before: unknown, after: unknown, mask: MaskNode | undefined, secrets: SecretContext): void {
  const action: ChangeAction = before === ABSENT ? 'added' : after === ABSENT ? 'removed' : 'changed';
  const change: AttributeChange = { path: path || '(attributes)', action };
  let sensitive = mask?.terminal === true;
  if (before !== ABSENT) {
    change.before = presentValue(before, mask, secrets);
    sensitive ||= change.before === SENSITIVE_MASK;
  }
  if (after !== ABSENT) {
    change.after = presentValue(after, mask, secrets);
    sensitive ||= change.after === SENSITIVE_MASK;
  }
  if (sensitive) change.sensitive = true;
  out.push(change);
}

/** Emits the changed leaf paths between two attribute trees. */
function walk(before: unknown, after: unknown, path: string, mask: MaskNode | undefined, out: ChangeList, secrets: SecretContext): void {
  if (before === ABSENT && after === ABSENT) return;
  if (before !== ABSENT && after !== ABSENT && jsonEqual(before, after)) return;
  if (mask?.terminal) {
    record(out, path, before, after, mask, secrets);
    return;
  }
  if (isRecord(before) && isRecord(after)) {
    const wrapper = isDynamicWrapper(before) || isDynamicWrapper(after);
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const k of [...keys].sort()) {
      const b = Object.prototype.hasOwnProperty.call(before, k) ? before[k] : ABSENT;
      const a = Object.prototype.hasOwnProperty.call(after, k) ? after[k] : ABSENT;
      walk(b, a, joinPath(path, k), childMask(mask, k, wrapper), out, secrets);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) walk(i < before.length ? before[i] : ABSENT, i < after.length ? after[i] : ABSENT, joinPath(path, i), childOf(mask, i), out, secrets);
    return;
  }
  record(out, path, before, after, mask, secrets);
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
  const flatMask = mask.terminal || mask.children.size > 0 ? { terminal: true, children: new Map<string, MaskNode>() } : undefined;
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
  const masked = { terminal: true, children: new Map<string, MaskNode>() };
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
