/**
 * The local stack the CLI tests run against, as a user's would be: the built Lockboard app
 * (`next start`, authMode proxy with `authJwt` JWKS verification) on a moto server, a JWKS server,
 * and the `lockboard` package packed with `npm pack` and installed from its tarball into a temp
 * directory outside the repository (so it runs with its own dependencies only).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { TestProject } from 'vitest/node';
import { awsEnv, freePort, startMoto } from '../../../scripts/lib/moto';
import { hasBuild, QUIET_ENV } from '../../../scripts/lib/next-build';
import { TerraformWriter } from '../../../scripts/lib/terraform-writer';
import type { StackInfo } from './stack';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const ISSUER = 'https://idp.cli-stack';
const AUDIENCE = 'lockboard';

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

async function startApp(configFile: string, endpoint: string, distDir: string, logFile: string): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env: { ...process.env, ...QUIET_ENV, ...awsEnv(endpoint), LOCKBOARD_CONFIG: configFile, LOCKBOARD_DIST_DIR: distDir, LOCKBOARD_SIGNING_KEY: 'cli-stack-signing-key-0123456789abcdef', NODE_ENV: 'production' },
    stdio: ['ignore', out, out],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}): ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { base, child };
    } catch {
      // starting
    }
    if (Date.now() > deadline) throw new Error(`the app did not start: ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const distDir = process.env.LOCKBOARD_DIST_DIR || '.next';
  if (!hasBuild(distDir)) throw new Error(`no build in ${distDir}: build the app first (npm run build, or LOCKBOARD_DIST_DIR=<dir> npx next build)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-cli-stack-'));
  const cleanups: Array<() => unknown> = [() => fs.rmSync(tmp, { recursive: true, force: true })];
  const teardown = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    const moto = await startMoto({ logFile: path.join(tmp, 'moto.log') });
    cleanups.push(() => moto.stop());
    const bucket = 'lockboard-cli-stack';
    const table = 'lockboard-cli-stack-locks';
    Object.assign(process.env, awsEnv(moto.endpoint));
    const w = new TerraformWriter({ endpoint: moto.endpoint });
    await w.createBucket(bucket);
    await w.createTable(table);
    w.destroy();

    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'stack', alg: 'ES256' };
    const jwks = http.createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => jwks.close(() => resolve())));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks`;
    const sign = (email: string, key = privateKey) => new SignJWT({ email }).setProtectedHeader({ alg: 'ES256', kid: 'stack' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('1h').sign(key);
    const other = await generateKeyPair('ES256');

    const configFile = path.join(tmp, 'config.json');
    const backend = { id: 'prod', name: 'Production', region: 'us-east-1', bucket, dynamodbTable: table, useLockfile: true, endpoint: moto.endpoint, forcePathStyle: true };
    fs.writeFileSync(
      configFile,
      JSON.stringify({ backends: [backend], authMode: 'proxy', operators: ['alice@example.com'], authJwt: { type: 'jwks', jwksUrl, issuer: ISSUER, audience: AUDIENCE }, watchIntervalSeconds: 0, cacheSeconds: 0, staleAfterMinutes: 120 }),
    );
    const app = await startApp(configFile, moto.endpoint, distDir, path.join(tmp, 'app.log'));
    cleanups.push(() => {
      app.child.kill('SIGTERM');
    });

    // The package as npm would ship it: packed (prepack builds dist/), installed from the tarball alone.
    const packDir = path.join(tmp, 'pack');
    fs.mkdirSync(packDir);
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', packDir], path.join(root, 'lib', 'cli'))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const tarball = path.join(packDir, path.basename(packed[0]!.filename));
    const installDir = path.join(tmp, 'install');
    fs.mkdirSync(installDir);
    fs.writeFileSync(path.join(installDir, 'package.json'), '{"private":true}');
    run('npm', ['install', '--prefer-offline', '--no-save', tarball], installDir);

    const info: StackInfo = {
      base: app.base,
      motoEndpoint: moto.endpoint,
      bucket,
      table,
      tarball,
      packedFiles: packed[0]!.files.map((f) => f.path),
      bin: path.join(installDir, 'node_modules', '.bin', 'lockboard'),
      tmp,
      tokens: { alice: await sign('alice@example.com'), bob: await sign('bob@example.com'), forged: await sign('alice@example.com', other.privateKey) },
    };
    project.provide('stack', info);
    return teardown;
  } catch (e) {
    await teardown();
    throw e;
  }
}
