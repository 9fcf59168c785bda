import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditPageHref, BACKEND_API_ROUTES, backendApiUrl, queryString, statePageHref } from './urls';

const root = path.join(import.meta.dirname, '..', '..');

/** Route folders under app/api/backends/[id]/ that hold a route.ts, as `a/b`. */
function routeFolders(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (!e.isDirectory()) return [];
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    const here = fs.existsSync(path.join(dir, e.name, 'route.ts')) ? [rel] : [];
    return [...here, ...routeFolders(path.join(dir, e.name), rel)];
  });
}

/** Hand-built `/api/backends/…` strings in browser code (the helper is the one builder). */
function handBuilt(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((e) => {
    if (!e.isFile() || !/\.tsx?$/.test(e.name) || e.name.includes('.test.') || e.parentPath.includes(`${path.sep}api`)) return [];
    const file = path.join(e.parentPath, e.name);
    return fs.readFileSync(file, 'utf8').split('\n').flatMap((line, i) => (/[`'"]\/api\/backends\//.test(line) ? [`${path.relative(root, file)}:${i + 1}`] : []));
  });
}

describe('backendApiUrl', () => {
  it('names exactly the routes that exist under app/api/backends/[id]/', () => {
    expect([...BACKEND_API_ROUTES].sort()).toEqual(routeFolders(path.join(root, 'app', 'api', 'backends', '[id]')).sort());
  });

  it('encodes the backend id as one path segment', () => {
    expect(backendApiUrl('prod', 'locks')).toBe('/api/backends/prod/locks');
    const url = new URL(backendApiUrl('a/b?c#d %é', 'states'), 'http://x');
    expect(url.pathname.split('/')).toEqual(['', 'api', 'backends', 'a%2Fb%3Fc%23d%20%25%C3%A9', 'states']);
    expect(decodeURIComponent(url.pathname.split('/')[3]!)).toBe('a/b?c#d %é');
    expect(url.search).toBe('');
  });

  it('encodes query values, repeats arrays and leaves out null and undefined', () => {
    const url = new URL(backendApiUrl('b', 'restore-marks', { key: 'env:/a&b=c+d/terraform.tfstate', v: ['1', 'x&y'], none: null, gone: undefined, n: 0 }), 'http://x');
    expect(url.searchParams.get('key')).toBe('env:/a&b=c+d/terraform.tfstate');
    expect(url.searchParams.getAll('v')).toEqual(['1', 'x&y']);
    expect(url.searchParams.get('n')).toBe('0');
    expect([...url.searchParams.keys()]).toEqual(['key', 'v', 'v', 'n']);
    expect(backendApiUrl('b', 'last-writers', { k: [] })).toBe('/api/backends/b/last-writers');
    expect(queryString({})).toBe('');
  });

  it('is the only builder of /api/backends/ URLs in browser code', () => {
    expect([...handBuilt(path.join(root, 'lib', 'queries')), ...handBuilt(path.join(root, 'lib', 'client')), ...handBuilt(path.join(root, 'components')), ...handBuilt(path.join(root, 'app'))]).toEqual([]);
  });
});

describe('page links', () => {
  it('state and audit pages, keys and ids encoded', () => {
    const state = new URL(statePageHref('b 1', 'env:/dev/a&b.tfstate'), 'http://x');
    expect([state.pathname, state.searchParams.get('backend'), state.searchParams.get('key')]).toEqual(['/state', 'b 1', 'env:/dev/a&b.tfstate']);
    expect(auditPageHref('b', 'r/1')).toBe('/audit?backend=b&id=r%2F1');
    expect(auditPageHref('')).toBe('/audit');
  });
});
