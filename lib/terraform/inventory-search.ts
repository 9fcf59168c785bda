/**
 * Search over the inventory's state summaries: the query language (`aws_x.y`, `type:`, `module:`,
 * `provider:`, `tf:` version constraints, `output:`, `state:`) and a run over a flat corpus in which
 * each distinct address, type, module and provider is tested once. Pure: no I/O, never throws on bad
 * input. Globs in terms are matched by the one glob matcher (lib/api/key-globs.ts), handed in.
 */
import { instanceSuffix, shortProvider, type ResourceSummary, type StateSummary } from './state-summary';

export type SearchField = 'address' | 'type' | 'module' | 'provider' | 'tf' | 'output' | 'state';

export interface SearchTerm {
  field: SearchField;
  value: string;
  /** provider only: the `@constraint` part, which a state cannot answer. */
  version?: string;
}

export interface ParsedQuery {
  terms: SearchTerm[];
  /** Problems with the query, said to the user (the rest of the query still runs). */
  warnings: string[];
}

const FIELD_ALIASES: Record<string, SearchField> = {
  address: 'address',
  addr: 'address',
  resource: 'address',
  type: 'type',
  module: 'module',
  mod: 'module',
  provider: 'provider',
  tf: 'tf',
  terraform: 'tf',
  version: 'tf',
  output: 'output',
  state: 'state',
  key: 'state',
};

/** Splits on whitespace outside double quotes (`aws_x.y["a b"]` stays one token). */
export function tokenize(q: string): string[] {
  const tokens: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < q.length; i++) {
    const c = q[i]!;
    if (quoted && c === '\\' && i + 1 < q.length) {
      cur += c + q[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (!quoted && /\s/.test(c)) {
      if (cur) tokens.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) tokens.push(cur);
  return tokens;
}

export function parseQuery(q: string): ParsedQuery {
  const warnings: string[] = [];
  const terms: SearchTerm[] = [];
  for (const token of tokenize(q.slice(0, 1000))) {
    const m = /^([a-z]+):(.*)$/s.exec(token);
    const field = m ? FIELD_ALIASES[m[1]!] : undefined;
    if (m && !field && !m[1]!.startsWith('module')) warnings.push(`Unknown filter "${m[1]}:" read as part of an address.`);
    let value = field ? m![2]! : token;
    if (value === '') {
      warnings.push(`Empty filter "${token}" ignored.`);
      continue;
    }
    const term: SearchTerm = { field: field ?? 'address', value };
    if (term.field === 'provider') {
      const at = value.search(/[@ ]|(?:[<>=!~]=?)/);
      if (at > 0) {
        term.version = value.slice(at).replace(/^@/, '');
        value = term.value = value.slice(0, at);
        warnings.push(`Provider version "${term.version}" cannot be checked: Terraform state records provider sources, not versions (those are in each configuration's .terraform.lock.hcl). Results are filtered by provider source only.`);
      }
    }
    if (term.field === 'tf' && parseConstraint(value) === null) {
      warnings.push(`"${value}" is not a version constraint (examples: 1.5, 1.5.7, <1.6, >=1.5,<1.6, ~>1.5).`);
      continue;
    }
    terms.push(term);
  }
  return { terms, warnings };
}

/**
 * A compiled search-term glob (`*` any run, `?` any one character). The search takes the compiler as
 * an argument: the one glob matcher is lib/api/key-globs.ts (`textGlob`), which the browser and the
 * CLI read access rules with too, and lib/terraform imports nothing outside itself.
 */
export interface Glob {
  matches(value: string): boolean;
}
export type GlobCompiler = (glob: string) => Glob;

// ----- version constraints (Terraform's own syntax, for terraform_version)

type Version = [number, number, number];
interface Constraint {
  op: '=' | '!=' | '<' | '<=' | '>' | '>=' | '~>' | 'prefix';
  v: Version;
  parts: number;
}

function parseVersion(s: string): { v: Version; parts: number } | null {
  const m = /^v?(\d+)(?:\.(\d+|\*|x))?(?:\.(\d+|\*|x))?(?:[-+].*)?$/.exec(s.trim());
  if (!m) return null;
  const nums = [m[1], m[2], m[3]].filter((x): x is string => x !== undefined && /^\d+$/.test(x));
  return { v: [Number(nums[0] ?? 0), Number(nums[1] ?? 0), Number(nums[2] ?? 0)], parts: nums.length };
}

export function parseConstraint(s: string): Constraint[] | null {
  const out: Constraint[] = [];
  for (const part of s.split(',')) {
    const m = /^\s*(!=|<=|>=|~>|=|<|>)?\s*(.+?)\s*$/.exec(part);
    if (!m) return null;
    const v = parseVersion(m[2]!);
    if (!v) return null;
    const op = (m[1] ?? (v.parts < 3 ? 'prefix' : '=')) as Constraint['op'];
    out.push({ op, ...v });
  }
  return out.length > 0 ? out : null;
}

function cmp(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function satisfies(version: string | null, constraints: Constraint[]): boolean {
  if (version === null) return false;
  const parsed = parseVersion(version);
  if (!parsed || parsed.parts < 1) return false;
  const v = parsed.v;
  return constraints.every((c) => {
    const d = cmp(v, c.v);
    switch (c.op) {
      case '=':
        return d === 0;
      case '!=':
        return d !== 0;
      case '<':
        return d < 0;
      case '<=':
        return d <= 0;
      case '>':
        return d > 0;
      case '>=':
        return d >= 0;
      case 'prefix':
        return v.slice(0, c.parts).every((x, i) => x === c.v[i]);
      case '~>': {
        if (d < 0) return false;
        // ~>1.5 allows 1.x ≥1.5; ~>1.5.2 allows 1.5.x ≥1.5.2.
        const fixed = Math.max(1, c.parts - 1);
        return v.slice(0, fixed).every((x, i) => x === c.v[i]);
      }
    }
  });
}

// ----- the search itself

export interface IndexedState {
  backendId: string;
  key: string;
  etag: string;
  summary: StateSummary;
}

export interface SearchHit {
  backendId: string;
  key: string;
  serial: number | null;
  terraformVersion: string | null;
  kind: StateSummary['kind'];
  resourceCount: number | null;
  /** Matching resource (or instance) addresses, at most MAX_MATCHES_PER_STATE. */
  matches: string[];
  matchCount: number;
  outputs: string[];
}

export interface SearchResult {
  hits: SearchHit[];
  /** States matched (hits may be capped). */
  total: number;
  /** States whose content could not be searched (encrypted, not JSON, truncated…), by kind. */
  unsearchable: Record<string, number>;
  warnings: string[];
}

export const MAX_HITS = 500;
export const MAX_MATCHES_PER_STATE = 50;

class Dictionary {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
  /** One flag per distinct value: a pattern is tested once per value, not once per resource. */
  mask(test: (value: string) => boolean): Uint8Array {
    const m = new Uint8Array(this.values.length);
    for (let i = 0; i < this.values.length; i++) m[i] = test(this.values[i]!) ? 1 : 0;
    return m;
  }
}

/**
 * The index laid out for search: every resource of every state in flat arrays of dictionary ids
 * (addresses, local addresses, types, modules and providers repeat across states), so a query tests
 * each pattern once per distinct value and then walks integers. Built once per inventory change.
 */
export interface SearchCorpus {
  states: IndexedState[];
  /** Resources of state i: [stateStart[i], stateStart[i + 1]). */
  stateStart: Int32Array;
  resources: ResourceSummary[];
  address: Int32Array;
  local: Int32Array;
  type: Int32Array;
  module: Int32Array;
  provider: Int32Array;
  dict: { address: Dictionary; local: Dictionary; type: Dictionary; module: Dictionary; provider: Dictionary };
}

export function buildCorpus(input: Iterable<IndexedState>): SearchCorpus {
  const states = [...input];
  let n = 0;
  for (const s of states) n += s.summary.resources.length;
  const dict = { address: new Dictionary(), local: new Dictionary(), type: new Dictionary(), module: new Dictionary(), provider: new Dictionary() };
  const c: SearchCorpus = {
    states,
    stateStart: new Int32Array(states.length + 1),
    resources: new Array<ResourceSummary>(n),
    address: new Int32Array(n),
    local: new Int32Array(n),
    type: new Int32Array(n),
    module: new Int32Array(n),
    provider: new Int32Array(n),
    dict,
  };
  let r = 0;
  states.forEach((s, i) => {
    c.stateStart[i] = r;
    for (const res of s.summary.resources) {
      c.resources[r] = res;
      c.address[r] = dict.address.id(res.address);
      c.local[r] = dict.local.id(res.module ? res.address.slice(res.module.length + 1) : res.address);
      c.type[r] = dict.type.id(res.type);
      c.module[r] = dict.module.id(res.module);
      c.provider[r] = dict.provider.id(res.provider);
      r++;
    }
  });
  c.stateStart[states.length] = r;
  return c;
}

function providerMatches(g: Glob, source: string): boolean {
  if (source === '') return false;
  const short = shortProvider(source);
  return g.matches(source) || g.matches(short) || g.matches(short.slice(short.lastIndexOf('/') + 1));
}

const READABLE = new Set(['plaintext']);

interface AddressTerm {
  glob: Glob;
  /** Also matched against the address without its module path (`aws_x.y` finds it in any module). */
  local: boolean;
  /** The pattern names instance keys (`[…]`): matched per instance. */
  instances: boolean;
  addrMask: Uint8Array;
  localMask: Uint8Array;
}

/**
 * Runs a query over indexed states: every term must hold (resource terms on one same resource).
 * Search-term globs come from `termGlob` (lib/api/key-globs.ts `textGlob`); `include`: only the states
 * of the backends it accepts (the caller's view role), others are not even counted.
 */
export function searchCorpus(c: SearchCorpus, query: ParsedQuery, termGlob: GlobCompiler, include: (backendId: string) => boolean = () => true): SearchResult {
  const { dict } = c;
  const byField = (f: SearchField) => query.terms.filter((t) => t.field === f);
  const all = (masks: Uint8Array[], size: number): Uint8Array | null => {
    if (masks.length === 0) return null;
    const m = new Uint8Array(size).fill(1);
    for (const x of masks) for (let i = 0; i < size; i++) m[i]! &= x[i]!;
    return m;
  };
  const typeMask = all(byField('type').map((t) => { const g = termGlob(t.value); return dict.type.mask((v) => g.matches(v)); }), dict.type.values.length);
  const moduleMask = all(
    byField('module').map((t) => {
      const v = t.value === 'root' ? '' : t.value.startsWith('module.') || t.value.startsWith('*') ? t.value : `module.${t.value}`;
      const g = termGlob(v);
      const exact = v.includes('*') || v.includes('?') || v === '' ? null : v;
      return dict.module.mask((m) => g.matches(m) || (exact !== null && (m.startsWith(`${exact}.`) || m.startsWith(`${exact}[`))));
    }),
    dict.module.values.length,
  );
  const providerMask = all(byField('provider').map((t) => { const g = termGlob(t.value); return dict.provider.mask((v) => providerMatches(g, v)); }), dict.provider.values.length);
  const addressTerms: AddressTerm[] = byField('address').map((t) => {
    const instances = t.value.includes('[');
    const local = !t.value.startsWith('module.') && !t.value.startsWith('*');
    const glob = termGlob(t.value);
    // For an instance pattern, the part before `[` pre-selects resources.
    const resource = instances ? termGlob(t.value.slice(0, t.value.indexOf('['))) : glob;
    return { glob, local, instances, addrMask: dict.address.mask((v) => resource.matches(v)), localMask: local ? dict.local.mask((v) => resource.matches(v)) : new Uint8Array(dict.local.values.length) };
  });
  const tf = byField('tf').map((t) => parseConstraint(t.value)!);
  const outputs = byField('output').map((t) => termGlob(t.value));
  const stateGlobs = byField('state').map((t) => termGlob(t.value.includes('*') || t.value.includes('?') ? t.value : `*${t.value}*`));
  const resourceTerms = typeMask !== null || moduleMask !== null || providerMask !== null || addressTerms.length > 0;
  const contentTerms = resourceTerms || outputs.length > 0;
  const instanceTerms = addressTerms.some((a) => a.instances);

  const hits: SearchHit[] = [];
  const unsearchable: Record<string, number> = {};
  let total = 0;
  for (let si = 0; si < c.states.length; si++) {
    const st = c.states[si]!;
    if (!include(st.backendId)) continue;
    const s = st.summary;
    if (stateGlobs.length && !stateGlobs.every((g) => g.matches(st.key))) continue;
    if (tf.length && !tf.every((k) => satisfies(s.terraformVersion, k))) continue;
    if (contentTerms && !READABLE.has(s.kind)) {
      unsearchable[s.kind] = (unsearchable[s.kind] ?? 0) + 1;
      continue;
    }
    let matchedOutputs: string[] = [];
    if (outputs.length) {
      matchedOutputs = s.outputs.filter((o) => outputs.some((g) => g.matches(o)));
      if (matchedOutputs.length === 0) continue;
    }
    const matches: string[] = [];
    let matchCount = 0;
    if (resourceTerms) {
      const end = c.stateStart[si + 1]!;
      for (let r = c.stateStart[si]!; r < end; r++) {
        if (typeMask && !typeMask[c.type[r]!]) continue;
        if (moduleMask && !moduleMask[c.module[r]!]) continue;
        if (providerMask && !providerMask[c.provider[r]!]) continue;
        let ok = true;
        for (const a of addressTerms) if (!a.addrMask[c.address[r]!] && !a.localMask[c.local[r]!]) ok = false;
        if (!ok) continue;
        const res = c.resources[r]!;
        const keep = hits.length < MAX_HITS;
        if (instanceTerms) {
          const localAddr = dict.local.values[c.local[r]!]!;
          for (const k of res.keys) {
            const suffix = instanceSuffix(k);
            if (addressTerms.every((a) => !a.instances || a.glob.matches(res.address + suffix) || (a.local && a.glob.matches(localAddr + suffix)))) {
              matchCount++;
              if (keep && matches.length < MAX_MATCHES_PER_STATE) matches.push(res.address + suffix);
            }
          }
          continue;
        }
        matchCount++;
        if (keep && matches.length < MAX_MATCHES_PER_STATE) matches.push(res.address);
        // Past the hits shown, one match is enough to count the state.
        else if (!keep) break;
      }
      if (matchCount === 0) continue;
    }
    total++;
    if (hits.length < MAX_HITS) {
      hits.push({ backendId: st.backendId, key: st.key, serial: s.serial, terraformVersion: s.terraformVersion, kind: s.kind, resourceCount: s.resourceCount, matches, matchCount, outputs: matchedOutputs });
    }
  }
  return { hits, total, unsearchable, warnings: query.warnings };
}

/** One-off search (builds the corpus first). */
export function searchIndex(states: Iterable<IndexedState>, query: ParsedQuery, termGlob: GlobCompiler): SearchResult {
  return searchCorpus(buildCorpus(states), query, termGlob);
}
