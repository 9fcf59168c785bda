import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../api/errors';
import { toAppError } from './errors';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('toAppError (server)', () => {
  it('passes AppErrors through unchanged and logs nothing', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const known = new AppError('lock_not_found', 'gone', { backend: 'main', key: 'k' });
    expect(toAppError(known, 'unlock failed')).toBe(known);
    expect(spy).not.toHaveBeenCalled();
  });

  it('logs an unknown failure as one structured error line and answers internal without its details', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const error = toAppError(new TypeError("Cannot read properties of undefined (reading 'secret')"), 'request failed', { method: 'GET', route: '/api/locks' });
    expect(error.code).toBe('internal');
    expect(error.status).toBe(500);
    expect(error.message).toBe('Internal error; the server log has the details.');
    expect(error.details).toEqual({});
    expect(spy).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(spy.mock.calls[0]![0])) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error', msg: 'request failed', method: 'GET', route: '/api/locks', error: { name: 'TypeError', message: "Cannot read properties of undefined (reading 'secret')" } });
  });

  it('logs thrown non-errors too', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(toAppError('a string', 'odd').code).toBe('internal');
    expect(JSON.parse(String(spy.mock.calls[0]![0]))).toMatchObject({ msg: 'odd', error: 'a string' });
  });
});
