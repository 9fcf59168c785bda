import 'server-only';
/**
 * Reading one stored audit object: bounded, and checked for Lockboard's signature. Anyone who can write
 * the bucket can put objects under the audit prefix; an object larger than MAX_AUDIT_OBJECT_BYTES is
 * not downloaded (not even asked for when the listing already gave its size), and a record that is not
 * signed with this deployment's key is returned with its verdict, for the caller to flag or hide.
 */
import { getAuditObject } from '../aws/audit-store';
import type { BackendConfig } from '../server/config';
import { verifyJson, type Verification } from '../server/signing';
import { MAX_AUDIT_OBJECT_BYTES } from './audit-bounds';
import { parseAuditRecord, type AuditRecord } from './audit-record';

export type StoredRecord =
  | { status: 'record'; record: AuditRecord; verification: Verification; etag: string }
  | { status: 'unreadable'; reason: 'too_large' | 'not_a_record'; bytes: number | null }
  | { status: 'missing' };

export async function readStoredRecord(backend: BackendConfig, bucket: string, key: string, listedSize?: number): Promise<StoredRecord> {
  if (listedSize !== undefined && listedSize > MAX_AUDIT_OBJECT_BYTES) return { status: 'unreadable', reason: 'too_large', bytes: listedSize };
  const read = await getAuditObject(backend, bucket, key, MAX_AUDIT_OBJECT_BYTES);
  if (read.status === 'missing') return read;
  if (read.status === 'too_large') return { status: 'unreadable', reason: 'too_large', bytes: read.bytes };
  const { verification, body } = verifyJson('audit-record', key, read.text);
  const record = parseAuditRecord(body);
  return record ? { status: 'record', record, verification, etag: read.etag } : { status: 'unreadable', reason: 'not_a_record', bytes: read.bytes };
}
