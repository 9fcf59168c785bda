/**
 * Lockboard's configuration: the only reader of `process.env` and of the config file. Validated once;
 * a bad configuration throws a ConfigError listing every problem and where it is (the variable, or
 * the JSON path in the file). The keys and their checks are the schemas (config-schema.ts); the
 * variables that set them, one table (config-env.ts).
 *
 * AWS credentials and endpoints are deliberately absent: the SDK's default provider chain and its own
 * variables (AWS_PROFILE, AWS_ENDPOINT_URL, …) handle them.
 */
import fs from 'node:fs';
import type { z } from 'zod';
import { BACKEND_ENV, envProblem, readEnv, SETTINGS_ENV, type EnvValues } from './config-env';
import { settingsSchema, type BackendConfig, type ChannelConfig, type ChannelFile, type Settings } from './config-schema';
import { signingConfigOf, type SigningConfig } from './signing-config';
import { resolveDiscovery, type DiscoveryConfig } from './config-discovery';
import { backendEventsProblems, replicaIdOf, withReplica } from './config-events';

export { ROLES } from './config-schema';
export type { AccessRule, BackendConfig, ChannelCommon, ChannelConfig, JwtConfig, Role } from './config-schema';

export type AppConfig = Omit<Settings, 'listenHost' | 'cacheStaleSeconds' | 'channels' | 'signingKeyEnv' | 'discovery'> & {
  /** The address the server listens on (127.0.0.1 in mode none unless set). */
  listenHost: string;
  channels: ChannelConfig[];
  /** The key that signs what Lockboard stores in S3 (lib/server/signing.ts). */
  signing: SigningConfig;
  /** Discovery across accounts (null: off; lib/server/config-discovery.ts). */
  discovery: DiscoveryConfig | null;
  /** This replica's id (LOCKBOARD_REPLICA_ID, else host-pid): names its event queue (issue 24). */
  replicaId: string;
  /** Where it was read from: the file's path, or `environment`. */
  source: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Lockboard configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** The loopback names, always allowed: a browser on the machine itself is not a rebinding victim. */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

const UNREADABLE = Symbol('unreadable');

/** The config file's JSON: undefined when none is named, UNREADABLE (and the problem said) when it cannot be read or parsed. */
function readFile(name: string | undefined, problems: string[]): unknown {
  if (!name) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(name, 'utf8');
  } catch (e) {
    problems.push(`LOCKBOARD_CONFIG: cannot read ${name} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    return UNREADABLE;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    problems.push(`LOCKBOARD_CONFIG: ${name} is not valid JSON (${(e as Error).message})`);
    return UNREADABLE;
  }
}

/**
 * Names each schema problem: under the variable that set the key, else under its JSON path in the
 * file. Without a file, the backend's keys are named by their variables, and not at all while
 * LOCKBOARD_BUCKET is missing (that one problem says it).
 */
function issuesOf(error: z.ZodError, settings: EnvValues, backend: EnvValues | null, bucketSet: boolean): string[] {
  return error.issues.flatMap((issue) => {
    const [first, , field] = issue.path;
    const source = typeof first === 'string' ? settings.sources.get(first) : undefined;
    if (source) return [envProblem(source, issue.message)];
    if (backend && first === 'backends') {
      if (!bucketSet) return [];
      const fromEnv = typeof field === 'string' ? backend.sources.get(field) : undefined;
      return [fromEnv ? envProblem(fromEnv, issue.message) : `${pathOf(issue.path.slice(2)) || 'backend'}: ${issue.message}`];
    }
    return [`LOCKBOARD_CONFIG ${pathOf(issue.path) || '(root)'}: ${issue.message}`];
  });
}

/** Builds the configuration from an environment (and the file it names). Throws ConfigError. */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const defaultRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const file = readFile(env.LOCKBOARD_CONFIG, problems);
  const settings = readEnv(SETTINGS_ENV, env);
  problems.push(...settings.problems);

  let input: unknown;
  let backendEnv: EnvValues | null = null;
  if (file !== undefined) {
    // A root that is not an object is the schema's to report.
    input = file !== null && typeof file === 'object' && !Array.isArray(file) ? { ...file, ...settings.values } : file;
  } else {
    backendEnv = readEnv(BACKEND_ENV, env);
    problems.push(...backendEnv.problems);
    if (!env.LOCKBOARD_BUCKET) problems.push('LOCKBOARD_BUCKET: required (or set LOCKBOARD_CONFIG to a JSON file of backends)');
    if (!defaultRegion) problems.push('AWS_REGION: required');
    input = { ...settings.values, backends: [{ id: 'default', bucket: '', ...backendEnv.values }] };
  }

  let config: AppConfig | null = null;
  const parsed = file === UNREADABLE ? null : settingsSchema.safeParse(input);
  if (parsed && !parsed.success) problems.push(...issuesOf(parsed.error, settings, backendEnv, Boolean(env.LOCKBOARD_BUCKET)));
  if (parsed?.success) config = resolve(parsed.data, env, defaultRegion, file !== undefined, problems);

  if (env.LOCKBOARD_CACHE_STALE_SECONDS !== undefined) problems.push('LOCKBOARD_CACHE_STALE_SECONDS: removed; listings are now kept fresh by the watcher (set LOCKBOARD_WATCH_INTERVAL_SECONDS instead)');
  if (problems.length > 0 || config === null) throw new ConfigError(problems);
  return config;
}

/** What the schema cannot decide alone: defaults from AWS_REGION and the auth mode, secrets from the environment, cross-references. */
function resolve(s: Settings, env: Env, defaultRegion: string | undefined, fromFile: boolean, problems: string[]): AppConfig {
  const replicaId = replicaIdOf(env);
  const backends: BackendConfig[] = s.backends.map((b, i) => {
    const events = withReplica(b.events, replicaId);
    if (b.region !== '') return { ...b, events };
    if (!defaultRegion && fromFile) problems.push(`LOCKBOARD_CONFIG backends[${i}].region: required (or set AWS_REGION)`);
    return { ...b, events, region: defaultRegion ?? '' };
  });
  problems.push(...backendEventsProblems(backends));
  const ids = new Set<string>();
  backends.forEach((b, i) => {
    if (ids.has(b.id)) problems.push(`LOCKBOARD_CONFIG backends[${i}].id: duplicate id "${b.id}"`);
    ids.add(b.id);
  });
  const channelNames = new Set<string>();
  s.channels.forEach((c, i) => {
    if (channelNames.has(c.name)) problems.push(`LOCKBOARD_CONFIG channels[${i}].name: duplicate name "${c.name}"`);
    channelNames.add(c.name);
  });
  if (s.authJwt && s.authMode !== 'proxy') problems.push('authJwt: needs authMode "proxy"');

  const hosts = new Set<string>(LOOPBACK_HOSTS);
  if (s.publicUrl) hosts.add(new URL(s.publicUrl).host.toLowerCase());
  for (const h of s.allowedHosts) hosts.add(h.toLowerCase());
  const { cacheStaleSeconds, signingKeyEnv, discovery, ...rest } = s;
  if (cacheStaleSeconds !== undefined) problems.push('LOCKBOARD_CONFIG cacheStaleSeconds: removed; listings are now kept fresh by the watcher (set watchIntervalSeconds instead)');
  return {
    ...rest,
    backends,
    allowedHosts: [...hosts],
    listenHost: s.listenHost ?? (s.authMode === 'proxy' ? '0.0.0.0' : '127.0.0.1'),
    channels: s.channels.map((c, i) => withSecret(c, i, env, problems, backends)),
    signing: signingConfigOf(env, signingKeyEnv, problems),
    discovery: resolveDiscovery(discovery, { auditBucket: s.auditBucket, defaultRegion, backendIds: backends.map((b) => b.id) }, problems),
    replicaId,
    source: env.LOCKBOARD_CONFIG || 'environment',
  };
}

/** A channel with its secret read from the variable the config names; a missing variable is a problem naming it. */
function withSecret(c: ChannelFile, i: number, env: Env, problems: string[], backends: BackendConfig[]): ChannelConfig {
  const where = `LOCKBOARD_CONFIG channels[${i}]`;
  for (const id of c.backends ?? []) if (!backends.some((b) => b.id === id)) problems.push(`${where}.backends: no backend with id "${id}"`);
  const secret = (name: string, what: string): string => {
    const value = env[name];
    if (!value) problems.push(`${where} (${c.name}): environment variable ${name} (${what}) is not set`);
    return value ?? '';
  };
  if (c.type === 'webhook') {
    const { secretEnv, ...channel } = c;
    return { ...channel, secret: secret(secretEnv, 'the webhook signing secret') };
  }
  if (c.type === 'slack') {
    const { urlEnv, ...channel } = c;
    const url = secret(urlEnv, 'the Slack incoming webhook URL');
    if (url && !/^https?:\/\/[^/\s]+\/\S*$/.test(url)) problems.push(`${where} (${c.name}): environment variable ${urlEnv} is not an http(s) URL`);
    return { ...channel, url };
  }
  return c;
}

let cached: AppConfig | null = null;

/** The process's configuration, loaded on first use. */
export function getConfig(): AppConfig {
  cached ??= loadConfig();
  return cached;
}

/** Tests only: forget the loaded configuration. */
export function resetConfigForTests(): void {
  cached = null;
}
