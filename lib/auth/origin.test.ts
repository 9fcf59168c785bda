import { describe, expect, it } from 'vitest';
import { AppError } from '../api/errors';
import { assertSameOriginJson } from './origin';

function post(headers: Record<string, string>, url = 'http://lockboard.test:3000/api/backends/main/unlock') {
  return new Request(url, { method: 'POST', headers, body: '{}' });
}

function codeOf(request: Request): string | null {
  try {
    assertSameOriginJson(request);
    return null;
  } catch (e) {
    return (e as AppError).code;
  }
}

describe('assertSameOriginJson', () => {
  it('accepts JSON from the same origin, and from non-browser clients', () => {
    expect(codeOf(post({ 'content-type': 'application/json', origin: 'http://lockboard.test:3000', 'sec-fetch-site': 'same-origin' }))).toBeNull();
    expect(codeOf(post({ 'content-type': 'application/json; charset=utf-8' }))).toBeNull();
    expect(codeOf(post({ 'content-type': 'application/json', 'sec-fetch-site': 'none' }))).toBeNull();
  });

  it('accepts the origin of a reverse proxy named by Host / X-Forwarded-Host', () => {
    // A TLS-terminating proxy says the scheme with X-Forwarded-Proto (the origin check compares scheme too).
    expect(codeOf(post({ 'content-type': 'application/json', origin: 'https://locks.example.com', host: 'locks.example.com', 'x-forwarded-proto': 'https' }, 'http://10.0.0.5:3000/api/x'))).toBeNull();
    expect(codeOf(post({ 'content-type': 'application/json', origin: 'https://locks.example.com', 'x-forwarded-host': 'locks.example.com', 'x-forwarded-proto': 'https' }, 'http://127.0.0.1:3000/api/x'))).toBeNull();
  });

  it('compares the scheme: http:// on the same host is another origin; the configured public URL is accepted', () => {
    expect(codeOf(post({ 'content-type': 'application/json', origin: 'http://lockboard.test:3000' }, 'https://lockboard.test:3000/api/x'))).toBe('forbidden');
    expect(codeOf(post({ 'content-type': 'application/json', origin: 'https://locks.example.com', host: 'locks.example.com' }, 'http://10.0.0.5:3000/api/x'))).toBe('forbidden');
    const req = post({ 'content-type': 'application/json', origin: 'https://locks.example.com', host: 'locks.example.com' }, 'http://10.0.0.5:3000/api/x');
    expect(() => assertSameOriginJson(req, 'https://locks.example.com/')).not.toThrow();
    // Default ports are the same origin.
    expect(codeOf(post({ 'content-type': 'application/json', origin: 'https://locks.example.com', host: 'locks.example.com:443', 'x-forwarded-proto': 'https' }, 'http://10.0.0.5:3000/api/x'))).toBeNull();
  });

  it('refuses a body that is not JSON with 415', () => {
    expect(codeOf(post({ 'content-type': 'text/plain' }))).toBe('unsupported_media_type');
    expect(codeOf(post({ 'content-type': 'application/x-www-form-urlencoded' }))).toBe('unsupported_media_type');
    expect(codeOf(post({}))).toBe('unsupported_media_type');
  });

  it('refuses cross-site requests with 403', () => {
    expect(codeOf(post({ 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }))).toBe('forbidden');
    expect(codeOf(post({ 'content-type': 'application/json', 'sec-fetch-site': 'same-site' }))).toBe('forbidden');
    expect(codeOf(post({ 'content-type': 'application/json', origin: 'https://evil.example' }))).toBe('forbidden');
    expect(codeOf(post({ 'content-type': 'application/json', origin: 'null' }))).toBe('forbidden');
    expect(codeOf(post({ 'content-type': 'application/json', origin: 'http://lockboard.test:3001' }))).toBe('forbidden');
  });
});
