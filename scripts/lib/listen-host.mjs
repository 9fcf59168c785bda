// The address the server listens on, for `npm start` (next start -H) and the standalone server
// (HOSTNAME, read by .next/standalone/server.js). Mirrors `listenHost` in lib/server/config.ts:
// LOCKBOARD_LISTEN_HOST, else the config file's `listenHost`, else 127.0.0.1 in auth mode `none`
// (anyone who can reach it may change locks) and 0.0.0.0 in mode `proxy`.
import fs from 'node:fs';

export function listenHost(env = process.env) {
  let file = {};
  if (env.LOCKBOARD_CONFIG) {
    try {
      file = JSON.parse(fs.readFileSync(env.LOCKBOARD_CONFIG, 'utf8')) ?? {};
    } catch {
      // The server's own config check reports it and stops.
    }
  }
  if (env.LOCKBOARD_LISTEN_HOST) return env.LOCKBOARD_LISTEN_HOST;
  if (typeof file.listenHost === 'string' && file.listenHost) return file.listenHost;
  const mode = env.LOCKBOARD_AUTH_MODE || file.authMode || 'none';
  return mode === 'proxy' ? '0.0.0.0' : '127.0.0.1';
}
