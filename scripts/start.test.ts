/**
 * `npm start` (scripts/start.mjs) refuses a bad configuration before Next starts: one line naming the
 * variable or JSON path at fault, exit 1, no "Ready". Runs the real script with its own dist dir (so
 * the configuration check is bundled from the current sources), never reaching `next start`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const distDir = path.join('.tmp', `start-test-${process.pid}`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-start-test-'));

afterAll(() => {
  fs.rmSync(path.join(root, distDir), { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs `node scripts/start.mjs` with only these variables (plus PATH); its exit status and output. */
function start(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production' as const, LOCKBOARD_DIST_DIR: distDir, PORT: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines: `${r.stdout}${r.stderr}`.trim().split('\n') };
}

function configFile(content: unknown): string {
  const file = path.join(tmp, `${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('npm start with a bad configuration', () => {
  it('names the JSON path at fault in one line and exits 1 without "Ready"', () => {
    const r = start({ LOCKBOARD_CONFIG: configFile({ backends: [{ id: 'prod', bucket: 'ab', region: 'us-east-1' }] }) });
    expect(r.status).toBe(1);
    expect(r.lines).toEqual(['Lockboard does not start: invalid configuration: LOCKBOARD_CONFIG backends[0].bucket: a bucket name has at least 3 characters']);
    expect(r.stdout + r.stderr).not.toMatch(/Ready/);
  }, 60_000);

  it('names the environment variables at fault, every problem on the same line', () => {
    const r = start({ LOCKBOARD_BUCKET: 'tf-state', AWS_REGION: 'us-east-1', LOCKBOARD_AUTH_MODE: 'oidc', LOCKBOARD_STALE_AFTER_MINUTES: 'soon' });
    expect(r.status).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^Lockboard does not start: invalid configuration: /);
    expect(r.lines[0]).toContain('LOCKBOARD_AUTH_MODE: expected "none" or "proxy", got "oidc"');
    expect(r.lines[0]).toContain('LOCKBOARD_STALE_AFTER_MINUTES');
    expect(r.stdout + r.stderr).not.toMatch(/Ready/);
  }, 60_000);

  it('says which file it cannot read', () => {
    const r = start({ LOCKBOARD_CONFIG: path.join(tmp, 'missing.json') });
    expect(r.status).toBe(1);
    expect(r.lines).toEqual([`Lockboard does not start: invalid configuration: LOCKBOARD_CONFIG: cannot read ${path.join(tmp, 'missing.json')} (ENOENT)`]);
  }, 60_000);

  it('passes a good configuration on to Next (here: there is no build, said before any "Ready")', () => {
    const r = start({ LOCKBOARD_BUCKET: 'tf-state', AWS_REGION: 'us-east-1' });
    expect(r.status).toBe(1);
    expect(r.lines).toEqual([`Lockboard does not start: no build in ${distDir} (run \`npm run build\` first)`]);
  }, 60_000);
});
