import 'server-only';
/**
 * The Terraform lock table (DynamoDB): paginated, parallel Scan and single-item reads. Conditional
 * writes for mutations live here too; nothing else talks to DynamoDB.
 */
import { GetItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { BackendConfig } from '../config';
import type { TableItem } from '../terraform/table-items';
import { dynamoClient } from './clients';
import { toAwsError } from './errors';

const PROJECTION = { ProjectionExpression: '#l, #i, #d', ExpressionAttributeNames: { '#l': 'LockID', '#i': 'Info', '#d': 'Digest' } };

function str(value: AttributeValue | undefined): string | null {
  return value && 'S' in value && typeof value.S === 'string' ? value.S : null;
}

export function toTableItem(item: Record<string, AttributeValue>): TableItem | null {
  const lockId = str(item.LockID);
  if (lockId === null) return null;
  return { lockId, info: str(item.Info), digest: str(item.Digest) };
}

function requireTable(backend: BackendConfig): string {
  if (!backend.dynamodbTable) throw new Error(`backend ${backend.id} has no DynamoDB table`);
  return backend.dynamodbTable;
}

async function scanSegment(backend: BackendConfig, table: string, segment: number, totalSegments: number): Promise<TableItem[]> {
  const items: TableItem[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamoClient(backend).send(
      new ScanCommand({
        TableName: table,
        ...PROJECTION,
        ...(totalSegments > 1 ? { Segment: segment, TotalSegments: totalSegments } : {}),
        ...(backend.scanPageSize ? { Limit: backend.scanPageSize } : {}),
        ExclusiveStartKey: startKey,
      }),
    );
    for (const raw of page.Items ?? []) {
      const item = toTableItem(raw);
      if (item) items.push(item);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Every item of the table: all segments in parallel, each paginated to the end. */
export async function scanLockTable(backend: BackendConfig): Promise<TableItem[]> {
  const table = requireTable(backend);
  try {
    const segments = Array.from({ length: backend.scanSegments }, (_, i) => scanSegment(backend, table, i, backend.scanSegments));
    return (await Promise.all(segments)).flat();
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: 'DynamoDB', resource: table });
  }
}

/** One item by LockID with a strongly consistent read (as Terraform reads), or null. */
export async function getTableItem(backend: BackendConfig, lockId: string): Promise<TableItem | null> {
  const table = requireTable(backend);
  try {
    const out = await dynamoClient(backend).send(new GetItemCommand({ TableName: table, Key: { LockID: { S: lockId } }, ConsistentRead: true, ...PROJECTION }));
    return out.Item ? toTableItem(out.Item) : null;
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: 'DynamoDB', resource: table });
  }
}
