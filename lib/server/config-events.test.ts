import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

function load(backend: Record<string, unknown>, env: Record<string, string> = {}) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-events-config-')), 'config.json');
  fs.writeFileSync(file, JSON.stringify({ backends: [{ id: 'prod', bucket: 'states', region: 'us-east-1', ...backend }] }));
  return loadConfig({ LOCKBOARD_CONFIG: file, ...env });
}

const stream = 'arn:aws:dynamodb:us-east-1:123456789012:table/locks/stream/2026-01-01T00:00:00.000';

describe('backend events block', () => {
  it('is absent by default: the backend is polled', () => {
    expect(load({}).backends[0]!.events).toBeNull();
  });

  it('resolves a topic, a stream and the defaults', () => {
    const events = load({ dynamodbTable: 'locks', events: { s3: { topicArn: 'arn:aws:sns:us-east-1:123456789012:state-events' }, dynamodbStreamArn: stream } }).backends[0]!.events;
    expect(events).toEqual({ s3: { kind: 'topic', topicArn: 'arn:aws:sns:us-east-1:123456789012:state-events' }, dynamodbStreamArn: stream, reconcileMinutes: 10, retrySeconds: 30, longPollSeconds: 20 });
  });

  it('puts the replica id in a queue URL', () => {
    const config = load({ events: { s3: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/lockboard-{replica}' } } }, { LOCKBOARD_REPLICA_ID: 'web-0' });
    expect(config.replicaId).toBe('web-0');
    expect(config.backends[0]!.events?.s3).toEqual({ kind: 'queue', queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/lockboard-web-0' });
  });

  it('refuses a block naming no source, a bad ARN, and a stream without a table, saying where', () => {
    const problems = (backend: Record<string, unknown>) => {
      try {
        load(backend);
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problems({ events: {} })).toEqual([expect.stringMatching(/backends\[0\]\.events.*at least one source/)]);
    expect(problems({ events: { s3: { topicArn: 'not-an-arn' } } })).toEqual([expect.stringMatching(/backends\[0\]\.events\.s3.*SNS topic ARN|backends\[0\]\.events\.s3/)]);
    expect(problems({ events: { dynamodbStreamArn: stream } })).toEqual([expect.stringMatching(/events\.dynamodbStreamArn: backend "prod" has no dynamodbTable/)]);
  });
});
