import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../api/errors';
import { handle, queryOf } from './handle';

afterEach(() => {
  vi.restoreAllMocks();
});

const request = () => new Request('http://lockboard.test/api/backends/main/locks?key=secret', { method: 'GET' });

describe('handle: the error path', () => {
  it('answers a typed error with its status and {error:{code,message,...details}}', async () => {
    const response = await handle('/api/backends/[id]/locks', request(), async () => {
      throw new AppError('lock_changed', 'replaced', { backend: 'main', key: 'k', current: null, currentLocks: [], released: ['s3'] });
    });
    expect(response.status).toBe(409);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: { code: 'lock_changed', message: 'replaced', backend: 'main', key: 'k', current: null, currentLocks: [], released: ['s3'] } });
  });

  it('answers an unknown failure as 500 internal, logged as one structured line, never leaking it', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const response = await handle('/api/backends/[id]/locks', request(), async () => {
      throw new RangeError('bug with private detail');
    });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body).toEqual({ error: { code: 'internal', message: 'Internal error; the server log has the details.' } });
    expect(JSON.stringify(body)).not.toContain('private');
    expect(logged).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(logged.mock.calls[0]![0])) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error', msg: 'request failed', method: 'GET', route: '/api/backends/[id]/locks', error: { name: 'RangeError', message: 'bug with private detail' } });
  });
});

describe('queryOf: repeated query parameters', () => {
  const q = (qs: string) => new Request(`http://lockboard.test/api/audit?${qs}`);
  it('returns each parameter given once', () => {
    expect(queryOf(q('key=a&limit=5&user='))).toEqual({ key: 'a', limit: '5', user: '' });
  });
  it('refuses a parameter given twice with a 400 naming it', async () => {
    expect(() => queryOf(q('key=a&key=b'))).toThrow(AppError);
    const res = await handle('/api/audit', q('outcome=succeeded&key=a&outcome=refused&key=b'), async () => queryOf(q('outcome=succeeded&key=a&outcome=refused&key=b')));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { problems: string[] } }).error.problems).toEqual(['outcome: given more than once', 'key: given more than once']);
  });
});
