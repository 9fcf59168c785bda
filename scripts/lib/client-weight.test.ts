import { describe, expect, it } from 'vitest';
import { scriptTags } from './client-weight';

describe('scriptTags', () => {
  it('lists each external script once and marks the noModule ones', () => {
    const html = [
      '<script src="/_next/static/chunks/a.js" async="">',
      '<script src="/_next/static/chunks/polyfill.js" noModule="">',
      '<script id="_R_">self.__next_f=[]</script>',
      '<script src="/_next/static/chunks/a.js" async="">',
      '<script async src="/_next/static/chunks/b.js">',
    ].join('');
    expect(scriptTags(html)).toEqual([
      { src: '/_next/static/chunks/a.js', noModule: false },
      { src: '/_next/static/chunks/polyfill.js', noModule: true },
      { src: '/_next/static/chunks/b.js', noModule: false },
    ]);
  });

  it('does not mistake a src containing "nomodule" for the attribute', () => {
    expect(scriptTags('<script src="/x/nomodule-free.js" async="">')).toEqual([{ src: '/x/nomodule-free.js', noModule: false }]);
  });
});
