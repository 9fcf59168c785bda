/**
 * The demo's alert receiver: a webhook endpoint on 127.0.0.1 that the dashboard's `webhook` channel
 * posts to, with a secret made for this run. Each delivery's signature is checked as a real receiver
 * would (HMAC-SHA256 of the raw body, X-Lockboard-Signature-256), it is answered 204 (401 when the
 * signature does not verify) and reported to the caller, so the Alerts page has deliveries to show.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LockboardEvent } from '../../lib/api/alerts';
import { verifySignature } from '../../lib/notify/format';

/** Events are a few KiB; anything far larger is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface Delivery {
  type: string;
  backend: string;
  key: string | null;
  reminder?: number;
  signatureOk: boolean;
}

export interface WebhookReceiver {
  url: string;
  /** The channel's secret (the dashboard reads it from the variable its config names). */
  secret: string;
  close: () => Promise<void>;
}

export async function startWebhookReceiver(onDelivery: (d: Delivery) => void): Promise<WebhookReceiver> {
  const secret = crypto.randomBytes(24).toString('hex');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(d);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signatureOk = verifySignature(secret, body, (req.headers['x-lockboard-signature-256'] as string | undefined) ?? null);
      let event: Partial<LockboardEvent> = {};
      try {
        event = JSON.parse(body) as LockboardEvent;
      } catch {
        // reported with what the headers say
      }
      onDelivery({ type: event.type ?? String(req.headers['x-lockboard-event']), backend: event.backend?.id ?? '?', key: event.key ?? null, reminder: event.reminder, signatureOk });
      res.writeHead(signatureOk ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/lockboard`,
    secret,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
