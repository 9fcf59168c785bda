/**
 * The route table of docs/api.md (the JSON API reference the README links to), the route files and the contract module agree: every
 * documented route exists as `app/api/**\/route.ts` exporting that method, every route file is
 * documented, and every route that takes input validates it with a schema exported from `lib/api`
 * (no schema written beside the route).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const root = path.resolve(import.meta.dirname, '../..');

function documentedRoutes(): Array<{ method: string; route: string }> {
  const doc = fs.readFileSync(path.join(root, 'docs/api.md'), 'utf8');
  expect(doc.startsWith('# JSON API'), 'docs/api.md starts with "# JSON API"').toBe(true);
  // The route table is in the introduction, before the first "## " topic.
  const end = doc.indexOf('\n## ');
  const section = doc.slice(0, end === -1 ? undefined : end);
  // A row may show its query string (`GET /api/search?q=…`): the route is the path before it.
  const rows = [...section.matchAll(/^\|\s*`(GET|POST|PUT|PATCH|DELETE) (\/api\/[^`\s?]*)[^`]*`\s*\|/gm)];
  return rows.map((m) => ({ method: m[1]!, route: m[2]! }));
}

function routeFiles(dir = path.join(root, 'app/api')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(full);
    return e.name === 'route.ts' ? [full] : [];
  });
}

/** `/api/backends/{id}/locks` ⇄ `app/api/backends/[id]/locks/route.ts` */
function fileOf(route: string): string {
  return path.join(root, 'app', route.replace(/\{(\w+)\}/g, '[$1]'), 'route.ts');
}

function routeOf(file: string): string {
  return `/${path.relative(path.join(root, 'app'), path.dirname(file)).split(path.sep).join('/')}`.replace(/\[(\w+)\]/g, '{$1}');
}

function exportsMethod(source: string, method: string): boolean {
  return new RegExp(`export\\s+(async\\s+)?function\\s+${method}\\b|export\\s+const\\s+${method}\\b`).test(source);
}

describe('docs/api.md route table', () => {
  const documented = documentedRoutes();

  it('lists routes', () => {
    expect(documented.length).toBeGreaterThan(10);
  });

  it('every documented route exists and exports its method', () => {
    for (const { method, route } of documented) {
      const file = fileOf(route);
      expect(fs.existsSync(file), `${method} ${route}: ${path.relative(root, file)}`).toBe(true);
      expect(exportsMethod(fs.readFileSync(file, 'utf8'), method), `${path.relative(root, file)} exports ${method}`).toBe(true);
    }
  });

  it('every route file and method is documented', () => {
    const listed = new Set(documented.map((d) => `${d.method} ${d.route}`));
    for (const file of routeFiles()) {
      const source = fs.readFileSync(file, 'utf8');
      const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => exportsMethod(source, m));
      expect(methods.length, path.relative(root, file)).toBeGreaterThan(0);
      for (const m of methods) expect(listed.has(`${m} ${routeOf(file)}`), `${m} ${routeOf(file)} is in the docs/api.md table`).toBe(true);
    }
  });

  it("every route's request schema is exported from lib/api (none written beside the route)", async () => {
    for (const file of routeFiles()) {
      const rel = path.relative(root, file);
      const source = fs.readFileSync(file, 'utf8');
      expect(source, `${rel} defines no zod schema of its own`).not.toMatch(/from 'zod'/);
      const takesInput = /parseInput\(|[mM]utationRoute\(/.test(source);
      const imports = [...source.matchAll(/import \{([^}]*)\} from '@\/lib\/api\/([\w-]+)'/g)].flatMap((m) =>
        m[1]!.split(',').map((n) => ({ name: n.trim().replace(/^type\s+/, ''), module: m[2]! })),
      );
      const schemas = imports.filter((i) => i.name.endsWith('Schema'));
      if (takesInput) expect(schemas.length, `${rel} validates its input with a schema from lib/api`).toBeGreaterThan(0);
      for (const { name, module } of schemas) {
        const mod = (await import(`./${module}.ts`)) as Record<string, unknown>;
        expect(mod[name], `lib/api/${module}.ts exports ${name}`).toBeInstanceOf(z.ZodType);
      }
    }
  });

  it('lib/api stays importable from the browser (no server-only, no node: imports, only zod, types and pure lib/terraform)', () => {
    const dir = path.join(root, 'lib/api');
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      const source = fs.readFileSync(path.join(dir, name), 'utf8');
      expect(source, name).not.toMatch(/^import ['"]server-only['"]|from ['"]node:/m);
      for (const m of source.matchAll(/from '([^']+)'/g)) {
        const spec = m[1]!;
        expect(spec === 'zod' || spec.startsWith('./') || spec.startsWith('../terraform/'), `${name} imports ${spec}`).toBe(true);
        if (spec.startsWith('../terraform/')) expect(source, `${name}: ${spec} only as a type`).toMatch(new RegExp(`import type [^;]*'${spec.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`));
      }
    }
  });
});
