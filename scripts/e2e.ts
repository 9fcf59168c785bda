/**
 * `npm run test:e2e [-- <playwright args…>]`: Playwright end-to-end tests against the built app.
 *
 * 1. builds the app into LOCKBOARD_DIST_DIR (default .next) unless E2E_SKIP_BUILD=1 and a build exists;
 * 2. starts moto (the "main" endpoint) and a second moto for the "flaky" backend, which the specs can
 *    stop and start again through a small control server (E2E_CONTROL_URL);
 * 3. creates the e2e backends' buckets and tables and writes a LOCKBOARD_CONFIG for them;
 * 4. runs `playwright test` with any extra arguments (the config starts the app twice: normal and
 *    read-only), then stops everything and exits with Playwright's exit code.
 * See e2e/README.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { awsEnv, freePort, startMoto, type Moto } from './lib/moto';
import { QUIET_ENV, hasBuild, nextBuild } from './lib/next-build';
import { TerraformWriter } from './lib/terraform-writer';
import { seedE2eEstate } from '../lib/testing/discovery-org';

const root = path.resolve(__dirname, '..');
const distDir = process.env.LOCKBOARD_DIST_DIR || '.next';
const extraArgs = process.argv.slice(2);
const log = (msg: string) => console.log(`[e2e] ${msg}`);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

interface E2eBackend {
  id: string;
  name: string;
  bucket: string;
  dynamodbTable?: string;
  useLockfile: boolean;
  endpoint: string;
  region: string;
  forcePathStyle: boolean;
}

/** The e2e backends. Specs read them back from the config file (e2e/fixtures.ts). */
function backendsFor(mainEndpoint: string, flakyEndpoint: string): E2eBackend[] {
  return [
    { id: 'e2e-main', name: 'E2E main', bucket: 'lockboard-e2e-main', dynamodbTable: 'lockboard-e2e-main-locks', useLockfile: true, endpoint: mainEndpoint },
    { id: 'e2e-second', name: 'E2E second', bucket: 'lockboard-e2e-second', useLockfile: true, endpoint: mainEndpoint },
    { id: 'e2e-flaky', name: 'E2E flaky', bucket: 'lockboard-e2e-flaky', dynamodbTable: 'lockboard-e2e-flaky-locks', useLockfile: true, endpoint: flakyEndpoint },
  ].map((b) => ({ region: 'us-east-1', forcePathStyle: true, ...b }));
}

/** Versioned bucket (+ lock table) of a backend, through the real SDK. */
async function createResources(backend: E2eBackend): Promise<void> {
  const w = new TerraformWriter({ endpoint: backend.endpoint, region: backend.region });
  try {
    await w.createBucket(backend.bucket);
    if (backend.dynamodbTable) await w.createTable(backend.dynamodbTable);
  } finally {
    w.destroy();
  }
}

const baseEnv: NodeJS.ProcessEnv = { ...process.env, ...QUIET_ENV, LOCKBOARD_DIST_DIR: distDir, LOCKBOARD_SKIP_BUILD_TYPECHECK: process.env.LOCKBOARD_SKIP_BUILD_TYPECHECK ?? '1' };
const cleanups: Array<() => Promise<void> | void> = [];
let exitCode = 1;

async function cleanup() {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (e) {
      console.error(`[e2e] cleanup: ${e}`);
    }
  }
}

async function main(): Promise<void> {
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) {
    throw new Error(`Chromium not found at ${chromium}: install it (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH`);
  }
  if (process.env.E2E_SKIP_BUILD === '1' && hasBuild(distDir)) log(`E2E_SKIP_BUILD=1: using the existing build in ${distDir}`);
  else {
    log(`building into ${distDir}`);
    if (nextBuild(distDir, baseEnv) !== 0) throw new Error('next build failed');
  }

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-e2e-'));
  const main = await startMoto({ logFile: path.join(runDir, 'moto-main.log') });
  cleanups.push(() => main.stop());
  // TerraformWriter (creating the buckets and tables) reads the dummy credentials from the environment.
  Object.assign(process.env, awsEnv(main.endpoint));
  const flakyPort = await freePort();
  let flaky: Moto | null = await startMoto({ port: flakyPort, logFile: path.join(runDir, 'moto-flaky.log') });
  cleanups.push(() => flaky?.stop());
  log(`moto main ${main.endpoint}, flaky ${flaky.endpoint} (logs in ${runDir})`);

  const backends = backendsFor(main.endpoint, flaky.endpoint);
  for (const b of backends) await createResources(b);
  const flakyBackend = backends.find((b) => b.id === 'e2e-flaky')!;
  // Two member accounts whose backends discovery proposes (e2e/estate.spec.ts).
  const estate = await seedE2eEstate(main.endpoint);

  // Control server: lets a spec stop the flaky endpoint (a real stopped server, refused connections)
  // and start it again (in-memory moto comes back empty, so its bucket and table are re-created).
  let busy: Promise<void> = Promise.resolve();
  const control = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const action = `${req.method} ${req.url}`;
    busy = busy.then(async () => {
      try {
        if (action === 'POST /flaky/stop') {
          await flaky?.stop();
          flaky = null;
          reply(200, { running: false });
        } else if (action === 'POST /flaky/start') {
          if (!flaky) {
            flaky = await startMoto({ port: flakyPort, logFile: path.join(runDir, 'moto-flaky.log') });
            await createResources(flakyBackend);
          }
          reply(200, { running: true });
        } else if (action === 'GET /flaky') reply(200, { running: flaky !== null });
        else reply(404, { error: `unknown control action ${action}` });
      } catch (e) {
        reply(500, { error: String(e) });
      }
    });
  });
  const controlPort = await freePort();
  await new Promise<void>((resolve) => control.listen(controlPort, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => control.close(() => resolve())));

  const configFile = path.join(runDir, 'lockboard-config.json');
  fs.writeFileSync(configFile, JSON.stringify({ backends, staleAfterMinutes: 120, discovery: estate.discovery }, null, 2));

  // Free ports unless given: several people may run the suite on one machine at the same time.
  const port = process.env.PORT || String(await freePort());
  const readOnlyPort = process.env.E2E_READONLY_PORT || String(await freePort());
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    ...awsEnv(main.endpoint),
    PORT: port,
    E2E_READONLY_PORT: readOnlyPort,
    LOCKBOARD_CONFIG: configFile,
    LOCKBOARD_POLL_INTERVAL_SECONDS: process.env.LOCKBOARD_POLL_INTERVAL_SECONDS || '1',
    LOCKBOARD_CACHE_SECONDS: process.env.LOCKBOARD_CACHE_SECONDS || '1',
    LOCKBOARD_WATCH_INTERVAL_SECONDS: process.env.LOCKBOARD_WATCH_INTERVAL_SECONDS || '1',
    E2E_MOTO_ENDPOINT: main.endpoint,
    E2E_FLAKY_ENDPOINT: flakyBackend.endpoint,
    E2E_CONTROL_URL: `http://127.0.0.1:${controlPort}`,
    E2E_RUN_DIR: runDir,
  };
  log(`app on http://127.0.0.1:${port}, read-only app on http://127.0.0.1:${readOnlyPort}`);

  const child = spawn('npx', ['playwright', 'test', ...extraArgs], { cwd: root, stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  exitCode = await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  // Keep the moto logs of a failed run; drop those of a good one.
  if (exitCode === 0) cleanups.unshift(() => fs.rmSync(runDir, { recursive: true, force: true }));
}

main()
  .catch((e) => {
    console.error(`[e2e] ${e instanceof Error ? e.message : String(e)}`);
    exitCode = 1;
  })
  .finally(async () => {
    await cleanup();
    process.exit(exitCode);
  });
