import 'server-only';
/**
 * Amazon SQS and the SNS subscription of event mode (issue 24): long-poll a backend's event queue,
 * delete what was handled, and (topic fan-out) create this replica's own queue, subscribe it to the
 * topic and remove both on a clean shutdown. Every failure is a typed AppError
 * (`aws_access_denied`, `aws_error` naming QueueDoesNotExist…) the consumer turns into a visible fallback.
 */
import { SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { BackendConfig } from '../server/config';
import { snsClient, sqsClient } from './clients';
import { toAwsError } from './errors';

/** A queue named in an error: its name only (the URL carries the endpoint and the account, not for the page). */
function queueLabel(queueUrl: string): string {
  return `queue ${queueUrl.split('/').filter(Boolean).pop() ?? ''}`;
}

export interface QueueMessage {
  receiptHandle: string;
  body: string;
  /** Bytes of the body as received (UTF-8). */
  size: number;
}

/** Waits up to `waitSeconds` for up to 10 messages (one request, whatever happens). */
export async function receiveMessages(backend: BackendConfig, queueUrl: string, waitSeconds: number, abortSignal?: AbortSignal): Promise<QueueMessage[]> {
  try {
    const out = await sqsClient(backend).send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds, VisibilityTimeout: 60 }), { abortSignal });
    return (out.Messages ?? []).flatMap((m) => (m.ReceiptHandle ? [{ receiptHandle: m.ReceiptHandle, body: m.Body ?? '', size: Buffer.byteLength(m.Body ?? '', 'utf8') }] : []));
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: 'SQS', resource: queueLabel(queueUrl) });
  }
}

/** Deletes handled messages (at most 10 per request). */
export async function deleteMessages(backend: BackendConfig, queueUrl: string, receiptHandles: string[]): Promise<void> {
  try {
    for (let i = 0; i < receiptHandles.length; i += 10) {
      const batch = receiptHandles.slice(i, i + 10);
      await sqsClient(backend).send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((h, n) => ({ Id: String(n), ReceiptHandle: h })) }));
    }
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: 'SQS', resource: queueLabel(queueUrl) });
  }
}

/** The policy letting one SNS topic (and nothing else) send to the queue. */
function topicPolicy(queueArn: string, topicArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn, Condition: { ArnEquals: { 'aws:SourceArn': topicArn } } }],
  });
}

export interface ReplicaQueue {
  queueUrl: string;
  queueArn: string;
  subscriptionArn: string;
}

/**
 * Creates (or reuses: CreateQueue is idempotent for the same attributes) this replica's queue, lets
 * the topic send to it and subscribes it with raw delivery (the body is the S3 event itself).
 * Messages are kept 1 hour: a replica away longer reconciles at start-up anyway.
 */
export async function createReplicaQueue(backend: BackendConfig, topicArn: string, queueName: string): Promise<ReplicaQueue> {
  let queueUrl = '';
  try {
    const created = await sqsClient(backend).send(new CreateQueueCommand({ QueueName: queueName, Attributes: { MessageRetentionPeriod: '3600', ReceiveMessageWaitTimeSeconds: '20' }, tags: { 'lockboard:backend': backend.id } }));
    queueUrl = created.QueueUrl ?? '';
    const attrs = await sqsClient(backend).send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    const queueArn = attrs.Attributes?.QueueArn ?? '';
    await sqsClient(backend).send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: topicPolicy(queueArn, topicArn) } }));
    const sub = await snsClient(backend).send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' }, ReturnSubscriptionArn: true }));
    return { queueUrl, queueArn, subscriptionArn: sub.SubscriptionArn ?? '' };
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: queueUrl ? 'SNS' : 'SQS', resource: queueUrl ? queueLabel(queueUrl) : `topic ${topicArn.split(':').pop() ?? ''}` });
  }
}

/** Unsubscribes and deletes this replica's queue (clean shutdown). */
export async function deleteReplicaQueue(backend: BackendConfig, queue: ReplicaQueue): Promise<void> {
  try {
    if (queue.subscriptionArn) await snsClient(backend).send(new UnsubscribeCommand({ SubscriptionArn: queue.subscriptionArn }));
    await sqsClient(backend).send(new DeleteQueueCommand({ QueueUrl: queue.queueUrl }));
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: 'SQS', resource: queueLabel(queue.queueUrl) });
  }
}
