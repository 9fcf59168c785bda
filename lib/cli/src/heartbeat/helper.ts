/**
 * The heartbeat helper: a small process `lockboard run` starts beside the command, in the same process
 * group, with no terminal or pipe of the command's (so a CI log never waits on it). It watches the
 * Terraform (or OpenTofu) processes of the run — the wrapper's child, or the ones Terragrunt starts —
 * by PID *and* start time, not the wrapper: if only the wrapper is killed, the beats go on while
 * Terraform runs. For each such process it learns the backend (backend.ts), polls the lock until the
 * one this process took appears (Who `…@<this host>`, Created after the process started), then writes
 * `<prefix><lock id>/<writer>.json` every interval while that lock is held and deletes it once the lock
 * is released. If the process dies still holding the lock: killed by a signal (the wrapper saw it), a
 * last beat says `exited`; gone without a known status, the beats just stop. A process that exited
 * normally while the lock stays was not its holder (Terraform releases its own lock before it exits,
 * so the lock is another run's): its beat is deleted rather than made evidence against that run.
 *
 * It ignores the signals a terminal or a CI runner sends the group (so it outlives a graceful stop
 * while Terraform releases its lock) and reports each one to the wrapper, which forwards a signal to
 * the command only when the group did not get it already (commands/run.ts).
 */
import fs from 'node:fs';
import { heartbeatKey, heartbeatWriter, HEARTBEAT_FORMAT, type HeartbeatBody } from '../../../api/heartbeat';
import type { HeartbeatStore, HeldLock } from './aws';
import { awsReason, isDenied } from './aws-errors';
import { readBackend, type S3Backend } from './backend';
import { cmdlineOf, cwdOf, descendantsOf, isRunning, isTerraformArgv, procOf, tfEnvOf, type Proc } from './procs';

export interface HelperSpec {
  child: { pid: number; startMs: number; cwd: string; argv: string[]; env: Record<string, string> };
  intervalSeconds: number;
  prefix: string;
  host: string;
  /** Append a line per event to this file (tests, debugging). */
  log?: string;
}

export type ToWrapper = { type: 'notice'; text: string } | { type: 'signal'; signal: string } | { type: 'ready' } | { type: 'done' };
export type ToHelper = { type: 'exited'; code: number | null; signal: string | null };

interface Claim {
  lock: HeldLock;
  objectKey: string;
  body: HeartbeatBody;
  lastBeatMs: number;
}

interface Watched {
  proc: Proc;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  direct: boolean;
  backend: S3Backend | null;
  store: HeartbeatStore | null;
  /** Why there can be no heartbeat for this process (said once). */
  stopped: string | null;
  claim: Claim | null;
  lastPollMs: number;
}

/** Subcommands that take a state lock: only for these is a missing heartbeat worth a line. */
const LOCKING = new Set(['apply', 'destroy', 'plan', 'refresh', 'import', 'taint', 'untaint', 'state', 'console', 'force-unlock', 'workspace']);
const SAY_AFTER_MS = 3000;
const isLocking = (argv: readonly string[]) => LOCKING.has(argv.find((a, i) => i > 0 && !a.startsWith('-')) ?? '');

function createdMs(created: string): number {
  // RFC 3339 with up to nanoseconds: Date.parse reads milliseconds.
  return Date.parse(created.replace(/(\.\d{3})\d+/, '$1'));
}

export class Helper {
  private readonly watched = new Map<string, Watched>();
  private readonly ignored = new Set<string>();
  private readonly said = new Set<string>();
  private childExit: ToHelper | null = null;
  private first: Proc | null = null;
  private wake: (() => void) | null = null;
  private readonly pollMs: number;

  constructor(
    private readonly spec: HelperSpec,
    private readonly storeFor: (b: S3Backend) => HeartbeatStore,
    private readonly send: (m: ToWrapper) => void,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.pollMs = Math.min(1000, spec.intervalSeconds * 1000);
  }

  log(line: string): void {
    if (this.spec.log) fs.appendFileSync(this.spec.log, `${new Date().toISOString()} ${line}\n`);
  }

  private sayOnce(text: string): void {
    if (this.said.has(text)) return;
    this.said.add(text);
    this.log(`notice ${text}`);
    this.send({ type: 'notice', text });
  }

  /** The wrapper's child ended (its status is known only to the wrapper). */
  childExited(m: ToHelper): void {
    this.childExit = m;
    this.wake?.();
  }

  async run(): Promise<void> {
    const c = this.spec.child;
    const first = procOf(c.pid, c.startMs);
    this.first = first;
    // Already gone (a short run, before the helper started): still looked at once, to say why no heartbeat.
    if (isTerraformArgv(c.argv)) this.watch(first ?? { pid: c.pid, startTicks: 'gone', startMs: c.startMs }, c.argv, c.cwd, c.env, true);
    for (;;) {
      await this.tick();
      const childGone = this.childExit !== null || !first || !isRunning(first);
      if (childGone && this.watched.size === 0) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.pollMs);
      });
      this.wake = null;
    }
    this.log('done');
  }

  private watch(proc: Proc, argv: string[], cwd: string, env: Record<string, string>, direct: boolean): void {
    this.log(`watch pid ${proc.pid} (${argv.slice(0, 3).join(' ')}) in ${cwd}`);
    this.watched.set(`${proc.pid}.${proc.startTicks}`, { proc, argv, cwd, env, direct, backend: null, store: null, stopped: null, claim: null, lastPollMs: 0 });
  }

  /** Terraform processes Terragrunt (or a script) started under the wrapper's child. */
  private discover(): void {
    for (const pid of descendantsOf(this.spec.child.pid)) {
      const proc = procOf(pid);
      if (!proc) continue;
      const id = `${pid}.${proc.startTicks}`;
      if (this.watched.has(id) || this.ignored.has(id)) continue;
      const argv = cmdlineOf(pid);
      const cwd = cwdOf(pid);
      if (argv && cwd && isTerraformArgv(argv)) this.watch(proc, argv, cwd, tfEnvOf(pid) ?? {}, false);
      else this.ignored.add(id);
    }
  }

  private async tick(): Promise<void> {
    // Only while the child runs: after it, its PID may be another program's.
    if (this.first && this.childExit === null && isRunning(this.first)) this.discover();
    await Promise.all([...this.watched.entries()].map(async ([id, w]) => {
      const gone = !isRunning(w.proc) || (w.direct && this.childExit !== null);
      if (gone) {
        await this.finish(w);
        this.watched.delete(id);
        return;
      }
      await this.step(w);
    }));
  }

  private findBackend(w: Watched): void {
    // -chdir takes effect inside Terraform: read its working directory as it is now.
    const cwd = cwdOf(w.proc.pid) ?? w.cwd;
    const found = readBackend(cwd, w.env);
    if (found.ok) {
      w.backend = found.backend;
      w.store = this.storeFor(found.backend);
      this.log(`backend s3://${found.backend.bucket}/${found.backend.stateKey} (workspace ${found.backend.workspace})`);
      return;
    }
    if (found.final) w.stopped = found.reason;
    if (isLocking(w.argv) && (found.final || this.nowMs() - w.proc.startMs > SAY_AFTER_MS)) this.sayOnce(`no heartbeat: ${found.reason}`);
  }

  private async step(w: Watched): Promise<void> {
    if (w.stopped) return;
    if (!w.store) this.findBackend(w);
    if (!w.store || !w.backend) return;
    const now = this.nowMs();
    const due = w.claim ? now - w.claim.lastBeatMs >= this.spec.intervalSeconds * 1000 : now - w.lastPollMs >= this.pollMs;
    if (!due) return;
    w.lastPollMs = now;
    try {
      const lock = await w.store.readLock();
      if (w.claim) {
        if (!lock || lock.id !== w.claim.lock.id) {
          this.log(`released ${w.claim.lock.id}`);
          await w.store.deleteBeat(w.claim.objectKey);
          w.claim = null;
        } else await this.beat(w, w.claim);
        return;
      }
      if (lock && this.isOurs(lock, w)) {
        const body: HeartbeatBody = {
          v: HEARTBEAT_FORMAT,
          lockId: lock.id,
          who: lock.who,
          created: lock.created,
          key: w.backend.stateKey,
          host: this.spec.host,
          pid: w.proc.pid,
          command: w.argv.join(' ').slice(0, 512),
          state: 'running',
          intervalSeconds: this.spec.intervalSeconds,
          startedAt: new Date(now).toISOString(),
        };
        const claim: Claim = { lock, objectKey: heartbeatKey(this.spec.prefix, lock.id, heartbeatWriter(this.spec.host, w.proc.pid, w.proc.startTicks || String(w.proc.startMs))), body, lastBeatMs: 0 };
        this.log(`claim ${lock.id} as ${claim.objectKey}`);
        w.claim = claim;
        await this.beat(w, claim);
      }
    } catch (e) {
      this.failed(w, e);
    }
  }

  /** The lock this process took: written by this host's user after the process started. */
  private isOurs(lock: HeldLock, w: Watched): boolean {
    if (!lock.who.endsWith(`@${this.spec.host}`)) return false;
    const t = createdMs(lock.created);
    if (!Number.isFinite(t) || t < w.proc.startMs - 2000 || t > this.nowMs() + 60_000) return false;
    // Another watched process of this run claimed it first (a lock is one process's).
    return ![...this.watched.values()].some((o) => o !== w && o.claim?.lock.id === lock.id);
  }

  private async beat(w: Watched, claim: Claim): Promise<void> {
    await w.store!.putBeat(claim.objectKey, JSON.stringify(claim.body));
    claim.lastBeatMs = this.nowMs();
    this.log(`beat ${claim.lock.id} ${claim.body.state}`);
  }

  private failed(w: Watched, e: unknown): void {
    const reason = awsReason(e);
    this.log(`error ${reason}`);
    if (isDenied(e)) {
      w.stopped = reason;
      this.sayOnce(`no heartbeat: not allowed (${reason}); the command runs without one`);
    } else this.sayOnce(`heartbeat write failed, retrying: ${reason}`);
  }

  /** The process is gone: delete its beat, or leave the evidence that it died holding the lock. */
  private async finish(w: Watched): Promise<void> {
    // A short run that never found its backend (a local one): said now, before the wrapper exits.
    if (!w.backend && !w.stopped && isLocking(w.argv)) {
      const found = readBackend(w.cwd, w.env);
      if (!found.ok) this.sayOnce(`no heartbeat: ${found.reason}`);
    }
    const claim = w.claim;
    if (!claim || !w.store) return;
    try {
      const lock = await w.store.readLock();
      if (!lock || lock.id !== claim.lock.id) {
        this.log(`exit: released ${claim.lock.id}`);
        await w.store.deleteBeat(claim.objectKey);
        return;
      }
      const status = w.direct ? this.childExit : null;
      if (status?.signal) {
        this.log(`exit: killed by ${status.signal} holding ${claim.lock.id}`);
        claim.body = { ...claim.body, state: 'exited' };
        await this.beat(w, claim);
      } else if (status && status.code !== null) {
        // A normal exit never leaves Terraform's own lock: this lock is another run's.
        this.log(`exit: code ${status.code}, lock ${claim.lock.id} still held: not ours`);
        await w.store.deleteBeat(claim.objectKey);
      } else this.log(`exit: status unknown, lock ${claim.lock.id} still held: beats stop`);
    } catch (e) {
      this.failed(w, e);
    }
  }
}

/** The helper process's entry point (`lockboard __heartbeat-helper`): the spec comes in LOCKBOARD_HEARTBEAT_SPEC. */
export async function helperMain(): Promise<void> {
  const send = (m: ToWrapper) => {
    if (process.connected) process.send?.(m);
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) process.on(s, () => send({ type: 'signal', signal: s }));
  // Stopped with the terminal's job, it would miss beats while Terraform is merely paused: keep beating.
  for (const s of ['SIGTSTP', 'SIGTTIN', 'SIGTTOU'] as const) process.on(s, () => undefined);
  const spec = JSON.parse(process.env.LOCKBOARD_HEARTBEAT_SPEC ?? '{}') as HelperSpec;
  let helper: Helper | null = null;
  // Messages can come before the SDK is loaded: keep the child's exit until the helper exists.
  let early: ToHelper | null = null;
  process.on('message', (m: ToHelper) => {
    if (m?.type !== 'exited') return;
    if (helper) helper.childExited(m);
    else early = m;
  });
  // The wrapper may be killed alone: the helper goes on watching Terraform.
  process.on('disconnect', () => undefined);
  try {
    // The SDK is loaded by the helper only, never by `lockboard` itself.
    const { s3Store } = await import('./aws');
    helper = new Helper(spec, s3Store, send);
    if (early) helper.childExited(early);
    send({ type: 'ready' });
    await helper.run();
  } catch (e) {
    send({ type: 'notice', text: `no heartbeat: the helper failed (${e instanceof Error ? e.message : String(e)})` });
  }
  send({ type: 'done' });
  if (process.connected) process.disconnect();
}
