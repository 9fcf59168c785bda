/**
 * The inventory summary of one state object: what a search needs (resource addresses, types,
 * modules, providers, output names, serial, Terraform version), never a value. Pure: no I/O, never
 * throws. A state records provider *addresses* (`provider["registry.terraform.io/hashicorp/aws"]`),
 * not provider versions (those live in `.terraform.lock.hcl`, which the backend never stores), so
 * a summary cannot say which provider version a state was written with.
 *
 * The caller drops the bytes once summarised: a summary is small and bounded (resources, instance
 * keys and string lengths are capped, and `incomplete` says when a cap was hit).
 */
import { isRecord, parseStateFile, UNKNOWN_STATE_FACTS, type StateKind } from './state-file';

/** `truncated`: starts like a JSON object but ends early (an interrupted upload or a cut copy). */
export type SummaryKind = StateKind | 'truncated';

export interface ResourceSummary {
  /** Resource address without instance key: `module.net["a"].aws_subnet.this`, `data.aws_ami.x`. */
  address: string;
  type: string;
  /** Module path (`module.net["a"]`), '' for the root module. */
  module: string;
  mode: 'managed' | 'data';
  /** Provider source (`registry.terraform.io/hashicorp/aws`), a legacy name (`aws`), or '' unknown. */
  provider: string;
  /** Instance keys: `null` for a single instance, a number (count) or a string (for_each). */
  keys: (string | number | null)[];
}

export interface StateSummary {
  kind: SummaryKind;
  size: number;
  formatVersion: number | null;
  serial: number | null;
  lineage: string | null;
  terraformVersion: string | null;
  /** Resource blocks (managed + data); null when unknown (not a readable state). */
  resourceCount: number | null;
  instanceCount: number | null;
  /** Distinct provider sources, sorted. */
  providers: string[];
  resources: ResourceSummary[];
  /** Output names (never values), sorted. */
  outputs: string[];
  /** A cap was hit: some resources, keys or names are not in the summary. */
  incomplete: boolean;
  /** One sentence for a person. */
  note: string;
}

export const SUMMARY_LIMITS = {
  resources: 50_000,
  keysPerResource: 2_000,
  outputs: 5_000,
  nameLength: 512,
} as const;

function clip(s: string): string {
  return s.length > SUMMARY_LIMITS.nameLength ? s.slice(0, SUMMARY_LIMITS.nameLength) : s;
}

/** `provider["registry.terraform.io/hashicorp/aws"].east` → `registry.terraform.io/hashicorp/aws`; `provider.aws` → `aws`. */
export function providerSource(address: unknown): string {
  if (typeof address !== 'string') return '';
  const quoted = /provider\["([^"]+)"\]/.exec(address);
  if (quoted) return quoted[1]!;
  const legacy = /(?:^|\.)provider\.([A-Za-z0-9_-]+)/.exec(address);
  return legacy ? legacy[1]! : '';
}

/** Short form of a registry source: `registry.terraform.io/hashicorp/aws` → `hashicorp/aws`. */
export function shortProvider(source: string): string {
  return source.replace(/^registry\.(terraform|opentofu)\.io\//, '');
}

/** An instance address as Terraform prints it: `[0]`, `["a \"b\""]`, or '' for no key. */
export function instanceSuffix(key: string | number | null): string {
  if (key === null) return '';
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

function emptySummary(kind: SummaryKind, size: number, note: string): StateSummary {
  return {
    kind,
    size,
    ...UNKNOWN_STATE_FACTS,
    providers: [],
    resources: [],
    outputs: [],
    incomplete: false,
    note,
  };
}

function firstNonSpaceByte(bytes: Uint8Array | string): string {
  if (typeof bytes === 'string') return bytes.replace(/^\uFEFF/, '').trimStart().charAt(0);
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return i < bytes.length ? String.fromCharCode(bytes[i]!) : '';
}

function instanceKey(value: unknown): string | number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') return clip(value);
  return null;
}

function summariseV4(doc: Record<string, unknown>, s: StateSummary): void {
  const providers = new Set<string>();
  if (Array.isArray(doc.resources)) {
    let instances = 0;
    for (const r of doc.resources) {
      if (!isRecord(r)) continue;
      const type = typeof r.type === 'string' ? clip(r.type) : '';
      const name = typeof r.name === 'string' ? clip(r.name) : '';
      const mode = r.mode === 'data' ? 'data' : 'managed';
      const modulePath = typeof r.module === 'string' ? clip(r.module) : '';
      const provider = clip(providerSource(r.provider));
      if (provider) providers.add(provider);
      const list = Array.isArray(r.instances) ? r.instances : [];
      instances += list.length;
      if (s.resources.length >= SUMMARY_LIMITS.resources) {
        s.incomplete = true;
        continue;
      }
      const keys: (string | number | null)[] = [];
      for (const inst of list) {
        if (keys.length >= SUMMARY_LIMITS.keysPerResource) {
          s.incomplete = true;
          break;
        }
        keys.push(isRecord(inst) ? instanceKey(inst.index_key) : null);
      }
      const local = `${mode === 'data' ? 'data.' : ''}${type}.${name}`;
      s.resources.push({ address: modulePath ? `${modulePath}.${local}` : local, type, module: modulePath, mode, provider, keys });
    }
    s.resourceCount = doc.resources.length;
    s.instanceCount = instances;
  }
  if (isRecord(doc.outputs)) s.outputs = Object.keys(doc.outputs);
  s.providers = [...providers].sort();
}

/** Legacy v3 (Terraform ≤0.11): `modules[{path, resources: {"aws_x.name[.N]": {type, provider}}, outputs}]`. */
function summariseV3(doc: Record<string, unknown>, s: StateSummary): void {
  if (!Array.isArray(doc.modules)) return;
  const providers = new Set<string>();
  const byAddress = new Map<string, ResourceSummary>();
  let instances = 0;
  for (const m of doc.modules) {
    if (!isRecord(m)) continue;
    const path = Array.isArray(m.path) ? m.path.filter((p): p is string => typeof p === 'string') : ['root'];
    const modulePath = clip(path.slice(1).map((p) => `module.${p}`).join('.'));
    if (path.length <= 1 && isRecord(m.outputs)) s.outputs = Object.keys(m.outputs);
    if (!isRecord(m.resources)) continue;
    for (const [name, r] of Object.entries(m.resources)) {
      instances++;
      const data = name.startsWith('data.');
      const parts = (data ? name.slice(5) : name).split('.');
      const type = clip(isRecord(r) && typeof r.type === 'string' ? r.type : (parts[0] ?? ''));
      const local = `${data ? 'data.' : ''}${type}.${clip(parts[1] ?? '')}`;
      const address = modulePath ? `${modulePath}.${local}` : local;
      const index = parts[2] !== undefined && /^\d+$/.test(parts[2]) ? Number(parts[2]) : null;
      const provider = clip(isRecord(r) ? providerSource(r.provider) : '');
      if (provider) providers.add(provider);
      let entry = byAddress.get(address);
      if (!entry) {
        if (byAddress.size >= SUMMARY_LIMITS.resources) {
          s.incomplete = true;
          continue;
        }
        entry = { address, type, module: modulePath, mode: data ? 'data' : 'managed', provider, keys: [] };
        byAddress.set(address, entry);
      }
      if (entry.keys.length < SUMMARY_LIMITS.keysPerResource) entry.keys.push(index);
      else s.incomplete = true;
    }
  }
  s.resources = [...byAddress.values()];
  s.resourceCount = s.resources.length;
  s.instanceCount = instances;
  s.providers = [...providers].sort();
}

/**
 * Summarises one state object's bytes. The parsed document is local to this call: once it returns,
 * only the summary is reachable.
 */
export function summariseState(bytes: Uint8Array | string): StateSummary {
  const { metadata, doc } = parseStateFile(bytes);
  const s = emptySummary(metadata.kind, metadata.size, metadata.note);
  s.formatVersion = metadata.formatVersion;
  s.serial = metadata.serial;
  s.lineage = metadata.lineage;
  s.terraformVersion = metadata.terraformVersion === null ? null : clip(metadata.terraformVersion);
  if (metadata.kind === 'not_json' && firstNonSpaceByte(bytes) === '{') {
    s.kind = 'truncated';
    s.note = 'The object starts like a JSON state but is not valid JSON (truncated or corrupted): Terraform cannot read it.';
  }
  if (metadata.kind === 'encrypted') s.note = 'OpenTofu-encrypted state: serial and lineage are known, its resources and outputs cannot be read without the key.';
  if (doc !== null) {
    if ((metadata.formatVersion ?? 0) >= 4) summariseV4(doc, s);
    else summariseV3(doc, s);
  }
  if (s.outputs.length > SUMMARY_LIMITS.outputs) {
    s.outputs = s.outputs.slice(0, SUMMARY_LIMITS.outputs);
    s.incomplete = true;
  }
  s.outputs = s.outputs.map(clip).sort();
  return s;
}
