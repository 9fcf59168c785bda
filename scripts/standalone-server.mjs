// Entry point of the Docker image: checks the configuration (config-check.mjs, bundled with the
// build: a bad one prints one line naming the variable or JSON path at fault and exits 1 before
// Next prints "Ready"), sets HOSTNAME (which Next's standalone server.js listens on; Docker itself
// sets HOSTNAME to the container id) from listenHost(), then runs server.js from this folder.
import { configCheck } from './config-check.mjs';
import { listenHost } from './listen-host.mjs';

const problem = configCheck(process.env);
if (problem) {
  console.error(problem);
  process.exit(1);
}
// The AWS SDK warns once per process on Node < 22 that its releases after early January 2027 will
// need Node 22 (README, Quick start; the image runs Node 22). A value set by the caller wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.HOSTNAME = listenHost();
await import(new URL('./server.js', import.meta.url).href);
