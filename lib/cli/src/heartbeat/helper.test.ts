/**
 * The helper against a real process named `terraform` (a link to `sleep`, watched through /proc by PID
 * and start time) and an in-memory store standing for the bucket: when it claims a lock, beats, deletes,
 * leaves the evidence of a death, and says once why there is no heartbeat. The AWS side is proven with
 * moto and the real Terraform CLI in lib/services/liveness.int.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HeartbeatStore, HeldLock } from './aws';
import { readBackend, workspaceStateKey } from './backend';
import { Helper, type ToWrapper } from './helper';
import { hasProc } from './procs';

const host = os.hostname();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class MemoryStore implements HeartbeatStore {
  lock: HeldLock | null = null;
  beats = new Map<string, string>();
  deleted: string[] = [];
  puts = 0;
  failPut: Error | null = null;
  async readLock() {
    return this.lock;
  }
  async putBeat(key: string, body: string) {
    if (this.failPut) throw this.failPut;
    this.puts++;
    this.beats.set(key, body);
  }
  async deleteBeat(key: string) {
    this.deleted.push(key);
    this.beats.delete(key);
  }
}

const children: ChildProcess[] = [];
afterEach(() => children.splice(0).forEach((c) => c.kill('SIGKILL')));

/** A working directory initialised for an s3 backend (or `type`), and a `terraform` process in it. */
function terraformIn(type = 's3', extra: Record<string, unknown> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-helper-'));
  fs.mkdirSync(path.join(dir, '.terraform'));
  fs.writeFileSync(path.join(dir, '.terraform', 'terraform.tfstate'), JSON.stringify({ version: 3, backend: { type, config: { bucket: 'b', key: 'app/terraform.tfstate', region: 'us-east-1', use_lockfile: true, ...extra } } }));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync('/bin/sleep', path.join(bin, 'terraform'));
  const child = spawn(path.join(bin, 'terraform'), ['30'], { cwd: dir, stdio: 'ignore' });
  children.push(child);
  return { dir, child, argv: [path.join(bin, 'terraform'), 'apply'] };
}

function start(run: ReturnType<typeof terraformIn>, store: MemoryStore) {
  const messages: ToWrapper[] = [];
  const helper = new Helper({ child: { pid: run.child.pid!, startMs: Date.now(), cwd: run.dir, argv: run.argv, env: {} }, intervalSeconds: 1, prefix: 'lockboard-heartbeats/', host }, () => store, (m) => messages.push(m));
  const done = helper.run();
  return { helper, messages, done };
}

const ourLock = (over: Partial<HeldLock> = {}): HeldLock => ({ id: 'lock-1', who: `runner@${host}`, created: new Date().toISOString(), operation: 'OperationTypeApply', ...over });
async function until(check: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await sleep(50);
  return check();
}

describe.skipIf(!hasProc())('the heartbeat helper', { timeout: 20_000 }, () => {
  it('claims the lock its process took, beats every interval, and deletes the beat once the lock is released', async () => {
    const run = terraformIn();
    const store = new MemoryStore();
    const { done } = start(run, store);
    await sleep(300);
    store.lock = ourLock();
    expect(await until(() => store.puts >= 3)).toBe(true);
    const [key, body] = [...store.beats][0]!;
    expect(key).toMatch(new RegExp(`^lockboard-heartbeats/lock-1/${host.replace(/[^A-Za-z0-9._-]/g, '_')}\\.${run.child.pid}\\.\\d+\\.json$`));
    expect(JSON.parse(body)).toMatchObject({ v: 1, lockId: 'lock-1', who: `runner@${host}`, key: 'app/terraform.tfstate', pid: run.child.pid, state: 'running', intervalSeconds: 1 });
    store.lock = null;
    expect(await until(() => store.deleted.includes(key))).toBe(true);
    run.child.kill('SIGKILL');
    await done;
  });

  it('a process killed holding the lock leaves an `exited` beat; a normal exit with the lock still held deletes it (not its lock)', async () => {
    for (const [how, status] of [['signal', { code: null, signal: 'SIGKILL' }], ['normal', { code: 1, signal: null }]] as const) {
      const run = terraformIn();
      const store = new MemoryStore();
      const { helper, done } = start(run, store);
      await sleep(200);
      store.lock = ourLock();
      expect(await until(() => store.puts >= 1)).toBe(true);
      const key = [...store.beats.keys()][0]!;
      run.child.kill('SIGKILL');
      helper.childExited({ type: 'exited', ...status });
      await done;
      if (how === 'signal') expect(JSON.parse(store.beats.get(key)!)).toMatchObject({ state: 'exited' });
      else expect(store.deleted).toEqual([key]);
    }
  });

  it('without a status (the wrapper was killed too) the beats just stop: the object stays as it was', async () => {
    const run = terraformIn();
    const store = new MemoryStore();
    const { done } = start(run, store);
    await sleep(200);
    store.lock = ourLock();
    expect(await until(() => store.puts >= 1)).toBe(true);
    run.child.kill('SIGKILL');
    await done;
    expect(store.deleted).toEqual([]);
    expect(JSON.parse([...store.beats.values()][0]!)).toMatchObject({ state: 'running' });
  });

  it('under terragrunt, finds the tofu process it starts and beats for the lock that process holds', async () => {
    const run = terraformIn();
    run.child.kill('SIGKILL');
    // terragrunt (a script here) runs tofu (a link to sleep) in the initialised directory.
    fs.symlinkSync('/bin/sleep', path.join(run.dir, 'bin', 'tofu'));
    fs.writeFileSync(path.join(run.dir, 'bin', 'terragrunt'), '#!/bin/sh\n"$(dirname "$0")/tofu" 30\n', { mode: 0o755 });
    const tg = spawn(path.join(run.dir, 'bin', 'terragrunt'), ['apply'], { cwd: run.dir, stdio: 'ignore' });
    children.push(tg);
    const store = new MemoryStore();
    const { done } = start({ ...run, child: tg, argv: [path.join(run.dir, 'bin', 'terragrunt'), 'apply'] }, store);
    await sleep(500);
    store.lock = ourLock();
    expect(await until(() => store.puts >= 1)).toBe(true);
    const [key, body] = [...store.beats][0]!;
    const tofuPid = (JSON.parse(body) as { pid: number }).pid;
    expect(tofuPid).not.toBe(tg.pid);
    expect(fs.readFileSync(`/proc/${tofuPid}/cmdline`, 'utf8').split('\0')[0]).toBe(path.join(run.dir, 'bin', 'tofu'));
    expect(key).toContain(`.${tofuPid}.`);
    process.kill(tofuPid, 'SIGKILL');
    tg.kill('SIGKILL');
    await done;
  });

  it("never claims another host's lock, nor one taken before the process started", async () => {
    for (const lock of [ourLock({ who: 'runner@elsewhere' }), ourLock({ created: new Date(Date.now() - 60_000).toISOString() })]) {
      const run = terraformIn();
      const store = new MemoryStore();
      store.lock = lock;
      const { done } = start(run, store);
      await sleep(1500);
      expect(store.puts).toBe(0);
      run.child.kill('SIGKILL');
      await done;
    }
  });

  it('says once why there is no heartbeat: permission denied, or a backend that is not s3; the process is left alone', async () => {
    const run = terraformIn();
    const store = new MemoryStore();
    store.failPut = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const { messages, done } = start(run, store);
    store.lock = ourLock();
    await sleep(2500);
    expect(messages.filter((m) => m.type === 'notice')).toEqual([{ type: 'notice', text: 'no heartbeat: not allowed (AccessDenied (HTTP 403): Access Denied); the command runs without one' }]);
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGKILL');
    await done;

    const local = terraformIn('local');
    const other = start(local, new MemoryStore());
    await sleep(500);
    expect(other.messages).toEqual([{ type: 'notice', text: 'no heartbeat: the backend is "local", not s3: Lockboard only knows S3-backend locks' }]);
    local.child.kill('SIGKILL');
    await other.done;
  });
});

describe('readBackend', () => {
  it('reads the s3 backend terraform init saved, with the workspace from TF_WORKSPACE or .terraform/environment', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-backend-'));
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'terraform.tfstate'), JSON.stringify({ backend: { type: 's3', config: { bucket: 'b', key: 'k.tfstate', endpoints: { s3: 'http://s3', dynamodb: 'http://ddb' }, use_path_style: true, dynamodb_table: 't', workspace_key_prefix: 'ws' } } }));
    fs.writeFileSync(path.join(dir, 'data', 'environment'), 'staging\n');
    const found = readBackend(dir, { TF_DATA_DIR: 'data' });
    expect(found).toMatchObject({ ok: true, backend: { bucket: 'b', stateKey: 'ws/staging/k.tfstate', workspace: 'staging', s3Endpoint: 'http://s3', dynamodbEndpoint: 'http://ddb', forcePathStyle: true, useLockfile: false, dynamodbTable: 't' } });
    expect(readBackend(dir, { TF_DATA_DIR: 'data', TF_WORKSPACE: 'prod' })).toMatchObject({ backend: { stateKey: 'ws/prod/k.tfstate' } });
    expect(readBackend(dir, {})).toMatchObject({ ok: false, final: false });
    expect(workspaceStateKey('k', 'default', null)).toBe('k');
    expect(workspaceStateKey('k', 'dev', null)).toBe('env:/dev/k');
  });
});
