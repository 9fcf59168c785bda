/**
 * The largest request body Lockboard takes: a bulk unlock (BULK_UNLOCK_BODY_LIMIT in lib/api/triage.ts;
 * scripts/next-config.test.ts checks that no route takes more).
 */
const LARGEST_BODY_BYTES = 2 * 1024 * 1024;

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A separate build directory lets several builds (tests, benchmark) coexist.
  distDir: process.env.LOCKBOARD_DIST_DIR || '.next',
  poweredByHeader: false,
  // A self-contained server (`.next/standalone/server.js` + its traced node_modules) for the Docker
  // image: see Dockerfile. Security headers are set by proxy.ts on every answer (a CSP with a
  // per-request nonce cannot be a static header here, and two CSP headers would both apply).
  output: 'standalone',
  // Trace from this folder (not a parent with its own lockfile): standalone/server.js at the top.
  outputFileTracingRoot: __dirname,
  // Test builds (npm test, npm run test:e2e) set this: the type check is its own step of `npm test`
  // (tsc --noEmit), so the build need not repeat it. Production builds keep it.
  typescript: { ignoreBuildErrors: process.env.LOCKBOARD_SKIP_BUILD_TYPECHECK === '1' },
  reactStrictMode: true,
  experimental: {
    // Route types reach the type check through next-env.d.ts (written per build, git-ignored) rather
    // than through tsconfig.json's `include`: without this Next adds `<distDir>/types/**` there for
    // every dist dir it builds into, rewriting the committed file.
    strictRouteTypes: true,
    // Next copies each request body (up to this size, 10 MB by default) before proxy.ts runs, even
    // for a request the boundary then refuses: 60 posts without identity cost 500 MB. Lockboard's
    // largest body, plus a read chunk, so that a route sees an oversized stream as over its own cap
    // (413) rather than cut short (Next passes on only the first bytes of a larger one).
    proxyClientMaxBodySize: LARGEST_BODY_BYTES + 128 * 1024,
  },
  // The AWS SDK and prom-client are Node libraries: keep them out of the server bundle.
  serverExternalPackages: ['@aws-sdk/client-s3', '@aws-sdk/client-dynamodb', '@aws-sdk/credential-providers', 'prom-client'],
};

module.exports = nextConfig;
