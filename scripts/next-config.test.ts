/**
 * Next copies every request body up to `experimental.proxyClientMaxBodySize` before proxy.ts runs:
 * that limit follows Lockboard's own largest body (plus one read chunk), not Next's 10 MB default.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BULK_UNLOCK_BODY_LIMIT } from '../lib/api/bulk-unlock';
import { ESTATE_DECISION_BODY_LIMIT } from '../lib/api/estate';
import { UNFREEZE_BODY_LIMIT } from '../lib/api/freeze';
import { MIGRATION_CLEANUP_BODY_LIMIT } from '../lib/api/migration';
import { UNLOCK_BODY_LIMIT } from '../lib/api/unlock';
import { MUTATION_BODY_LIMIT } from '../lib/http/mutation-route';

const root = path.resolve(import.meta.dirname, '..');
const constants: Record<string, number> = { BULK_UNLOCK_BODY_LIMIT, UNLOCK_BODY_LIMIT, MUTATION_BODY_LIMIT, UNFREEZE_BODY_LIMIT, MIGRATION_CLEANUP_BODY_LIMIT, ESTATE_DECISION_BODY_LIMIT };

/** Every route's body cap: `maxBodyBytes: <expr>` of mutation routes and the MAX_BODY of the others, evaluated. */
function routeLimits(): Array<{ route: string; bytes: number }> {
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name === 'route.ts' ? [path.join(dir, e.name)] : []));
  return walk(path.join(root, 'app', 'api')).flatMap((file) => {
    const source = fs.readFileSync(file, 'utf8');
    const exprs = [...source.matchAll(/maxBodyBytes:\s*([A-Z_\d\s*]+)[,\n]/g), ...source.matchAll(/const MAX_BODY = ([A-Z_\d\s*]+);/g)].map((m) => m[1]!.trim());
    const route = path.relative(root, file);
    return exprs.map((e) => ({ route, bytes: e.split('*').map((f) => constants[f.trim()] ?? Number(f.trim())).reduce((a, b) => a * b, 1) }));
  });
}

describe('next.config.js', () => {
  const config = createRequire(import.meta.url)(path.join(root, 'next.config.js')) as { experimental: { proxyClientMaxBodySize: number } };

  it("buffers at most Lockboard's largest body plus a read chunk", () => {
    const limits = routeLimits();
    expect(limits.length).toBeGreaterThanOrEqual(4);
    // A cap named by a constant this test does not know reads as NaN: add the constant above.
    for (const l of limits) expect(Number.isFinite(l.bytes) && l.bytes > 0, `${l.route}: its body cap resolves to a number`).toBe(true);
    const largest = Math.max(MUTATION_BODY_LIMIT, ...limits.map((l) => l.bytes));
    expect(largest).toBe(BULK_UNLOCK_BODY_LIMIT);
    expect(config.experimental.proxyClientMaxBodySize).toBe(largest + 128 * 1024);
  });
});
