/**
 * The one glob matcher: access-rule keys and backends (the server's checks in lib/auth/access.ts, and
 * the browser's and the CLI's "may this caller do it here?" through `sessionAllows`, so every side
 * reads a rule the same way), alert channel filters, and search terms (handed to the search in
 * lib/terraform/inventory-index.ts, which imports nothing outside lib/terraform). Pure, and never
 * backtracking: a glob is compiled once into a list of tokens and run as a set of positions over the
 * value (a Thompson NFA), so a pattern like `*?*?*?…!` costs at most tokens × characters (a
 * backtracking regular expression took 19 s for 18 such pairs and held the event loop meanwhile).
 *
 * Two readings:
 * - `path` (keys, backends, channels): `*` matches a run of characters other than `/`, `**` any run
 *   (slashes too), `?` one character other than `/`; newlines are ordinary characters.
 * - `text` (search terms): `*` matches any run, `?` any one character.
 * Every other character is literal.
 */

export type GlobStyle = 'path' | 'text';

/** Token kinds. */
const Kind = {
  Literal: 0,
  /** `?` in text: any one character. */
  Any: 1,
  /** `?` in path: one character other than `/`. */
  AnyInSegment: 2,
  /** `*` in path: a run without `/`. */
  StarInSegment: 3,
  /** `**` in path, `*` in text: any run. */
  Star: 4,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

const SLASH = 0x2f;
const isStar = (k: Kind) => k === Kind.Star || k === Kind.StarInSegment;

export class Glob {
  private readonly kinds: Uint8Array;
  private readonly chars: Uint16Array;
  /** Characters the tokens from i on need at least (stars need none). */
  private readonly need: Uint32Array;
  private readonly literal: string | null;
  /** Token positions visited by the last `matches` (what the tests of its cost count). */
  lastSteps = 0;

  constructor(
    readonly source: string,
    readonly style: GlobStyle = 'path',
  ) {
    const kinds: Kind[] = [];
    const chars: number[] = [];
    const push = (k: Kind, c = 0) => {
      const last = kinds.length - 1;
      // Adjacent stars are one star: the wider one (a run of `*` and `**` can span a slash if any can).
      if (isStar(k) && last >= 0 && isStar(kinds[last]!)) {
        if (k === Kind.Star) kinds[last] = Kind.Star;
        return;
      }
      kinds.push(k);
      chars.push(c);
    };
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      if (c === 0x2a /* * */) {
        if (style === 'path' && source.charCodeAt(i + 1) === 0x2a) {
          push(Kind.Star);
          i++;
        } else push(style === 'path' ? Kind.StarInSegment : Kind.Star);
      } else if (c === 0x3f /* ? */) push(style === 'path' ? Kind.AnyInSegment : Kind.Any);
      else push(Kind.Literal, c);
    }
    this.kinds = Uint8Array.from(kinds);
    this.chars = Uint16Array.from(chars);
    this.need = new Uint32Array(kinds.length + 1);
    for (let i = kinds.length - 1; i >= 0; i--) this.need[i] = this.need[i + 1]! + (isStar(kinds[i]!) ? 0 : 1);
    this.literal = kinds.every((k) => k === Kind.Literal) ? source : null;
  }

  /** Whether the whole of `value` matches. Cost: at most (tokens + 1) × (characters + 1) steps. */
  matches(value: string): boolean {
    this.lastSteps = 0;
    if (this.literal !== null) return value === this.literal;
    const n = this.kinds.length;
    if (value.length < this.need[0]!) return false;
    let cur = new Uint8Array(n + 1);
    let next = new Uint8Array(n + 1);
    // Active positions lie within [lo, hi]: a position only stays or moves one token on.
    let lo = 0;
    cur[0] = 1;
    let hi = this.close(cur, 0, 0);
    for (let at = 0; at < value.length; at++) {
      const c = value.charCodeAt(at);
      const left = value.length - at;
      let newLo = n + 1;
      let newHi = -1;
      for (let i = lo; i <= hi && i < n; i++) {
        this.lastSteps++;
        // A position that needs more characters than are left can never match: drop it.
        if (!cur[i] || this.need[i]! > left) continue;
        const k = this.kinds[i] as Kind;
        let to = -1;
        if (k === Kind.Literal) to = c === this.chars[i] ? i + 1 : -1;
        else if (k === Kind.Any) to = i + 1;
        else if (k === Kind.AnyInSegment) to = c === SLASH ? -1 : i + 1;
        else if (k === Kind.Star) to = i;
        else to = c === SLASH ? -1 : i;
        if (to < 0) continue;
        next[to] = 1;
        if (to < newLo) newLo = to;
        if (to > newHi) newHi = to;
      }
      for (let i = lo; i <= hi + 1 && i <= n; i++) cur[i] = 0;
      [cur, next] = [next, cur];
      if (newHi < 0) return false;
      lo = newLo;
      hi = this.close(cur, lo, newHi);
    }
    this.lastSteps++;
    return cur[n] === 1;
  }

  /** Marks the positions reachable by skipping stars (a star may match nothing); returns the new top. */
  private close(set: Uint8Array, lo: number, hi: number): number {
    let top = hi;
    for (let i = lo; i <= top && i < this.kinds.length; i++) {
      this.lastSteps++;
      if (set[i] && isStar(this.kinds[i] as Kind)) {
        set[i + 1] = 1;
        if (i + 1 > top) top = i + 1;
      }
    }
    return top;
  }
}

const cache: Record<GlobStyle, Map<string, Glob>> = { path: new Map(), text: new Map() };
const CACHE_ENTRIES = 1000;

/** The compiled glob (compiled once per pattern and reading, for the most recent patterns). */
export function compileGlob(glob: string, style: GlobStyle = 'path'): Glob {
  const map = cache[style];
  let compiled = map.get(glob);
  if (!compiled) {
    compiled = new Glob(glob, style);
    if (map.size >= CACHE_ENTRIES) map.delete(map.keys().next().value!);
    map.set(glob, compiled);
  }
  return compiled;
}

/** Whether `value` matches `glob` (read as a path glob unless `style` says otherwise). */
export function globMatches(glob: string, value: string, style: GlobStyle = 'path'): boolean {
  return compileGlob(glob, style).matches(value);
}

/** A search term's glob (`*` any run, `?` any one character), as the search takes it. */
export function textGlob(glob: string): Glob {
  return compileGlob(glob, 'text');
}
