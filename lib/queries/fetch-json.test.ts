import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../api/errors';
import { fetchJson, NETWORK_ERROR_MESSAGE, toClientError } from './fetch-json';

let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/ok') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"locks":[]}');
    if (req.url === '/conflict') {
      return void res
        .writeHead(409, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'digest_changed', message: 'look again', backend: 'main', key: 'k', expected: 'a', current: { digest: 'b', exists: true } } }));
    }
    res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('fetchJson', () => {
  it('returns the JSON body of a success', async () => {
    expect(await fetchJson(`${base}/ok`)).toEqual({ locks: [] });
  });

  it('rebuilds the typed error of a failure, details included', async () => {
    const error = await fetchJson(`${base}/conflict`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const e = toClientError(error)!;
    expect(e.code === 'digest_changed' && e.details.current.digest).toBe('b');
  });

  it('a non-JSON failure page becomes internal with its status', async () => {
    await expect(fetchJson(`${base}/proxy`)).rejects.toMatchObject({ code: 'internal', message: 'Unexpected response (HTTP 502).' });
  });

  it('Lockboard itself unreachable is network_error, not aws_unreachable', async () => {
    // A port nothing listens on: the connection is refused.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(fetchJson(`http://127.0.0.1:${port}/api/locks`)).rejects.toMatchObject({ code: 'network_error', message: NETWORK_ERROR_MESSAGE });
  });

  it('a cancelled request stays a cancellation', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(fetchJson(`${base}/ok`, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('toClientError', () => {
  it('is null for no error, keeps AppErrors, names a failed fetch and wraps the rest', () => {
    expect(toClientError(null)).toBeNull();
    expect(toClientError(undefined)).toBeNull();
    const known = new AppError('forbidden', 'no', { reason: 'not_operator' });
    expect(toClientError(known)).toBe(known);
    expect(toClientError(new TypeError('Failed to fetch'))).toMatchObject({ code: 'network_error', message: NETWORK_ERROR_MESSAGE });
    expect(toClientError(new Error('render bug'))).toMatchObject({ code: 'internal', message: 'render bug' });
    expect(toClientError('thrown string')).toMatchObject({ code: 'internal', message: 'thrown string' });
  });
});
