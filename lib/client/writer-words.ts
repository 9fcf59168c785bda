/**
 * The words for who wrote a state version, shared by the version timeline and the states view.
 * Exact about what is known: a named holder, a holder that is only likely (visible "likely", with
 * why), a write made while no lock was held, a delete marker (no writer at all), or "unknown" with
 * the reason. Pure.
 */
import { LIKELY_BASES, type AttributionBasis, type LockHolder } from '@/lib/terraform/attribution';
import { operationLabel } from './lock-words';

export interface WriterFacts {
  writer: LockHolder | null;
  attribution: AttributionBasis;
  /** With `digest_mismatch`: the holder of the lock around the write (not the writer). */
  heldBy?: LockHolder | null;
  /** With `digest_mismatch`: what the lock history alone said. */
  lockBasis?: AttributionBasis;
}

export interface WriterContext {
  /** The backend has a DynamoDB lock table. */
  lockTable: boolean;
  /** The backend locks with `.tflock` files (use_lockfile). */
  useLockfile: boolean;
  /** Entries of the key's `.tflock` history, when known. */
  lockHistoryEntries: number | null;
}

export type WriterKind = 'writer' | 'likely' | 'restore' | 'no_lock' | 'no_writer' | 'not_terraform' | 'unknown';

export interface WriterWords {
  kind: WriterKind;
  /** The main text: the holder's Who, "restored by … via Lockboard", "no lock held", "unknown" or "—". */
  label: string;
  /** A visible explanation, or null when the label says it all. */
  note: string | null;
}

const NO_DYNAMODB_HISTORY = 'DynamoDB locking deletes the lock item on release, so it keeps no record of the writer';

function unknownWhy(basis: AttributionBasis, ctx: WriterContext): string {
  switch (basis) {
    case 'ambiguous':
      return 'several locks were held in the same second as this write, so the writer cannot be told apart.';
    case 'unreadable':
      return 'the .tflock body of the lock held at that time could not be read.';
    default:
      if (!ctx.useLockfile) return `no lock history: ${NO_DYNAMODB_HISTORY}.`;
      if (ctx.lockHistoryEntries === 0) return 'no .tflock history for this state (its lock versions expired, or it was never locked with use_lockfile).';
      return 'written before the oldest .tflock entry kept, so no lock history covers it.';
  }
}

/** A content that fails the recorded digest: why Terraform did not write it, and the lock around it, not credited. */
function notTerraform(facts: WriterFacts): WriterWords {
  const held = facts.heldBy;
  const when = facts.lockBasis === 'lock' ? 'while this was written' : 'around then';
  const lock = held
    ? ` ${held.who || 'A holder with no Who'} (${operationLabel(held.operation) || 'no operation'}) held the lock ${when}; not credited.`
    : facts.lockBasis === 'no_lock_held'
      ? ' No lock was held either.'
      : '';
  return {
    kind: 'not_terraform',
    label: 'not written by Terraform',
    note: `Its content fails the digest Terraform recorded (-md5 item), and a Terraform run with the lock table records the digest of what it writes: written by hand, by another tool, or by a run without dynamodb_table.${lock}`,
  };
}

export function describeWriter(facts: WriterFacts, ctx: WriterContext): WriterWords {
  const { writer, attribution } = facts;
  if (attribution === 'delete_marker') return { kind: 'no_writer', label: '—', note: 'a delete marker records no writer.' };
  if (attribution === 'digest_mismatch') return notTerraform(facts);
  if (attribution === 'lockboard_restore' && writer) return { kind: 'restore', label: `restored by ${writer.who || 'an unnamed operator'} via Lockboard`, note: null };
  if (attribution === 'no_lock_held') {
    return {
      kind: 'no_lock',
      label: 'no lock held',
      note: `No lock was held when this was written: written outside Terraform, or with -lock=false?${ctx.lockTable ? ' (A run configured with only the DynamoDB table takes no .tflock and would show here too.)' : ''}`,
    };
  }
  if (writer === null) return { kind: 'unknown', label: 'unknown', note: unknownWhy(attribution, ctx) };
  const who = writer.who || '(no Who)';
  if (LIKELY_BASES.has(attribution)) {
    return {
      kind: 'likely',
      label: who,
      note:
        attribution === 'lock_nearby'
          ? 'Likely: written within 2 seconds of this lock, not inside it (S3 timestamps have whole seconds).'
          : 'Likely: another lock was taken in the same second; Terraform writes the state just before releasing its lock, which points to this holder.',
    };
  }
  return { kind: 'writer', label: who, note: null };
}
