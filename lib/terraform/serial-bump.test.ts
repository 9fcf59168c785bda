import { describe, expect, it } from 'vitest';
import { bumpSerial, findTopLevelSerial, topLevelValueSpans, withSerial } from './serial-bump';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Asserts `after` equals `before` except that the digits at `before[start, end)` became `digits`. */
function expectOnlySerialChanged(before: Uint8Array, after: Uint8Array, digits: string) {
  const token = findTopLevelSerial(before);
  expect(token).not.toBeNull();
  const { start, end } = token!;
  expect(Buffer.from(after.subarray(0, start)).equals(Buffer.from(before.subarray(0, start)))).toBe(true);
  expect(dec(after.subarray(start, start + digits.length))).toBe(digits);
  expect(Buffer.from(after.subarray(start + digits.length)).equals(Buffer.from(before.subarray(end)))).toBe(true);
}

// What Terraform writes: json.MarshalIndent(…, "", "  ") plus "\n"; a nested `serial` attribute.
const INDENTED = `{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 7,
  "lineage": "0b4f6a8e-2a51-4b6c-9d8e-3f1a2b3c4d5e",
  "outputs": {
    "cert": {
      "value": {
        "serial": 12345,
        "pem": "<redacted> \\"serial\\": 1 & more"
      },
      "type": ["object", {"serial": "number", "pem": "string"}],
      "sensitive": true
    }
  },
  "resources": [
    {
      "mode": "managed",
      "type": "tls_self_signed_cert",
      "name": "ca",
      "provider": "provider[\\"registry.terraform.io/hashicorp/tls\\"]",
      "instances": [
        {
          "schema_version": 0,
          "attributes": { "serial": 99, "validity_end_time": "2030-01-01T00:00:00Z", "text": "ünïcode ☃ \\u003c" },
          "sensitive_attributes": []
        }
      ]
    }
  ],
  "check_results": null
}
`;

// OpenTofu 1.8+ remote state: compact json.Marshal plus "\n"; nested objects before the top-level serial.
const COMPACT =
  '{"version":4,"terraform_version":"1.8.3","outputs":{"serial":{"value":3,"type":"number"}},"resources":[{"instances":[{"attributes":{"serial":"5"}}]}],"serial":41,"lineage":"l-1","check_results":null}\n';

describe('findTopLevelSerial', () => {
  it('finds the top-level serial only, never one nested in outputs or resources', () => {
    expect(findTopLevelSerial(enc(INDENTED))?.value).toBe(7n);
    expect(findTopLevelSerial(enc(COMPACT))?.value).toBe(41n);
  });

  it('keeps serials past 2^53 exact', () => {
    expect(findTopLevelSerial(enc('{"serial":9007199254740993}'))?.value).toBe(9007199254740993n);
    expect(findTopLevelSerial(enc('{"serial":18446744073709551615}'))?.value).toBe(18446744073709551615n);
  });

  it('matches an escaped key as Go does and lets the last duplicate win', () => {
    expect(findTopLevelSerial(enc('{"ser\\u0069al": 3}'))?.value).toBe(3n);
    expect(findTopLevelSerial(enc('{"serial": 3, "serial": 4}'))?.value).toBe(4n);
  });

  it('returns null for what has no usable top-level serial', () => {
    for (const bad of ['', '[]', '"serial"', '{}', '{"lineage":"x"}', '{"serial":1.5}', '{"serial":-1}', '{"serial":"3"}', '{"serial":1e3}', '{"serial":01}', '{"serial":18446744073709551616}', '{"a":{"serial":1}}', '{"serial":1', '{"a" 1}']) {
      expect(findTopLevelSerial(enc(bad))).toBeNull();
    }
  });

  it('reads an OpenTofu encrypted envelope', () => {
    expect(findTopLevelSerial(enc('{"serial":2,"lineage":"x","meta":{"key_provider.pbkdf2.k":"eyJ9"},"encrypted_data":"AAAA","encryption_version":"v0"}'))?.value).toBe(2n);
  });
});

describe('withSerial / bumpSerial', () => {
  it('changes only the digits of the top-level serial in an indented document', () => {
    const before = enc(INDENTED);
    const { bytes, serial } = bumpSerial(before, 9n);
    expect(serial).toBe(10n);
    expectOnlySerialChanged(before, bytes, '10');
    const parsed = JSON.parse(dec(bytes));
    expect(parsed.serial).toBe(10);
    expect(parsed.outputs.cert.value.serial).toBe(12345);
    expect(parsed.resources[0].instances[0].attributes.serial).toBe(99);
    expect(dec(bytes).endsWith('}\n')).toBe(true);
    expect(dec(bytes)).toBe(INDENTED.replace('"serial": 7,', '"serial": 10,'));
  });

  it('keeps a compact document compact, with its trailing newline and key order', () => {
    const before = enc(COMPACT);
    const { bytes } = bumpSerial(before, 41n);
    expect(dec(bytes)).toBe(COMPACT.replace('"serial":41', '"serial":42'));
    expectOnlySerialChanged(before, bytes, '42');
  });

  it('keeps a document without a trailing newline without one', () => {
    expect(dec(withSerial(enc('{"serial":1}'), 2n))).toBe('{"serial":2}');
  });

  it('handles large serials without floating-point loss and refuses past uint64', () => {
    const big = enc('{"version":4,"serial":9007199254740993,"lineage":"x"}\n');
    expect(dec(bumpSerial(big, 9007199254740993n).bytes)).toBe('{"version":4,"serial":9007199254740994,"lineage":"x"}\n');
    expect(dec(withSerial(enc('{"serial":1}'), 18446744073709551615n))).toBe('{"serial":18446744073709551615}');
    expect(() => bumpSerial(enc('{"serial":1}'), 18446744073709551615n)).toThrow(RangeError);
  });

  it('leaves bytes that are not valid UTF-8 untouched elsewhere in the document', () => {
    const before = Uint8Array.from([...enc('{"a":"'), 0xff, 0xfe, ...enc('","serial":5}\n')]);
    const after = withSerial(before, 6n);
    expect(Array.from(after)).toEqual([...enc('{"a":"'), 0xff, 0xfe, ...enc('","serial":6}\n')]);
  });

  it('ignores "serial" inside strings, including escaped quotes', () => {
    const doc = '{"note":"\\"serial\\": 100, {[", "serial" : 8 }';
    expect(dec(withSerial(enc(doc), 9n))).toBe('{"note":"\\"serial\\": 100, {[", "serial" : 9 }');
  });

  it('rewrites every duplicate top-level serial so any reader sees the new one', () => {
    expect(dec(withSerial(enc('{"serial":1,"x":[{"serial":1}],"serial":2}'), 3n))).toBe('{"serial":3,"x":[{"serial":1}],"serial":3}');
  });

  it('throws on a document with no top-level serial', () => {
    expect(() => withSerial(enc('{"nested":{"serial":1}}'), 2n)).toThrow(/top-level/);
    expect(topLevelValueSpans(enc('not json'), 'serial')).toBeNull();
  });
});
