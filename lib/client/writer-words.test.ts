import { describe, expect, it } from 'vitest';
import type { LockHolder } from '@/lib/terraform/attribution';
import { describeWriter, type WriterContext } from './writer-words';

const holder: LockHolder = { id: 'id-1', who: 'alice@laptop', operation: 'OperationTypeApply', version: '1.11.4', created: '', lockVersionId: 'L1' };
const lockfile: WriterContext = { lockTable: false, useLockfile: true, lockHistoryEntries: 4 };
const dynamoOnly: WriterContext = { lockTable: true, useLockfile: false, lockHistoryEntries: 0 };

describe('describeWriter', () => {
  it('names a holder found inside a lock window plainly', () => {
    expect(describeWriter({ writer: holder, attribution: 'lock' }, lockfile)).toEqual({ kind: 'writer', label: 'alice@laptop', note: null });
  });

  it('marks a nearby or same-second holder as likely, with why', () => {
    expect(describeWriter({ writer: holder, attribution: 'lock_nearby' }, lockfile)).toMatchObject({ kind: 'likely', label: 'alice@laptop', note: expect.stringMatching(/^Likely: written within 2 seconds/) });
    expect(describeWriter({ writer: holder, attribution: 'lock_likely' }, lockfile)).toMatchObject({ kind: 'likely', note: expect.stringMatching(/same second/) });
  });

  it('says a write with no lock held was made outside Terraform (or -lock=false), never a guess', () => {
    expect(describeWriter({ writer: null, attribution: 'no_lock_held' }, lockfile)).toEqual({
      kind: 'no_lock',
      label: 'no lock held',
      note: 'No lock was held when this was written: written outside Terraform, or with -lock=false?',
    });
    expect(describeWriter({ writer: null, attribution: 'no_lock_held' }, { ...lockfile, lockTable: true }).note).toMatch(/only the DynamoDB table/);
  });

  it('gives a delete marker no writer at all', () => {
    expect(describeWriter({ writer: holder, attribution: 'delete_marker' }, lockfile)).toMatchObject({ kind: 'no_writer', label: '—' });
  });

  it('names the operator of a Lockboard restore', () => {
    expect(describeWriter({ writer: { ...holder, who: 'bob@example.com' }, attribution: 'lockboard_restore' }, dynamoOnly)).toEqual({ kind: 'restore', label: 'restored by bob@example.com via Lockboard', note: null });
  });

  it('credits no holder for a content that fails the recorded digest, and says Terraform did not write it', () => {
    const words = describeWriter({ writer: null, attribution: 'digest_mismatch', heldBy: holder, lockBasis: 'lock_nearby' }, lockfile);
    expect(words.kind).toBe('not_terraform');
    expect(words.label).toBe('not written by Terraform');
    expect(words.note).toMatch(/^Its content fails the digest Terraform recorded/);
    expect(words.note).toContain('alice@laptop (apply) held the lock around then; not credited.');
    expect(words.note).not.toMatch(/likely/i);
    expect(describeWriter({ writer: null, attribution: 'digest_mismatch', heldBy: holder, lockBasis: 'lock' }, lockfile).note).toContain('held the lock while this was written');
    expect(describeWriter({ writer: null, attribution: 'digest_mismatch', heldBy: null, lockBasis: 'no_lock_held' }, lockfile).note).toMatch(/No lock was held either\.$/);
    expect(describeWriter({ writer: null, attribution: 'digest_mismatch', heldBy: null, lockBasis: 'none' }, dynamoOnly).note).toMatch(/without dynamodb_table\.$/);
  });

  it('says why a writer is unknown', () => {
    expect(describeWriter({ writer: null, attribution: 'none' }, dynamoOnly)).toEqual({ kind: 'unknown', label: 'unknown', note: expect.stringMatching(/^no lock history: DynamoDB locking deletes the lock item/) });
    expect(describeWriter({ writer: null, attribution: 'none' }, { ...lockfile, lockHistoryEntries: 0 }).note).toMatch(/no \.tflock history/);
    expect(describeWriter({ writer: null, attribution: 'none' }, lockfile).note).toMatch(/before the oldest \.tflock entry/);
    expect(describeWriter({ writer: null, attribution: 'ambiguous' }, lockfile).note).toMatch(/several locks/);
    expect(describeWriter({ writer: null, attribution: 'unreadable' }, lockfile).note).toMatch(/could not be read/);
  });
});
