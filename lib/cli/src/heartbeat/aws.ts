/**
 * The helper's AWS calls, with the CI job's own credentials (the SDK's default chain): read the lock
 * Terraform holds (the `.tflock` object, else the DynamoDB item), write and delete heartbeat objects.
 * It never writes or deletes Terraform's lock. Every call has a deadline.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { errorName } from './aws-errors';
import type { S3Backend } from './backend';

export interface HeldLock {
  id: string;
  who: string;
  created: string;
  operation: string;
}

export interface HeartbeatStore {
  /** The lock on the state now, or null when there is none. */
  readLock(): Promise<HeldLock | null>;
  putBeat(objectKey: string, body: string): Promise<void>;
  deleteBeat(objectKey: string): Promise<void>;
}

const CALL_MS = 8000;
const MAX_LOCK_BYTES = 64 * 1024;

/** LockInfo's fields as Go reads them: names matched case-insensitively. */
export function parseHeldLock(raw: string): HeldLock | null {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const byName = new Map(Object.entries(doc).map(([k, v]) => [k.toLowerCase(), v]));
  const s = (name: string) => {
    const v = byName.get(name);
    return typeof v === 'string' ? v : '';
  };
  return s('id') === '' ? null : { id: s('id'), who: s('who'), created: s('created'), operation: s('operation') };
}

export function s3Store(b: S3Backend): HeartbeatStore {
  const common = { ...(b.region ? { region: b.region } : {}), ...(b.profile ? { profile: b.profile } : {}), maxAttempts: 3 };
  const s3 = new S3Client({ ...common, ...(b.s3Endpoint ? { endpoint: b.s3Endpoint } : {}), forcePathStyle: b.forcePathStyle });
  const ddb = b.dynamodbTable ? new DynamoDBClient({ ...common, ...(b.dynamodbEndpoint ? { endpoint: b.dynamodbEndpoint } : {}) }) : null;
  const deadline = () => ({ abortSignal: AbortSignal.timeout(CALL_MS) });
  return {
    async readLock() {
      if (b.useLockfile) {
        try {
          const out = await s3.send(new GetObjectCommand({ Bucket: b.bucket, Key: `${b.stateKey}.tflock` }), deadline());
          const bytes = await out.Body!.transformToByteArray();
          return bytes.length > MAX_LOCK_BYTES ? null : parseHeldLock(new TextDecoder().decode(bytes));
        } catch (e) {
          if (errorName(e) === 'NoSuchKey' || errorName(e) === 'NotFound') return null;
          throw e;
        }
      }
      if (!ddb) return null;
      const out = await ddb.send(new GetItemCommand({ TableName: b.dynamodbTable!, Key: { LockID: { S: `${b.bucket}/${b.stateKey}` } }, ConsistentRead: true }), deadline());
      const info = out.Item?.Info?.S;
      return info === undefined || info.length > MAX_LOCK_BYTES ? null : parseHeldLock(info);
    },
    async putBeat(objectKey, body) {
      await s3.send(new PutObjectCommand({ Bucket: b.bucket, Key: objectKey, Body: body, ContentType: 'application/json' }), deadline());
    },
    async deleteBeat(objectKey) {
      await s3.send(new DeleteObjectCommand({ Bucket: b.bucket, Key: objectKey }), deadline());
    },
  };
}
