/**
 * Building blocks shared by the request schemas of the JSON API. Browser-safe: zod and types only.
 */
import { z } from 'zod';

/** An S3 object key (1–1024 characters). */
export const stateKeySchema = z.string().min(1, 'required').max(1024, 'an S3 key has at most 1024 characters');
/** An S3 version ID ("null" for an object written without versioning). */
export const versionIdSchema = z.string().min(1, 'required').max(1024).regex(/^[\x21-\x7e]+$/, 'not a version ID');
/** The operator's reason for a change, stored in the audit record. */
export const reasonSchema = z.string().trim().min(1, 'a reason is required').max(2000);
/** A Terraform lock ID as listed ('' only for a malformed lock without one, which is then matched by what was seen). */
export const lockIdSchema = z.string().max(256);
/** The side of a lock: its DynamoDB item or its `.tflock` object. */
export const lockSourceSchema = z.enum(['dynamodb', 's3']);

/** What every single mutation's answer carries: the id of its audit record (`GET /api/audit?id=…`). */
export interface Audited {
  auditId: string;
}

/** The path parameters of every `/api/backends/{id}/…` route. */
export interface BackendParams {
  id: string;
}
