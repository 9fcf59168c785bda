import 'server-only';
/**
 * The lock table's DynamoDB stream (issue 24): its shards, an iterator per shard, and one page of
 * records at a time. Only the LockID and the sequence number of each record are kept: the consumer
 * re-reads the item itself (GetItem), the truth whatever order records arrive in.
 */
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { AppError } from '../api/errors';
import type { BackendConfig } from '../server/config';
import { streamsClient } from './clients';
import { sdkErrorName, toAwsError } from './errors';

export interface StreamShard {
  shardId: string;
  parentShardId: string | null;
  /** False once the shard is closed (it has an ending sequence number). */
  open: boolean;
}

export interface StreamChange {
  lockId: string;
  /** Stream sequence number: increases within a shard. */
  sequenceNumber: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
}

export interface StreamPage {
  changes: StreamChange[];
  /** Records the page held that named no string LockID (ignored, counted). */
  unusable: number;
  /** Null: the shard is closed and read to its end. */
  nextIterator: string | null;
}

/** Errors that mean the stream's position is lost or unreadable: the backend falls back to polling. */
const LOST_POSITION = new Set(['ExpiredIteratorException', 'TrimmedDataAccessException']);

/** The stream named in an error: its table's (the ARN carries the account, not for the page). */
function streamLabel(streamArn: string): string {
  return `stream of table ${/:table\/([^/]+)\//.exec(streamArn)?.[1] ?? '?'}`;
}

function streamError(e: unknown, backend: BackendConfig, streamArn: string): AppError {
  const name = sdkErrorName(e);
  const resource = streamLabel(streamArn);
  const detail = { backend: backend.id, service: 'DynamoDB Streams', resource, awsError: name };
  if (LOST_POSITION.has(name)) return new AppError('aws_error', `The lock table's stream position was lost (${name}): records may have been missed.`, detail);
  if (name === 'ResourceNotFoundException') return new AppError('aws_error', `DynamoDB ${resource} does not exist (backend "${backend.id}"): is the table's stream enabled?`, detail);
  return toAwsError(e, { backend: backend.id, service: 'DynamoDB Streams', resource });
}

/** Every shard of the stream (all pages of DescribeStream). */
export async function describeShards(backend: BackendConfig, streamArn: string): Promise<StreamShard[]> {
  const shards: StreamShard[] = [];
  let start: string | undefined;
  try {
    do {
      const out = await streamsClient(backend).send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      for (const s of out.StreamDescription?.Shards ?? []) {
        if (s.ShardId) shards.push({ shardId: s.ShardId, parentShardId: s.ParentShardId ?? null, open: !s.SequenceNumberRange?.EndingSequenceNumber });
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
  } catch (e) {
    throw streamError(e, backend, streamArn);
  }
  return shards;
}

/** An iterator at the newest record (LATEST) or the oldest kept (TRIM_HORIZON: a shard born after we started). */
export async function shardIterator(backend: BackendConfig, streamArn: string, shardId: string, from: 'LATEST' | 'TRIM_HORIZON'): Promise<string | null> {
  try {
    const out = await streamsClient(backend).send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: from }));
    return out.ShardIterator ?? null;
  } catch (e) {
    throw streamError(e, backend, streamArn);
  }
}

/** One page of records (GetRecords answers at once, empty or not: the caller paces its polls). */
export async function readRecords(backend: BackendConfig, streamArn: string, iterator: string): Promise<StreamPage> {
  try {
    const out = await streamsClient(backend).send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const changes: StreamChange[] = [];
    let unusable = 0;
    for (const r of out.Records ?? []) {
      const lockId = r.dynamodb?.Keys?.LockID?.S;
      const seq = r.dynamodb?.SequenceNumber;
      const name = r.eventName;
      if (typeof lockId === 'string' && typeof seq === 'string' && /^\d{1,64}$/.test(seq) && (name === 'INSERT' || name === 'MODIFY' || name === 'REMOVE')) changes.push({ lockId, sequenceNumber: seq, eventName: name });
      else unusable++;
    }
    return { changes, unusable, nextIterator: out.NextShardIterator ?? null };
  } catch (e) {
    throw streamError(e, backend, streamArn);
  }
}
