/** The Alerts page's examples are real: the channel passes the configuration loader, the event is what the event rules send. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveEvents } from '@/lib/jobs/alerting/event-rules';
import { loadConfig } from '@/lib/server/config';
import { marshalLockInfo, parseRfc3339 } from '@/lib/terraform/lock-info';
import { mergeLocks } from '@/lib/terraform/locks';
import { EXAMPLE_CHANNELS, EXAMPLE_EVENT, EXAMPLE_SECRET_ENV } from './alert-examples';

describe('the Alerts page examples', () => {
  it('the example channel is accepted by the configuration loader as a webhook with its secret', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-alert-example-')), 'config.json');
    fs.writeFileSync(file, JSON.stringify({ backends: [{ id: 'prod', bucket: 'acme-tfstate-prod', region: 'eu-west-1' }], channels: EXAMPLE_CHANNELS }));
    const config = loadConfig({ LOCKBOARD_CONFIG: file, [EXAMPLE_SECRET_ENV]: 's3cret' });
    expect(config.channels).toEqual([expect.objectContaining({ name: 'ops-hook', type: 'webhook', url: 'https://hooks.example.com/lockboard', events: ['lock.stale', 'lock.released'] })]);
    // Without the variable it names, the start stops saying so.
    expect(() => loadConfig({ LOCKBOARD_CONFIG: file })).toThrow(EXAMPLE_SECRET_ENV);
  });

  it('the example event is exactly what the event rules send for that stale lock', () => {
    const l = EXAMPLE_EVENT.lock!;
    const info = { id: l.id, operation: l.operation, info: l.info, who: l.who, version: l.version, created: l.created, path: l.path };
    const nowMs = Date.parse(EXAMPLE_EVENT.at);
    const ctx = { bucket: 'acme-tfstate-prod', workspaceKeyPrefix: 'env:', dualMode: true, staleAfterMinutes: 120, nowMs };
    const body = marshalLockInfo(info);
    const [lock] = mergeLocks(ctx, [{ lockId: l.path, info: body }], [{ key: EXAMPLE_EVENT.key!, body, etag: '"e"', lastModified: l.created }]);
    expect(parseRfc3339(l.created)).not.toBeNull();
    const events = deriveEvents(EXAMPLE_EVENT.backend, null, { locks: [lock!], states: null }, { staleAfterMinutes: 120, remindAfterMinutes: 240, publicUrl: 'https://lockboard.example.com', nowMs });
    expect(events).toEqual([EXAMPLE_EVENT]);
  });
});
