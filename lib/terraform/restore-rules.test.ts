import { describe, expect, it } from 'vitest';
import { formatRfc3339Nano, marshalLockInfo, parseLockInfo, type LockInfo } from './lock-info';
import { RESTORE_OPERATION, checkRestoreLineage, planRestore, restoreLockInfo } from './restore-rules';

/**
 * LockInfo bodies written by the real Terraform 1.11.4 binary against the local stack, copied byte
 * for byte from the DynamoDB `Info` attribute (the `.tflock` object held the identical bytes). The
 * first two ran `terraform apply` inside a UTS namespace whose hostname was `ci<a>&b` and
 * `q"\é<U+2028>x`, so Who shows Go's HTML escaping and its U+2028 escape. String.raw keeps each
 * backslash as Terraform wrote it.
 */
const CAPTURED = {
  htmlEscaped: String.raw`{"ID":"e9d92051-258a-bee2-4ff5-2784411ea30b","Operation":"OperationTypeApply","Info":"","Who":"root@ci\u003ca\u003e\u0026b","Version":"1.11.4","Created":"2026-11-28T12:40:47.345686008Z","Path":"rp-capture/cap/terraform.tfstate"}`,
  quotesAndLineSeparator: String.raw`{"ID":"795012f1-f0a6-c271-349f-cc5b9dfe9160","Operation":"OperationTypeApply","Info":"","Who":"root@q\"\\é\u2028x","Version":"1.11.4","Created":"2026-11-28T12:41:02.002675303Z","Path":"rp-capture/cap/terraform.tfstate"}`,
  trimmedNanos: String.raw`{"ID":"d4072afe-16dc-fc32-49fc-6357f28db2f8","Operation":"OperationTypeApply","Info":"","Who":"root@vm","Version":"1.11.4","Created":"2026-11-28T12:41:10.31772255Z","Path":"rp-capture/cap/terraform.tfstate"}`,
};

function built(over: Partial<LockInfo>): LockInfo {
  return { id: '', operation: 'OperationTypeApply', info: '', who: 'root@vm', version: '1.11.4', created: '', path: 'rp-capture/cap/terraform.tfstate', ...over };
}

describe('Go-compatible LockInfo against Terraform 1.11.4 output', () => {
  it('re-marshals each captured body byte for byte', () => {
    for (const body of Object.values(CAPTURED)) expect(marshalLockInfo(parseLockInfo(body).info)).toBe(body);
  });

  it('builds the same bytes from raw field values (escaping <, >, &, quotes, backslash, U+2028)', () => {
    expect(
      marshalLockInfo(built({ id: 'e9d92051-258a-bee2-4ff5-2784411ea30b', who: 'root@ci<a>&b', created: formatRfc3339Nano(Date.UTC(2026, 10, 28, 12, 40, 47, 345), 686_008) })),
    ).toBe(CAPTURED.htmlEscaped);
    expect(
      marshalLockInfo(built({ id: '795012f1-f0a6-c271-349f-cc5b9dfe9160', who: 'root@q"\\é\u2028x', created: formatRfc3339Nano(Date.UTC(2026, 10, 28, 12, 41, 2, 2), 675_303) })),
    ).toBe(CAPTURED.quotesAndLineSeparator);
  });

  it('trims trailing zeros of the nanoseconds as Go does', () => {
    // 12:41:10.317722550 → ".31772255Z" (Terraform's own capture).
    expect(marshalLockInfo(built({ id: 'd4072afe-16dc-fc32-49fc-6357f28db2f8', created: formatRfc3339Nano(Date.UTC(2026, 10, 28, 12, 41, 10, 317), 722_550) }))).toBe(CAPTURED.trimmedNanos);
    const second = Date.UTC(2025, 2, 4, 10, 15, 30);
    expect(formatRfc3339Nano(second + 100, 0)).toBe('2025-03-04T10:15:30.1Z');
    expect(formatRfc3339Nano(second, 0)).toBe('2025-03-04T10:15:30Z');
    expect(formatRfc3339Nano(second, 10)).toBe('2025-03-04T10:15:30.00000001Z');
    expect(formatRfc3339Nano(second + 999, 999_999)).toBe('2025-03-04T10:15:30.999999999Z');
  });
});

describe('restoreLockInfo', () => {
  const input = {
    bucket: 'tf-states',
    key: 'env:/prod/app/terraform.tfstate',
    user: 'alice@example.com',
    version: '0.1.0',
    randomBytes: Uint8Array.from({ length: 16 }, (_, i) => 0xf0 + i),
    epochMs: Date.UTC(2026, 0, 2, 3, 4, 5, 60),
    nanos: 123_400,
  };

  it('is what Terraform would write, with Lockboard as operation and Who', () => {
    const info = restoreLockInfo(input);
    expect(marshalLockInfo(info)).toBe(
      '{"ID":"f0f1f2f3-f4f5-f6f7-f8f9-fafbfcfdfeff","Operation":"lockboard-restore","Info":"","Who":"alice@example.com@lockboard","Version":"0.1.0","Created":"2026-01-02T03:04:05.0601234Z","Path":"tf-states/env:/prod/app/terraform.tfstate"}',
    );
    expect(info.operation).toBe(RESTORE_OPERATION);
  });

  it('escapes an identity with HTML characters as Go would', () => {
    expect(marshalLockInfo(restoreLockInfo({ ...input, user: 'a<b>&c' }))).toContain('"Who":"a\\u003cb\\u003e\\u0026c@lockboard"');
  });

  it('clamps the sub-millisecond part to the nanosecond range', () => {
    expect(restoreLockInfo({ ...input, nanos: 5_000_000 }).created).toBe('2026-01-02T03:04:05.060999999Z');
    expect(restoreLockInfo({ ...input, nanos: -3 }).created).toBe('2026-01-02T03:04:05.06Z');
  });
});

describe('checkRestoreLineage', () => {
  it('accepts the same lineage', () => {
    expect(checkRestoreLineage('abc', 'abc')).toEqual({ ok: true, message: null });
  });

  it('refuses an unrelated lineage with Terraform state push wording', () => {
    expect(checkRestoreLineage('old-l', 'new-l')).toEqual({ ok: false, message: 'cannot import state with lineage "new-l" over unrelated state with lineage "old-l"' });
  });

  it('allows an empty or unknown lineage on either side, as state push does', () => {
    expect(checkRestoreLineage('old-l', null).ok).toBe(true);
    expect(checkRestoreLineage('', 'new-l').ok).toBe(true);
    expect(checkRestoreLineage(null, 'new-l').ok).toBe(true);
  });

  it('accepts a lineage change only when explicitly allowed (like state push -force)', () => {
    expect(checkRestoreLineage('old-l', 'new-l', true)).toEqual({ ok: true, message: null });
  });
});

describe('planRestore', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const dec = (b: Uint8Array) => new TextDecoder().decode(b);
  const state = (serial: number | string, lineage: string, resources: unknown[] = [], compact = false) => {
    const doc = `{"version":4,"terraform_version":"1.11.4","serial":${serial},"lineage":"${lineage}","outputs":{},"resources":${JSON.stringify(resources)},"check_results":null}`;
    return compact ? doc + '\n' : JSON.stringify(JSON.parse(doc), null, 2) + '\n';
  };
  const encrypted = (serial: number, lineage: string) =>
    `{"serial":${serial},"lineage":"${lineage}","meta":{"key_provider.pbkdf2.main":"eyJzYWx0IjoiQUFBQSJ9"},"encrypted_data":"c2VjcmV0","encryption_version":"v0"}\n`;

  it('bumps the chosen document to current serial + 1, keeping its layout', () => {
    const chosen = state(3, 'L', [{ mode: 'managed', type: 't', name: 'a', instances: [{ attributes: { serial: 1 } }] }]);
    const plan = planRestore({ current: enc(state(9, 'L')), chosen: enc(chosen) });
    if (!plan.ok) throw new Error(plan.message);
    expect(plan).toMatchObject({ serial: 10n, serialBumped: true, currentSerial: 9n, chosenSerial: 3n, lineageChanged: false, chosenKind: 'plaintext', warnings: [] });
    expect(dec(plan.bytes)).toBe(chosen.replace('"serial": 3,', '"serial": 10,'));
    expect(plan.layout?.style).toBe('indented');

    const compact = state(3, 'L', [], true);
    const p2 = planRestore({ current: enc(state(9, 'L', [], true)), chosen: enc(compact) });
    expect(p2.ok && dec(p2.bytes)).toBe(compact.replace('"serial":3', '"serial":10'));
  });

  it('refuses another lineage unless allowed, with Terraform wording', () => {
    const refused = planRestore({ current: enc(state(9, 'A')), chosen: enc(state(3, 'B')) });
    expect(refused).toMatchObject({ ok: false, code: 'lineage_mismatch' });
    expect(!refused.ok && refused.message).toContain('cannot import state with lineage "B" over unrelated state with lineage "A"');
    const allowed = planRestore({ current: enc(state(9, 'A')), chosen: enc(state(3, 'B')), allowLineageChange: true });
    expect(allowed).toMatchObject({ ok: true, serial: 10n, lineageChanged: true });
    expect(allowed.ok && allowed.warnings[0]).toContain('lineage changes');
  });

  it('copies an OpenTofu-encrypted version byte for byte and says the serial was not bumped', () => {
    const chosen = enc(encrypted(4, 'L'));
    const plan = planRestore({ current: enc(encrypted(7, 'L')), chosen });
    expect(plan).toMatchObject({ ok: true, serialBumped: false, serial: 4n, chosenKind: 'encrypted' });
    expect(plan.ok && plan.bytes).toBe(chosen);
    expect(plan.ok && plan.warnings.join(' ')).toContain('could not be bumped');
    expect(planRestore({ current: enc(encrypted(7, 'A')), chosen })).toMatchObject({ ok: false, code: 'lineage_mismatch' });
  });

  it('restores over a deleted or unreadable current state from the chosen serial', () => {
    expect(planRestore({ current: null, chosen: enc(state(5, 'L')) })).toMatchObject({ ok: true, serial: 6n, currentKind: null, warnings: [] });
    const overGarbage = planRestore({ current: enc('{oops'), chosen: enc(state(5, 'L')) });
    expect(overGarbage).toMatchObject({ ok: true, serial: 6n, currentKind: 'not_json' });
    expect(overGarbage.ok && overGarbage.warnings[0]).toContain('not a readable state');
  });

  it('keeps big serials exact', () => {
    // Compact: the helper's indented form would round-trip through JSON.parse and lose the digits.
    const plan = planRestore({ current: enc(state('9007199254740993', 'L', [], true)), chosen: enc(state(1, 'L')) });
    expect(plan.ok && dec(plan.bytes)).toContain('"serial": 9007199254740994,');
    expect(planRestore({ current: enc(state('18446744073709551615', 'L', [], true)), chosen: enc(state(1, 'L')) })).toMatchObject({ ok: false, code: 'bad_request' });
  });

  it('refuses a chosen version that is not a state', () => {
    for (const bad of ['', '{oops', '[1]', '{"a":1}', '{"version":4,"serial":"x","lineage":"L"}']) {
      expect(planRestore({ current: enc(state(2, 'L')), chosen: enc(bad) })).toMatchObject({ ok: false, code: 'bad_request' });
    }
  });
});
