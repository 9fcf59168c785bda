import { describe, expect, it } from 'vitest';
import { rollupSentence } from './estate-words';

describe('rollupSentence', () => {
  it('says how many accounts of the estate have the problem, with backends and unknowns', () => {
    expect(rollupSentence({ problem: 'versioning_off', accounts: 3, backends: 4, unknown: 0 }, 50)).toBe('3 of 50 accounts: versioning off (4 backends)');
    expect(rollupSentence({ problem: 'stale_locks', accounts: 0, backends: 0, unknown: 2 }, 1)).toBe('0 of 1 account: stale locks (2 not known yet)');
    expect(rollupSentence({ problem: 'unreadable', accounts: 2, backends: 0, unknown: 0 }, 51)).toBe('2 of 51 accounts: unreadable');
  });
});
