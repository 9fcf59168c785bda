import { describe, expect, it } from 'vitest';
import { clientVia, MAX_VIA_CHARS } from './client-via';

const via = (value?: string) => clientVia(new Headers(value === undefined ? {} : { 'x-lockboard-client': value }));
/** What a server sees for UTF-8 bytes sent in a header: one Latin-1 character per byte. */
const asLatin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

describe('clientVia', () => {
  it('keeps a plain tool name, and is null when the header is absent or blank', () => {
    expect(via('mcp/claude-desktop')).toBe('mcp/claude-desktop');
    expect(via('cli/0.1.0')).toBe('cli/0.1.0');
    expect(via()).toBeNull();
    expect(via('   ')).toBeNull();
  });

  it('keeps printable ASCII only: escape sequences, tabs and raw UTF-8 bytes (a bidi override) never reach the record', () => {
    // Headers refuse CR, LF and NUL themselves; these others pass through HTTP.
    expect(via('mcp/agent\u0007\u001b[31m x')).toBe('mcp/agent[31m x');
    expect(via(asLatin1('mcp/\u202eevil\u200b'))).toBe('mcp/evil');
    expect(via('mcp/a \t  b')).toBe('mcp/a b');
    expect(via('\u00ff\u0085')).toBeNull();
  });

  it(`keeps at most ${MAX_VIA_CHARS} characters`, () => {
    expect(via('x'.repeat(5000))).toBe('x'.repeat(MAX_VIA_CHARS));
  });
});
