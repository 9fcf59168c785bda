/**
 * A loopback HTTP proxy in front of moto that misbehaves on chosen requests the way AWS or a broken
 * network path does, so the real SDK's retry and deadline paths run. Moto never does on its own:
 * - throttling: DynamoDB `ThrottlingException`, S3 `SlowDown`;
 * - stalls: accept the request and never answer, or answer the headers and part of the body and then
 *   go silent (a GetObject whose stream stops mid-way);
 * - refusals: answer an S3 PutObject (optionally only under a key prefix) or an SNS Publish with the
 *   error AWS sends when IAM denies it (S3 `AccessDenied`, SNS `AuthorizationError`, both 403), an
 *   internal error (500) or, for SNS, a missing topic (`NotFound`, 404); a DynamoDB Streams
 *   GetRecords with `AccessDeniedException` or `ExpiredIteratorException` (event mode, issue 24).
 * - roles: STS AssumeRole of a chosen role ARN answered AccessDenied (403), as AWS does for a role
 *   that does not exist in its account; moto itself assumes any role.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxiedOperation = 'dynamodb:Scan' | 's3:ListObjectsV2' | 's3:GetObject' | 's3:PutObject' | 'sns:Publish' | 'streams:GetRecords';
export type ThrottledOperation = Extract<ProxiedOperation, 'dynamodb:Scan' | 's3:ListObjectsV2' | 's3:GetObject'>;
export type Stall = 'before-headers' | 'mid-body';
export type RefusedOperation = Extract<ProxiedOperation, 's3:PutObject' | 'sns:Publish' | 'streams:GetRecords'>;
export type Refusal = 'AccessDenied' | 'InternalError' | 'NotFound' | 'ExpiredIterator';
export interface RefuseOptions {
  keyPrefix?: string;
  condition?: 'if-match' | 'if-none-match';
}

export interface AwsFaultProxy {
  endpoint: string;
  /** Answer the next `count` requests of this operation with a throttling error. */
  throttleNext(operation: ThrottledOperation, count: number): void;
  /** Stall the next `count` requests of this operation (the connections are held until close). */
  stallNext(operation: ProxiedOperation, count: number, how: Stall): void;
  /**
   * Refuse the next `count` requests of this operation (`Infinity`: until `refuseNext(op, 0, …)`);
   * `keyPrefix` limits a PutObject refusal to object keys starting with it, `condition` to writes
   * conditional that way (`if-none-match`: a create, `if-match`: a replacement).
   */
  refuseNext(operation: RefusedOperation, count: number, how: Refusal, opts?: RefuseOptions): void;
  /**
   * Answer STS AssumeRole of this role ARN as AWS does when the role does not exist in its account
   * (or its trust policy does not name the caller): 403 AccessDenied. Moto assumes any role ARN.
   */
  denyRole(roleArn: string): void;
  /** Requests of each operation that reached the proxy (throttled, stalled or forwarded). */
  seen(operation: ProxiedOperation): number;
  close(): Promise<void>;
}

/** `/<bucket>/<key>` of a path-style object request (no sub-resource such as ?uploadId or ?tagging). */
function objectKeyOf(url: string): string | null {
  const m = /^\/[^/?]+\/([^?]+)(\?(.*))?$/.exec(url);
  if (!m) return null;
  const query = (m[3] ?? '').split('&').filter((p) => p && !p.startsWith('x-id='));
  return query.length === 0 ? decodeURIComponent(m[1]!) : null;
}

/** SNS speaks the AWS query protocol: the action is in the form-encoded body. */
const isFormPost = (req: http.IncomingMessage) => req.method === 'POST' && /^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '');

function operationOf(req: http.IncomingMessage, body: string | null): ProxiedOperation | null {
  if (req.headers['x-amz-target'] === 'DynamoDB_20120810.Scan') return 'dynamodb:Scan';
  if (req.headers['x-amz-target'] === 'DynamoDBStreams_20120810.GetRecords') return 'streams:GetRecords';
  if (body !== null && new URLSearchParams(body).get('Action') === 'Publish') return 'sns:Publish';
  if (req.method === 'PUT' && objectKeyOf(req.url ?? '') !== null) return 's3:PutObject';
  if (req.method === 'GET' && /[?&]list-type=2(&|$)/.test(req.url ?? '')) return 's3:ListObjectsV2';
  // Path-style GET of an object: /<bucket>/<key>, not a bucket-level query (?versions, ?list-type…).
  if (req.method === 'GET' && /^\/[^/?]+\/[^?]+/.test(req.url ?? '') && !/[?&](versions|list-type|uploads)/.test(req.url ?? '')) return 's3:GetObject';
  return null;
}

function throttle(res: http.ServerResponse, operation: ProxiedOperation): void {
  if (operation === 'dynamodb:Scan') {
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' }));
  } else {
    res.writeHead(503, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
  }
}

function refuse(res: http.ServerResponse, operation: RefusedOperation, how: Refusal): void {
  if (operation === 'streams:GetRecords') {
    const [type, message] =
      how === 'ExpiredIterator'
        ? ['com.amazonaws.dynamodb.v20120810#ExpiredIteratorException', 'Iterator expired. The iterator was created more than 15 minutes ago.']
        : ['com.amazon.coral.service#AccessDeniedException', 'User: arn:aws:sts::123456789012:assumed-role/lockboard/test is not authorized to perform: dynamodb:GetRecords'];
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: type, message }));
    return;
  }
  if (operation === 'sns:Publish') {
    const [status, code, message] =
      how === 'AccessDenied'
        ? [403, 'AuthorizationError', 'User: arn:aws:sts::123456789012:assumed-role/lockboard/test is not authorized to perform: SNS:Publish on resource: the topic because no identity-based policy allows the SNS:Publish action']
        : how === 'NotFound'
          ? [404, 'NotFound', 'Topic does not exist']
          : [500, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.'];
    res.writeHead(status, { 'content-type': 'text/xml' });
    res.end(`<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`);
    return;
  }
  const [status, code, message] = how === 'AccessDenied' ? [403, 'AccessDenied', 'Access Denied'] : how === 'NotFound' ? [404, 'NoSuchBucket', 'The specified bucket does not exist'] : [500, 'InternalError', 'We encountered an internal error. Please try again.'];
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`);
}

/** Takes the next pending fault of this operation, if any. */
function take<T>(pending: Map<ProxiedOperation, { count: number; value: T }>, operation: ProxiedOperation): T | null {
  const entry = pending.get(operation);
  if (!entry || entry.count <= 0) return null;
  entry.count--;
  return entry.value;
}

export async function startAwsFaultProxy(target: string): Promise<AwsFaultProxy> {
  const upstream = new URL(target);
  const throttles = new Map<ProxiedOperation, { count: number; value: true }>();
  const stalls = new Map<ProxiedOperation, { count: number; value: Stall }>();
  const refusals = new Map<ProxiedOperation, { count: number; value: { how: Refusal } & RefuseOptions }>();
  const refused = (req: http.IncomingMessage, opts: RefuseOptions) =>
    (objectKeyOf(req.url ?? '') ?? '').startsWith(opts.keyPrefix ?? '') && (!opts.condition || req.headers[opts.condition] !== undefined);
  const counts = new Map<ProxiedOperation, number>();
  const deniedRoles = new Set<string>();
  const server = http.createServer((req, res) => {
    if (!isFormPost(req)) return handle(req, res, null);
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => handle(req, res, body));
  });
  function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string | null): void {
    const form = body === null ? null : new URLSearchParams(body);
    if (form?.get('Action') === 'AssumeRole' && deniedRoles.has(form.get('RoleArn') ?? '')) {
      res.writeHead(403, { 'content-type': 'text/xml' });
      res.end(
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/moto is not authorized to perform: sts:AssumeRole on resource: ${form.get('RoleArn')}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`,
      );
      return;
    }
    const operation = operationOf(req, body);
    let stall: Stall | null = null;
    if (operation) {
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      const refusal = operation === 's3:PutObject' || operation === 'sns:Publish' || operation === 'streams:GetRecords' ? refusals.get(operation) : undefined;
      if (refusal && refusal.count > 0 && refused(req, refusal.value)) {
        refusal.count--;
        const answer = () => refuse(res, operation as RefusedOperation, refusal.value.how);
        if (body !== null) answer();
        else req.resume().on('end', answer);
        return;
      }
      if (take(throttles, operation)) {
        req.resume();
        req.on('end', () => throttle(res, operation));
        return;
      }
      stall = take(stalls, operation);
      if (stall === 'before-headers') {
        req.resume(); // read the request, never answer
        return;
      }
    }
    const forward = http.request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (stall === 'mid-body') {
          // Send the first chunk, then hold the connection open without another byte.
          answer.once('data', (chunk: Buffer) => res.write(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2)))));
          return;
        }
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    if (body !== null) forward.end(body);
    else req.pipe(forward);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    throttleNext: (operation, count) => void throttles.set(operation, { count, value: true }),
    stallNext: (operation, count, how) => void stalls.set(operation, { count, value: how }),
    refuseNext: (operation, count, how, opts = {}) => void refusals.set(operation, { count, value: { how, ...opts } }),
    denyRole: (roleArn) => void deniedRoles.add(roleArn),
    seen: (operation) => counts.get(operation) ?? 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
