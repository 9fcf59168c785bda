// The configuration check (lib/server/config-check.ts) as one plain ES module, zod included, that the
// start scripts import before Next starts: `<distDir>/config-check.mjs`. Built with esbuild (a
// dependency of tsx, so present wherever the app can be built); `next build` empties the dist dir,
// so each build is followed by a fresh bundle (scripts/lib/next-build.ts, the Dockerfile) or
// scripts/start.mjs makes one on first start.
//   node scripts/lib/config-check-bundle.mjs [distDir]
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the bundle of a dist dir lives. */
export function configCheckFile(distDir = process.env.LOCKBOARD_DIST_DIR || '.next') {
  return path.resolve(root, distDir, 'config-check.mjs');
}

/** Writes the bundle into `distDir`; returns its path. */
export async function bundleConfigCheck(distDir = process.env.LOCKBOARD_DIST_DIR || '.next') {
  const { build } = await import('esbuild');
  const outfile = configCheckFile(distDir);
  await build({
    entryPoints: [path.join(root, 'lib', 'server', 'config-check.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    legalComments: 'none',
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outfile = await bundleConfigCheck(process.argv[2]);
  console.log(`config check bundled: ${path.relative(process.cwd(), outfile)}`);
}
