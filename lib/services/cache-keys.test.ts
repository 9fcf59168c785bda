import { describe, expect, it } from 'vitest';
import { cacheKey, cacheKeyPrefix } from './cache-keys';

describe('cacheKey', () => {
  it('keeps parts apart: a separator inside a part cannot make two keys equal', () => {
    expect(cacheKey('a/b', 'c')).not.toBe(cacheKey('a', 'b/c'));
    expect(cacheKey('main', 'k', true)).toBe('main\u0000k\u00001');
  });

  it('a prefix matches its own keys only, not a longer key sharing its text', () => {
    expect(cacheKey('main', 'app.tfstate', false).startsWith(cacheKeyPrefix('main', 'app.tfstate'))).toBe(true);
    expect(cacheKey('main', 'app.tfstate2', false).startsWith(cacheKeyPrefix('main', 'app.tfstate'))).toBe(false);
  });
});
