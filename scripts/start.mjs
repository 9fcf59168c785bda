// `npm start [-- <next start args>]`: `next start` on the address listenHost() picks (127.0.0.1 in
// auth mode none unless LOCKBOARD_LISTEN_HOST says otherwise). An explicit -H/--hostname wins.
import { spawn } from 'node:child_process';
import { listenHost } from './lib/listen-host.mjs';

const args = process.argv.slice(2);
const hasHost = args.some((a) => a === '-H' || a === '--hostname' || a.startsWith('--hostname='));
const child = spawn('npx', ['next', 'start', ...(hasHost ? [] : ['-H', listenHost()]), ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
