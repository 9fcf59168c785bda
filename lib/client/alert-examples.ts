/**
 * What the Alerts page shows when no channel is configured: a channel to copy into the configuration
 * and the event a receiver gets. Typed against the real shapes (a `LockboardEvent`; the channel is
 * checked by the configuration loader in alert-examples.test.ts, the event against the event rules).
 */
import type { LockboardEvent } from '@/lib/api/alerts';

/** A webhook channel for stale and released locks: `channels` of the JSON file named by LOCKBOARD_CONFIG. */
export const EXAMPLE_CHANNELS = [
  { name: 'ops-hook', type: 'webhook', url: 'https://hooks.example.com/lockboard', secretEnv: 'LOCKBOARD_HOOK_SECRET', events: ['lock.stale', 'lock.released'] },
] as const;

/** The variable the example's `secretEnv` names: the HMAC key of `X-Lockboard-Signature-256`. */
export const EXAMPLE_SECRET_ENV = EXAMPLE_CHANNELS[0].secretEnv;

/** A first stale-lock notice, as a webhook receives it (POST body). */
export const EXAMPLE_EVENT: LockboardEvent = {
  id: 'lock.stale.901215460c833224d213c55fd5413bd7.0',
  type: 'lock.stale',
  at: '2026-12-04T10:15:02.000Z',
  backend: { id: 'prod', name: 'Production' },
  key: 'network/terraform.tfstate',
  workspace: 'default',
  summary: 'Stale lock: network/terraform.tfstate held by runner@gha-runner-17 (OperationTypeApply) for 2.1 h',
  link: 'https://lockboard.example.com/state?backend=prod&key=network%2Fterraform.tfstate',
  lock: {
    id: '6039b6b4-9689-504c-753b-c9d45d82edbd',
    operation: 'OperationTypeApply',
    who: 'runner@gha-runner-17',
    info: '',
    version: '1.11.4',
    created: '2026-12-04T08:09:40.123456789Z',
    path: 'acme-tfstate-prod/network/terraform.tfstate',
    sources: ['dynamodb', 's3'],
    problems: [],
    ageSeconds: 7521,
  },
  ageSeconds: 7521,
  forceUnlock: "terraform force-unlock '6039b6b4-9689-504c-753b-c9d45d82edbd'",
  reminder: 0,
};
