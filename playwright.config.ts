/**
 * Playwright end-to-end tests against the built app. Run them with `npm run test:e2e`
 * (scripts/e2e.ts): it builds, starts the local AWS stack, writes the backends config and sets the
 * variables read here. See e2e/README.md.
 */
import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env.PORT || 3000);
const readOnlyPort = Number(process.env.E2E_READONLY_PORT || port + 1);
const distDir = process.env.LOCKBOARD_DIST_DIR || '.next';

// Variables both app instances share: the e2e backends config and fast polling/caching so that a
// lock written by a test shows up within a second or two.
const appEnv: Record<string, string> = {
  LOCKBOARD_DIST_DIR: distDir,
  LOCKBOARD_CONFIG: process.env.LOCKBOARD_CONFIG ?? '',
  LOCKBOARD_POLL_INTERVAL_SECONDS: process.env.LOCKBOARD_POLL_INTERVAL_SECONDS ?? '1',
  LOCKBOARD_CACHE_SECONDS: process.env.LOCKBOARD_CACHE_SECONDS ?? '1',
  LOCKBOARD_WATCH_INTERVAL_SECONDS: process.env.LOCKBOARD_WATCH_INTERVAL_SECONDS ?? '1',
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
  AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  NEXT_TELEMETRY_DISABLED: '1',
};

function server(listenPort: number, extra: Record<string, string>) {
  return {
    command: `npx next start -H 127.0.0.1 -p ${listenPort}`,
    url: `http://127.0.0.1:${listenPort}/api/health`,
    env: { ...appEnv, ...extra },
    // Never attach to a server someone else left running: it may serve another build or config.
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
  };
}

export default defineConfig({
  testDir: 'e2e',
  // One worker: the specs share one app and one moto server, and the machine has 2 cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // No retries, on CI either: specs wait on conditions rather than sleeping, so a retry would only
  // hide a real race. The trace of a failure is kept instead.
  retries: 0,
  timeout: 60_000,
  // Playwright empties its output directory at start: one per dist dir, so that people running
  // their own specs at the same time (LOCKBOARD_DIST_DIR=.next-<name>) never delete each other's.
  outputDir: `test-results/${distDir.replace(/^\.+/, '') || 'next'}`,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never', outputFolder: `playwright-report/${distDir.replace(/^\.+/, '') || 'next'}` }]] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
        },
      },
    },
  ],
  webServer: [server(port, {}), server(readOnlyPort, { LOCKBOARD_READ_ONLY: 'true' })],
});
