/**
 * A loopback HTTP proxy in front of moto that answers chosen requests the way AWS does when it
 * throttles (DynamoDB `ThrottlingException`, S3 `SlowDown`), so the real SDK's retry path runs.
 * Moto never throttles on its own.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ThrottledOperation = 'dynamodb:Scan' | 's3:ListObjectsV2';

export interface ThrottlingProxy {
  endpoint: string;
  /** Answer the next `count` requests of this operation with a throttling error. */
  throttleNext(operation: ThrottledOperation, count: number): void;
  /** Requests of each operation that reached the proxy (throttled or forwarded). */
  seen(operation: ThrottledOperation): number;
  close(): Promise<void>;
}

function operationOf(req: http.IncomingMessage): ThrottledOperation | null {
  if (req.headers['x-amz-target'] === 'DynamoDB_20120810.Scan') return 'dynamodb:Scan';
  if (req.method === 'GET' && /[?&]list-type=2(&|$)/.test(req.url ?? '')) return 's3:ListObjectsV2';
  return null;
}

function throttle(res: http.ServerResponse, operation: ThrottledOperation): void {
  if (operation === 'dynamodb:Scan') {
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' }));
  } else {
    res.writeHead(503, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
  }
}

export async function startThrottlingProxy(target: string): Promise<ThrottlingProxy> {
  const upstream = new URL(target);
  const pending = new Map<ThrottledOperation, number>();
  const counts = new Map<ThrottledOperation, number>();
  const server = http.createServer((req, res) => {
    const operation = operationOf(req);
    if (operation) {
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      const left = pending.get(operation) ?? 0;
      if (left > 0) {
        pending.set(operation, left - 1);
        req.resume();
        req.on('end', () => throttle(res, operation));
        return;
      }
    }
    const forward = http.request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
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
    throttleNext: (operation, count) => void pending.set(operation, count),
    seen: (operation) => counts.get(operation) ?? 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
