/**
 * Which wrapper each mutation route uses follows from what it changes: a route whose body names one
 * state (`key`) and no list is a `mutationRoute` authorised on `body.key`; a route whose body names
 * several states (a list, or a prefix) is a `bulkMutationRoute`, which authorises every item on its
 * own key. So no future route can authorise "several keys" as one key, or as none.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const root = path.resolve(import.meta.dirname, '../..');

function routeFiles(dir = path.join(root, 'app/api')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(full);
    return e.name === 'route.ts' ? [full] : [];
  });
}

interface MutationRouteFile {
  rel: string;
  source: string;
  wrapper: 'mutationRoute' | 'bulkMutationRoute';
  shape: Record<string, z.ZodType>;
}

async function mutationRoutes(): Promise<MutationRouteFile[]> {
  const found: MutationRouteFile[] = [];
  for (const file of routeFiles()) {
    const source = fs.readFileSync(file, 'utf8');
    const wrapper = /\bbulkMutationRoute\(/.test(source) ? 'bulkMutationRoute' : /\bmutationRoute\(/.test(source) ? 'mutationRoute' : null;
    if (!wrapper) continue;
    const m = /schema: (\w+)/.exec(source);
    const from = m ? new RegExp(`import \\{[^}]*\\b${m[1]}\\b[^}]*\\} from '@/lib/api/([\\w-]+)'`).exec(source) : null;
    expect(from, `${file}: schema imported from lib/api`).not.toBeNull();
    const schema = ((await import(`../api/${from![1]}.ts`)) as Record<string, unknown>)[m![1]!] as z.ZodObject;
    found.push({ rel: path.relative(root, file), source, wrapper, shape: schema.shape as Record<string, z.ZodType> });
  }
  return found;
}

const listsStates = (shape: Record<string, z.ZodType>) => 'prefix' in shape || Object.values(shape).some((f) => f instanceof z.ZodArray);

describe('mutation routes', () => {
  it('one state: mutationRoute, authorised on body.key; several: bulkMutationRoute', async () => {
    const routes = await mutationRoutes();
    expect(routes.map((r) => r.wrapper).sort()).toEqual(['bulkMutationRoute', 'bulkMutationRoute', 'bulkMutationRoute', 'bulkMutationRoute', 'mutationRoute', 'mutationRoute', 'mutationRoute', 'mutationRoute']);
    for (const r of routes) {
      if (r.wrapper === 'mutationRoute') {
        expect(listsStates(r.shape), `${r.rel} names one state`).toBe(false);
        expect('key' in r.shape, `${r.rel} has a key`).toBe(true);
        expect(r.source, `${r.rel} is authorised on the key of its body`).toMatch(/audit: \(body\) => \(\{ key: body\.key,/);
      } else {
        expect(listsStates(r.shape), `${r.rel} names several states`).toBe(true);
      }
    }
  });
});
