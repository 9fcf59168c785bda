import 'server-only';
/**
 * Amazon SNS: publish one event to a topic, with message attributes subscribers can filter on.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { toAwsError } from './errors';

const clients = new Map<string, SNSClient>();

function client(region: string, endpoint: string | null): SNSClient {
  const id = `${region}\u0000${endpoint ?? ''}`;
  let c = clients.get(id);
  if (!c) {
    c = new SNSClient({ region, ...(endpoint ? { endpoint } : {}), maxAttempts: 1, requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } });
    clients.set(id, c);
  }
  return c;
}

export interface SnsTarget {
  topicArn: string;
  region: string;
  endpoint: string | null;
}

/** Publishes; returns the MessageId. Failures are typed AppErrors (AccessDenied → aws_access_denied). */
export async function publishToTopic(t: SnsTarget, message: { subject: string; body: string; attributes: Record<string, string> }, timeoutMs: number): Promise<string> {
  try {
    const out = await client(t.region, t.endpoint).send(
      new PublishCommand({
        TopicArn: t.topicArn,
        Subject: message.subject.slice(0, 99),
        Message: message.body,
        MessageAttributes: Object.fromEntries(Object.entries(message.attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
      }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    return out.MessageId ?? '';
  } catch (e) {
    throw toAwsError(e, { backend: '', service: 'SNS', resource: t.topicArn });
  }
}
