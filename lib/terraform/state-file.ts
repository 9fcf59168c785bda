/**
 * What a state object's bytes are (protocol reference §8–§9): empty, not JSON, JSON of another
 * shape, a plaintext state (integer `version`, v4 expected) or an OpenTofu-encrypted state
 * (non-empty `encryption_version`), plus the metadata a person reads and the byte layout a restore
 * must reproduce. Pure: no I/O. Never throws, whatever the bytes; never returns a value of the state
 * (only names, counts and the top-level serial/lineage/version), so metadata cannot leak secrets.
 */

export type StateKind = 'empty' | 'not_json' | 'other_json' | 'plaintext' | 'encrypted' | 'too_large';

export interface StateLayout {
  /** `indented`: Terraform's MarshalIndent; `compact`: OpenTofu ≥1.8 (one line); `other`: neither. */
  style: 'indented' | 'compact' | 'other';
  /** The indent of the first nested line (`"  "` for Terraform), null when compact. */
  indentUnit: string | null;
  trailingNewline: boolean;
  lineEnding: 'lf' | 'crlf';
  /** A UTF-8 byte-order mark precedes the JSON (neither tool writes one). */
  bom: boolean;
}

export interface StateMetadata {
  kind: StateKind;
  /** Size in bytes. */
  size: number;
  encrypted: boolean;
  /** The state format `version` (4 for Terraform ≥0.12 and OpenTofu). */
  formatVersion: number | null;
  serial: number | null;
  lineage: string | null;
  terraformVersion: string | null;
  /** Resource blocks (managed + data) and their instances. */
  resourceCount: number | null;
  dataSourceCount: number | null;
  instanceCount: number | null;
  outputCount: number | null;
  sensitiveOutputCount: number | null;
  /** OpenTofu: `encryption_version` and the names (never the values) of its `meta` key providers. */
  encryptionVersion: string | null;
  keyProviders: string[];
  layout: StateLayout | null;
  /** One sentence for a person: what this object is. */
  note: string;
}

export interface ParsedState {
  metadata: StateMetadata;
  /** The parsed document of a plaintext state (for the diff), otherwise null. */
  doc: Record<string, unknown> | null;
}

/** Above this, the bytes are not decoded at all (V8 strings top out near 512 MiB). */
export const MAX_PARSE_BYTES = 256 * 1024 * 1024;

const UTF8_BOM = '\uFEFF';

/** What is not known of a state that could not be read (shared by the metadata and the inventory summary). */
export const UNKNOWN_STATE_FACTS = { formatVersion: null, serial: null, lineage: null, terraformVersion: null, resourceCount: null, instanceCount: null } as const;

function baseMetadata(kind: StateKind, size: number, note: string): StateMetadata {
  return {
    kind,
    size,
    encrypted: false,
    ...UNKNOWN_STATE_FACTS,
    dataSourceCount: null,
    outputCount: null,
    sensitiveOutputCount: null,
    encryptionVersion: null,
    keyProviders: [],
    layout: null,
    note,
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function integerOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** How the JSON text is laid out: what a byte-faithful rewrite (a restore bumping the serial) needs. */
export function detectLayout(text: string): StateLayout {
  const bom = text.startsWith(UTF8_BOM);
  const body = bom ? text.slice(1) : text;
  const trailingNewline = body.endsWith('\n');
  const firstBreak = body.indexOf('\n');
  const lineEnding = firstBreak > 0 && body[firstBreak - 1] === '\r' ? 'crlf' : 'lf';
  // Compact: no line break except (at most) the final one.
  if (firstBreak === -1 || firstBreak === body.length - 1) {
    return { style: 'compact', indentUnit: null, trailingNewline, lineEnding, bom };
  }
  const opening = body.slice(0, firstBreak).replace(/\r$/, '').trim();
  if (opening === '{' || opening === '[') {
    const nextLineEnd = body.indexOf('\n', firstBreak + 1);
    const nextLine = body.slice(firstBreak + 1, nextLineEnd === -1 ? undefined : nextLineEnd);
    const indent = /^[ \t]*/.exec(nextLine)?.[0] ?? '';
    if (indent !== '') return { style: 'indented', indentUnit: indent, trailingNewline, lineEnding, bom };
  }
  return { style: 'other', indentUnit: null, trailingNewline, lineEnding, bom };
}

function decode(bytes: Uint8Array | string): string {
  return typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
}

function byteLength(bytes: Uint8Array | string): number {
  return typeof bytes === 'string' ? new TextEncoder().encode(bytes).length : bytes.length;
}

/** Counts of a v4 document (`resources` array, `outputs` object). */
function countV4(doc: Record<string, unknown>, meta: StateMetadata): void {
  if (Array.isArray(doc.resources)) {
    let instances = 0;
    let data = 0;
    for (const r of doc.resources) {
      if (!isRecord(r)) continue;
      if (r.mode === 'data') data++;
      if (Array.isArray(r.instances)) instances += r.instances.length;
    }
    meta.resourceCount = doc.resources.length;
    meta.dataSourceCount = data;
    meta.instanceCount = instances;
  }
  if (isRecord(doc.outputs)) {
    const outputs = Object.values(doc.outputs);
    meta.outputCount = outputs.length;
    meta.sensitiveOutputCount = outputs.filter((o) => isRecord(o) && o.sensitive === true).length;
  }
}

/** Counts of a legacy v3 document (Terraform ≤0.11): `modules[].resources` maps, root `outputs`. */
function countV3(doc: Record<string, unknown>, meta: StateMetadata): void {
  if (!Array.isArray(doc.modules)) return;
  let resources = 0;
  let data = 0;
  for (const m of doc.modules) {
    if (!isRecord(m) || !isRecord(m.resources)) continue;
    for (const name of Object.keys(m.resources)) {
      resources++;
      if (name.startsWith('data.')) data++;
    }
  }
  meta.resourceCount = resources;
  meta.dataSourceCount = data;
  meta.instanceCount = resources;
  const root = doc.modules.find((m) => isRecord(m) && Array.isArray(m.path) && m.path.length === 1 && m.path[0] === 'root');
  if (isRecord(root) && isRecord(root.outputs)) {
    const outputs = Object.values(root.outputs);
    meta.outputCount = outputs.length;
    meta.sensitiveOutputCount = outputs.filter((o) => isRecord(o) && o.sensitive === true).length;
  }
}

/**
 * Classifies a state object's bytes and reads its metadata. Keeps the parsed document only for a
 * plaintext state (the diff reuses it instead of parsing again).
 */
export function parseStateFile(bytes: Uint8Array | string): ParsedState {
  const size = byteLength(bytes);
  if (size > MAX_PARSE_BYTES) {
    return { metadata: baseMetadata('too_large', size, `The object is ${Math.round(size / 2 ** 20)} MiB, too large to read as a state here.`), doc: null };
  }
  const raw = decode(bytes);
  const text = raw.startsWith(UTF8_BOM) ? raw.slice(1) : raw;
  if (text.trim() === '') {
    // Terraform reads a 0-byte object as "no state" (protocol §4.1).
    return { metadata: baseMetadata('empty', size, size === 0 ? 'The object is empty (0 bytes): Terraform reads it as no state.' : 'The object holds only whitespace: no state.'), doc: null };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the content, so it is deliberately not passed on.
    return { metadata: { ...baseMetadata('not_json', size, 'The object is not JSON, so it is not a Terraform state.'), layout: null }, doc: null };
  }
  const layout = detectLayout(raw);
  if (!isRecord(parsed)) {
    return { metadata: { ...baseMetadata('other_json', size, `The object is JSON (${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}), not a state document.`), layout }, doc: null };
  }

  // OpenTofu's IsEncryptionPayload: a non-empty `encryption_version` (checked first: no `version` there).
  const encryptionVersion = parsed.encryption_version;
  if (encryptionVersion !== undefined && encryptionVersion !== null && encryptionVersion !== '') {
    const meta = baseMetadata('encrypted', size, 'OpenTofu-encrypted state: its content cannot be read without the encryption key.');
    meta.encrypted = true;
    meta.encryptionVersion = typeof encryptionVersion === 'string' ? encryptionVersion : JSON.stringify(encryptionVersion);
    meta.serial = integerOrNull(parsed.serial);
    meta.lineage = stringOrNull(parsed.lineage);
    meta.keyProviders = isRecord(parsed.meta) ? Object.keys(parsed.meta).sort() : [];
    meta.layout = layout;
    return { metadata: meta, doc: null };
  }

  const formatVersion = integerOrNull(parsed.version);
  if (formatVersion === null) {
    return { metadata: { ...baseMetadata('other_json', size, 'The object is a JSON object without an integer "version": not a Terraform state.'), layout }, doc: null };
  }
  const meta = baseMetadata('plaintext', size, formatVersion === 4 ? 'Terraform state, format version 4.' : `Terraform state, format version ${formatVersion} (version 4 expected).`);
  meta.formatVersion = formatVersion;
  meta.serial = integerOrNull(parsed.serial);
  meta.lineage = stringOrNull(parsed.lineage);
  meta.terraformVersion = stringOrNull(parsed.terraform_version);
  meta.layout = layout;
  if (formatVersion >= 4) countV4(parsed, meta);
  else countV3(parsed, meta);
  return { metadata: meta, doc: parsed };
}

/** Metadata only (the parsed document is dropped). */
export function readStateMetadata(bytes: Uint8Array | string): StateMetadata {
  return parseStateFile(bytes).metadata;
}
