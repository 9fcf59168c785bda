/**
 * Heavy reads share one per-replica limit: with maxHeavyReads 3, four concurrent diffs of large
 * versions run three at a time (the fourth waits its turn, or is 503 `busy` with Retry-After once its
 * wait is over); a raw download holds its slot until
 * its stream is consumed or cancelled, and no longer than its progress timeout when the client stops
 * reading (a real HTTP client on a real socket) or its deadline; one caller holds at most half the slots.
 */
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GET as diffRoute } from '@/app/api/backends/[id]/diff/route';
import { GET as objectRoute } from '@/app/api/backends/[id]/object/route';
import { clearDiffCache } from '../services/diff-versions';
import { useBackends } from '../testing/integration-env';
import { APP_ORIGIN } from '../testing/mutation-requests';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { faults } from './faults';
import { heavyReadStats } from './heavy-reads';

const w = new TerraformWriter();
afterAll(() => w.destroy());
// Refused at once when the slots are taken (the wait for a slot has its own test below).
beforeEach(() => faults.setDelay('heavy-read:wait-ms', 0));
afterEach(() => faults.reset());
const bucket = uniqueName('heavy');
const KEY = 'big/terraform.tfstate';
const LINEAGE = 'c3d4e5f6-0000-4000-8000-00000000beef';
const versions: string[] = [];

function bigState(serial: number): string {
  const resources = Array.from({ length: 3000 }, (_, i) => ({
    mode: 'managed', type: 'aws_instance', name: `web${i}`, provider: 'p',
    instances: [{ schema_version: 1, attributes: { id: `i-${i}`, ami: `ami-${serial}`, user_data: 'u'.repeat(1000) }, sensitive_attributes: [] }],
  }));
  return stateDocument({ serial, lineage: LINEAGE, resources });
}

const call = (route: typeof diffRoute, path: string, params: Record<string, string>) =>
  route(new Request(`${APP_ORIGIN}/api/backends/h/${path}?${new URLSearchParams(params)}`), { params: Promise.resolve({ id: 'h' }) });

const HUGE_KEY = 'huge/terraform.tfstate';
let huge = '';

beforeAll(async () => {
  await w.createBucket(bucket);
  for (let s = 1; s <= 5; s++) versions.push((await w.putState(bucket, KEY, bigState(s))).versionId!);
  // Larger than what the kernel's socket buffers and the server's own buffers take in: a client that
  // stops reading leaves the download waiting on it.
  huge = (await w.putStateMultipart(bucket, HUGE_KEY, `${bigState(6).slice(0, -2)}${' '.repeat(40 * 1024 * 1024)}}\n`)).versionId!;
  useBackends([{ id: 'h', bucket }], { maxHeavyReads: 3 });
});

describe('heavy reads per replica', () => {
  it('N+1 concurrent diffs of large versions: N answered, one 503 busy with Retry-After', async () => {
    clearDiffCache();
    let peakRss = process.memoryUsage().rss;
    const baseRss = peakRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const responses = await Promise.all([0, 1, 2, 3].map((i) => call(diffRoute, 'diff', { key: KEY, from: versions[i]!, to: versions[i + 1]! })));
    clearInterval(sampler);
    const statuses = responses.map((r) => r.status).sort();
    console.info(`[heavy] 4 concurrent diffs of ${(bigState(1).length / 1048576).toFixed(1)} MiB versions: ${statuses.join(',')} in ${Math.round(performance.now() - started)} ms; rss ${Math.round(baseRss / 1048576)} → peak ${Math.round(peakRss / 1048576)} MiB`);
    expect(statuses).toEqual([200, 200, 200, 503]);
    const refused = responses.find((r) => r.status === 503)!;
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(await refused.json()).toMatchObject({ error: { code: 'busy', limit: 3, retryAfterSeconds: 2 } });
    expect(heavyReadStats().inUse).toBe(0);
  });

  it('a request finding every slot taken waits its turn (never more than the limit at once)', async () => {
    faults.setDelay('heavy-read:wait-ms', 60_000);
    clearDiffCache();
    const before = heavyReadStats().peak;
    const responses = await Promise.all([0, 1, 2, 3].map((i) => call(diffRoute, 'diff', { key: KEY, from: versions[i]!, to: versions[i + 1]! })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(heavyReadStats().peak).toBe(Math.max(before, 3));
    expect(heavyReadStats().inUse).toBe(0);
  });

  it('a download holds its slot until its stream is read to the end or cancelled', async () => {
    useBackends([{ id: 'h', bucket }], { maxHeavyReads: 1 });
    clearDiffCache();
    const download = await call(objectRoute, 'object', { key: KEY, versionId: versions[0]! });
    expect(download.status).toBe(200);
    expect((await call(diffRoute, 'diff', { key: KEY, from: versions[0]!, to: versions[1]! })).status).toBe(503);
    await download.body!.cancel();
    expect(heavyReadStats().inUse).toBe(0);
    expect((await call(diffRoute, 'diff', { key: KEY, from: versions[0]!, to: versions[1]! })).status).toBe(200);

    const second = await call(objectRoute, 'object', { key: KEY, versionId: versions[1]! });
    expect((await second.text()).length).toBe(bigState(2).length);
    expect(heavyReadStats().inUse).toBe(0);
  });
});

/**
 * A real HTTP server in front of the object route, writing the answer to the socket with
 * backpressure as Next does (it reads the stream only as fast as the socket drains).
 */
async function serveObjectRoute(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const answer = await objectRoute(new Request(`${APP_ORIGIN}${req.url}`, { headers }), { params: Promise.resolve({ id: 'h' }) });
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    if (!answer.body) return res.end();
    const body = Readable.fromWeb(answer.body as unknown as NodeReadableStream<Uint8Array>);
    body.on('error', () => res.destroy());
    body.pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

/** A client that sends the request, reads until the headers have arrived, then stops reading (the socket stays open). */
function stallingClient(port: number, path: string, headers: Record<string, string> = {}): Promise<{ socket: net.Socket; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let head = '';
    socket.on('error', () => undefined);
    socket.on('data', function onData(chunk: Buffer) {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        socket.off('data', onData);
        socket.pause();
        resolve({ socket, head: head.slice(0, head.indexOf('\r\n\r\n')) });
      }
    });
    socket.once('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: lockboard.test\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`));
    setTimeout(() => reject(new Error('no headers within 20 s')), 20_000).unref();
  });
}

async function waitFor(condition: () => boolean, ms: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error(`still not true after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

describe('downloads cannot hold their slots forever', () => {
  const objectPath = (versionId: string) => `/api/backends/h/object?${new URLSearchParams({ key: HUGE_KEY, versionId })}`;

  it('three clients that take the headers and stop reading: their slots come back after the progress timeout', async () => {
    useBackends([{ id: 'h', bucket }], { maxHeavyReads: 3 });
    faults.setDelay('download:progress-ms', 1500);
    const server = await serveObjectRoute();
    const clients: net.Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const { socket, head } = await stallingClient(server.port, objectPath(huge));
        expect(head).toMatch(/^HTTP\/1\.1 200/);
        clients.push(socket);
      }
      expect(heavyReadStats().inUse).toBe(3);
      // Everything heavy is refused while they hold the slots...
      clearDiffCache();
      expect((await call(diffRoute, 'diff', { key: KEY, from: versions[0]!, to: versions[1]! })).status).toBe(503);
      // ...until the stalled downloads are cut off (before: for as long as the sockets stayed open).
      const waited = await waitFor(() => heavyReadStats().inUse === 0, 15_000);
      console.info(`[heavy] 3 stalled downloads released their slots ${waited} ms after the diff was refused`);
      clearDiffCache();
      expect((await call(diffRoute, 'diff', { key: KEY, from: versions[0]!, to: versions[1]! })).status).toBe(200);
    } finally {
      clients.forEach((c) => c.destroy());
      await server.close();
    }
  });

  it('a download still running at its deadline is ended, however steadily it is read', async () => {
    useBackends([{ id: 'h', bucket }], { maxHeavyReads: 3 });
    faults.setDelay('download:deadline-ms', 1500);
    const server = await serveObjectRoute();
    try {
      const { socket } = await stallingClient(server.port, objectPath(huge));
      // A slow but steady reader: 64 KiB every 100 ms, never pausing past the progress timeout.
      let received = 0;
      const drip = setInterval(() => {
        let chunk: Buffer | null;
        while ((chunk = socket.read(65536) as Buffer | null) !== null && received < 1e9) received += chunk.length;
      }, 100);
      try {
        const waited = await waitFor(() => heavyReadStats().inUse === 0, 15_000);
        expect(waited).toBeGreaterThanOrEqual(1000);
        expect(received).toBeLessThan(40 * 1024 * 1024);
      } finally {
        clearInterval(drip);
        socket.destroy();
      }
    } finally {
      await server.close();
    }
  });
});

describe('slots per caller', () => {
  const PROXY = { authMode: 'proxy', operators: ['alice@example.com', 'bob@example.com'], maxHeavyReads: 3 };
  const as = (user: string) => ({ 'x-forwarded-email': user });
  const download = (user: string) =>
    objectRoute(new Request(`${APP_ORIGIN}/api/backends/h/object?${new URLSearchParams({ key: KEY, versionId: versions[0]! })}`, { headers: as(user) }), { params: Promise.resolve({ id: 'h' }) });

  it('one caller holds at most half of the slots (rounded up); another still gets one', async () => {
    useBackends([{ id: 'h', bucket }], PROXY);
    const held = [await download('alice@example.com'), await download('Alice@Example.com')];
    expect(held.map((r) => r.status)).toEqual([200, 200]);
    const third = await download('alice@example.com');
    expect(third.status).toBe(503);
    expect(await third.json()).toMatchObject({ error: { code: 'busy', scope: 'caller', limit: 2 } });
    const bob = await download('bob@example.com');
    expect(bob.status).toBe(200);
    // Every slot is taken now: the replica's limit applies to everyone.
    const again = await download('bob@example.com');
    expect(again.status).toBe(503);
    expect(await again.json()).toMatchObject({ error: { code: 'busy', scope: 'replica', limit: 3 } });
    for (const r of [...held, bob]) await r.body!.cancel();
    expect(heavyReadStats().inUse).toBe(0);
    const later = await download('alice@example.com');
    expect(later.status).toBe(200);
    await later.body!.cancel();
  });
});
