/**
 * Secrets by value: the strings marked sensitive anywhere in either document, so that a secret a
 * provider copied into an unmarked attribute (or embedded in a longer string) is masked too. The
 * matcher behind it (substring-matcher.ts) is linear in the text and small whatever the secrets'
 * length. Pure: part of the state diff (state-diff.ts).
 */
import { childMask, childOf, isDynamicWrapper, sensitiveMask, type MaskNode } from './state-diff-mask';
import { isRecord } from './state-file';
import { SubstringMatcher } from './substring-matcher';

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
export function isSensitiveOutput(output: Record<string, unknown>): boolean {
  return output.sensitive !== undefined && output.sensitive !== false && output.sensitive !== null;
}

/** Secrets in force while presenting values: marked strings of both documents, and of this instance. */
export interface SecretContext {
  global: SecretValues;
  /** This instance's values under a path marked in either version (a mark may exist in one only). */
  local?: SecretValues;
}

export const NO_SECRETS: SecretContext = { global: new SecretValues() };
