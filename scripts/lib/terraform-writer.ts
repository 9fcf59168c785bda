/**
 * Writes backend data exactly as Terraform's s3 backend does (lock items, `.tflock` objects, state
 * objects and digest items), for tests, the demo and the benchmark. Talks to whatever endpoint the
 * SDK is pointed at (moto locally). Not used by the app itself.
 */
import crypto from 'node:crypto';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type WriteRequest,
  BatchWriteItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { formatRfc3339Nano, marshalLockInfo, newLockId, type LockInfo } from '../../lib/terraform/lock-info';
import { digestLockId, lockfileKey, lockPath } from '../../lib/terraform/paths';

export interface WriterOptions {
  endpoint?: string;
  region?: string;
  /** Another account's (an assumed role's) credentials; default: the SDK's chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export class TerraformWriter {
  readonly s3: S3Client;
  readonly ddb: DynamoDBClient;

  constructor(opts: WriterOptions = {}) {
    const common = { region: opts.region ?? 'us-east-1', ...(opts.endpoint ? { endpoint: opts.endpoint } : {}), ...(opts.credentials ? { credentials: opts.credentials } : {}) };
    this.s3 = new S3Client({ ...common, forcePathStyle: true });
    this.ddb = new DynamoDBClient(common);
  }

  async createBucket(bucket: string, versioned = true): Promise<void> {
    await this.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    if (versioned) await this.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }

  /** A lock table as Terraform's docs require: partition key LockID (S), nothing else. */
  async createTable(table: string): Promise<void> {
    await this.ddb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }

  /** LockInfo as `terraform` fills it (Info always empty, Created RFC3339Nano UTC). */
  static lockInfo(bucket: string, key: string, over: Partial<LockInfo> = {}, createdMs = Date.now()): LockInfo {
    return {
      id: newLockId(crypto.randomBytes(16)),
      operation: 'OperationTypeApply',
      info: '',
      who: 'runner@ci-host',
      version: '1.11.4',
      created: formatRfc3339Nano(createdMs, crypto.randomInt(0, 1_000_000)),
      path: lockPath(bucket, key),
      ...over,
    };
  }

  /** DynamoDB acquire: PutItem {LockID, Info} if attribute_not_exists(LockID). */
  async lockDynamo(table: string, bucket: string, key: string, info: LockInfo | string): Promise<string> {
    const json = typeof info === 'string' ? info : marshalLockInfo(info);
    await this.ddb.send(
      new PutItemCommand({
        TableName: table,
        Item: { LockID: { S: lockPath(bucket, key) }, Info: { S: json } },
        ConditionExpression: 'attribute_not_exists(LockID)',
      }),
    );
    return json;
  }

  /** Writes a raw item (for malformed-lock cases). */
  async putRawItem(table: string, item: Record<string, string>): Promise<void> {
    await this.ddb.send(new PutItemCommand({ TableName: table, Item: Object.fromEntries(Object.entries(item).map(([k, v]) => [k, { S: v }])) }));
  }

  async unlockDynamo(table: string, bucket: string, key: string): Promise<void> {
    await this.ddb.send(new DeleteItemCommand({ TableName: table, Key: { LockID: { S: lockPath(bucket, key) } } }));
  }

  /** Deletes a state as `terraform workspace delete` does: the object (a delete marker in a versioned bucket) and its digest item. */
  async deleteState(bucket: string, key: string, table?: string | null): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    if (table) await this.ddb.send(new DeleteItemCommand({ TableName: table, Key: { LockID: { S: digestLockId(bucket, key) } } }));
  }

  /** S3-native acquire: PutObject `<key>.tflock` with If-None-Match: *. */
  async lockFile(bucket: string, key: string, info: LockInfo | string): Promise<string> {
    const json = typeof info === 'string' ? info : marshalLockInfo(info);
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: lockfileKey(key), Body: json, ContentType: 'application/json', IfNoneMatch: '*' }));
    return json;
  }

  async unlockFile(bucket: string, key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: lockfileKey(key) }));
  }

  /** Dual-mode acquire: `.tflock` first, then DynamoDB, same ID. */
  async lockBoth(table: string, bucket: string, key: string, info: LockInfo): Promise<void> {
    await this.lockFile(bucket, key, info);
    await this.lockDynamo(table, bucket, key, info);
  }

  /** State upload then digest, as `RemoteClient.Put` does. Returns the MD5 and new version ID. */
  async putState(bucket: string, key: string, body: string | Uint8Array, table?: string | null, extra: { serverSideEncryption?: 'AES256' | 'aws:kms' } = {}): Promise<{ md5: string; versionId: string | undefined }> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
    const out = await this.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: 'application/json', ...(extra.serverSideEncryption ? { ServerSideEncryption: extra.serverSideEncryption } : {}) }),
    );
    const md5 = crypto.createHash('md5').update(bytes).digest('hex');
    if (table) await this.putDigest(table, bucket, key, md5);
    return { md5, versionId: out.VersionId };
  }

  /**
   * State upload as TF >= 1.6's upload manager does for a body over 5 MiB: a multipart upload of
   * 5 MiB parts (the last one smaller), so the ETag is `<hex>-<parts>`, then the digest.
   */
  async putStateMultipart(bucket: string, key: string, body: string | Uint8Array, table?: string | null, partSize = 5 * 1024 * 1024): Promise<{ md5: string; etag: string; versionId: string | undefined }> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
    const { UploadId } = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'application/json' }));
    const parts: Array<{ PartNumber: number; ETag: string | undefined }> = [];
    for (let offset = 0, n = 1; offset < bytes.length; offset += partSize, n++) {
      const out = await this.s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n, Body: bytes.subarray(offset, offset + partSize) }));
      parts.push({ PartNumber: n, ETag: out.ETag });
    }
    const done = await this.s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
    const md5 = crypto.createHash('md5').update(bytes).digest('hex');
    if (table) await this.putDigest(table, bucket, key, md5);
    return { md5, etag: (done.ETag ?? '').replace(/"/g, ''), versionId: done.VersionId };
  }

  async putDigest(table: string, bucket: string, key: string, digest: string): Promise<void> {
    await this.ddb.send(new PutItemCommand({ TableName: table, Item: { LockID: { S: digestLockId(bucket, key) }, Digest: { S: digest } } }));
  }

  /** Many items at once (25 per BatchWriteItem), for large tables. */
  async putItemsBatch(table: string, items: Array<Record<string, string>>): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      let requests: WriteRequest[] = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: Object.fromEntries(Object.entries(item).map(([k, v]) => [k, { S: v }])) } }));
      while (requests.length > 0) {
        const out = await this.ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = out.UnprocessedItems?.[table] ?? [];
      }
    }
  }

  /** Page counts of the minimal raw reads of a backend (a segmented Scan and a full listing): the baseline its AWS cost is compared with. */
  async baselinePages(bucket: string, table: string, segments: number, pageSize: number): Promise<{ scan: number; list: number }> {
    let scan = 0;
    for (let segment = 0; segment < segments; segment++) {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await this.ddb.send(new ScanCommand({ TableName: table, Segment: segment, TotalSegments: segments, Limit: pageSize, ExclusiveStartKey: start }));
        scan++;
        start = page.LastEvaluatedKey;
      } while (start);
    }
    let list = 0;
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      list++;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { scan, list };
  }

  destroy(): void {
    this.s3.destroy();
    this.ddb.destroy();
  }
}

/** A v4 state document as Terraform writes it (indented, trailing newline). */
export function stateDocument(opts: { serial: number; lineage: string; terraformVersion?: string; resources?: unknown[]; outputs?: Record<string, unknown>; compact?: boolean }): string {
  const doc = {
    version: 4,
    terraform_version: opts.terraformVersion ?? '1.11.4',
    serial: opts.serial,
    lineage: opts.lineage,
    outputs: opts.outputs ?? {},
    resources: opts.resources ?? [],
    check_results: null,
  };
  return (opts.compact ? JSON.stringify(doc) : JSON.stringify(doc, null, 2)) + '\n';
}

/** Unique, valid bucket/table names for one test. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString('hex')}`.toLowerCase();
}
