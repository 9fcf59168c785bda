/**
 * Lockboard's layer rules, as an ESLint plugin (`lockboard/*`, wired in eslint.config.mjs). The
 * "Architecture" table of docs/architecture.md says the same thing in prose; this file is what holds it:
 *
 * - `lockboard/layers`: who may import whom (see LAYER_RULES below), per import, type-only or not.
 * - `lockboard/no-server-in-client`: code that reaches the browser ('use client' files, components/,
 *   lib/client, lib/queries, lib/api) never imports, even through other modules, one that has
 *   `import 'server-only'`, a Node built-in or a server-only package. Type-only imports are erased
 *   by the build and so are not followed.
 * - `lockboard/no-cycle`: no chain of imports leads from a module back to itself.
 *
 * Tests (`*.test.ts`), test tooling (lib/testing), scripts/ and e2e/ are tooling, not layers: they may
 * import any layer, and only the cycle rule applies to them.
 */
import path from 'node:path';
import type { ESLint, Rule } from 'eslint';
import { findServerChain, isServerPackage, pathsBackTo, resolveImport, toRel, type Target } from './import-graph';

/** A module of the browser bundle: by folder, or by its 'use client' directive. */
const CLIENT_FOLDERS = ['components/', 'lib/client/', 'lib/queries/', 'lib/api/'];
/** Server layers: the browser may not import them, not even their types (the contract is lib/api). */
const SERVER_FOLDERS = ['lib/jobs/', 'lib/services/', 'lib/notify/', 'lib/aws/', 'lib/audit/', 'lib/server/', 'lib/http/', 'lib/auth/'];
/**
 * lib/cli is the `lockboard` npm package (CLI and MCP server), packed and run on its own: it reaches a
 * server over the JSON API only, so it imports lib/cli, the lib/api contract, Node modules and these
 * packages (its package.json `dependencies`; a unit test keeps the two equal), and nothing imports it.
 * The AWS SDK clients are the heartbeat helper's of `lockboard run` (lib/cli/src/heartbeat/), which
 * writes heartbeat objects with the CI job's own credentials: never the server's.
 */
export const CLI_PACKAGES = ['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3', '@modelcontextprotocol/sdk', 'zod'];
/** Test tooling: no production module may import it. */
const TOOLING_FOLDERS = ['scripts/', 'e2e/', 'lib/testing/', 'lib/cli/stack/'];

export function isTooling(rel: string): boolean {
  // lib/cli's own build script and stack-test config sit at the package's root.
  return /\.test\.tsx?$/.test(rel) || TOOLING_FOLDERS.some((f) => rel.startsWith(f)) || /^[^/]+\.config\.[cm]?[jt]s$/.test(rel) || /^lib\/cli\/[^/]+\.[cm]?[jt]s$/.test(rel);
}

export function isClientFolder(rel: string): boolean {
  return CLIENT_FOLDERS.some((f) => rel.startsWith(f));
}

interface Check {
  name: 'terraform-pure' | 'api-contract' | 'aws-sdk' | 'client-contract' | 'server-order' | 'server-not-client' | 'app-on-top' | 'lib-below-components' | 'cli-package' | 'cli-apart' | 'no-tooling';
  /** Applies to production files whose project-relative path this matches. */
  from: (rel: string, ctx: { client: boolean }) => boolean;
  /** An error message when the import of `t` from the file `rel` is not allowed, else null. */
  check: (t: Target, typeOnly: boolean, rel: string) => string | null;
}

const inFolder = (t: Target, folder: string) => t.kind === 'file' && t.rel.startsWith(folder);

/** Server layers and the server layers above them, which they never import (adapters at the bottom, HTTP at the top). */
const SERVER_ABOVE: Record<string, string[]> = {
  'lib/server/': ['lib/aws/', 'lib/auth/', 'lib/audit/', 'lib/notify/', 'lib/services/', 'lib/http/', 'lib/jobs/'],
  'lib/aws/': ['lib/auth/', 'lib/audit/', 'lib/notify/', 'lib/services/', 'lib/http/', 'lib/jobs/'],
  'lib/auth/': ['lib/audit/', 'lib/notify/', 'lib/services/', 'lib/http/', 'lib/jobs/'],
  'lib/audit/': ['lib/notify/', 'lib/services/', 'lib/http/', 'lib/jobs/'],
  'lib/notify/': ['lib/services/', 'lib/http/', 'lib/jobs/'],
  'lib/services/': ['lib/http/', 'lib/jobs/'],
  // Background jobs (alerting, sweeps, and the loops to come) call services; only app/ and
  // instrumentation.ts start or read them, so the request path never depends on a job.
  'lib/http/': ['lib/jobs/'],
};
const serverLayerOf = (rel: string) => SERVER_FOLDERS.find((f) => rel.startsWith(f)) ?? (rel.startsWith('lib/terraform/') ? 'lib/terraform/' : null);

/** The table of who may import whom (production code only). */
export const LAYER_RULES: Check[] = [
  {
    // lib/terraform: the pure protocol model. Nothing outside it, no package, no Node module.
    name: 'terraform-pure',
    from: (rel) => rel.startsWith('lib/terraform/'),
    check: (t) =>
      t.kind === 'file' && !t.rel.startsWith('lib/terraform/')
        ? `lib/terraform is pure: it imports nothing outside lib/terraform (found ${t.rel})`
        : t.kind === 'package' || t.kind === 'builtin'
          ? `lib/terraform is pure: it imports no package or Node module (found ${t.name})`
          : null,
  },
  {
    // lib/api: the browser–server contract. zod, itself, and lib/terraform's types.
    name: 'api-contract',
    from: (rel) => rel.startsWith('lib/api/'),
    check: (t, typeOnly) => {
      if (t.kind === 'package' && t.name !== 'zod') return `lib/api imports only zod, lib/api and lib/terraform types (found ${t.name})`;
      if (t.kind === 'builtin') return `lib/api imports only zod, lib/api and lib/terraform types (found ${t.name})`;
      if (t.kind !== 'file' || t.rel.startsWith('lib/api/')) return null;
      if (t.rel.startsWith('lib/terraform/') && typeOnly) return null;
      if (t.rel.startsWith('lib/terraform/')) return `lib/api imports only types from lib/terraform (use \`import type\`): ${t.rel}`;
      return `lib/api imports only zod, lib/api and lib/terraform types (found ${t.rel})`;
    },
  },
  {
    // The AWS SDK stays behind lib/aws (the CLI package, run apart with its own credentials, has its own list).
    name: 'aws-sdk',
    from: (rel) => !rel.startsWith('lib/aws/') && !rel.startsWith('lib/cli/'),
    check: (t) => (t.kind === 'package' && t.name.startsWith('@aws-sdk/') ? `only lib/aws imports the AWS SDK (found ${t.name})` : null),
  },
  {
    // The browser gets its types from lib/api, never from a server layer.
    name: 'client-contract',
    from: (_rel, { client }) => client,
    check: (t) => {
      const folder = SERVER_FOLDERS.find((f) => inFolder(t, f));
      return folder && t.kind === 'file' ? `client code imports nothing from ${folder.slice(0, -1)}, not even types: the browser–server contract is lib/api (found ${t.rel})` : null;
    },
  },
  {
    name: 'server-order',
    // Adapters at the bottom, HTTP at the top: a server layer never imports one above it.
    from: (rel) => Object.keys(SERVER_ABOVE).some((f) => rel.startsWith(f)),
    check: (t, _typeOnly, rel) => {
      const layer = Object.keys(SERVER_ABOVE).find((f) => rel.startsWith(f))!;
      const above = SERVER_ABOVE[layer]!.find((f) => inFolder(t, f));
      return above && t.kind === 'file' ? `${layer.slice(0, -1)} sits below ${above.slice(0, -1)} and imports nothing from it (found ${t.rel})` : null;
    },
  },
  {
    name: 'server-not-client',
    // Server layers never import browser code (hooks, browser helpers).
    from: (rel) => serverLayerOf(rel) !== null,
    check: (t) => {
      const folder = ['lib/client/', 'lib/queries/'].find((f) => inFolder(t, f));
      return folder && t.kind === 'file' ? `server code imports nothing from ${folder.slice(0, -1)} (browser code): ${t.rel}` : null;
    },
  },
  {
    // Imports flow lib → components → app.
    name: 'app-on-top',
    from: (rel) => !rel.startsWith('app/'),
    check: (t) => (inFolder(t, 'app/') && t.kind === 'file' ? `only app/ imports from app/ (found ${t.rel}); move shared code to lib/ or components/` : null),
  },
  {
    name: 'lib-below-components',
    from: (rel) => rel.startsWith('lib/'),
    check: (t) => (inFolder(t, 'components/') && t.kind === 'file' ? `lib/ imports nothing from components/ (found ${t.rel})` : null),
  },
  {
    // lib/cli: a separate package speaking the JSON API; never a server layer, never another package.
    name: 'cli-package',
    from: (rel) => rel.startsWith('lib/cli/'),
    check: (t) => {
      if (t.kind === 'file' && !t.rel.startsWith('lib/cli/') && !t.rel.startsWith('lib/api/')) return `lib/cli talks to a server over the JSON API: it imports only lib/cli and the lib/api contract (found ${t.rel})`;
      if (t.kind === 'package' && !CLI_PACKAGES.includes(t.name)) return `lib/cli imports only its own dependencies (${CLI_PACKAGES.join(', ')}) and Node modules (found ${t.name})`;
      return null;
    },
  },
  {
    // Nothing else imports the CLI package (it is packed on its own).
    name: 'cli-apart',
    from: (rel) => !rel.startsWith('lib/cli/'),
    check: (t) => (inFolder(t, 'lib/cli/') && t.kind === 'file' ? `lib/cli is the separate lockboard package: nothing else imports it (found ${t.rel})` : null),
  },
  {
    // Production code never depends on test tooling.
    name: 'no-tooling',
    from: () => true,
    check: (t) => {
      const folder = TOOLING_FOLDERS.find((f) => inFolder(t, f));
      return folder && t.kind === 'file' ? `production code imports nothing from ${folder.slice(0, -1)} (test and local-stack tooling): ${t.rel}` : null;
    },
  },
];

/** Every import-like node of an ESLint (typescript-eslint) AST, with its specifier and type-only flag. */
function importListener(onImport: (node: Rule.Node, specifier: string, typeOnly: boolean) => void): Rule.RuleListener {
  type Named = { importKind?: string; exportKind?: string; type: string };
  const literal = (n: unknown) => (n && typeof n === 'object' && (n as { type: string }).type === 'Literal' && typeof (n as { value: unknown }).value === 'string' ? ((n as { value: string }).value) : null);
  return {
    ImportDeclaration(node) {
      const n = node as unknown as { importKind?: string; specifiers: Named[]; source: unknown };
      const specs = n.specifiers;
      const typeOnly = n.importKind === 'type' || (specs.length > 0 && specs.every((s) => s.type === 'ImportSpecifier' && s.importKind === 'type'));
      const spec = literal(n.source);
      if (spec !== null) onImport(node as Rule.Node, spec, typeOnly);
    },
    ExportNamedDeclaration(node) {
      const n = node as unknown as { exportKind?: string; specifiers: Named[]; source: unknown };
      const spec = literal(n.source);
      const typeOnly = n.exportKind === 'type' || (n.specifiers.length > 0 && n.specifiers.every((s) => s.exportKind === 'type'));
      if (spec !== null) onImport(node as Rule.Node, spec, typeOnly);
    },
    ExportAllDeclaration(node) {
      const n = node as unknown as { exportKind?: string; source: unknown };
      const spec = literal(n.source);
      if (spec !== null) onImport(node as Rule.Node, spec, n.exportKind === 'type');
    },
    ImportExpression(node) {
      const spec = literal((node as unknown as { source: unknown }).source);
      if (spec !== null) onImport(node as Rule.Node, spec, false);
    },
    CallExpression(node) {
      const n = node as unknown as { callee: { type: string; name?: string }; arguments: unknown[] };
      const spec = n.callee.type === 'Identifier' && n.callee.name === 'require' ? literal(n.arguments[0]) : null;
      if (spec !== null) onImport(node as Rule.Node, spec, false);
    },
  };
}

function hasUseClient(program: { body: unknown[] }): boolean {
  for (const st of program.body) {
    const s = st as { type: string; directive?: string };
    if (s.type !== 'ExpressionStatement' || s.directive === undefined) break;
    if (s.directive === 'use client') return true;
  }
  return false;
}

/** Project root: ESLint's working directory (where eslint.config.mjs is). */
const rootOf = (context: Rule.RuleContext) => context.cwd;

const layers: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: "Enforces Lockboard's layers: who may import whom (docs/architecture.md)." },
    schema: [{ type: 'object', properties: { allowContract: { type: 'array', items: { type: 'string' } } }, additionalProperties: false }],
    messages: { layer: '{{message}}' },
  },
  create(context) {
    const root = rootOf(context);
    const file = context.filename;
    const rel = toRel(root, file);
    if (rel.startsWith('..') || isTooling(rel)) return {};
    const client = isClientFolder(rel) || hasUseClient(context.sourceCode.ast as unknown as { body: unknown[] });
    // Files still importing server-layer types while the contract moves to lib/api (issue 11).
    const allowContract = new Set<string>((context.options[0] as { allowContract?: string[] } | undefined)?.allowContract ?? []);
    const checks = LAYER_RULES.filter((c) => c.from(rel, { client }));
    return importListener((node, specifier, typeOnly) => {
      const target = resolveImport(root, file, specifier);
      for (const c of checks) {
        const message = c.check(target, typeOnly, rel);
        if (!message) continue;
        if (c.name === 'client-contract' && allowContract.has(rel)) continue;
        context.report({ node, messageId: 'layer', data: { message } });
      }
    });
  },
};

const noServerInClient: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: "Client code imports no server-only module, directly or through others." },
    schema: [],
    messages: { server: 'client code must not import {{specifier}}: {{chain}} {{reason}}' },
  },
  create(context) {
    const root = rootOf(context);
    const file = context.filename;
    const rel = toRel(root, file);
    if (rel.startsWith('..') || /\.test\.tsx?$/.test(rel)) return {};
    if (!isClientFolder(rel) && !hasUseClient(context.sourceCode.ast as unknown as { body: unknown[] })) return {};
    return importListener((node, specifier, typeOnly) => {
      if (typeOnly) return;
      const target = resolveImport(root, file, specifier);
      let found: { chain: string[]; reason: string } | null = null;
      if (target.kind === 'builtin') found = { chain: [], reason: "(a Node module)" };
      else if (target.kind === 'package' && isServerPackage(target.name)) found = { chain: [], reason: '(a server-only package)' };
      else if (target.kind === 'file') found = findServerChain(root, target.abs);
      if (found) context.report({ node, messageId: 'server', data: { specifier, chain: found.chain.join(' → '), reason: found.reason } });
    });
  },
};

const noCycle: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'No import cycles (type-only imports included).' },
    schema: [],
    messages: { cycle: 'import cycle: {{cycle}}' },
  },
  create(context) {
    const root = rootOf(context);
    const file = path.resolve(context.filename);
    const rel = toRel(root, file);
    if (rel.startsWith('..')) return {};
    const imports: Array<{ node: Rule.Node; abs: string }> = [];
    return {
      ...importListener((node, specifier) => {
        const target = resolveImport(root, file, specifier);
        if (target.kind === 'file' && target.abs !== file) imports.push({ node, abs: target.abs });
      }),
      'Program:exit'() {
        const back = pathsBackTo(root, imports.map((i) => i.abs), file);
        back.forEach((p, i) => {
          if (p) context.report({ node: imports[i]!.node, messageId: 'cycle', data: { cycle: [rel, ...p].join(' → ') } });
        });
      },
    };
  },
};

const plugin: ESLint.Plugin = {
  meta: { name: 'lockboard' },
  rules: { layers, 'no-server-in-client': noServerInClient, 'no-cycle': noCycle },
};

export { plugin as lockboardPlugin };
export default plugin;
