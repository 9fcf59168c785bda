import 'server-only';
/**
 * Discovery's reads in one account, with the credentials of the role assumed there. Each read is
 * bounded: table listings and bucket listings by pages, a lock table's Scan by pages of `LockID`
 * only (no other attribute is requested: the role's policy can insist on it), a bucket's probe by
 * ListObjectsV2 calls. Failures are typed AppErrors naming the table or bucket; a request past the
 * account's call bound throws `CallBudgetExceeded`.
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTableCommand, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { GetBucketLocationCommand, HeadBucketCommand, ListBucketsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { KeySchemaFacts, ProbeResult } from '../terraform/discovery-rules';
import { emptyProbe, foldProbeKeys } from '../terraform/discovery-rules';
import { accountDynamoClient, accountS3Client, CallCounter, isCallBudgetExceeded, type AwsCredentials, type DiscoveryTarget } from './discovery-clients';
import { sdkErrorName, toAwsError } from './errors';

/** Pages of ListTables (100 names each) and ListBuckets (1,000 each) read at most. */
const MAX_TABLE_PAGES = 10;
const MAX_BUCKET_PAGES = 10;

export interface TableDescription {
  schema: KeySchemaFacts;
}

export interface ListedBucket {
  name: string;
  /** From ListBuckets when AWS says it (it does since 2024), else null: ask GetBucketLocation. */
  region: string | null;
}

export interface AccountReader {
  /** Requests sent so far (every attempt). */
  calls(): number;
  listTables(region: string): Promise<{ names: string[]; complete: boolean }>;
  describeTable(region: string, table: string): Promise<TableDescription>;
  scanLockIds(region: string, table: string, maxPages: number): Promise<{ lockIds: string[]; complete: boolean }>;
  listBuckets(): Promise<{ buckets: ListedBucket[]; complete: boolean }>;
  bucketRegion(bucket: string): Promise<string>;
  /** Whether a bucket this account does not list exists at all: `missing` (404) or `exists` (another owner's). */
  bucketExists(bucket: string, region: string): Promise<'missing' | 'exists'>;
  probeBucket(bucket: string, region: string, maxCalls: number, stateSuffixes: readonly string[]): Promise<ProbeResult>;
  close(): void;
}

/** GetBucketLocation's answer as a region: empty means us-east-1, `EU` the old name of eu-west-1. */
export function regionOfLocation(constraint: string | undefined | null): string {
  if (!constraint) return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

function rethrow(e: unknown, accountId: string, service: 'DynamoDB' | 'S3', resource: string): never {
  if (isCallBudgetExceeded(e)) throw e;
  throw toAwsError(e, { backend: `account ${accountId}`, service, resource });
}

export function openAccount(target: DiscoveryTarget, accountId: string, credentials: AwsCredentials, counter: CallCounter): AccountReader {
  const budgetId = `discovery:${accountId}`;
  const s3 = new Map<string, S3Client>();
  const dynamo = new Map<string, DynamoDBClient>();
  const s3In = (region: string) => {
    let c = s3.get(region);
    if (!c) s3.set(region, (c = accountS3Client(target, region, credentials, counter, budgetId)));
    return c;
  };
  const dynamoIn = (region: string) => {
    let c = dynamo.get(region);
    if (!c) dynamo.set(region, (c = accountDynamoClient(target, region, credentials, counter, budgetId)));
    return c;
  };

  return {
    calls: () => counter.count,

    async listTables(region) {
      const names: string[] = [];
      let start: string | undefined;
      try {
        for (let page = 0; page < MAX_TABLE_PAGES; page++) {
          const out = await dynamoIn(region).send(new ListTablesCommand({ ExclusiveStartTableName: start }));
          names.push(...(out.TableNames ?? []));
          start = out.LastEvaluatedTableName;
          if (!start) return { names, complete: true };
        }
        return { names, complete: false };
      } catch (e) {
        return rethrow(e, accountId, 'DynamoDB', `ListTables in ${region}`);
      }
    },

    async describeTable(region, table) {
      try {
        const out = await dynamoIn(region).send(new DescribeTableCommand({ TableName: table }));
        const t = out.Table;
        return {
          schema: {
            keys: (t?.KeySchema ?? []).map((k) => ({ name: k.AttributeName ?? '', type: k.KeyType ?? '' })),
            attributes: (t?.AttributeDefinitions ?? []).map((a) => ({ name: a.AttributeName ?? '', type: a.AttributeType ?? '' })),
          },
        };
      } catch (e) {
        return rethrow(e, accountId, 'DynamoDB', `${table} (${region})`);
      }
    },

    async scanLockIds(region, table, maxPages) {
      const lockIds: string[] = [];
      let start: Record<string, AttributeValue> | undefined;
      try {
        for (let page = 0; page < maxPages; page++) {
          const out = await dynamoIn(region).send(
            new ScanCommand({ TableName: table, Select: 'SPECIFIC_ATTRIBUTES', ProjectionExpression: '#id', ExpressionAttributeNames: { '#id': 'LockID' }, ExclusiveStartKey: start }),
          );
          for (const item of out.Items ?? []) {
            const id = item.LockID?.S;
            if (id !== undefined) lockIds.push(id);
          }
          start = out.LastEvaluatedKey;
          if (!start) return { lockIds, complete: true };
        }
        return { lockIds, complete: false };
      } catch (e) {
        return rethrow(e, accountId, 'DynamoDB', `${table} (${region})`);
      }
    },

    async listBuckets() {
      const buckets: ListedBucket[] = [];
      let token: string | undefined;
      try {
        for (let page = 0; page < MAX_BUCKET_PAGES; page++) {
          const out = await s3In(target.region).send(new ListBucketsCommand({ ContinuationToken: token, MaxBuckets: 1000 }));
          for (const b of out.Buckets ?? []) if (b.Name) buckets.push({ name: b.Name, region: b.BucketRegion ?? null });
          token = out.ContinuationToken;
          if (!token) return { buckets, complete: true };
        }
        return { buckets, complete: false };
      } catch (e) {
        return rethrow(e, accountId, 'S3', 'ListBuckets');
      }
    },

    async bucketRegion(bucket) {
      try {
        const out = await s3In(target.region).send(new GetBucketLocationCommand({ Bucket: bucket }));
        return regionOfLocation(out.LocationConstraint);
      } catch (e) {
        return rethrow(e, accountId, 'S3', bucket);
      }
    },

    async bucketExists(bucket, region) {
      try {
        await s3In(region).send(new HeadBucketCommand({ Bucket: bucket }));
        return 'exists';
      } catch (e) {
        const name = sdkErrorName(e);
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (name === 'NotFound' || name === 'NoSuchBucket' || status === 404) return 'missing';
        // 403 (another account's bucket) or 301 (in another region): it exists.
        if (status === 403 || status === 301) return 'exists';
        return rethrow(e, accountId, 'S3', bucket);
      }
    },

    async probeBucket(bucket, region, maxCalls, stateSuffixes) {
      const probe = emptyProbe();
      let token: string | undefined;
      try {
        for (let call = 0; call < maxCalls; call++) {
          const out = await s3In(region).send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token, MaxKeys: 1000 }));
          foldProbeKeys(probe, (out.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key])), stateSuffixes);
          token = out.IsTruncated ? out.NextContinuationToken : undefined;
          if (!token) return probe;
        }
        return { ...probe, complete: false };
      } catch (e) {
        return rethrow(e, accountId, 'S3', bucket);
      }
    },

    close() {
      for (const c of s3.values()) c.destroy();
      for (const c of dynamo.values()) c.destroy();
    },
  };
}

export { CallCounter };
