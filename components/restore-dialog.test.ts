import { describe, expect, it } from 'vitest';
import { lineageDiffers, plannedSerial, restoreConfirmationMatches, restoreLockGate, restoreLockSentence } from './restore-dialog';

describe('restore dialog rules', () => {
  it('confirms only with the exact state key (surrounding spaces forgiven)', () => {
    expect(restoreConfirmationMatches('env:/prod/app.tfstate', 'env:/prod/app.tfstate')).toBe(true);
    expect(restoreConfirmationMatches('env:/prod/app.tfstate', '  env:/prod/app.tfstate ')).toBe(true);
    expect(restoreConfirmationMatches('env:/prod/app.tfstate', 'env:/prod/app')).toBe(false);
    expect(restoreConfirmationMatches('env:/prod/app.tfstate', 'ENV:/prod/app.tfstate')).toBe(false);
    expect(restoreConfirmationMatches('env:/prod/app.tfstate', '')).toBe(false);
  });

  it('announces current serial → current + 1, the chosen serial + 1 over a deleted state, nothing for encrypted', () => {
    expect(plannedSerial({ serial: 7 }, { serial: 3, kind: 'plaintext' })).toEqual({ from: 7, to: 8 });
    expect(plannedSerial({ serial: 7, deleteMarker: true }, { serial: 3, kind: 'plaintext' })).toEqual({ from: 3, to: 4 });
    expect(plannedSerial({ serial: null }, { serial: 3, kind: 'plaintext' })).toEqual({ from: 3, to: 4 });
    expect(plannedSerial({ serial: 7 }, { serial: 3, kind: 'encrypted' })).toBeNull();
    expect(plannedSerial({ serial: null }, { serial: null, kind: null })).toBeNull();
  });

  it('asks for the lineage override only when both lineages are known and differ', () => {
    expect(lineageDiffers({ lineage: 'a' }, { lineage: 'b' })).toBe(true);
    expect(lineageDiffers({ lineage: 'a' }, { lineage: 'a' })).toBe(false);
    expect(lineageDiffers({ lineage: null }, { lineage: 'b' })).toBe(false);
    expect(lineageDiffers({ lineage: 'a' }, { lineage: '' })).toBe(false);
  });

  it('says a refused restore released nothing when it had taken no lock', () => {
    expect(restoreLockSentence({ lockTaken: false, lockReleased: true })).toMatch(/had not taken a lock/);
    expect(restoreLockSentence({ lockTaken: true, lockReleased: true })).toBe('The lock Lockboard took was released.');
    expect(restoreLockSentence({ lockTaken: true, lockReleased: false })).toMatch(/could NOT be released/);
    // An older server without lockTaken: as before.
    expect(restoreLockSentence({ lockReleased: true })).toBe('The lock Lockboard took was released.');
  });

  it('offers no restore while the state is locked, waits for the first lock read, and does not block on an unknown lock', () => {
    expect(restoreLockGate({ status: { status: 'locked' }, reading: false })).toEqual({ unavailable: expect.stringMatching(/locked/), blocked: null });
    expect(restoreLockGate({ status: { status: 'unknown', why: 'not read yet.' }, reading: true })).toEqual({ unavailable: null, blocked: expect.stringMatching(/Checking/) });
    expect(restoreLockGate({ status: { status: 'unknown', why: 'the lock could not be read' }, reading: false })).toEqual({ unavailable: null, blocked: null });
    expect(restoreLockGate({ status: { status: 'free' }, reading: false })).toEqual({ unavailable: null, blocked: null });
  });
});
