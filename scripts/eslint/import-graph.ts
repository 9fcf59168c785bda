/**
 * The project's import graph, as the layer rules (./layers.ts) see it: which modules a file imports,
 * resolved the way tsconfig.json does (`@/x` is `<root>/x`, relative paths, .ts/.tsx/index files),
 * whether each import is type-only (erased at build time, so it brings no code along), and what a
 * module is (`import 'server-only'`, Node built-ins). Files on disk are parsed once per lint run
 * (cached by path and mtime); the file being linted is described from ESLint's own AST instead.
 */
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Where an import specifier points. `rel` is the project-relative POSIX path of a resolved file. */
export type Target =
  | { kind: 'file'; abs: string; rel: string }
  | { kind: 'package'; name: string }
  | { kind: 'builtin'; name: string }
  | { kind: 'unresolved'; specifier: string };

export interface ImportRef {
  specifier: string;
  /** `import type …`, `export type … from`, or every named binding marked `type`. */
  typeOnly: boolean;
}

export interface ModuleFacts {
  imports: ImportRef[];
  /** Has `import 'server-only'`. */
  serverOnly: boolean;
}

const BUILTINS = new Set(builtinModules);
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.mjs', '.jsx'];

export function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

/** `@scope/name/deep` → `@scope/name`, `name/deep` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

export function toRel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

function resolveFile(base: string): string | null {
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, `index${e}`))];
  // `./x.mjs` written for a `x.mts`/`x.ts` source is how TypeScript spells some imports.
  if (/\.m?js$/.test(base)) candidates.push(base.replace(/\.(m?)js$/, '.$1ts'));
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // not this one
    }
  }
  return null;
}

const resolved = new Map<string, Target>();

/**
 * Resolves `specifier` as imported from the file `fromAbs` in the project at `root`. Cached for the
 * life of the process (one lint run): the files of a project do not come and go during one.
 */
export function resolveImport(root: string, fromAbs: string, specifier: string): Target {
  const key = `${root}\0${fromAbs}\0${specifier}`;
  let t = resolved.get(key);
  if (!t) resolved.set(key, (t = resolveUncached(root, fromAbs, specifier)));
  return t;
}

function resolveUncached(root: string, fromAbs: string, specifier: string): Target {
  if (isBuiltin(specifier)) return { kind: 'builtin', name: specifier.replace(/^node:/, '') };
  let base: string | null = null;
  if (specifier.startsWith('@/')) base = path.join(root, specifier.slice(2));
  else if (specifier.startsWith('.') || specifier.startsWith('/')) base = path.resolve(path.dirname(fromAbs), specifier);
  if (base === null) return { kind: 'package', name: packageName(specifier) };
  const abs = resolveFile(base);
  return abs ? { kind: 'file', abs, rel: toRel(root, abs) } : { kind: 'unresolved', specifier };
}

/** Imports of a source text, read with the TypeScript parser (static, re-exports, dynamic, require). */
export function scanSource(fileName: string, text: string): ModuleFacts {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const imports: ImportRef[] = [];
  let serverOnly = false;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const specifier = st.moduleSpecifier.text;
      const clause = st.importClause;
      if (!clause && specifier === 'server-only') serverOnly = true;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      imports.push({ specifier, typeOnly });
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      const named = st.exportClause && ts.isNamedExports(st.exportClause) ? st.exportClause.elements : null;
      imports.push({ specifier: st.moduleSpecifier.text, typeOnly: st.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)) });
    } else if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference) && ts.isStringLiteral(st.moduleReference.expression)) {
      imports.push({ specifier: st.moduleReference.expression.text, typeOnly: st.isTypeOnly });
    }
  }
  // import('x') and require('x') anywhere in the file.
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0]!)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isImport || isRequire) imports.push({ specifier: (node.arguments[0] as ts.StringLiteral).text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { imports, serverOnly };
}

const cache = new Map<string, ModuleFacts>();

/** Facts of a file on disk, parsed once per process (one lint run). */
export function factsOf(abs: string): ModuleFacts {
  let facts = cache.get(abs);
  if (!facts) {
    let text = '';
    try {
      text = /\.(m?ts|tsx|m?js|jsx)$/.test(abs) ? fs.readFileSync(abs, 'utf8') : '';
    } catch {
      // gone: no imports
    }
    facts = scanSource(abs, text);
    cache.set(abs, facts);
  }
  return facts;
}

/** Packages that only run on a server (Node libraries, the `server-only` guard), besides Node's own modules. */
const SERVER_PACKAGES = [/^@aws-sdk\//, /^prom-client$/, /^server-only$/];
export const isServerPackage = (name: string) => SERVER_PACKAGES.some((re) => re.test(name));

/** Why a module cannot go to the browser, or null: `server-only`, a Node built-in, a server package. */
export function serverReason(root: string, abs: string): string | null {
  const facts = factsOf(abs);
  if (facts.serverOnly) return "imports 'server-only'";
  for (const imp of facts.imports) {
    if (imp.typeOnly) continue;
    const t = resolveImport(root, abs, imp.specifier);
    if (t.kind === 'builtin') return `imports Node's ${imp.specifier}`;
    if (t.kind === 'package' && isServerPackage(t.name)) return `imports ${t.name}`;
  }
  return null;
}

/**
 * The first chain of runtime (non-type) imports from `startAbs` to a server-only module, as
 * project-relative paths ending with the offending module, plus the reason; null when there is none.
 */
export function findServerChain(root: string, startAbs: string): { chain: string[]; reason: string } | null {
  const seen = new Set<string>();
  const walk = (abs: string, trail: string[]): { chain: string[]; reason: string } | null => {
    if (seen.has(abs)) return null;
    seen.add(abs);
    const here = [...trail, toRel(root, abs)];
    const reason = serverReason(root, abs);
    if (reason) return { chain: here, reason };
    for (const imp of factsOf(abs).imports) {
      if (imp.typeOnly) continue;
      const t = resolveImport(root, abs, imp.specifier);
      if (t.kind !== 'file') continue;
      const found = walk(t.abs, here);
      if (found) return found;
    }
    return null;
  };
  return walk(startAbs, []);
}

/**
 * For each of `starts` (the modules a file imports, in order), the import path that leads from it
 * back to `targetAbs`, or null. One walk shared by all starts: a module explored without reaching
 * the target is not explored again.
 */
export function pathsBackTo(root: string, starts: string[], targetAbs: string): Array<string[] | null> {
  const seen = new Set<string>();
  const walk = (abs: string, trail: string[]): string[] | null => {
    const here = [...trail, toRel(root, abs)];
    if (abs === targetAbs) return here;
    if (seen.has(abs)) return null;
    seen.add(abs);
    for (const imp of factsOf(abs).imports) {
      const t = resolveImport(root, abs, imp.specifier);
      if (t.kind !== 'file') continue;
      const found = walk(t.abs, here);
      if (found) return found;
    }
    return null;
  };
  return starts.map((s) => walk(s, []));
}
