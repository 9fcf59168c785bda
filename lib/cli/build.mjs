// Builds the `lockboard` command into dist/lockboard.js: our sources (lib/cli/src and the lib/api
// contract modules they import) bundled into one ES module; the packages in package.json's
// `dependencies` stay imports, installed by npm/npx with the package. Run by `npm pack` (prepack).
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
fs.rmSync(path.join(here, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [path.join(here, 'src', 'main.ts')],
  outdir: path.join(here, 'dist'),
  entryNames: 'lockboard',
  // The MCP server (and the SDK and zod it needs) is a chunk loaded by `lockboard mcp` only.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  // Each chunk gets the banner too: harmless in a module that is never executed directly.
  legalComments: 'none',
  logLevel: 'warning',
});
fs.chmodSync(path.join(here, 'dist', 'lockboard.js'), 0o755);
