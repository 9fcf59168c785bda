/**
 * `npx tsx scripts/standalone-smoke.ts` (a step of `npm test`): the Docker image's runtime, without
 * Docker. Builds (unless STANDALONE_SKIP_BUILD=1 and a build exists), assembles into a temp dir
 * EXACTLY the files the Dockerfile's runtime-stage COPY lines name (parsed from the Dockerfile, not
 * listed twice), runs `node standalone-server.mjs` there as `nobody` against a fresh moto server
 * with one seeded lock, and checks in real Chromium: the overview loads, hydrates under the nonce
 * CSP (no CSP violation) and lists the lock. Also: /api/health answers, the process is not root, it
 * listens on 127.0.0.1 (auth mode none) and said so in its one start-up warning line; a bad
 * configuration (file or variable) exits 1 with one line naming it and no "Ready"; no AWS SDK Node
 * version warning. Diffs run in their worker thread (scripts/lib/diff-smoke.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { waitHealthy } from './lib/app-process';
import { stopProcess } from './lib/process-tree';
import { awsEnv, freePort, startMoto } from './lib/moto';
import { hasBuild, nextBuild } from './lib/next-build';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { TerraformWriter, uniqueName } from './lib/terraform-writer';
import { checkDiffSmoke, seedDiffSmoke } from './lib/diff-smoke';

const root = path.resolve(__dirname, '..');
const distDir = process.env.LOCKBOARD_DIST_DIR || '.next';
const log = (msg: string) => console.log(`[standalone] ${msg}`);
/** Proxy mode needs a signing key (lib/server/signing-config.ts). */
const SMOKE_SIGNING_KEY = 'standalone-smoke-signing-key-0123456789';

interface Copy {
  sources: string[];
  dest: string;
}

/** The runtime (last) stage's `COPY --from=build` lines, continuation lines joined. */
export function runtimeCopies(dockerfile: string): { copies: Copy[]; buildWorkdir: string; runtimeWorkdir: string; user: string | null; cmd: string[] } {
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Array<{ name: string; lines: string[] }> = [];
  for (const line of lines) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ name: from[1] ?? String(stages.length), lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  const runtime = stages.at(-1)!;
  const workdirOf = (stage: { lines: string[] } | undefined) => stage?.lines.filter((l) => /^WORKDIR\s/i.test(l)).map((l) => l.split(/\s+/)[1]!).at(-1) ?? '/';
  const copies: Copy[] = [];
  let fromStage = '';
  for (const line of runtime.lines.filter((l) => /^COPY\s/i.test(l))) {
    const tokens = line.split(/\s+/).slice(1);
    const flags = tokens.filter((t) => t.startsWith('--'));
    const args = tokens.filter((t) => !t.startsWith('--'));
    const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
    if (!from) throw new Error(`runtime COPY without --from (copies from the build context): ${line}`);
    fromStage = from;
    copies.push({ sources: args.slice(0, -1), dest: args.at(-1)! });
  }
  const user = runtime.lines.filter((l) => /^USER\s/i.test(l)).map((l) => l.split(/\s+/)[1]!).at(-1) ?? null;
  const cmdLine = runtime.lines.find((l) => /^CMD\s/i.test(l));
  const cmd = cmdLine ? (JSON.parse(cmdLine.replace(/^CMD\s+/i, '')) as string[]) : [];
  return { copies, buildWorkdir: workdirOf(stages.find((s) => s.name === fromStage)), runtimeWorkdir: workdirOf(runtime), user, cmd };
}

/** A path of the build stage → this checkout (its `.next` is our dist dir). */
function localSource(src: string, buildWorkdir: string): string {
  const rel = path.posix.relative(buildWorkdir, path.posix.resolve(buildWorkdir, src));
  if (rel.startsWith('..')) throw new Error(`COPY source outside the build workdir: ${src}`);
  return path.join(root, rel.replace(/^\.next(?=\/|$)/, distDir));
}

function localDest(dest: string, runtimeWorkdir: string, into: string): string {
  const rel = path.posix.relative(runtimeWorkdir, path.posix.resolve(runtimeWorkdir, dest));
  if (rel.startsWith('..')) throw new Error(`COPY destination outside the runtime workdir: ${dest}`);
  return path.join(into, rel.replace(/^\.next(?=\/|$)/, distDir));
}

/** Docker COPY semantics: a directory's contents go into dest; files go into dest/ (several sources, or dest ending in /). */
function assemble(copies: Copy[], buildWorkdir: string, runtimeWorkdir: string, into: string): string[] {
  const copied: string[] = [];
  for (const c of copies) {
    const dest = localDest(c.dest, runtimeWorkdir, into);
    const intoDir = c.sources.length > 1 || c.dest.endsWith('/') || c.dest === '.';
    for (const s of c.sources) {
      const src = localSource(s, buildWorkdir);
      if (!fs.existsSync(src)) throw new Error(`COPY source missing after the build: ${s} (${src})`);
      // Symlinks kept as they are, as Docker's COPY does: Next's standalone output links its hashed
      // external aliases (.next/node_modules/@aws-sdk/client-s3-<hash>) relatively into node_modules;
      // resolved to absolute paths they would point into this (0700) checkout, out of the server user's reach.
      if (fs.statSync(src).isDirectory()) fs.cpSync(src, dest, { recursive: true, verbatimSymlinks: true });
      else {
        const target = intoDir ? path.join(dest, path.basename(src)) : dest;
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(src, target);
      }
      copied.push(`${s} → ${c.dest}`);
    }
  }
  return copied;
}

/** Every route file under app/api as a URL (dynamic segments → the smoke backend, a state key). */
function apiRouteUrls(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name === 'route.ts' ? [dir] : []));
  return walk(path.join(root, 'app', 'api')).map((dir) => `/${path.relative(path.join(root, 'app'), dir).split(path.sep).join('/').replace(/\[[^\]]+\]/g, 'smoke')}?key=smoke/x.tfstate`.replace('/api/health?key=smoke/x.tfstate', '/api/health'));
}

/** Every page of the app (each `page.tsx` under app/, outside app/api), as a URL path. */
function pageUrls(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() && e.name !== 'api' ? walk(path.join(dir, e.name)) : e.name === 'page.tsx' ? [dir] : []));
  return walk(path.join(root, 'app')).map((dir) => `/${path.relative(path.join(root, 'app'), dir).split(path.sep).join('/')}`.replace(/\/$/, '') || '/');
}

/** Status of a GET with this Host header (fetch() would replace Host). */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

function uidOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
}

async function main(): Promise<void> {
  if (process.env.STANDALONE_SKIP_BUILD === '1' && hasBuild(distDir)) {
    log(`using the existing build in ${distDir}`);
    // A build made before the configuration check was bundled with it (nextBuild does both).
    if (!fs.existsSync(path.join(root, distDir, 'config-check.mjs')) && spawnSync(process.execPath, ['scripts/lib/config-check-bundle.mjs', distDir], { cwd: root, stdio: 'inherit' }).status !== 0) {
      throw new Error('bundling the configuration check failed');
    }
  } else {
    log(`building into ${distDir}`);
    if (nextBuild(distDir, { ...process.env, LOCKBOARD_SKIP_BUILD_TYPECHECK: process.env.LOCKBOARD_SKIP_BUILD_TYPECHECK ?? '1' }) !== 0) throw new Error('next build failed');
  }
  const spec = runtimeCopies(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
  if (spec.user === null || spec.user === 'root' || spec.user.startsWith('0')) throw new Error(`the Dockerfile's runtime stage must end with a non-root USER (got ${spec.user})`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-standalone-'));
  const app = path.join(tmp, 'app');
  fs.mkdirSync(app);
  const copied = assemble(spec.copies, spec.buildWorkdir, spec.runtimeWorkdir, app);
  log(`assembled ${copied.length} COPY sources into ${app}: ${copied.join('; ')}`);
  // Readable by `nobody`, writable by nobody but root (as in the image).
  spawnSync('chmod', ['-R', 'a+rX,go-w', tmp]);

  const moto = await startMoto({ logFile: path.join(tmp, 'moto.log') });
  let server: ChildProcess | null = null;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    Object.assign(process.env, awsEnv(moto.endpoint));
    const w = new TerraformWriter({ endpoint: moto.endpoint });
    const bucket = uniqueName('standalone');
    const table = uniqueName('standalonelocks');
    await w.createBucket(bucket);
    await w.createTable(table);
    const key = 'smoke/network/terraform.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key, { who: 'smoke@standalone' });
    await w.lockBoth(table, bucket, key, info);
    const diffVersions = await seedDiffSmoke(w, bucket);
    w.s3.destroy();
    w.ddb.destroy();

    const configFile = path.join(tmp, 'config.json');
    fs.writeFileSync(configFile, JSON.stringify({ backends: [{ id: 'smoke', name: 'Smoke', bucket, dynamodbTable: table, useLockfile: true, region: 'us-east-1', forcePathStyle: true, endpoint: moto.endpoint }] }));
    fs.chmodSync(configFile, 0o644);
    const [cmd, ...args] = spec.cmd;
    if (cmd !== 'node') throw new Error(`expected the image to run node, got ${spec.cmd.join(' ')}`);
    /** Starts the image's CMD as nobody; resolves once /api/health answers. */
    // The image's environment: the SDK's Node-version opt-out is left to standalone-server.mjs.
    const imageAwsEnv: Record<string, string> = awsEnv(moto.endpoint);
    delete imageAwsEnv.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    /** Spawns the image's CMD as nobody, collecting its output. */
    const spawnServer = async (extra: Record<string, string>) => {
      const port = await freePort();
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, NODE_ENV: 'production' as const, NEXT_TELEMETRY_DISABLED: '1', PORT: String(port), LOCKBOARD_CONFIG: configFile, ...imageAwsEnv, HOSTNAME: 'container-id-as-docker-sets-it', ...extra } as NodeJS.ProcessEnv;
      const state = { output: '' };
      const child = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', process.execPath, ...args], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
      server = child;
      child.stdout!.on('data', (d: Buffer) => (state.output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (state.output += d.toString()));
      return { child, port, state };
    };
    /** Starts the image's CMD as nobody; resolves once /api/health answers. */
    const start = async (extra: Record<string, string>) => {
      const { child, port, state } = await spawnServer(extra);
      await waitHealthy(`http://127.0.0.1:${port}`, child, { name: 'the server', output: () => state.output });
      return { child, port, base: `http://127.0.0.1:${port}`, state };
    };
    /** Starts the image's CMD with a bad configuration: it must exit non-zero with one line naming `names`, before any "Ready". */
    const refusesToStart = async (extra: Record<string, string>, names: string) => {
      const { child, state } = await spawnServer(extra);
      const exit = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
      server = null;
      const lines = state.output.trim().split('\n');
      if (exit === 0 || exit === null) throw new Error(`a bad configuration (${names}) exited with ${exit}:\n${state.output}`);
      if (/Ready/.test(state.output)) throw new Error(`a bad configuration (${names}) printed "Ready":\n${state.output}`);
      if (lines.length !== 1 || !lines[0]!.startsWith('Lockboard does not start: invalid configuration:') || !lines[0]!.includes(names)) {
        throw new Error(`a bad configuration (${names}) should print one line naming it:\n${state.output}`);
      }
      return lines[0]!;
    };
    const badFile = path.join(tmp, 'config-bad.json');
    fs.writeFileSync(badFile, JSON.stringify({ backends: [{ id: 'smoke', bucket: 'ab', region: 'us-east-1' }] }));
    fs.chmodSync(badFile, 0o644);
    const badLines = [await refusesToStart({ LOCKBOARD_CONFIG: badFile }, 'LOCKBOARD_CONFIG backends[0].bucket'), await refusesToStart({ LOCKBOARD_AUTH_MODE: 'oidc' }, 'LOCKBOARD_AUTH_MODE'), await refusesToStart({ LOCKBOARD_AUTH_MODE: 'proxy', LOCKBOARD_LISTEN_HOST: '127.0.0.1' }, 'LOCKBOARD_SIGNING_KEY')];
    log(`a bad configuration exits 1 before "Ready", in one line: ${badLines.map((l) => `"${l}"`).join(' / ')}`);

    const stop = async () => {
      const child = server;
      server = null;
      if (child) await stopProcess(child);
    };
    const first = await start({});
    const { child, port, base } = first;
    const output = first.state.output;
    const uid = uidOf(child.pid!);
    if (uid === 0) throw new Error('the server runs as root');
    log(`healthy on ${base}, uid ${uid}`);
    if (!/Ready|started server|Local:/i.test(output) && !output.includes('127.0.0.1')) log(`(server output: ${output.trim().slice(0, 300)})`);
    if (!/WARNING: authMode \\?"none\\?".*listening on 127\.0\.0\.1/.test(output)) throw new Error(`missing the start-up warning line for mode none:\n${output}`);
    const listens = fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').filter((l) => l.includes(`:${port.toString(16).toUpperCase().padStart(4, '0')} `) && / 0A /.test(l));
    if (!listens.every((l) => l.trim().split(/\s+/)[1]!.startsWith('0100007F'))) throw new Error(`not listening on 127.0.0.1 only: ${listens.join(' | ')}`);

    const page = await browser.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to (execute|load)/i.test(m.text())) cspViolations.push(m.text());
    });
    const response = await page.goto(`${base}/`);
    const headers = response!.headers();
    for (const h of ['content-security-policy', 'x-frame-options', 'referrer-policy', 'x-content-type-options']) if (!headers[h]) throw new Error(`page lacks ${h}`);
    // The lock row is rendered by the client (TanStack Query): seeing it proves hydration under the CSP.
    await page.getByText(key, { exact: false }).first().waitFor({ timeout: 30_000 });
    await page.getByText('smoke@standalone').first().waitFor({ timeout: 10_000 });
    if (cspViolations.length > 0) throw new Error(`CSP violations in the browser:\n${cspViolations.join('\n')}`);
    log('overview loaded in Chromium and lists the seeded lock; no CSP violation');
    const rebind = await statusWithHost(`${base}/api/backends/smoke/locks`, `rebind.example:${port}`);
    if (rebind !== 421) throw new Error(`a rebinding Host got ${rebind}, expected 421`);
    log('a rebinding Host is refused with 421');
    log(await checkDiffSmoke(base, 'smoke', diffVersions));
    if (/NodeVersionSupportWarning|NodeDeprecationWarning/.test(first.state.output)) throw new Error(`the server printed the AWS SDK's Node version warning:\n${first.state.output}`);
    log(`no AWS SDK Node version warning in the server output (Node ${process.version})`);
    await stop();

    // Mode proxy on the same files: every route but /api/health is 401 without the identity header.
    const proxied = await start({ LOCKBOARD_AUTH_MODE: 'proxy', LOCKBOARD_LISTEN_HOST: '127.0.0.1', LOCKBOARD_OPERATORS: 'ops@example.com', LOCKBOARD_SIGNING_KEY: SMOKE_SIGNING_KEY });
    const routes = apiRouteUrls();
    const unauthenticated: string[] = [];
    const pages = pageUrls();
    for (const url of [...routes, ...pages]) {
      const status = (await fetch(`${proxied.base}${url}`)).status;
      if (url === '/api/health' ? status !== 200 : status !== 401) unauthenticated.push(`${url} → ${status}`);
    }
    if (unauthenticated.length > 0) throw new Error(`mode proxy without identity:\n${unauthenticated.join('\n')}`);
    const viewer = { 'x-forwarded-email': 'viewer@example.com' };
    const locks = await fetch(`${proxied.base}/api/backends/smoke/locks`, { headers: viewer });
    if (locks.status !== 200 || !(await locks.text()).includes(key)) throw new Error(`a viewer's /locks got ${locks.status}`);
    const raw = await fetch(`${proxied.base}/api/backends/smoke/object?key=${encodeURIComponent(key)}`, { headers: viewer });
    if (raw.status !== 403) throw new Error(`a viewer's raw download got ${raw.status}, expected 403`);
    log(`mode proxy: ${routes.length} API routes and ${pages.length} pages are 401 without identity; a viewer lists locks, is 403 on raw downloads`);
    await stop();

    // Signed identity on the real server: proxy.ts verifies the token, the routes see who it names.
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'smoke', alg: 'ES256' };
    const jwks = http.createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    try {
      const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks`;
      const jwtConfig = path.join(tmp, 'config-jwt.json');
      const plain = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(jwtConfig, JSON.stringify({ ...plain, authMode: 'proxy', listenHost: '127.0.0.1', authJwt: { type: 'jwks', jwksUrl, issuer: 'https://idp.smoke', audience: 'lockboard' } }));
      fs.chmodSync(jwtConfig, 0o644);
      const signed = await start({ LOCKBOARD_CONFIG: jwtConfig, LOCKBOARD_SIGNING_KEY: SMOKE_SIGNING_KEY });
      const token = await new SignJWT({ email: 'jwt-user@example.com' }).setProtectedHeader({ alg: 'ES256', kid: 'smoke' }).setIssuer('https://idp.smoke').setAudience('lockboard').setExpirationTime('5m').sign(privateKey);
      const me = await fetch(`${signed.base}/api/session`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await me.json()) as { user?: string };
      if (me.status !== 200 || body.user !== 'jwt-user@example.com') throw new Error(`a valid token got ${me.status} ${JSON.stringify(body)}`);
      const forged = await fetch(`${signed.base}/api/session`, { headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA`, 'x-lockboard-verified-user': 'admin' } });
      if (forged.status !== 401) throw new Error(`a forged token got ${forged.status}`);
      log('authJwt: a valid bearer token is 200 as its user on the real server; a forged one is 401');
    } finally {
      jwks.close();
    }
  } finally {
    await browser.close();
    const last = server as ChildProcess | null;
    if (last) await stopProcess(last);
    await moto.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => {
    log('passed');
    process.exit(0);
  },
  (e) => {
    console.error(`[standalone] FAILED: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
