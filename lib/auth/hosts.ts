/**
 * The Host allow-list. A DNS-rebinding page (its own name, resolved to 127.0.0.1 or the app's
 * address) is same-origin with itself, so the browser lets it read answers and send JSON; the only
 * thing it cannot change is the Host header, which carries its own name. Every request whose Host
 * is not listed is refused (421) before any route runs.
 */
import type { AppConfig } from '../server/config';

/** Splits `name:port` / `[v6]:port`; the name lowercase. */
function splitHost(host: string): { name: string; port: string | null } {
  const h = host.trim().toLowerCase();
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(h);
  if (!m) return { name: h, port: null };
  return { name: m[1]!, port: m[2] || null };
}

/** Whether a Host header value is allowed: an entry without a port allows any port; `*` allows all. */
export function hostAllowed(host: string | null, config: Pick<AppConfig, 'allowedHosts'>): boolean {
  if (config.allowedHosts.includes('*')) return true;
  if (host === null || host.trim() === '') return false;
  const seen = splitHost(host);
  return config.allowedHosts.some((entry) => {
    const allowed = splitHost(entry);
    return allowed.name === seen.name && (allowed.port === null || allowed.port === seen.port);
  });
}
