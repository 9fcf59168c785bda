import { describe, expect, it } from 'vitest';
import { formatRfc3339Nano, forceUnlockCommand, goJsonString, marshalLockInfo, newLockId, parseLockInfo, parseRfc3339, type LockInfo } from './lock-info';

const INFO: LockInfo = {
  id: '3a7c2e1f-5b2d-9c4e-1f0a-6d8b7e9c0a12',
  operation: 'OperationTypeApply',
  info: '',
  who: 'runner@ip-10-0-0-12',
  version: '1.11.2',
  created: '2025-03-04T10:15:30.123456789Z',
  path: 'my-bucket/env:/staging/app/terraform.tfstate',
};
/** The illustrative body of the protocol reference §2, byte for byte. */
const GO_JSON =
  '{"ID":"3a7c2e1f-5b2d-9c4e-1f0a-6d8b7e9c0a12","Operation":"OperationTypeApply","Info":"","Who":"runner@ip-10-0-0-12","Version":"1.11.2","Created":"2025-03-04T10:15:30.123456789Z","Path":"my-bucket/env:/staging/app/terraform.tfstate"}';

describe('parseLockInfo', () => {
  it('reads what Terraform writes', () => {
    expect(parseLockInfo(GO_JSON)).toEqual({ info: INFO, problems: [] });
  });

  it('matches names case-insensitively and ignores unknown keys, like Go', () => {
    const parsed = parseLockInfo('{"id":"x-1","WHO":"a@b","operation":"plan","Extra":42,"created":"2025-01-01T00:00:00Z"}');
    expect(parsed.problems).toEqual([]);
    expect(parsed.info).toMatchObject({ id: 'x-1', who: 'a@b', operation: 'plan', created: '2025-01-01T00:00:00Z', info: '', path: '' });
  });

  it('lets the last of two case-variants win, as Go decodes them in order', () => {
    expect(parseLockInfo('{"ID":"first","id":"second"}').info.id).toBe('second');
  });

  it('never throws on unreadable input', () => {
    for (const raw of [undefined, null, '', '   ', '{not json', '[1,2]', '"text"', '42', 'null']) {
      const parsed = parseLockInfo(raw);
      expect(parsed.info.id).toBe('');
      expect(parsed.problems).toEqual(expect.arrayContaining(['malformed_info', 'missing_id']));
    }
  });

  it('flags wrong types, a missing ID and an unparseable Created, keeping the rest', () => {
    const parsed = parseLockInfo('{"ID":7,"Who":"w@h","Created":"yesterday","Info":null}');
    expect(parsed.info).toMatchObject({ id: '', who: 'w@h', created: 'yesterday', info: '' });
    expect(parsed.problems).toEqual(expect.arrayContaining(['malformed_info', 'missing_id', 'bad_created']));
  });
});

describe('marshalLockInfo (Go json.Marshal byte-exactness)', () => {
  it('writes the fields in struct order with no whitespace', () => {
    expect(marshalLockInfo(INFO)).toBe(GO_JSON);
    expect(marshalLockInfo(parseLockInfo(GO_JSON).info)).toBe(GO_JSON);
  });

  it('escapes <, > and & as Go does, and U+2028/U+2029', () => {
    const json = marshalLockInfo({ ...INFO, who: 'a<b>&c', info: 'x\u2028y\u2029z' });
    expect(json).toContain('"Who":"a\\u003cb\\u003e\\u0026c"');
    expect(json).toContain('"Info":"x\\u2028y\\u2029z"');
    expect(JSON.parse(json).Who).toBe('a<b>&c');
  });

  it('keeps non-ASCII text raw and escapes quotes, backslashes and control characters', () => {
    expect(goJsonString('ünïcode ☃')).toBe('"ünïcode ☃"');
    expect(goJsonString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goJsonString('\n\t\r\u0001')).toBe('"\\n\\t\\r\\u0001"');
  });
});

describe('formatRfc3339Nano', () => {
  const t = Date.UTC(2025, 2, 4, 10, 15, 30, 123);

  it('writes nanoseconds in UTC with Z', () => {
    expect(formatRfc3339Nano(t, 456789)).toBe('2025-03-04T10:15:30.123456789Z');
  });

  it('drops trailing zeros of the fraction, and the dot when it is zero', () => {
    expect(formatRfc3339Nano(t)).toBe('2025-03-04T10:15:30.123Z');
    expect(formatRfc3339Nano(Date.UTC(2025, 2, 4, 10, 15, 30, 100))).toBe('2025-03-04T10:15:30.1Z');
    expect(formatRfc3339Nano(t, 450000)).toBe('2025-03-04T10:15:30.12345Z');
    expect(formatRfc3339Nano(Date.UTC(2025, 2, 4, 10, 15, 30))).toBe('2025-03-04T10:15:30Z');
    expect(formatRfc3339Nano(Date.UTC(2025, 2, 4, 10, 15, 30), 1000)).toBe('2025-03-04T10:15:30.000001Z');
  });

  it('writes a fractional millisecond input as whole ones, never an unparseable "30.123456789.5Z"', () => {
    expect(formatRfc3339Nano(t + 0.75, 456789)).toBe('2025-03-04T10:15:30.123456789Z');
    expect(formatRfc3339Nano(t, 456789.6)).toBe('2025-03-04T10:15:30.123456789Z');
    expect(parseRfc3339(formatRfc3339Nano(Date.now() - Math.random() * 86_400_000, 12345))).not.toBeNull();
  });

  it('round-trips through parseRfc3339 to the millisecond', () => {
    expect(parseRfc3339(formatRfc3339Nano(t, 999999))).toBe(t);
  });
});

describe('parseRfc3339', () => {
  it('accepts any fraction length and numeric offsets', () => {
    expect(parseRfc3339('2025-03-04T10:15:30Z')).toBe(Date.UTC(2025, 2, 4, 10, 15, 30));
    expect(parseRfc3339('2025-03-04T10:15:30.5Z')).toBe(Date.UTC(2025, 2, 4, 10, 15, 30, 500));
    expect(parseRfc3339('2025-03-04T12:15:30.123456789+02:00')).toBe(Date.UTC(2025, 2, 4, 10, 15, 30, 123));
    expect(parseRfc3339('2025-03-04T05:45:30-04:30')).toBe(Date.UTC(2025, 2, 4, 10, 15, 30));
  });

  it('rejects what is not RFC 3339', () => {
    for (const bad of ['', 'yesterday', '2025-03-04', '2025-03-04T10:15:30', '2017-11-13 23:59:54.146334765 +0000 UTC', '2025-03-04T10:15:30.1234567891Z']) {
      expect(parseRfc3339(bad)).toBeNull();
    }
  });
});

describe('lock IDs', () => {
  it('formats 16 bytes as 8-4-4-4-12 hex without touching version bits', () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    expect(newLockId(bytes)).toBe('00112233-4455-6677-8899-aabbccddeeff');
    expect(() => newLockId(new Uint8Array(15))).toThrow();
  });

  it('names the CLI command an operator would run', () => {
    expect(forceUnlockCommand(INFO.id)).toBe(`terraform force-unlock '${INFO.id}'`);
  });

  it('quotes a hostile lock ID so pasting the command runs nothing else', () => {
    expect(forceUnlockCommand('$(rm -rf ~)')).toBe(`terraform force-unlock '$(rm -rf ~)'`);
    expect(forceUnlockCommand('`id`; echo pwned')).toBe("terraform force-unlock '`id`; echo pwned'");
    expect(forceUnlockCommand(`it's "x"`)).toBe(`terraform force-unlock 'it'\\''s "x"'`);
    expect(forceUnlockCommand('a\nrm -rf /')).toBeNull();
    expect(forceUnlockCommand('a\rb')).toBeNull();
    expect(forceUnlockCommand('\u001b]0;x\u0007')).toBeNull();
    expect(forceUnlockCommand('')).toBeNull();
  });

  it('selects a non-default workspace first', () => {
    expect(forceUnlockCommand({ id: 'abc', workspace: 'default' })).toBe(`terraform force-unlock 'abc'`);
    expect(forceUnlockCommand({ id: 'abc', workspace: "staging$(x)'" })).toBe(`terraform workspace select 'staging$(x)'\\''' && terraform force-unlock 'abc'`);
    expect(forceUnlockCommand({ id: 'abc', workspace: 'a\nb' })).toBeNull();
  });

  it('survives a real POSIX shell: the quoted words come back exactly', async () => {
    const { execFileSync } = await import('node:child_process');
    for (const id of ['$(touch /tmp/pwned-h6)', '`id`', "it's", '"; echo x; "', '\\', '$HOME']) {
      const cmd = forceUnlockCommand(id)!.replace(/^terraform force-unlock /, 'printf %s ');
      expect(execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' })).toBe(id);
    }
  });
});
