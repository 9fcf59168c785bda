import { describe, expect, it } from 'vitest';
import { authWarning } from './startup';

describe('authWarning', () => {
  it('mode none says in one line that anyone who can reach it may mutate, and where it listens', () => {
    const line = authWarning({ authMode: 'none', readOnly: false, listenHost: '127.0.0.1' });
    expect(line).toMatch(/anyone who can reach this server \(listening on 127\.0\.0\.1\) may force-unlock/);
    expect(line).not.toContain('\n');
    expect(authWarning({ authMode: 'proxy', readOnly: false, listenHost: '0.0.0.0' })).toBeNull();
  });
});
