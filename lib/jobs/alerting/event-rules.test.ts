import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatRfc3339Nano, marshalLockInfo, type LockInfo } from '../../terraform/lock-info';
import { mergeLocks, type Lock, type LockContext } from '../../terraform/locks';
import { forceUnlockCommand, shellQuote } from '../../terraform/lock-info';
import { deriveEvents, heldBackEvent, mutationEvent, reminderNumber, type RuleSettings, type SnapshotFacts } from './event-rules';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const backend = { id: 'prod', name: 'Production' };
const settings: RuleSettings = { staleAfterMinutes: 60, remindAfterMinutes: 240, publicUrl: 'https://lockboard.example.com/', nowMs: NOW };

function lockAt(key: string, ageMinutes: number, over: Partial<LockInfo> = {}, dual = false, nowMs = NOW): Lock {
  const info: LockInfo = { id: `id-${key}`, operation: 'OperationTypeApply', info: '', who: 'ci@runner', version: '1.11.4', created: formatRfc3339Nano(NOW - ageMinutes * 60_000), path: `b/${key}`, ...over };
  const ctx: LockContext = { bucket: 'b', workspaceKeyPrefix: 'env:', dualMode: dual, staleAfterMinutes: 60, nowMs };
  return mergeLocks(ctx, [{ lockId: `b/${key}`, info: marshalLockInfo(info) }], [])[0]!;
}

const facts = (locks: Lock[], states: SnapshotFacts['states'] = null): SnapshotFacts => ({ locks, states });

describe('shellQuote', () => {
  it('quotes a Terraform lock ID as one word (the same command the pages copy)', () => {
    expect(forceUnlockCommand('0b5b5b0e-1c2d-3e4f-5a6b-7c8d9e0f1a2b')).toBe("terraform force-unlock '0b5b5b0e-1c2d-3e4f-5a6b-7c8d9e0f1a2b'");
  });

  it.each(['$(touch /tmp/pwned)', '`id`', "it's\nrm -rf ~", 'a b;c', '', "'"])('makes %j one literal word for sh', (id) => {
    const out = execFileSync('sh', ['-c', `printf '%s' ${shellQuote(id)}`], { encoding: 'utf8' });
    expect(out).toBe(id);
  });
});

describe('deriveEvents', () => {
  it('says nothing about a fresh lock', () => {
    expect(deriveEvents(backend, null, facts([lockAt('app/terraform.tfstate', 5)]), settings)).toEqual([]);
  });

  it('tells a stale lock with holder, age, link and the quoted command, under a stable id', () => {
    const lock = lockAt('env:/stg/app/terraform.tfstate', 90, { id: 'x$(id)' });
    const [event] = deriveEvents(backend, null, facts([lock]), settings);
    expect(event).toMatchObject({
      type: 'lock.stale',
      reminder: 0,
      backend,
      key: 'env:/stg/app/terraform.tfstate',
      workspace: 'stg',
      ageSeconds: 5400,
      link: 'https://lockboard.example.com/state?backend=prod&key=env%3A%2Fstg%2Fapp%2Fterraform.tfstate',
      // Workspace `stg`: force-unlock acts on the selected workspace.
      forceUnlock: "terraform workspace select 'stg' && terraform force-unlock 'x$(id)'",
      lock: { id: 'x$(id)', who: 'ci@runner', operation: 'OperationTypeApply', version: '1.11.4' },
    });
    expect(event!.summary).toMatch(/Stale lock: .* held by ci@runner \(OperationTypeApply\) for 90 min/);
    // Another replica, a minute later: the same id.
    const again = deriveEvents(backend, facts([lock]), facts([lockAt('env:/stg/app/terraform.tfstate', 90, { id: 'x$(id)' }, false, NOW + 60_000)]), { ...settings, nowMs: NOW + 60_000 });
    expect(again.map((e) => e.id)).toEqual([event!.id]);
  });

  it('reminds once per reminder period', () => {
    expect(reminderNumber(59 * 60, settings)).toBeNull();
    expect(reminderNumber(60 * 60, settings)).toBe(0);
    expect(reminderNumber((60 + 239) * 60, settings)).toBe(0);
    expect(reminderNumber((60 + 240) * 60, settings)).toBe(1);
    const e = deriveEvents(backend, null, facts([lockAt('a', 60 + 480)]), settings);
    expect(e[0]).toMatchObject({ type: 'lock.stale', reminder: 2 });
    expect(e[0]!.id).toMatch(/\.2$/);
  });

  it('tells the release of a lock that was stale, and who released it', () => {
    const lock = lockAt('a', 120);
    const byHolder = deriveEvents(backend, facts([lock]), facts([]), settings);
    expect(byHolder).toHaveLength(1);
    expect(byHolder[0]).toMatchObject({ type: 'lock.released', released: { by: 'holder_or_other', actor: null } });
    const byLockboard = deriveEvents(backend, facts([lock]), facts([]), settings, [{ key: 'a', lockId: lock.id, actor: 'alice@example.com', reason: 'runner died' }]);
    expect(byLockboard[0]).toMatchObject({ released: { by: 'lockboard', actor: 'alice@example.com', reason: 'runner died' } });
    expect(byLockboard[0]!.summary).toContain('force-unlocked in Lockboard by alice@example.com');
    expect(byLockboard[0]!.id).toBe(byHolder[0]!.id);
    // A fresh lock going away is ordinary Terraform life: nothing to tell.
    expect(deriveEvents(backend, facts([lockAt('b', 5)]), facts([]), settings)).toEqual([]);
  });

  it('treats the same holder re-locking as a new lock', () => {
    const first = deriveEvents(backend, null, facts([lockAt('a', 120, { id: 'one' })]), settings);
    const second = deriveEvents(backend, null, facts([lockAt('a', 120, { id: 'two' })]), settings);
    expect(first[0]!.id).not.toBe(second[0]!.id);
  });

  it('tells a split or malformed lock only once it persists across two reads', () => {
    const split = lockAt('s', 5, {}, true);
    expect(split.problems).toContain('split_lock');
    expect(deriveEvents(backend, null, facts([split]), settings)).toEqual([]);
    expect(deriveEvents(backend, facts([split]), facts([split]), settings).map((e) => e.type)).toEqual(['lock.split']);
    const bad = mergeLocks({ bucket: 'b', workspaceKeyPrefix: 'env:', dualMode: false, staleAfterMinutes: 60, nowMs: NOW }, [{ lockId: 'b/m', info: '{not json' }], [])[0]!;
    expect(deriveEvents(backend, facts([bad]), facts([bad]), settings).map((e) => e.type)).toEqual(['lock.malformed']);
  });

  it('tells a state that newly fails its digest, once per (ETag, digest)', () => {
    const ok = { key: 'k', workspace: 'default', etag: 'e1', digest: 'd1', digestStatus: 'match' };
    const bad = { ...ok, etag: 'e2', digestStatus: 'mismatch', calculatedMd5: 'c2' };
    const first = deriveEvents(backend, facts([], [ok]), facts([], [bad]), settings);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ type: 'digest.mismatch', key: 'k', digest: { stored: 'd1', calculated: 'c2', etag: 'e2' } });
    expect(deriveEvents(backend, facts([], [bad]), facts([], [bad]), settings)).toEqual([]);
    // After a restart (no previous read) it is derived again under the same id: the claim makes it harmless.
    expect(deriveEvents(backend, null, facts([], [bad]), settings)[0]!.id).toBe(first[0]!.id);
  });

  it('tells nothing for a lockfile-only state: no digest by design is not a problem', () => {
    const files = { key: 'k', workspace: 'default', etag: 'e1', digest: null, digestStatus: 'not_applicable' };
    expect(deriveEvents(backend, null, facts([], [files]), settings)).toEqual([]);
    expect(deriveEvents(backend, facts([], [{ ...files, digestStatus: 'match', digest: 'd1' }]), facts([], [{ ...files, etag: 'e2' }]), settings)).toEqual([]);
  });
});

describe('mutationEvent', () => {
  it('carries actor, reason and outcome, with an id per attempt and outcome', () => {
    const e = mutationEvent(backend, { auditId: 'r1', action: 'force-unlock', outcome: 'failed', user: 'bob', reason: 'stuck', key: 'a', workspace: 'default', errorCode: 'lock_changed', errorMessage: 'newer lock', lockId: 'L' }, settings);
    expect(e).toMatchObject({ id: 'mutation.r1.failed', type: 'mutation', mutation: { action: 'force-unlock', actor: 'bob', reason: 'stuck', outcome: 'failed' }, forceUnlock: "terraform force-unlock 'L'" });
  });
});

describe('audit events', () => {
  const m = { auditId: 'a1', action: 'download', outcome: 'succeeded', user: 'ci-bot', reason: null, key: 'app/terraform.tfstate', workspace: 'default', errorCode: null, errorMessage: null, lockId: null };

  it('a raw download is its own event type, a change is a mutation', () => {
    expect(mutationEvent(backend, m, settings)).toMatchObject({ id: 'download.a1.succeeded', type: 'download' });
    expect(mutationEvent(backend, { ...m, action: 'restore' }, settings)).toMatchObject({ id: 'mutation.a1.succeeded', type: 'mutation' });
  });

  it('events held back by the rate limit are told in one summary of their type', () => {
    const e = heldBackEvent(backend, { actor: 'ci-bot', type: 'download', suppressed: 2086, windowStartMs: NOW - 60_000, windowEndMs: NOW }, 'replica-1', settings);
    expect(e).toMatchObject({ type: 'download', key: null, rateLimited: { actor: 'ci-bot', suppressed: 2086 } });
    expect(e.summary).toMatch(/^2086 more raw state downloads by ci-bot between .* were not sent one by one/);
    expect(e.id).not.toBe(heldBackEvent(backend, { actor: 'ci-bot', type: 'download', suppressed: 1, windowStartMs: NOW - 60_000, windowEndMs: NOW }, 'replica-2', settings).id);
  });
});
