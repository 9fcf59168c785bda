import { describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config';
import { hostAllowed } from './hosts';

const env = { LOCKBOARD_BUCKET: 'tf-state', AWS_REGION: 'us-east-1' };

describe('hostAllowed', () => {
  it('defaults to loopback names on any port and the public URL host', () => {
    const config = loadConfig({ ...env, LOCKBOARD_PUBLIC_URL: 'https://locks.example.com' });
    for (const h of ['localhost:3000', '127.0.0.1:8080', '[::1]:3000', 'LOCALHOST', 'locks.example.com']) expect(hostAllowed(h, config)).toBe(true);
    for (const h of ['rebind.example:3000', 'evil.localhost:3000', '127.0.0.1.nip.io', '', null]) expect(hostAllowed(h, config)).toBe(false);
  });

  it('LOCKBOARD_ALLOWED_HOSTS adds names; * turns the check off', () => {
    expect(hostAllowed('10.0.0.5:3000', loadConfig({ ...env, LOCKBOARD_ALLOWED_HOSTS: '10.0.0.5, locks.internal:3000' }))).toBe(true);
    expect(hostAllowed('locks.internal:3001', loadConfig({ ...env, LOCKBOARD_ALLOWED_HOSTS: 'locks.internal:3000' }))).toBe(false);
    expect(hostAllowed('anything:1', loadConfig({ ...env, LOCKBOARD_ALLOWED_HOSTS: '*' }))).toBe(true);
  });
});
