/**
 * `lockboard` (installed from its packed tarball) against the real server: each command and its exit
 * code, confirmations, identities, and bad input that must change nothing.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/lib/moto';
import { stateDocument, TerraformWriter } from '../../../scripts/lib/terraform-writer';
import { lockboard, lockItem, lockSides, runProcess, seedLock, stack, store } from './stack';

const json = <T = Record<string, unknown>>(text: string) => JSON.parse(text) as T;

describe('the package', () => {
  it('ships only its build, and runs with npx from the tarball outside the repository', async () => {
    const s = stack();
    expect(s.packedFiles.filter((f) => !/^dist\/chunks\/[\w-]+\.js$/.test(f)).sort()).toEqual(['README.md', 'dist/lockboard.js', 'package.json']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-npx-'));
    try {
      const r = await runProcess('npx', ['--yes', '--prefer-offline', '--package', s.tarball, 'lockboard', '--help'], { cwd: dir });
      expect(r.stderr).not.toMatch(/ERR!/);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('usage: lockboard <command>');
      expect(r.stdout).toMatch(/unlock +force-unlock one lock/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('reads', () => {
  const key = 'cli/reads/terraform.tfstate';
  let id = '';
  beforeAll(async () => {
    const s = stack();
    await store().putState(s.bucket, key, stateDocument({ serial: 1, lineage: 'l-reads' }), s.table);
    const resources = [{ mode: 'managed', type: 'aws_s3_bucket', name: 'cli_reads_logs', provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances: [{ attributes: { id: 'logs' } }] }];
    await store().putState(s.bucket, key, stateDocument({ serial: 2, lineage: 'l-reads', resources }), s.table);
    id = (await seedLock(key, { who: 'runner@ci-42' })).id;
  });

  it('locks: a table with the lock, and --json with every field', async () => {
    const table = await lockboard(['locks']);
    expect(table.code).toBe(0);
    // The server judges liveness on every lock: a lock taken without `lockboard run` is `unknown`.
    expect(table.stdout).toMatch(/^BACKEND +KEY +ID +WHO +OPERATION +AGE +LIVENESS +FLAGS/);
    expect(table.stdout).toMatch(new RegExp(`${id} +runner@ci-42 +OperationTypeApply +\\S+ +unknown +-`));
    expect(table.stdout).toContain(`prod     ${key}`);
    expect(table.stdout).toContain(id);
    const out = await lockboard(['locks', '--backend', 'prod', '--json']);
    expect(out.code).toBe(0);
    const lock = json<{ locks: Array<Record<string, unknown>> }>(out.stdout).locks.find((l) => l.key === key);
    expect(lock).toMatchObject({ backend: 'prod', id, who: 'runner@ci-42', sources: ['dynamodb', 's3'] });
    expect(lock).toMatchObject({ liveness: { state: 'unknown' } });
  });

  it('states and state: digest status, the lock and the versions with their writers', async () => {
    const states = await lockboard(['states']);
    expect(states.code).toBe(0);
    expect(states.stdout).toMatch(new RegExp(`prod +${key.replace(/\//g, '\\/')} +match +locked by runner@ci-42`));
    const one = await lockboard(['state', 'prod', key]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Digest:     match');
    expect(one.stdout).toContain(`ID:         ${id}`);
    expect(one.stdout).toContain('Versions: 2 (bucket versioning Enabled)');
    const data = json<{ versions: unknown[]; locks: Array<{ id: string }> }>((await lockboard(['state', 'prod', key, '--json'])).stdout);
    expect(data.versions).toHaveLength(2);
    expect(data.locks.map((l) => l.id)).toEqual([id]);
    const none = await lockboard(['state', 'prod', 'cli/nothing/here.tfstate']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('has no state, lock or version at "cli/nothing/here.tfstate"');
    // A lock taken before the first apply: no object, no versions, still shown.
    const fresh = await seedLock('cli/reads-fresh/terraform.tfstate');
    const lockOnly = await lockboard(['state', 'prod', 'cli/reads-fresh/terraform.tfstate']);
    expect(lockOnly.code).toBe(0);
    expect(lockOnly.stdout).toContain(`ID:         ${fresh.id}`);
  });

  it('search finds a resource once the inventory has indexed it', async () => {
    let found = '';
    for (let i = 0; i < 20 && !found.includes(key); i++) {
      const r = await lockboard(['search', 'aws_s3_bucket.cli_reads_logs']);
      expect(r.code).toBe(0);
      found = r.stdout;
      if (!found.includes(key)) await new Promise((res) => setTimeout(res, 1000));
    }
    expect(found).toMatch(new RegExp(`prod +${key.replace(/\//g, '\\/')} +2 +\\S+ +aws_s3_bucket\\.cli_reads_logs`));
    expect((await lockboard(['search', 'nothing_matches_this_anywhere'])).stdout).toContain('No state matches');
  }, 90_000);

  it('audit lists records with their tool', async () => {
    const r = await lockboard(['audit', '--backend', 'prod', '--limit', '5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^(TIME +USER +VIA|No audit records\.)/);
    expect((await lockboard(['audit', '--action', 'explode'])).code).toBe(2);
  });
});

describe('unlock', () => {
  it('needs a reason and a confirmation; a script needs --yes --expect-id (exit 2, nothing read or changed)', async () => {
    const key = 'cli/confirm/terraform.tfstate';
    const info = await seedLock(key);
    const before = await lockSides(key);
    const lines = [['unlock', 'prod', key, '--yes', '--expect-id', info.id], ['unlock', 'prod', key, '--reason', 'r'], ['unlock', 'prod', key, '--reason', 'r', '--yes']];
    const runs = await Promise.all(lines.map((args) => lockboard(args)));
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(runs[0]!.stderr).toContain('--reason <text> is required');
    expect(runs[1]!.stderr).toContain('no terminal to confirm at: pass --yes --expect-id <lock id>');
    expect(runs[2]!.stderr).toContain('--yes needs --expect-id <lock id>');
    expect(await lockSides(key)).toEqual(before);
  });

  it('refuses a lock that is not the one expected (exit 1), then releases exactly the expected one', async () => {
    const key = 'cli/release/terraform.tfstate';
    const info = await seedLock(key);
    const other = await seedLock('cli/release-other/terraform.tfstate');
    const wrong = await lockboard(['unlock', 'prod', key, '--reason', 'stale', '--yes', '--expect-id', other.id]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`is ${info.id}, not the expected ${other.id}: nothing changed`);
    expect((await lockSides(key)).item).toBeDefined();

    const ok = await lockboard(['unlock', 'prod', key, '--reason', 'stale runner', '--yes', '--expect-id', info.id]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`Released dynamodb and s3 of lock ${info.id} on ${key}`);
    expect(await lockSides(key)).toEqual({ item: undefined, lockfile: null });
    expect((await lockSides('cli/release-other/terraform.tfstate')).item).toBeDefined();

    const again = await lockboard(['unlock', 'prod', key, '--reason', 'r', '--yes', '--expect-id', info.id, '--json']);
    expect(again.code).toBe(1);
    expect(json<{ error: { code: string } }>(again.stdout).error.code).toBe('lock_not_found');

    const audit = json<{ records: Array<{ user: string; via: string; outcome: string }> }>((await lockboard(['audit', '--backend', 'prod', '--key', key, '--json'])).stdout);
    expect(audit.records.map((r) => [r.user, r.via, r.outcome])).toEqual([['alice@example.com', 'cli/0.1.0', 'succeeded']]);
  });

  it('asks for the ID typed back at a terminal, as the web page does', async () => {
    const key = 'cli/tty/terraform.tfstate';
    const info = await seedLock(key);
    const s = stack();
    // `script` gives the command a terminal; what is piped in is what the person types.
    const tty = (typed: string) =>
      runProcess('script', ['-qec', `${s.bin} unlock prod ${key} --reason tty`, '/dev/null'], { input: `${typed}\n`, env: { LOCKBOARD_URL: s.base, LOCKBOARD_TOKEN: s.tokens.alice } });
    const no = await tty('nope');
    expect(no.stdout).toContain('Type the lock ID, or its first 8 characters, to confirm');
    expect(no.stdout).toContain('not confirmed: nothing changed');
    expect((await lockSides(key)).item).toBeDefined();
    const yes = await tty(info.id.slice(0, 8));
    expect(yes.stdout).toContain(`Released dynamodb and s3 of lock ${info.id}`);
    expect((await lockSides(key)).item).toBeUndefined();
  });

  it('is refused for a viewer, a forged token and no token (exit 1), and nothing changes', async () => {
    const key = 'cli/identity/terraform.tfstate';
    const info = await seedLock(key);
    const before = await lockSides(key);
    const s = stack();
    const args = ['unlock', 'prod', key, '--reason', 'r', '--yes', '--expect-id', info.id];
    const [bob, forged, none] = await Promise.all([s.tokens.bob, s.tokens.forged, null].map((token) => lockboard(args, { token })));
    expect(bob!.code).toBe(1);
    expect(bob!.stderr).toContain('forbidden: User "bob@example.com" is not an operator');
    for (const r of [forged!, none!]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/lockboard: unauthorized: /);
    }
    expect(await lockSides(key)).toEqual(before);
  });
});

describe('freeze and unfreeze', () => {
  it('freezes an unlocked state, refuses to freeze a locked one, and unfreezes exactly the freeze', async () => {
    const key = 'cli/freeze/terraform.tfstate';
    const frozen = await lockboard(['freeze', 'prod', key, '--reason', 'DB restore', '--yes']);
    expect(frozen.code).toBe(0);
    expect(frozen.stdout).toMatch(/^frozen: /);
    const lock = json<{ locks: Array<{ key: string; id: string; operation: string; who: string }> }>((await lockboard(['locks', '--json'])).stdout).locks.find((l) => l.key === key)!;
    expect(lock).toMatchObject({ operation: 'lockboard-freeze', who: 'alice@example.com via Lockboard' });
    const twice = await lockboard(['freeze', 'prod', key, '--reason', 'again', '--yes']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('is locked by alice@example.com via Lockboard');
    const noId = await lockboard(['unfreeze', 'prod', key, '--reason', 'done', '--yes']);
    expect(noId.code).toBe(2);
    const done = await lockboard(['unfreeze', 'prod', key, '--reason', 'done', '--yes', '--expect-id', lock.id]);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^released: /);
    expect(await lockSides(key)).toEqual({ item: undefined, lockfile: null });
  });
});

describe('bad input', () => {
  let html: http.Server;
  let notLockboard = '';
  beforeAll(async () => {
    html = http.createServer((req, res) => {
      if (req.url?.includes('json')) res.setHeader('content-type', 'application/json').end('{"hello":"world"}');
      else res.setHeader('content-type', 'text/html').end('<html>a shop</html>');
    });
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
    notLockboard = `http://127.0.0.1:${(html.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => html.close(() => r())));

  it('an unknown flag, a missing argument or an unknown command is a usage error (exit 2)', async () => {
    const [flag, missing, unknown, ftp] = await Promise.all([lockboard(['locks', '--bogus']), lockboard(['state', 'prod']), lockboard(['explode']), lockboard(['locks'], { env: { LOCKBOARD_URL: 'ftp://x' } })]);
    expect([flag!.code, missing!.code, unknown!.code, ftp!.code]).toEqual([2, 2, 2, 2]);
    expect(flag!.stderr).toContain("lockboard: Unknown option '--bogus' (lockboard locks --help lists its options)");
    expect(missing!.stderr).toContain('missing arguments: usage: lockboard state <backend> <key>');
    expect(unknown!.stderr).toContain('unknown command "explode"');
    expect(ftp!.stderr).toContain('--server must be an http(s) URL');
  });

  it('a URL that is not Lockboard, or not reachable, is exit 3 with a clear message', async () => {
    const port = await freePort();
    const [shop, other, closed] = await Promise.all([notLockboard, `${notLockboard}/json/`, `http://127.0.0.1:${port}`].map((url) => lockboard(['locks'], { env: { LOCKBOARD_URL: url } })));
    expect(shop!.code).toBe(3);
    expect(shop!.stderr).toContain(`${notLockboard}/ is not a Lockboard server: GET /api/backends answered HTTP 200 with something other than JSON`);
    expect(other!.code).toBe(3);
    expect(other!.stderr).toContain('with JSON Lockboard does not send');
    expect(closed!.code).toBe(3);
    expect(closed!.stderr).toContain(`cannot reach http://127.0.0.1:${port}/: ECONNREFUSED`);
  });

  it('a key with shell metacharacters and a newline: printed escaped, never run, released exactly', async () => {
    const key = 'evil/$(touch PWNED);`touch PWNED2`\n\u001b[2J/terraform.tfstate';
    // DynamoDB only (moto's S3 cannot store such an object key): listed as a split lock, released by its side.
    const s = stack();
    const info = TerraformWriter.lockInfo(s.bucket, key, { info: 'x\u001b]0;title\u0007\nFAKE ROW' });
    await store().lockDynamo(s.table, s.bucket, key, info);
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-evil-'));
    try {
      const listed = await lockboard(['locks'], { cwd });
      expect(listed.code).toBe(0);
      const row = listed.stdout.split('\n').find((l) => l.includes('evil/'))!;
      expect(row).toContain('evil/$(touch PWNED);`touch PWNED2`\\n\\x1b[2J/terraform.tfstate');
      expect(listed.stdout).not.toContain('\u001b');
      const shown = await lockboard(['state', 'prod', key], { cwd });
      expect(shown.stdout).toContain('Info:       x\\x1b]0;title\\x07\\nFAKE ROW');
      const missing = await lockboard(['unlock', 'prod', `${key}x`, '--reason', 'r', '--yes', '--expect-id', info.id], { cwd });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('there is no lock on "evil/$(touch PWNED);`touch PWNED2`\\n\\x1b[2J/terraform.tfstatex"');
      expect(await lockItem(key)).toBeDefined();
      const released = await lockboard(['unlock', 'prod', key, '--reason', 'r', '--yes', '--expect-id', info.id], { cwd });
      expect(released.code).toBe(0);
      expect(await lockItem(key)).toBeUndefined();
      expect(fs.readdirSync(cwd)).toEqual([]);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
