// `npm start [-- <next start args>]`: checks the configuration, then `next start` on the address
// listenHost() picks (127.0.0.1 in auth mode none unless LOCKBOARD_LISTEN_HOST says otherwise). An
// explicit -H/--hostname wins.
//
// Next runs as this script's one child (node on Next's own bin, not `npx`, whose npm wrapper does not
// pass signals on and left `next-server` running after a SIGTERM): SIGINT, SIGTERM and SIGHUP are
// passed to it, and this script ends when it does, with its status.
//
// The check runs first because Next prints "Ready" before instrumentation.ts can refuse a bad
// configuration: here a bad one prints one line naming the variable or JSON path at fault and exits 1
// without starting Next. It uses the bundle made with the build (scripts/lib/config-check-bundle.mjs),
// bundling it now when the build was made without it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleConfigCheck, configCheckFile } from './lib/config-check-bundle.mjs';
import { listenHost } from './lib/listen-host.mjs';

// The AWS SDK warns once per process on Node < 22 that its releases after early January 2027 will
// need Node 22 (README, Quick start): documented there, not repeated in every server log. A value
// set by the caller wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distDir = process.env.LOCKBOARD_DIST_DIR || '.next';
let checker = configCheckFile(distDir);
if (!fs.existsSync(checker)) checker = await bundleConfigCheck(distDir);
const { configCheck } = await import(pathToFileURL(checker).href);
const problem = configCheck(process.env);
if (problem) {
  console.error(problem);
  process.exit(1);
}

// Next, too, prints "Ready" before it finds there is no build.
if (!fs.existsSync(path.join(root, distDir, 'BUILD_ID'))) {
  console.error(`Lockboard does not start: no build in ${distDir} (run \`npm run build\` first)`);
  process.exit(1);
}

const args = process.argv.slice(2);
const hasHost = args.some((a) => a === '-H' || a === '--hostname' || a.startsWith('--hostname='));
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
const child = spawn(process.execPath, [nextBin, 'start', ...(hasHost ? [] : ['-H', listenHost()]), ...args], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 0)));
