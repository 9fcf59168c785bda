/**
 * Which attribute paths of an instance are sensitive, as a trie built from its
 * `sensitive_attributes` (classic path arrays or a flat list of steps). A path is sensitive when any
 * prefix of it is marked; a shape not understood masks more (the whole prefix, or the whole
 * instance), never less. Pure: part of the state diff (state-diff.ts).
 */
import { isRecord } from './state-file';

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

export function childOf(node: MaskNode | undefined, key: string | number): MaskNode | undefined {
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
export function isDynamicWrapper(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && 'value' in value && 'type' in value;
}

export function childMask(mask: MaskNode | undefined, key: string | number, wrapper: boolean): MaskNode | undefined {
  if (wrapper && key === 'value') return mergeMasks(mask, childOf(mask, key));
  return childOf(mask, key);
}

/** A mask that hides everything under it. */
export function maskAll(): MaskNode {
  return { terminal: true, children: new Map() };
}
