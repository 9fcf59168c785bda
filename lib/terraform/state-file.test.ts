import { describe, expect, it } from 'vitest';
import { stateDocument } from '../../scripts/lib/terraform-writer';
import { detectLayout, parseStateFile, readStateMetadata } from './state-file';

const LINEAGE = '3f1c2a7e-1b2c-4d5e-8f90-a1b2c3d4e5f6';
const enc = (s: string) => new TextEncoder().encode(s);

const resources = [
  { mode: 'managed', type: 'aws_instance', name: 'web', provider: 'p', instances: [{ index_key: 0, attributes: { id: 'a' } }, { index_key: 1, attributes: { id: 'b' } }] },
  { mode: 'data', type: 'aws_ami', name: 'ubuntu', provider: 'p', instances: [{ attributes: { id: 'ami' } }] },
];
const outputs = { url: { value: 'https://x', type: 'string' }, db_password: { value: 'hunter2', type: 'string', sensitive: true } };

describe('classifying state bytes', () => {
  it('reads a Terraform v4 state: serial, lineage, version, counts, indented layout', () => {
    const text = stateDocument({ serial: 42, lineage: LINEAGE, terraformVersion: '1.11.4', resources, outputs });
    const { metadata, doc } = parseStateFile(enc(text));
    expect(metadata).toMatchObject({
      kind: 'plaintext',
      encrypted: false,
      size: text.length,
      formatVersion: 4,
      serial: 42,
      lineage: LINEAGE,
      terraformVersion: '1.11.4',
      resourceCount: 2,
      dataSourceCount: 1,
      instanceCount: 3,
      outputCount: 2,
      sensitiveOutputCount: 1,
      layout: { style: 'indented', indentUnit: '  ', trailingNewline: true, lineEnding: 'lf', bom: false },
    });
    expect(doc).not.toBeNull();
    expect(JSON.stringify(metadata)).not.toContain('hunter2');
  });

  it('recognises OpenTofu compact layout', () => {
    const { metadata } = parseStateFile(stateDocument({ serial: 1, lineage: LINEAGE, compact: true }));
    expect(metadata.layout).toEqual({ style: 'compact', indentUnit: null, trailingNewline: true, lineEnding: 'lf', bom: false });
    expect(readStateMetadata('{"version":4,"serial":1}').layout?.trailingNewline).toBe(false);
  });

  it('classifies empty and whitespace-only objects as empty', () => {
    expect(readStateMetadata(new Uint8Array()).kind).toBe('empty');
    expect(readStateMetadata(enc(' \n')).kind).toBe('empty');
    expect(readStateMetadata(new Uint8Array()).size).toBe(0);
  });

  it('classifies non-JSON without quoting the content', () => {
    const m = readStateMetadata(enc('password = "hunter2"\n'));
    expect(m.kind).toBe('not_json');
    expect(JSON.stringify(m)).not.toContain('hunter2');
    expect(readStateMetadata(enc('{"version":4,')).kind).toBe('not_json');
    expect(readStateMetadata(new Uint8Array([0xff, 0xfe, 0x00, 0x7b])).kind).toBe('not_json');
  });

  it('classifies JSON of another shape', () => {
    expect(readStateMetadata('[1,2]').kind).toBe('other_json');
    expect(readStateMetadata('"x"').kind).toBe('other_json');
    expect(readStateMetadata('null').kind).toBe('other_json');
    expect(readStateMetadata('{"version":"4"}').kind).toBe('other_json');
    expect(readStateMetadata('{"version":4.5}').kind).toBe('other_json');
    expect(readStateMetadata('{"hello":"world"}').kind).toBe('other_json');
  });

  it('detects an OpenTofu-encrypted state and shows its serial and lineage', () => {
    const body = JSON.stringify({ serial: 7, lineage: LINEAGE, meta: { 'key_provider.pbkdf2.main': 'c2FsdA==' }, encrypted_data: 'AAAA', encryption_version: 'v0' });
    const m = readStateMetadata(enc(body));
    expect(m).toMatchObject({ kind: 'encrypted', encrypted: true, serial: 7, lineage: LINEAGE, encryptionVersion: 'v0', keyProviders: ['key_provider.pbkdf2.main'], resourceCount: null, formatVersion: null });
    expect(JSON.stringify(m)).not.toContain('c2FsdA==');
    // Without serial (v1.7.0-alpha1) and with an empty encryption_version (not encrypted).
    expect(readStateMetadata('{"encrypted_data":"x","encryption_version":"v0"}')).toMatchObject({ kind: 'encrypted', serial: null });
    expect(readStateMetadata('{"encryption_version":"","version":4}').kind).toBe('plaintext');
  });

  it('reads a legacy v3 state with a note', () => {
    const v3 = JSON.stringify({ version: 3, serial: 9, lineage: LINEAGE, modules: [{ path: ['root'], outputs: { a: { value: 1 } }, resources: { 'aws_instance.x': {}, 'data.aws_ami.y': {} } }] });
    const m = readStateMetadata(v3);
    expect(m).toMatchObject({ kind: 'plaintext', formatVersion: 3, serial: 9, resourceCount: 2, dataSourceCount: 1, outputCount: 1 });
    expect(m.note).toContain('version 4 expected');
  });

  it('tolerates odd field types without throwing', () => {
    const m = readStateMetadata('{"version":4,"serial":"12","lineage":5,"resources":{},"outputs":[]}');
    expect(m).toMatchObject({ kind: 'plaintext', serial: null, lineage: null, resourceCount: null, outputCount: null });
    expect(readStateMetadata('{"version":4,"resources":[null,1,{"instances":"x"}]}').instanceCount).toBe(0);
  });

  it('handles a state of tens of MB', () => {
    const many = Array.from({ length: 60_000 }, (_, i) => ({ mode: 'managed', type: 'aws_instance', name: `r${i}`, provider: 'p', instances: [{ attributes: { id: `i-${i}`, user_data: 'x'.repeat(300) } }] }));
    const text = stateDocument({ serial: 1, lineage: LINEAGE, resources: many });
    expect(text.length).toBeGreaterThan(20 * 2 ** 20);
    const m = readStateMetadata(enc(text));
    expect(m.instanceCount).toBe(60_000);
  }, 60_000);
});

describe('layout', () => {
  it('tells indented, compact, CRLF and BOM apart', () => {
    expect(detectLayout('{\n\t"version": 4\n}').indentUnit).toBe('\t');
    expect(detectLayout('{\r\n  "version": 4\r\n}\r\n')).toMatchObject({ style: 'indented', lineEnding: 'crlf', trailingNewline: true });
    expect(detectLayout('\uFEFF{"version":4}')).toMatchObject({ style: 'compact', bom: true });
    expect(detectLayout('{"version":\n4}')).toMatchObject({ style: 'other' });
    expect(readStateMetadata('\uFEFF{"version":4}').kind).toBe('plaintext');
  });
});
