/**
 * Whether a text contains any of many needles, in memory that does not grow with the needles'
 * length. The diff masks every displayed string that contains a marked secret, and a state can mark
 * thousands of long ones (2,000 TLS keys are 10 MB of secrets): the automaton this replaces cost
 * about 230 bytes of heap per secret character and took a replica down.
 *
 * Each needle is filed under ONE anchor: a short window of it (1 to 32 characters, the longest
 * power of two that fits), chosen where no other needle's anchor already is, so needles sharing a
 * prefix (every PEM key starts alike) still get anchors of their own. A text is scanned once per
 * anchor length with a rolling hash; a window whose hash names an anchor is checked by comparing the
 * needle at that place. Memory: one small record per needle. Time: linear in the text per anchor
 * length, plus the comparisons, which are bounded: past `budget` (a multiple of the text's length)
 * the answer is "contains" (the caller masks: more, never less) and `overBudget` counts it.
 */

const ANCHOR_LENGTHS = [1, 2, 4, 8, 16, 32] as const;
/** Characters compared per character of text before answering "contains" without looking further. */
const BUDGET_PER_CHAR = 8;
const BUDGET_BASE = 4096;
const BASE = 0x01000193; // FNV prime: an odd multiplier spreads the hash over 32 bits

interface Anchored {
  needle: string;
  /** Where the anchor starts inside the needle. */
  offset: number;
}

interface Tier {
  length: number;
  /** BASE^(length-1), to take the outgoing character off the rolling hash. */
  high: number;
  byHash: Map<number, Anchored[]>;
}

/** Hashes of every window of `length` characters of `text`, in order (`visit` returns true to stop). */
function rollWindows(text: string, length: number, high: number, visit: (hash: number, start: number) => boolean): void {
  if (text.length < length) return;
  let h = 0;
  for (let i = 0; i < length; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  if (visit(h & 0x3fffffff, 0)) return;
  for (let i = length; i < text.length; i++) {
    h = (Math.imul(h - Math.imul(text.charCodeAt(i - length), high), BASE) + text.charCodeAt(i)) | 0;
    if (visit(h & 0x3fffffff, i - length + 1)) return;
  }
}

function power(length: number): number {
  let p = 1;
  for (let i = 1; i < length; i++) p = Math.imul(p, BASE);
  return p;
}

export class SubstringMatcher {
  private readonly tiers: Tier[] = ANCHOR_LENGTHS.map((length) => ({ length, high: power(length), byHash: new Map() }));
  private readonly needles = new Set<string>();
  /** Answers given as "contains" because telling would have cost more than the budget. */
  overBudget = 0;
  /** Characters compared and windows hashed by the last `matches` (for the tests of its cost). */
  lastWork = 0;

  get size(): number {
    return this.needles.size;
  }

  add(needle: string): void {
    if (needle === '' || this.needles.has(needle)) return;
    this.needles.add(needle);
    let t = ANCHOR_LENGTHS.length - 1;
    while (ANCHOR_LENGTHS[t]! > needle.length) t--;
    const tier = this.tiers[t]!;
    // The window whose hash has the fewest needles filed under it: the first free one, looking from
    // the middle on (secrets alike share their head and tail: PEM armour, JSON framing), then the head.
    let best = { offset: 0, hash: 0, load: Infinity };
    const mid = (needle.length - tier.length) >> 1;
    const look = (from: number, text: string) =>
      rollWindows(text, tier.length, tier.high, (hash, start) => {
        const load = tier.byHash.get(hash)?.length ?? 0;
        if (load < best.load) best = { offset: from + start, hash, load };
        return load === 0;
      });
    look(mid, needle.slice(mid));
    if (best.load > 0 && mid > 0) look(0, needle.slice(0, mid + tier.length - 1));
    const list = tier.byHash.get(best.hash);
    if (list) list.push({ needle, offset: best.offset });
    else tier.byHash.set(best.hash, [{ needle, offset: best.offset }]);
  }

  /** True when `text` contains at least one needle (or when finding out would exceed the budget). */
  matches(text: string): boolean {
    this.lastWork = 0;
    if (this.needles.size === 0) return false;
    const budget = BUDGET_BASE + BUDGET_PER_CHAR * text.length;
    let work = 0;
    let found = false;
    for (const tier of this.tiers) {
      if (tier.byHash.size === 0) continue;
      rollWindows(text, tier.length, tier.high, (hash, start) => {
        work++;
        const list = tier.byHash.get(hash);
        if (!list) return false;
        for (const { needle, offset } of list) {
          const at = start - offset;
          if (at < 0 || at + needle.length > text.length) continue;
          let i = 0;
          while (i < needle.length && text.charCodeAt(at + i) === needle.charCodeAt(i)) i++;
          work += i + 1;
          if (i === needle.length || work > budget) {
            found = true;
            if (i !== needle.length) this.overBudget++;
            return true;
          }
        }
        return false;
      });
      if (found) break;
    }
    this.lastWork = work;
    return found;
  }
}
