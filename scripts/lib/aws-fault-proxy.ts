/**
 * A loopback HTTP proxy in front of moto that misbehaves on chosen requests the way AWS or a broken
 * network path does, so the real SDK's retry and deadline paths run. Moto never does on its own:
 * - throttling: DynamoDB `ThrottlingException`, S3 `SlowDown`;
 * - stalls: accept the request and never answer, or answer the headers and part of the body and then
 *   go silent (a GetObject whose stream stops mid-way).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxiedOperation = 'dynamodb:Scan' | 's3:ListObjectsV2' | 's3:GetObject';
export type ThrottledOperation = Extract<ProxiedOperation, 'dynamodb:Scan' | 's3:ListObjectsV2'>;
export type Stall = 'before-headers' | 'mid-body';

export interface AwsFaultProxy {
  endpoint: string;
  /** Answer the next `count` requests of this operation with a throttling error. */
  throttleNext(operation: ThrottledOperation, count: number): void;
  /** Stall the next `count` requests of this operation (the connections are held until close). */
  stallNext(operation: ProxiedOperation, count: number, how: Stall): void;
  /** Requests of each operation that reached the proxy (throttled, stalled or forwarded). */
  seen(operation: ProxiedOperation): number;
  close(): Promise<void>;
}

function operationOf(req: http.IncomingMessage): ProxiedOperation | null {
  if (req.headers['x-amz-target'] === 'DynamoDB_20120810.Scan') return 'dynamodb:Scan';
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
  const counts = new Map<ProxiedOperation, number>();
  const server = http.createServer((req, res) => {
    const operation = operationOf(req);
    let stall: Stall | null = null;
    if (operation) {
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
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
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    throttleNext: (operation, count) => void throttles.set(operation, { count, value: true }),
    stallNext: (operation, count, how) => void stalls.set(operation, { count, value: how }),
    seen: (operation) => counts.get(operation) ?? 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
