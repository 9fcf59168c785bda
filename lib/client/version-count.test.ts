import { describe, expect, it } from 'vitest';
import { versionCount } from './version-count';

const v = (deleteMarker: boolean) => ({ deleteMarker });

describe('versionCount', () => {
  it('counts versions and delete markers apart', () => {
    expect(versionCount([v(true), v(false)])).toBe('1 version and 1 delete marker');
    expect(versionCount([v(true), v(false), v(false), v(true)])).toBe('2 versions and 2 delete markers');
    expect(versionCount([v(false)])).toBe('1 version');
    expect(versionCount([v(true)])).toBe('0 versions and 1 delete marker');
    expect(versionCount([])).toBe('0 versions');
  });
});
