import 'server-only';
/**
 * The Terraform lock table (DynamoDB): paginated, parallel Scan and single-item reads. Conditional
 * writes for mutations live here too; nothing else talks to DynamoDB.
 */
import { DeleteItemCommand, DescribeTableCommand, GetItemCommand, PutItemCommand, ScanCommand, type AttributeValue, type DeleteItemCommandInput, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { onClearCache } from '../server/cache';
import type { BackendConfig } from '../server/config';
import { itemBytes, segmentsForBytes, segmentsForDescription } from '../terraform/scan-width';
import type { TableItem } from '../terraform/table-items';
import { dynamoClient } from './clients';
import { isConditionFailed, toAwsError } from './errors';

const PROJECTION = { ProjectionExpression: '#l, #i, #d', ExpressionAttributeNames: { '#l': 'LockID', '#i': 'Info', '#d': 'Digest' } };

function str(value: AttributeValue | undefined): string | null {
  return value && 'S' in value && typeof value.S === 'string' ? value.S : null;
}

/** JSON with object keys sorted at every level: one spelling per attribute value, so it can be compared. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function toTableItem(item: Record<string, AttributeValue>): TableItem | null {
  const lockId = str(item.LockID);
  if (lockId === null) return null;
  const info = str(item.Info);
  // A malformed lock whose Info is a number, map, NULL…: kept exactly, so it can be removed by what was seen.
  const infoJson = info === null && item.Info !== undefined ? canonicalJson(item.Info) : undefined;
  return { lockId, info, ...(infoJson !== undefined ? { infoJson } : {}), digest: str(item.Digest) };
}

/** The attribute value a canonical JSON spelling stands for (binary values come back from base64). */
function attributeOfJson(json: string): AttributeValue {
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.B === 'string' && Object.keys(o).length === 1) return { B: Buffer.from(o.B, 'base64') };
      if (Array.isArray(o.BS) && Object.keys(o).length === 1) return { BS: o.BS.map((b) => Buffer.from(String(b), 'base64')) };
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revive(x)]));
    }
    return v;
  };
  return revive(JSON.parse(json)) as AttributeValue;
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
        // No projection: lock-table items hold only LockID plus Info or Digest, and evaluating one
        // costs the server time for nothing (a Scan reads whole items whatever it returns).
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

// On globalThis: Next.js may bundle this module more than once; the width learnt is per backend.
const widthsKey = Symbol.for('lockboard.scanWidths');

function learntWidths(): Map<string, number> {
  const holder = globalThis as unknown as Record<symbol, Map<string, number> | undefined>;
  holder[widthsKey] ??= new Map();
  return holder[widthsKey];
}

/**
 * The Scan width of this read: the configured one, else what the last read measured, else (first
 * read) what DescribeTable reports (lib/terraform/scan-width.ts). A table Lockboard may not describe
 * is read with one segment first, then with the width that read measured.
 */
async function scanWidth(backend: BackendConfig, table: string): Promise<number> {
  if (backend.scanSegments !== null) return backend.scanSegments;
  const learnt = learntWidths().get(backend.id);
  if (learnt !== undefined) return learnt;
  try {
    const out = await dynamoClient(backend).send(new DescribeTableCommand({ TableName: table }));
    return segmentsForDescription(out.Table?.ItemCount ?? null, out.Table?.TableSizeBytes ?? null);
  } catch {
    return 1;
  }
}

/** Every item of the table: all segments in parallel, each paginated to the end. */
export async function scanLockTable(backend: BackendConfig): Promise<TableItem[]> {
  const table = requireTable(backend);
  try {
    const width = await scanWidth(backend, table);
    const segments = Array.from({ length: width }, (_, i) => scanSegment(backend, table, i, width));
    const items = (await Promise.all(segments)).flat();
    if (backend.scanSegments === null) {
      const bytes = items.reduce((n, it) => n + itemBytes({ LockID: it.lockId, Info: it.info ?? it.infoJson, Digest: it.digest }), 0);
      learntWidths().set(backend.id, segmentsForBytes(bytes));
    }
    return items;
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: 'DynamoDB', resource: table });
  }
}

// Tests reset every process-wide cache with clearCache(): the widths learnt are part of it.
onClearCache(() => learntWidths().clear());

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

/** Outcome of a conditional write: done, or the condition no longer held (someone changed the item). */
export type ConditionalResult = 'written' | 'condition_failed';

async function conditional(backend: BackendConfig, table: string, send: () => Promise<unknown>): Promise<ConditionalResult> {
  try {
    await send();
    return 'written';
  } catch (e) {
    if (isConditionFailed(e)) return 'condition_failed';
    throw toAwsError(e, { backend: backend.id, service: 'DynamoDB', resource: table });
  }
}

/**
 * Deletes a lock item only if it still holds exactly the `Info` string read (OpenTofu's stricter
 * unlock, never an unconditional delete). `seenInfo` null: the item had no `Info` (a malformed lock):
 * the condition is then that it still has neither `Info` nor `Digest`. `{ json }`: the item's `Info`
 * was not a string (its canonical JSON from `toTableItem`): the condition is that exact value (a
 * NULL-typed `Info` by its type, since NULL compares equal to nothing).
 */
export async function deleteLockItemIfInfo(backend: BackendConfig, lockId: string, seenInfo: string | null | { json: string }): Promise<ConditionalResult> {
  const table = requireTable(backend);
  let condition: Pick<DeleteItemCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;
  if (seenInfo === null) {
    condition = { ConditionExpression: 'attribute_exists(#l) AND attribute_not_exists(#i) AND attribute_not_exists(#d)', ExpressionAttributeNames: { '#l': 'LockID', '#i': 'Info', '#d': 'Digest' } };
  } else if (typeof seenInfo === 'string') {
    condition = { ConditionExpression: '#i = :seen', ExpressionAttributeNames: { '#i': 'Info' }, ExpressionAttributeValues: { ':seen': { S: seenInfo } } };
  } else {
    const seen = attributeOfJson(seenInfo.json);
    condition =
      'NULL' in seen && seen.NULL !== undefined
        ? { ConditionExpression: 'attribute_type(#i, :type)', ExpressionAttributeNames: { '#i': 'Info' }, ExpressionAttributeValues: { ':type': { S: 'NULL' } } }
        : { ConditionExpression: '#i = :seen', ExpressionAttributeNames: { '#i': 'Info' }, ExpressionAttributeValues: { ':seen': seen } };
  }
  return conditional(backend, table, () => dynamoClient(backend).send(new DeleteItemCommand({ TableName: table, Key: { LockID: { S: lockId } }, ...condition })));
}

/**
 * Writes a digest item `{LockID, Digest}` only if its `Digest` is still `expected` (or, expected
 * null, only if the item does not exist).
 */
export async function putDigestIfUnchanged(backend: BackendConfig, lockId: string, digest: string, expected: string | null): Promise<ConditionalResult> {
  const table = requireTable(backend);
  const condition: Pick<PutItemCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> =
    expected === null
      ? { ConditionExpression: 'attribute_not_exists(#l)', ExpressionAttributeNames: { '#l': 'LockID' } }
      : { ConditionExpression: '#d = :expected', ExpressionAttributeNames: { '#d': 'Digest' }, ExpressionAttributeValues: { ':expected': { S: expected } } };
  return conditional(backend, table, () =>
    dynamoClient(backend).send(new PutItemCommand({ TableName: table, Item: { LockID: { S: lockId }, Digest: { S: digest } }, ...condition })),
  );
}

/** Deletes a digest item only if its `Digest` is still `expected`. */
export async function deleteDigestIfUnchanged(backend: BackendConfig, lockId: string, expected: string): Promise<ConditionalResult> {
  const table = requireTable(backend);
  return conditional(backend, table, () =>
    dynamoClient(backend).send(
      new DeleteItemCommand({
        TableName: table,
        Key: { LockID: { S: lockId } },
        ConditionExpression: '#d = :expected',
        ExpressionAttributeNames: { '#d': 'Digest' },
        ExpressionAttributeValues: { ':expected': { S: expected } },
      }),
    ),
  );
}

/**
 * Takes a lock the way Terraform does: PutItem `{LockID, Info}` with `attribute_not_exists(LockID)`.
 * `condition_failed` means someone holds (or left) a lock item there.
 */
export async function putLockItemIfAbsent(backend: BackendConfig, lockId: string, infoJson: string): Promise<ConditionalResult> {
  const table = requireTable(backend);
  return conditional(backend, table, () =>
    dynamoClient(backend).send(
      new PutItemCommand({
        TableName: table,
        Item: { LockID: { S: lockId }, Info: { S: infoJson } },
        ConditionExpression: 'attribute_not_exists(LockID)',
      }),
    ),
  );
}
