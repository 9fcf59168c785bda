/**
 * The raw baseline of the views section: what one read of a seeded backend costs the local stack
 * itself, through the SDK with no deadline and no retry (the table's Scan, one segment, and the
 * bucket's ListObjectsV2 pages, in parallel, as a backend read makes them), with the slowest single
 * request of each. Against it the app's cold read is judged: Lockboard gives each request a deadline
 * (`awsTimeoutSeconds`, 10 s), and on a loaded machine moto's single pages of a 20,000-state backend
 * can take longer than that.
 */
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { SeededBackend } from './views-seed';

export interface RawRead {
  ms: number;
  scanMs: number;
  scanSlowestPageMs: number;
  listMs: number;
  listSlowestPageMs: number;
}

async function timedPages(page: (token: string | undefined) => Promise<string | undefined>): Promise<{ ms: number; slowest: number }> {
  const t0 = performance.now();
  let slowest = 0;
  let token: string | undefined;
  do {
    const p0 = performance.now();
    token = await page(token);
    slowest = Math.max(slowest, performance.now() - p0);
  } while (token);
  return { ms: performance.now() - t0, slowest };
}

export async function rawRead(endpoint: string, b: SeededBackend): Promise<RawRead> {
  const cfg = { region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  const ddb = new DynamoDBClient(cfg);
  const s3 = new S3Client({ ...cfg, forcePathStyle: true });
  try {
    const t0 = performance.now();
    const [scan, list] = await Promise.all([
      timedPages(async (k) => {
        const out = await ddb.send(new ScanCommand({ TableName: b.table, ExclusiveStartKey: k ? (JSON.parse(k) as Record<string, AttributeValue>) : undefined }));
        return out.LastEvaluatedKey ? JSON.stringify(out.LastEvaluatedKey) : undefined;
      }),
      timedPages(async (token) => (await s3.send(new ListObjectsV2Command({ Bucket: b.bucket, ContinuationToken: token }))).NextContinuationToken),
    ]);
    return { ms: performance.now() - t0, scanMs: scan.ms, scanSlowestPageMs: scan.slowest, listMs: list.ms, listSlowestPageMs: list.slowest };
  } finally {
    ddb.destroy();
    s3.destroy();
  }
}
