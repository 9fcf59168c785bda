/**
 * Wires a local backend (moto) for event mode as docs/events.md and the Terraform module do on AWS:
 * the bucket's object notifications to an SNS topic (each replica subscribes its own queue) or to one
 * SQS queue, and the lock table's stream (NEW_AND_OLD_IMAGES). Returns the backend's `events` block.
 * For the integration tests, the demo, the benchmark and the replica check; not used by the app.
 */
import { DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { TerraformWriter } from './terraform-writer';

export interface EventsBlock {
  s3: { topicArn: string } | { queueUrl: string };
  dynamodbStreamArn?: string;
  reconcileMinutes?: number;
  retrySeconds?: number;
}

export interface EventStackOptions {
  endpoint: string;
  bucket: string;
  /** Its stream is enabled when given. */
  table?: string;
  /** 'topic' (the fan-out: one queue per replica) or 'queue' (one queue, one replica). */
  via: 'topic' | 'queue';
  /** Names the topic or queue (default: the bucket's name). */
  name?: string;
}

export function eventClients(endpoint: string) {
  const common = { region: 'us-east-1', endpoint };
  return { sqs: new SQSClient(common), sns: new SNSClient(common) };
}

/** Enables the table's stream and returns its ARN. */
export async function enableStream(w: TerraformWriter, table: string): Promise<string> {
  const out = await w.ddb.send(new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }));
  const arn = out.TableDescription?.LatestStreamArn ?? (await w.ddb.send(new DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn;
  if (!arn) throw new Error(`no stream ARN for table ${table}`);
  return arn;
}

/** The S3 events S3 sends for the keys Lockboard follows (suffix filters cannot be OR-ed in one rule: one rule per suffix). */
const EVENTS = ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] as const;
const SUFFIXES = ['.tfstate', '.tflock'];

export async function wireEvents(w: TerraformWriter, opts: EventStackOptions): Promise<EventsBlock> {
  const { sqs, sns } = eventClients(opts.endpoint);
  const name = opts.name ?? opts.bucket;
  let s3: EventsBlock['s3'];
  if (opts.via === 'topic') {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: `${name}-events` }))).TopicArn!;
    await w.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: opts.bucket,
        NotificationConfiguration: { TopicConfigurations: SUFFIXES.map((suffix) => ({ TopicArn: topicArn, Events: [...EVENTS], Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: suffix }] } } })) },
      }),
    );
    s3 = { topicArn };
  } else {
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-events` }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await w.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: opts.bucket,
        NotificationConfiguration: { QueueConfigurations: SUFFIXES.map((suffix) => ({ QueueArn: queueArn, Events: [...EVENTS], Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: suffix }] } } })) },
      }),
    );
    s3 = { queueUrl };
  }
  sqs.destroy();
  sns.destroy();
  const dynamodbStreamArn = opts.table ? await enableStream(w, opts.table) : undefined;
  return { s3, ...(dynamodbStreamArn ? { dynamodbStreamArn } : {}) };
}
