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

  it("rebuilds another bundle's AppError (recognised by name and code) instead of calling it internal", () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // What another bundle's copy of the class makes: an Error named AppError with code and details.
    class OtherBundleAppError extends Error {
      constructor(readonly code: string, message: string, readonly details: Record<string, unknown>) {
        super(message);
        this.name = 'AppError';
      }
    }
    const foreign = new OtherBundleAppError('aws_timeout', 'The S3 endpoint did not answer in time.', { backend: 'main', service: 'S3', resource: 'b', awsError: 'TimeoutError' });
    const error = toAppError(foreign, 'request failed');
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(504);
    expect(error.toJson()).toEqual({ code: 'aws_timeout', message: 'The S3 endpoint did not answer in time.', backend: 'main', service: 'S3', resource: 'b', awsError: 'TimeoutError' });
    expect(spy).not.toHaveBeenCalled();
    // A name alone is not enough: an unknown code is still an internal failure.
    expect(toAppError(new OtherBundleAppError('made_up', 'x', {}), 'request failed').code).toBe('internal');
  });

  it('logs thrown non-errors too', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(toAppError('a string', 'odd').code).toBe('internal');
    expect(JSON.parse(String(spy.mock.calls[0]![0]))).toMatchObject({ msg: 'odd', error: 'a string' });
  });
});
