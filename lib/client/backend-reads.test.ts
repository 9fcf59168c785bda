import { describe, expect, it } from 'vitest';
import { refreshWords } from './backend-reads';

const base = { readAt: 1_000, refreshing: false, failed: 0, pollMs: 5_000 };

describe('refreshWords', () => {
  it('names both intervals: the server reads and this page asks', () => {
    expect(refreshWords({ ...base, watchMs: 10_000 })).toEqual({ parts: ['the server reads each backend every 10 s', 'this page asks every 5 s'] });
    expect(refreshWords({ ...base, watchMs: 0 })).toEqual({ parts: ['the server reads on every request', 'this page asks every 5 s'] });
    expect(refreshWords(base)).toEqual({ parts: ['this page asks every 5 s'] });
  });

  it('says how many backends could not be read in a whole sentence (never "not read since" with nothing after)', () => {
    const one = refreshWords({ ...base, failed: 1, refreshing: true, watchMs: 1_000 });
    expect(one).toEqual({ parts: ['the server reads each backend every 1 s', 'this page asks every 5 s', 'refreshing…', '1 backend could not be read: see its banner'] });
    expect(refreshWords({ ...base, failed: 2 })).toEqual({ parts: ['this page asks every 5 s', '2 backends could not be read: see their banners'] });
    for (const w of [one, refreshWords({ ...base, failed: 3 })]) expect('parts' in w && w.parts.join(' · ')).not.toMatch(/since\s*(·|$)/);
  });

  it('before any read: reading, or none could be read', () => {
    expect(refreshWords({ ...base, readAt: null })).toEqual({ notRead: 'Reading…' });
    expect(refreshWords({ ...base, readAt: null, failed: 3 })).toEqual({ notRead: 'Not read: 3 backends could not be read · this page asks every 5 s' });
  });
});
