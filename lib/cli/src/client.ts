/**
 * The Lockboard JSON API as the CLI and the MCP server reach it: the same routes the web page uses,
 * the identity the server (or the proxy in front) expects, and every answer checked to be Lockboard's
 * before it is believed. Failures become CliErrors with a meaningful exit code:
 *
 * - no connection, no answer in time, a redirect, or an answer that is not Lockboard's JSON → 3;
 * - Lockboard's own error: 400/413/415 → 2 (the request is wrong), 401/403/404/409/422 → 1 (refused,
 *   or the target changed), 5xx → 3 (Lockboard or its store is unavailable).
 *
 * Changes carry the server's own origin (its same-origin check) and `X-Lockboard-Client`, which the
 * audit record stores as `via` next to the verified user.
 */
import { CliError, EXIT, usageError, type ExitCode } from './errors';
import { safe } from './text';

export interface ClientOptions {
  server: string;
  /** Sent as `Authorization: Bearer …` (the server's `authJwt` JWKS mode). */
  token: string | null;
  /** Whatever an authenticating proxy in front expects. */
  headers: Record<string, string>;
  /** `cli/<version>` or `mcp/<agent>`: printable ASCII (see {@link viaLabel}). */
  via: string;
  timeoutMs: number;
}

/** Largest answer read (an audit page or search result is far smaller). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** A label for `X-Lockboard-Client`: printable ASCII, non-ASCII percent-encoded, at most 100 characters. */
export function viaLabel(raw: string): string {
  const encoded = Array.from(raw)
    .map((c) => (/^[\x21-\x7e]$/.test(c) ? c : /^\s$/.test(c) ? ' ' : encodeURIComponent(c).replace(/%(?![0-9A-F]{2})/g, '%25')))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return encoded.slice(0, 100);
}

/** Parses `Name: value` of `--header`; refuses what could not be a header. */
export function parseHeader(spec: string): [string, string] {
  const at = spec.indexOf(':');
  const name = at > 0 ? spec.slice(0, at).trim() : '';
  const value = at > 0 ? spec.slice(at + 1).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw usageError(`--header expects "Name: value", got "${safe(spec)}"`);
  if (/[\u0000-\u001f\u007f]/.test(value) || /[^\u0000-\u00ff]/.test(value)) throw usageError(`--header ${safe(name)}: the value has control or non-Latin-1 characters`);
  return [name.toLowerCase(), value];
}

/** The server's base URL, checked: http(s), no credentials, no query. */
export function parseServerUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`--server (or LOCKBOARD_URL) is not a URL: "${safe(raw)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--server must be an http(s) URL, got "${safe(raw)}"`);
  if (url.username || url.password) throw usageError('--server must not carry a user or password: pass the identity with LOCKBOARD_TOKEN or --header');
  if (url.search || url.hash) throw usageError('--server must be the base URL of Lockboard, without ? or #');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

function networkCause(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}

function exitForStatus(status: number): ExitCode {
  if (status === 400 || status === 413 || status === 415) return EXIT.usage;
  if (status >= 500) return EXIT.unreachable;
  return EXIT.refused;
}

type Query = Record<string, string | undefined>;

export class LockboardClient {
  readonly base: URL;
  readonly origin: string;

  constructor(private readonly opts: ClientOptions) {
    this.base = parseServerUrl(opts.server);
    this.origin = this.base.origin;
  }

  /** The server as the user gave it, for messages. */
  get server(): string {
    return this.base.href;
  }

  get<T>(path: string, query: Query, looksRight: (body: Record<string, unknown>) => boolean): Promise<T> {
    return this.call<T>('GET', path, query, undefined, looksRight);
  }

  post<T>(path: string, body: unknown, looksRight: (body: Record<string, unknown>) => boolean): Promise<T> {
    return this.call<T>('POST', path, {}, body, looksRight);
  }

  private url(path: string, query: Query): URL {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    return url;
  }

  private headers(method: string): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json', 'user-agent': `lockboard-cli (${this.opts.via})`, ...this.opts.headers };
    if (this.opts.token) h.authorization = `Bearer ${this.opts.token}`;
    h['x-lockboard-client'] = this.opts.via;
    if (method === 'POST') {
      h['content-type'] = 'application/json';
      // The server refuses a change whose Origin is another site; ours is the server's own.
      h.origin = this.origin;
    }
    return h;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, query: Query, body: unknown, looksRight: (body: Record<string, unknown>) => boolean): Promise<T> {
    const url = this.url(path, query);
    const where = `${method} ${url.pathname}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: this.headers(method),
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new CliError(EXIT.unreachable, `${this.server} did not answer ${where} within ${this.opts.timeoutMs / 1000} s`, 'unreachable');
      throw new CliError(EXIT.unreachable, `cannot reach ${this.server}: ${safe(networkCause(e))}`, 'unreachable');
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      const location = safe(response.headers.get('location') ?? '(nowhere)');
      throw new CliError(EXIT.unreachable, `${this.server} is not answering as Lockboard: ${where} was redirected to ${location} (a login page of a proxy in front? pass the identity it expects with LOCKBOARD_TOKEN or --header)`, 'not_lockboard');
    }
    const json = await this.readJson(response);
    const error = json && typeof json.error === 'object' && json.error !== null ? (json.error as Record<string, unknown>) : null;
    if (!response.ok) {
      if (error && typeof error.code === 'string' && typeof error.message === 'string') {
        const { code, message, ...details } = error;
        throw new CliError(exitForStatus(response.status), `${safe(code)}: ${safe(message)}`, code, details);
      }
      if (response.status === 401 || response.status === 403) {
        throw new CliError(EXIT.refused, `${this.server} refused ${where} with HTTP ${response.status}, not in Lockboard's words: an authenticating proxy in front wants an identity (LOCKBOARD_TOKEN or --header)`, 'unauthorized');
      }
      throw new CliError(EXIT.unreachable, `${this.server} is not a Lockboard server: ${where} answered HTTP ${response.status} without Lockboard's JSON error`, 'not_lockboard');
    }
    if (json === null || !looksRight(json)) {
      throw new CliError(EXIT.unreachable, `${this.server} is not a Lockboard server: ${where} answered HTTP ${response.status} ${json === null ? 'with something other than JSON' : 'with JSON Lockboard does not send'}`, 'not_lockboard');
    }
    return json as T;
  }

  /** The answer as a JSON object, or null when it is not one (never more than MAX_ANSWER_BYTES read). */
  private async readJson(response: Response): Promise<Record<string, unknown> | null> {
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > MAX_ANSWER_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      return null;
    }
    let text = '';
    if (response.body) {
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > MAX_ANSWER_BYTES) {
          await reader.cancel().catch(() => undefined);
          return null;
        }
        text += decoder.decode(value, { stream: true });
      }
      text += decoder.decode();
    }
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }
}
