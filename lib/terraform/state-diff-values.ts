/**
 * Values in a diff: structural equality, the masked and size-capped copy a person sees, and the walk
 * that lists the changed leaf paths of two attribute trees. Pure: part of the state diff (state-diff.ts).
 */
import { childMask, childOf, isDynamicWrapper, type MaskNode } from './state-diff-mask';
import { NO_SECRETS, type SecretContext } from './state-diff-secrets';
import { isRecord } from './state-file';

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

export class ChangeList {
  readonly changes: AttributeChange[] = [];
  omitted = 0;

  push(change: AttributeChange): void {
    if (this.changes.length < MAX_CHANGES_PER_INSTANCE) this.changes.push(change);
    else this.omitted++;
  }
}

export const ABSENT = Symbol('absent');

export function record(out: ChangeList, path: string, before: unknown, after: unknown, mask: MaskNode | undefined, secrets: SecretContext): void {
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
export function walk(before: unknown, after: unknown, path: string, mask: MaskNode | undefined, out: ChangeList, secrets: SecretContext): void {
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
