import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, parseS3Message } from './s3-messages';

const parse = (v: unknown) => {
  const body = typeof v === 'string' ? v : JSON.stringify(v);
  return parseS3Message(body, Buffer.byteLength(body));
};

const notification = (key: string, eventName = 'ObjectCreated:Put', bucket = 'states') => ({
  Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName, s3: { bucket: { name: bucket }, object: { key, size: 12, eTag: 'abc', sequencer: '0055AED6DCD90281E5' } } }],
});

describe('parseS3Message', () => {
  it('reads a bucket notification, decoding the key (spaces as +, %xx)', () => {
    expect(parse(notification('env/prod+app/n%C3%A9/terraform.tfstate'))).toEqual({
      kind: 'events',
      events: [{ bucket: 'states', key: 'env/prod app/né/terraform.tfstate', sequencer: '0055AED6DCD90281E5', kind: 'change' }],
      unusable: 0,
    });
  });

  it('reads removals and tells other S3 events apart', () => {
    const removed = parse(notification('a.tflock', 'ObjectRemoved:Delete'));
    expect(removed.kind === 'events' && removed.events[0]?.kind).toBe('change');
    const tagged = parse(notification('a.tfstate', 'ObjectTagging:Put'));
    expect(tagged.kind === 'events' && tagged.events[0]?.kind).toBe('other');
  });

  it('unwraps an SNS envelope once', () => {
    const env = { Type: 'Notification', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: JSON.stringify(notification('a.tfstate')) };
    const got = parse(env);
    expect(got.kind === 'events' && got.events[0]?.key).toBe('a.tfstate');
    // An envelope in an envelope is not followed.
    expect(parse({ Type: 'Notification', Message: JSON.stringify(env) })).toEqual({ kind: 'ignored', reason: 'not_s3' });
  });

  it('reads an EventBridge event (key not encoded) and its detail-type', () => {
    const ev = (type: string) => ({ version: '0', source: 'aws.s3', 'detail-type': type, detail: { bucket: { name: 'states' }, object: { key: 'a b+c.tfstate', sequencer: '0A' } } });
    expect(parse(ev('Object Deleted'))).toEqual({ kind: 'events', events: [{ bucket: 'states', key: 'a b+c.tfstate', sequencer: '0A', kind: 'change' }], unusable: 0 });
    const tags = parse(ev('Object Tags Added'));
    expect(tags.kind === 'events' && tags.events[0]?.kind).toBe('other');
  });

  it("recognises S3's test event", () => {
    expect(parse({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'states' })).toEqual({ kind: 'test' });
  });

  it('ignores bad input without throwing', () => {
    expect(parse('not json {')).toEqual({ kind: 'ignored', reason: 'malformed' });
    expect(parse('[1,2]')).toEqual({ kind: 'ignored', reason: 'malformed' });
    expect(parse({ hello: 'world' })).toEqual({ kind: 'ignored', reason: 'not_s3' });
    expect(parse({ Records: [] })).toEqual({ kind: 'ignored', reason: 'malformed' });
    expect(parse({ Records: [{ eventSource: 'aws:s3', s3: { bucket: { name: 'b' }, object: { key: '%E0%A4%A' } } }] })).toEqual({ kind: 'ignored', reason: 'malformed' });
    expect(parse({ Records: [{ eventSource: 'aws:s3', s3: { bucket: { name: 'b' }, object: { key: 'x'.repeat(2000) } } }] })).toEqual({ kind: 'ignored', reason: 'malformed' });
    // A bad sequencer is dropped (the key is still re-read), never trusted.
    const odd = parse({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'k', sequencer: 'zz' } } }] });
    expect(odd.kind === 'events' && odd.events[0]?.sequencer).toBeNull();
  });

  it('refuses a message far larger than an S3 event before parsing it', () => {
    const big = JSON.stringify({ Records: [notification('a.tfstate').Records[0]], pad: 'x'.repeat(MAX_MESSAGE_BYTES) });
    expect(parseS3Message(big, Buffer.byteLength(big))).toEqual({ kind: 'ignored', reason: 'too_large' });
  });

  it('counts records it cannot use beside those it can', () => {
    const body = { Records: [...notification('a.tfstate').Records, { eventSource: 'aws:sqs' }] };
    expect(parse(body)).toMatchObject({ kind: 'events', unusable: 1 });
  });
});
