/** @type {import('next').NextConfig} */
const nextConfig = {
  // A separate build directory lets several builds (tests, benchmark) coexist.
  distDir: process.env.LOCKBOARD_DIST_DIR || '.next',
  poweredByHeader: false,
  reactStrictMode: true,
  // The AWS SDK and prom-client are Node libraries: keep them out of the server bundle.
  serverExternalPackages: ['@aws-sdk/client-s3', '@aws-sdk/client-dynamodb', '@aws-sdk/credential-providers', 'prom-client'],
};

module.exports = nextConfig;
