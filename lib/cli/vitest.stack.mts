// The CLI and MCP server against the real local stack (lib/cli/stack/): the built app, moto, a JWKS
// server, the packed `lockboard` package installed from its tarball. `npm test` runs it after the build
// (step "cli"); alone: LOCKBOARD_DIST_DIR=<a build> npx vitest run --config lib/cli/vitest.stack.mts
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.resolve(import.meta.dirname, '..', '..');

export default defineConfig({
  root,
  test: {
    name: 'cli-stack',
    include: ['lib/cli/stack/**/*.stack.ts'],
    environment: 'node',
    globalSetup: ['lib/cli/stack/stack-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
