// Entry point of the Docker image: sets HOSTNAME (which Next's standalone server.js listens on; Docker
// itself sets HOSTNAME to the container id) from listenHost(), then runs server.js from this folder.
import { listenHost } from './listen-host.mjs';

process.env.HOSTNAME = listenHost();
await import(new URL('./server.js', import.meta.url).href);
