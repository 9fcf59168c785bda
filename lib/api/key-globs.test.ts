import { describe, expect, it } from 'vitest';
import { compileGlob, Glob, globMatches, type GlobStyle } from './key-globs';

/** The readings as regular expressions (the old implementation), as an oracle on small inputs only. */
function oracle(glob: string, style: GlobStyle): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (style === 'path' && c === '*' && glob[i + 1] === '*') {
      out += '[^]*';
      i++;
    } else if (c === '*') out += style === 'path' ? '[^/]*' : '[^]*';
    else if (c === '?') out += style === 'path' ? '[^/]' : '[^]';
    else out += c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

describe('path globs (access rules, channel filters)', () => {
  it('reads * within a segment, ** across segments, ? as one character but /', () => {
    expect(globMatches('team-a/*.tfstate', 'team-a/app.tfstate')).toBe(true);
    expect(globMatches('team-a/*.tfstate', 'team-a/x/app.tfstate')).toBe(false);
    expect(globMatches('team-a/**', 'team-a/x/app.tfstate')).toBe(true);
    expect(globMatches('env:/*/app/*.tfstate', 'env:/stg/app/terraform.tfstate')).toBe(true);
    expect(globMatches('env:/*/terraform.tfstate', 'env:/stg/app/terraform.tfstate')).toBe(false);
    expect(globMatches('**/terraform.tfstate', 'env:/stg/app/terraform.tfstate')).toBe(true);
    expect(globMatches('a?c', 'abc')).toBe(true);
    expect(globMatches('a?c', 'a/c')).toBe(false);
    expect(globMatches('a*', 'a')).toBe(true);
    expect(globMatches('*', '')).toBe(true);
    expect(globMatches('', '')).toBe(true);
    expect(globMatches('', 'x')).toBe(false);
  });

  it('takes every other character literally (regular-expression syntax included)', () => {
    expect(globMatches('a.b', 'axb')).toBe(false);
    expect(globMatches('a.b', 'a.b')).toBe(true);
    expect(globMatches('a+(b)|[c]$^\\', 'a+(b)|[c]$^\\')).toBe(true);
    expect(globMatches('[ab]', 'a')).toBe(false);
  });

  it('treats a newline as an ordinary character (the access-rule and channel copies used to disagree)', () => {
    // The channel filter's regular expression had no `s` flag: its `**` stopped at a newline.
    expect(globMatches('prod/**', 'prod/a\nb/terraform.tfstate')).toBe(true);
    expect(globMatches('prod/*', 'prod/a\nb')).toBe(true);
    expect(globMatches('prod/?', 'prod/\n')).toBe(true);
    expect(globMatches('prod/*', 'prod/a\n/b')).toBe(false);
    expect(globMatches('a\nb', 'a\nb')).toBe(true);
  });

  it('merges runs of stars, the widest winning', () => {
    expect(globMatches('a/***/z', 'a/b/c/z')).toBe(true);
    expect(globMatches('a/*/**/z', 'a/b/c/z')).toBe(true);
    expect(globMatches('a/*/**/z', 'a/b/z')).toBe(false);
    expect(globMatches('a/**/z', 'a/z')).toBe(false);
    expect(globMatches('a/**z', 'a/z')).toBe(true);
  });
});

describe('text globs (search terms)', () => {
  it('reads * as any run and ? as any one character, slashes included', () => {
    expect(globMatches('aws_*', 'aws_instance', 'text')).toBe(true);
    expect(globMatches('*prod*', 'env:/prod/app/terraform.tfstate', 'text')).toBe(true);
    expect(globMatches('a?c', 'a/c', 'text')).toBe(true);
    expect(globMatches('module.*.aws_x.y', 'module.a.module.b.aws_x.y', 'text')).toBe(true);
    expect(globMatches('aws_x.y["a b"]', 'aws_x.y["a b"]', 'text')).toBe(true);
    expect(globMatches('*', 'multi\nline', 'text')).toBe(true);
  });
});

describe('agrees with the regular-expression reading on every small case', () => {
  it.each(['path', 'text'] as const)('%s', (style) => {
    const alphabet = ['a', 'b', '/', '\n'];
    const symbols = [...alphabet, '*', '?', '**'];
    let checked = 0;
    const disagreements: string[] = [];
    // Every glob of up to 3 symbols against every value of up to 4 characters.
    const sequences = (parts: string[], max: number) => {
      const out = [''];
      for (let from = 0; from < out.length; from++) if (out[from]!.length < max * 2) for (const p of parts) if ((out[from]! + p).split('').length <= max * 2) out.push(out[from]! + p);
      return out;
    };
    const globs = new Set(sequences(symbols, 3).filter((g) => g.replace(/\*\*/g, '*').length <= 3));
    const values = sequences(alphabet, 2).filter((v) => v.length <= 4);
    for (const g of globs) {
      const re = oracle(g, style);
      const glob = new Glob(g, style);
      for (const v of values) {
        if (glob.matches(v) !== re.test(v)) disagreements.push(`${JSON.stringify(g)} vs ${JSON.stringify(v)}`);
        checked++;
      }
    }
    expect(disagreements).toEqual([]);
    expect(checked).toBeGreaterThan(50_000);
  });
});

describe('cost is linear (counted in steps, not seconds)', () => {
  const KEY = 'env:/production/network/core/terraform.tfstate';

  it('the 18-pair query of the attack review is a few thousand steps', () => {
    for (const style of ['text', 'path'] as const) {
      const g = new Glob(`${'*?'.repeat(18)}!`, style);
      expect(g.matches(KEY)).toBe(false);
      expect(g.lastSteps).toBeLessThan(5_000);
      expect(g.matches(`${KEY}!`)).toBe(style === 'text');
    }
  });

  it('steps grow linearly with the number of pairs and with the value length', () => {
    const steps = (pairs: number, value: string) => {
      const g = new Glob(`${'*?'.repeat(pairs)}!`, 'text');
      g.matches(value);
      return g.lastSteps;
    };
    const value = 'x'.repeat(400);
    // Pairs: doubling them at most doubles the work (a backtracking matcher multiplied it by ~1.47 per pair).
    const byPairs = [10, 20, 40, 80].map((p) => steps(p, value));
    for (let i = 1; i < byPairs.length; i++) expect(byPairs[i]!).toBeLessThanOrEqual(2.2 * byPairs[i - 1]!);
    // Value length: doubling it at most doubles the work, for a fixed pattern.
    const byLength = [200, 400, 800, 1600].map((n) => steps(20, 'x'.repeat(n)));
    for (let i = 1; i < byLength.length; i++) expect(byLength[i]!).toBeLessThanOrEqual(2.2 * byLength[i - 1]!);
    // At most two visits per token (the step and the star closure) per character: 41 tokens here.
    expect(byLength[3]!).toBeLessThanOrEqual(2 * 42 * 1601);
  });

  it('a 10,000-character pattern is refused at once when it needs more characters than the value has', () => {
    for (const style of ['text', 'path'] as const) {
      const g = new Glob(`${'*?'.repeat(5_000)}!`.slice(0, 10_000), style);
      expect(g.matches(KEY)).toBe(false);
      expect(g.lastSteps).toBe(0);
    }
  });

  it('a 10,000-character pattern that fits costs at most 2 × (2 × characters + 3) × (characters + 1) steps', () => {
    // Runs of stars merge and literals beyond the value's length refuse at once, so whatever the
    // pattern, the positions in play are bounded by the value: about 2 per character.
    const value = 'x'.repeat(1_000);
    const patterns = [`${'*?'.repeat(499)}${'*'.repeat(9_001)}!`, `${'*x'.repeat(400)}${'**/'.repeat(3_067)}`, `${'?*'.repeat(500)}${'*'.repeat(9_000)}`];
    for (const p of patterns) {
      expect(p.length).toBeGreaterThanOrEqual(10_000);
      for (const style of ['text', 'path'] as const) {
        const g = new Glob(p, style);
        g.matches(value);
        expect(g.lastSteps).toBeLessThanOrEqual(2 * (2 * 1_000 + 3) * 1_001);
      }
    }
    expect(new Glob(patterns[2]!, 'text').matches(value)).toBe(true);
  });

  it('an adversarial path glob over a long key stays within tokens × characters', () => {
    const glob = new Glob(`${'*/'.repeat(200)}**?`, 'path');
    const key = `${'ab/'.repeat(300)}x`;
    expect(glob.matches(key)).toBe(true);
    expect(glob.lastSteps).toBeLessThanOrEqual(402 * (key.length + 1) * 2);
  });

  it('compiles each pattern once', () => {
    expect(compileGlob('a/*', 'path')).toBe(compileGlob('a/*', 'path'));
    expect(compileGlob('a/*', 'path')).not.toBe(compileGlob('a/*', 'text'));
  });
});
