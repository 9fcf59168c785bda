import { describe, expect, it } from 'vitest';
import { parseHeader, parseServerUrl, viaLabel } from './client';
import { CliError } from './errors';

const usage = (run: () => unknown) => {
  try {
    run();
    return null;
  } catch (e) {
    return e instanceof CliError ? e.exitCode : e;
  }
};

describe('client inputs', () => {
  it('takes an http(s) base URL only, without credentials, query or fragment', () => {
    expect(parseServerUrl('https://lockboard.example.com').href).toBe('https://lockboard.example.com/');
    expect(parseServerUrl('http://127.0.0.1:3000/sub').href).toBe('http://127.0.0.1:3000/sub/');
    for (const bad of ['lockboard.example.com', 'ftp://x', 'https://u:p@x', 'https://x/?a=1', 'file:///etc/passwd']) expect(usage(() => parseServerUrl(bad))).toBe(2);
  });
  it('parses --header "Name: value" and refuses what could smuggle another header', () => {
    expect(parseHeader('X-Forwarded-Email: alice@example.com')).toEqual(['x-forwarded-email', 'alice@example.com']);
    for (const bad of ['no-colon', ': v', 'Bad Name: v', 'X: a\r\nInjected: 1', 'X: a\u0000']) expect(usage(() => parseHeader(bad))).toBe(2);
  });
  it('labels the agent in printable ASCII, bounded', () => {
    expect(viaLabel('mcp/claude-desktop')).toBe('mcp/claude-desktop');
    expect(viaLabel('mcp/Zoë\u001b[2J\n bot')).toBe('mcp/Zo%C3%AB%1B[2J bot');
    expect(viaLabel(`mcp/${'x'.repeat(300)}`)).toHaveLength(100);
  });
});
