import { describe, expect, it } from 'vitest';
import { runCli } from './cli';
import type { Io } from './io';

function io(env: Record<string, string> = {}, interactive = false) {
  const out: string[] = [];
  const err: string[] = [];
  const fake: Io = { out: (t) => out.push(t), err: (t) => err.push(t), interactive, ask: async () => null, env };
  return { fake, out, err };
}

describe('runCli without a server', () => {
  it('prints help (exit 0) and its own version', async () => {
    const a = io();
    expect(await runCli(['--help'], a.fake)).toBe(0);
    expect(a.out.join('\n')).toContain('usage: lockboard <command>');
    const b = io();
    expect(await runCli(['unlock', '--help'], b.fake)).toBe(0);
    expect(b.out.join('\n')).toContain('--expect-id <lock id>');
  });

  it('is a usage error (exit 2) for no command, an unknown command or flag, a missing argument or server', async () => {
    for (const argv of [[], ['explode'], ['locks', '--bogus'], ['state', 'prod'], ['locks'], ['locks', '--server', 'x', '--timeout', '-1'], ['mcp', '--plan-ttl', '0', '--server', 'http://127.0.0.1:1']]) {
      const t = io();
      expect(await runCli(argv, t.fake), argv.join(' ')).toBe(2);
      expect(t.err.join('\n')).toMatch(/lockboard|usage/);
    }
  });

  it('refuses a change it cannot confirm before reading anything: no terminal and no --yes', async () => {
    const t = io({ LOCKBOARD_URL: 'http://127.0.0.1:1' });
    expect(await runCli(['unlock', 'prod', 'k', '--reason', 'r'], t.fake)).toBe(2);
    expect(t.err.join('\n')).toContain('no terminal to confirm at');
  });

  it('with --json, says the error as JSON on stdout too', async () => {
    const t = io();
    expect(await runCli(['locks', '--json'], t.fake)).toBe(2);
    expect(JSON.parse(t.out.join('\n'))).toMatchObject({ error: { code: 'usage', exitCode: 2 } });
  });
});
