/**
 * Lockboard's configuration: the only reader of `process.env` and of the config file. Validated once;
 * a bad configuration throws a ConfigError listing every problem and where it is.
 *
 * AWS credentials and endpoints are deliberately absent: the SDK's default provider chain and its own
 * variables (AWS_PROFILE, AWS_ENDPOINT_URL, …) handle them.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { DEFAULT_STATE_SUFFIXES, DEFAULT_WORKSPACE_KEY_PREFIX } from '../terraform/paths';
import { discoverySchema, resolveDiscovery, type DiscoveryConfig } from './config-discovery';

const backendSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'letters, digits, "-" and "_" only (max 63)'),
    name: z.string().min(1).optional(),
    region: z.string().min(1).optional(),
    bucket: z.string().min(3, 'a bucket name has at least 3 characters').max(63),
    dynamodbTable: z.string().min(1).optional(),
    workspaceKeyPrefix: z
      .string()
      .refine((v) => !v.startsWith('/') && !v.endsWith('/'), 'must not start or end with "/"')
      .default(DEFAULT_WORKSPACE_KEY_PREFIX),
    useLockfile: z.boolean().optional(),
    forcePathStyle: z.boolean().default(false),
    endpoint: z.url().optional(),
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN').optional(),
    stateSuffixes: z.array(z.string().min(1)).min(1).default([...DEFAULT_STATE_SUFFIXES]),
    scanSegments: z.int().min(1).max(32).default(4),
    scanPageSize: z.int().min(1).optional(),
    awsTimeoutSeconds: z.number().positive().max(300).default(10),
  })
  .strict();

export const ROLES = ['viewer', 'stateReader', 'operator'] as const;
export type Role = (typeof ROLES)[number];

const accessRuleSchema = z
  .object({
    backends: z.array(z.string().min(1)).min(1).default(['*']),
    keys: z.array(z.string().min(1)).min(1).default(['**']),
    users: z.array(z.string().min(1)).default([]),
    groups: z.array(z.string().min(1)).default([]),
    role: z.enum(ROLES),
  })
  .strict()
  .refine((r) => r.users.length + r.groups.length > 0, 'a rule names at least one user or group');

const jwtCommon = {
  header: z.string().min(1).optional(),
  userClaim: z.string().min(1).default('email'),
  groupsClaim: z.string().min(1).nullable().optional(),
  clockSkewSeconds: z.number().min(0).max(600).default(30),
  fetchTimeoutMs: z.int().min(100).max(30_000).default(3000),
};

const jwtSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('alb'),
      region: z.string().min(1),
      keyUrlTemplate: z.string().includes('{kid}').default('https://public-keys.auth.elb.{region}.amazonaws.com/{kid}'),
      signer: z.string().min(1).optional(),
      ...jwtCommon,
    })
    .strict(),
  z
    .object({
      type: z.literal('jwks'),
      jwksUrl: z.url(),
      issuer: z.string().min(1),
      audience: z.string().min(1),
      ...jwtCommon,
    })
    .strict(),
]);

// Watching and alerting (issue 14): notification channels. Secrets are named environment variables.
const channelFilter = {
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, ".", "-" and "_" only (max 63)'),
  /** Event types to send (default: all but `mutation`). */
  events: z.array(z.enum(['lock.stale', 'lock.released', 'lock.split', 'lock.malformed', 'digest.mismatch', 'mutation'])).min(1).optional(),
  /** Backend ids (default: all). */
  backends: z.array(z.string().min(1)).min(1).optional(),
  /** Key globs (`*` within a path segment, `**` across segments; default: all). */
  keys: z.array(z.string().min(1).max(1024)).min(1).optional(),
  timeoutSeconds: z.number().min(0.1).max(60).optional(),
  retries: z.int().min(0).max(10).optional(),
};
const httpsOrHttp = z.url({ protocol: /^https?$/ });
const channelSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook'), url: httpsOrHttp, secretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'), ...channelFilter }).strict(),
  z.object({ type: z.literal('slack'), urlEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'), ...channelFilter }).strict(),
  z.object({ type: z.literal('sns'), topicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, 'must be an SNS topic ARN'), region: z.string().min(1).optional(), endpoint: z.url().optional(), ...channelFilter }).strict(),
]);

const fileSchema = z
  .object({
    backends: z.array(backendSchema).min(1, 'at least one backend is required'),
    staleAfterMinutes: z.number().positive().optional(),
    pollIntervalSeconds: z.number().min(1).optional(),
    cacheSeconds: z.number().min(0).optional(),
    authMode: z.enum(['none', 'proxy']).optional(),
    authUserHeader: z.string().min(1).optional(),
    operators: z.array(z.string().min(1)).optional(),
    readOnly: z.boolean().optional(),
    auditBucket: z.string().min(3).optional(),
    auditPrefix: z.string().optional(),
    authGroupsHeader: z.string().min(1).optional(),
    defaultRole: z.enum(['none', ...ROLES]).optional(),
    accessRules: z.array(accessRuleSchema).optional(),
    authJwt: jwtSchema.optional(),
    publicUrl: z.url().optional(),
    allowedHosts: z.array(z.string().min(1)).optional(),
    listenHost: z.string().min(1).optional(),
    metricsToken: z.string().min(16).optional(),
    // Watching and alerting (issue 14).
    watchIntervalSeconds: z.number().min(0).max(3600).optional(),
    /** Replaced by watchIntervalSeconds: accepted only to name it in a clear start-up error. */
    cacheStaleSeconds: z.unknown().optional(),
    remindAfterMinutes: z.number().positive().optional(),
    metricsMaxLocks: z.int().min(0).max(100_000).optional(),
    channels: z.array(channelSchema).max(50).optional(),
    maxHeavyReads: z.number().int().min(1).max(100).optional(),
    // Discovery of backends across accounts (issue 25): its own schema, lib/server/config-discovery.ts.
    discovery: discoverySchema.optional(),
  })
  .strict();

/** One grant: these users/groups have this role on these backends' keys (globs: `*` within a path segment, `**` across). */
export interface AccessRule {
  backends: string[];
  keys: string[];
  users: string[];
  groups: string[];
  role: Role;
}

/** How a signed identity is verified instead of trusting a plain header (proxy mode only). */
export type JwtConfig =
  | {
      type: 'alb';
      /** The header the ALB sets. */
      header: string;
      region: string;
      /** Where the PEM public key of a `kid` is fetched; `{region}` and `{kid}` are substituted. */
      keyUrlTemplate: string;
      /** The ALB's ARN: when set, the token's `signer` must be it. */
      signer: string | null;
      userClaim: string;
      groupsClaim: string | null;
      clockSkewSeconds: number;
      fetchTimeoutMs: number;
    }
  | {
      type: 'jwks';
      /** The header carrying the token (`authorization` means `Bearer <token>`). */
      header: string;
      jwksUrl: string;
      issuer: string;
      audience: string;
      userClaim: string;
      groupsClaim: string | null;
      clockSkewSeconds: number;
      fetchTimeoutMs: number;
    };

export interface BackendConfig {
  id: string;
  name: string;
  region: string;
  bucket: string;
  dynamodbTable: string | null;
  workspaceKeyPrefix: string;
  useLockfile: boolean;
  forcePathStyle: boolean;
  endpoint: string | null;
  roleArn: string | null;
  stateSuffixes: string[];
  scanSegments: number;
  scanPageSize: number | null;
  /** Deadline of one AWS request attempt (connect, headers, and each pause of a streamed body). */
  awsTimeoutSeconds: number;
}

export interface AppConfig {
  backends: BackendConfig[];
  staleAfterMinutes: number;
  pollIntervalSeconds: number;
  cacheSeconds: number;
  authMode: 'none' | 'proxy';
  authUserHeader: string;
  operators: string[];
  readOnly: boolean;
  auditBucket: string | null;
  auditPrefix: string;
  /** The header a proxy puts the caller's groups in (comma-separated). */
  authGroupsHeader: string;
  /** The role of every authenticated caller no rule names (`viewer`: today's behaviour; `none`: rules only). */
  defaultRole: Role | 'none';
  accessRules: AccessRule[];
  /** Verify a signed identity instead of trusting the user header (proxy mode); null: plain header. */
  authJwt: JwtConfig | null;
  /** The URL people open Lockboard at (its host is allowed; https turns on HSTS; deep links in events). */
  publicUrl: string | null;
  /** Host headers served (lowercase; an entry without a port matches any port; `*`: any host). */
  allowedHosts: string[];
  /** The address the server listens on (127.0.0.1 in mode none unless set). */
  listenHost: string;
  /** When set, `/api/metrics` also answers a scraper sending `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  // Watching and alerting (issue 14).
  /** Each backend is read this often while viewed or alerted on; no answer is older than this plus one read (0: every request reads). */
  watchIntervalSeconds: number;
  /** A stale lock is reported again after this long while it stays. */
  remindAfterMinutes: number;
  /** At most this many `lockboard_lock_age_seconds` series; the rest are counted. */
  metricsMaxLocks: number;
  channels: ChannelConfig[];
  /** Diffs and raw downloads running at once per replica (more: 503 `busy`). */
  maxHeavyReads: number;
  /** Discovery across accounts (null: off). */
  discovery: DiscoveryConfig | null;
  source: string;
}

export interface ChannelCommon {
  name: string;
  events: string[];
  backends: string[] | null;
  keys: string[] | null;
  timeoutMs: number;
  retries: number;
}

/** A notification channel with its secret resolved from the environment (server-only, never sent to the browser). */
export type ChannelConfig =
  | (ChannelCommon & { type: 'webhook'; url: string; secret: string })
  | (ChannelCommon & { type: 'slack'; url: string })
  | (ChannelCommon & { type: 'sns'; topicArn: string; region: string; endpoint: string | null });

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Lockboard configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

function issuesOf(error: z.ZodError, where: (path: string) => string): string[] {
  return error.issues.map((issue) => `${where(pathOf(issue.path))}: ${issue.message}`);
}

function envBool(env: Env, name: string, problems: string[]): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  problems.push(`${name}: expected true or false, got "${raw}"`);
  return undefined;
}

function envNumber(env: Env, name: string, problems: string[], min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    problems.push(`${name}: expected a number >= ${min}, got "${raw}"`);
    return undefined;
  }
  return value;
}

function envList(env: Env, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Builds the configuration from an environment (and the file it names). Throws ConfigError. */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const defaultRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  let file: z.infer<typeof fileSchema> | null = null;
  let source = 'environment';

  if (env.LOCKBOARD_CONFIG) {
    source = env.LOCKBOARD_CONFIG;
    let text: string | null = null;
    try {
      text = fs.readFileSync(env.LOCKBOARD_CONFIG, 'utf8');
    } catch (e) {
      problems.push(`LOCKBOARD_CONFIG: cannot read ${env.LOCKBOARD_CONFIG} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    if (text !== null) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        problems.push(`LOCKBOARD_CONFIG: ${env.LOCKBOARD_CONFIG} is not valid JSON (${(e as Error).message})`);
      }
      if (json !== undefined) {
        const parsed = fileSchema.safeParse(json);
        if (parsed.success) file = parsed.data;
        else problems.push(...issuesOf(parsed.error, (p) => `LOCKBOARD_CONFIG ${p || '(root)'}`));
      }
    }
  }

  const backends: BackendConfig[] = [];
  if (file) {
    file.backends.forEach((b, i) => {
      const region = b.region ?? defaultRegion;
      if (!region) problems.push(`LOCKBOARD_CONFIG backends[${i}].region: required (or set AWS_REGION)`);
      backends.push(toBackend(b, region ?? ''));
    });
    const ids = new Set<string>();
    backends.forEach((b, i) => {
      if (ids.has(b.id)) problems.push(`LOCKBOARD_CONFIG backends[${i}].id: duplicate id "${b.id}"`);
      ids.add(b.id);
    });
  } else if (!env.LOCKBOARD_CONFIG) {
    const candidate = {
      id: env.LOCKBOARD_BACKEND_ID || 'default',
      name: env.LOCKBOARD_BACKEND_NAME || undefined,
      bucket: env.LOCKBOARD_BUCKET ?? '',
      dynamodbTable: env.LOCKBOARD_DYNAMODB_TABLE || undefined,
      workspaceKeyPrefix: env.LOCKBOARD_WORKSPACE_KEY_PREFIX ?? undefined,
      useLockfile: envBool(env, 'LOCKBOARD_USE_LOCKFILE', problems),
      forcePathStyle: envBool(env, 'LOCKBOARD_S3_FORCE_PATH_STYLE', problems),
      stateSuffixes: envList(env, 'LOCKBOARD_STATE_SUFFIXES'),
    };
    const envNames: Record<string, string> = {
      id: 'LOCKBOARD_BACKEND_ID',
      name: 'LOCKBOARD_BACKEND_NAME',
      bucket: 'LOCKBOARD_BUCKET',
      dynamodbTable: 'LOCKBOARD_DYNAMODB_TABLE',
      workspaceKeyPrefix: 'LOCKBOARD_WORKSPACE_KEY_PREFIX',
      stateSuffixes: 'LOCKBOARD_STATE_SUFFIXES',
    };
    if (!env.LOCKBOARD_BUCKET) problems.push('LOCKBOARD_BUCKET: required (or set LOCKBOARD_CONFIG to a JSON file of backends)');
    if (!defaultRegion) problems.push('AWS_REGION: required');
    const parsed = backendSchema.safeParse(candidate);
    if (parsed.success) backends.push(toBackend(parsed.data, defaultRegion ?? ''));
    else if (env.LOCKBOARD_BUCKET) problems.push(...issuesOf(parsed.error, (p) => envNames[p.split(/[.[]/)[0] ?? ''] ?? p));
  }

  const authMode = env.LOCKBOARD_AUTH_MODE || file?.authMode || 'none';
  if (authMode !== 'none' && authMode !== 'proxy') problems.push(`LOCKBOARD_AUTH_MODE: expected "none" or "proxy", got "${authMode}"`);

  let publicUrl: string | null = (env.LOCKBOARD_PUBLIC_URL || file?.publicUrl || '').replace(/\/+$/, '') || null;
  if (publicUrl !== null && !URL.canParse(publicUrl)) {
    problems.push(`LOCKBOARD_PUBLIC_URL: not a URL: "${publicUrl}"`);
    publicUrl = null;
  }

  const config: AppConfig = {
    backends,
    staleAfterMinutes: envNumber(env, 'LOCKBOARD_STALE_AFTER_MINUTES', problems, 1) ?? file?.staleAfterMinutes ?? 120,
    pollIntervalSeconds: envNumber(env, 'LOCKBOARD_POLL_INTERVAL_SECONDS', problems, 1) ?? file?.pollIntervalSeconds ?? 5,
    cacheSeconds: envNumber(env, 'LOCKBOARD_CACHE_SECONDS', problems, 0) ?? file?.cacheSeconds ?? 4,
    authMode: authMode === 'proxy' ? 'proxy' : 'none',
    authUserHeader: (env.LOCKBOARD_AUTH_USER_HEADER || file?.authUserHeader || 'x-forwarded-email').toLowerCase(),
    operators: envList(env, 'LOCKBOARD_OPERATORS') ?? file?.operators ?? [],
    readOnly: envBool(env, 'LOCKBOARD_READ_ONLY', problems) ?? file?.readOnly ?? false,
    auditBucket: env.LOCKBOARD_AUDIT_BUCKET || file?.auditBucket || null,
    auditPrefix: env.LOCKBOARD_AUDIT_PREFIX ?? file?.auditPrefix ?? 'lockboard-audit/',
    authGroupsHeader: (env.LOCKBOARD_AUTH_GROUPS_HEADER || file?.authGroupsHeader || 'x-forwarded-groups').toLowerCase(),
    defaultRole: defaultRoleOf(env, file, problems),
    accessRules: (file?.accessRules ?? []).map((r) => ({ ...r, users: r.users.map((u) => u.toLowerCase()) })),
    authJwt: file?.authJwt ? toJwtConfig(file.authJwt) : null,
    publicUrl,
    allowedHosts: allowedHostsOf(env, file, publicUrl),
    listenHost: env.LOCKBOARD_LISTEN_HOST || file?.listenHost || (authMode === 'proxy' ? '0.0.0.0' : '127.0.0.1'),
    metricsToken: env.LOCKBOARD_METRICS_TOKEN || file?.metricsToken || null,
    // Watching and alerting (issue 14).
    watchIntervalSeconds: envNumber(env, 'LOCKBOARD_WATCH_INTERVAL_SECONDS', problems, 0) ?? file?.watchIntervalSeconds ?? 10,
    remindAfterMinutes: envNumber(env, 'LOCKBOARD_REMIND_AFTER_MINUTES', problems, 0.01) ?? file?.remindAfterMinutes ?? 240,
    metricsMaxLocks: envNumber(env, 'LOCKBOARD_METRICS_MAX_LOCKS', problems, 0) ?? file?.metricsMaxLocks ?? 500,
    channels: (file?.channels ?? []).map((c, i) => toChannel(c, i, env, defaultRegion, problems, backends)),
    maxHeavyReads: envNumber(env, 'LOCKBOARD_MAX_HEAVY_READS', problems, 1) ?? file?.maxHeavyReads ?? 3,
    discovery: resolveDiscovery(file?.discovery, { auditBucket: env.LOCKBOARD_AUDIT_BUCKET || file?.auditBucket || null, defaultRegion, backendIds: backends.map((b) => b.id) }, problems),
    source,
  };
  if (config.metricsToken !== null && config.metricsToken.length < 16) problems.push('LOCKBOARD_METRICS_TOKEN: at least 16 characters');
  if (config.authJwt && config.authMode !== 'proxy') problems.push('authJwt: needs authMode "proxy"');
  if (config.publicUrl !== null && !/^https?:\/\/[^/]+/.test(config.publicUrl)) problems.push(`LOCKBOARD_PUBLIC_URL / publicUrl: expected an http(s) URL, got "${config.publicUrl}"`);
  const channelNames = new Set<string>();
  config.channels.forEach((c, i) => {
    if (channelNames.has(c.name)) problems.push(`LOCKBOARD_CONFIG channels[${i}].name: duplicate name "${c.name}"`);
    channelNames.add(c.name);
  });
  if (file?.cacheStaleSeconds !== undefined) problems.push('LOCKBOARD_CONFIG cacheStaleSeconds: removed; listings are now kept fresh by the watcher (set watchIntervalSeconds instead)');
  if (env.LOCKBOARD_CACHE_STALE_SECONDS !== undefined) problems.push('LOCKBOARD_CACHE_STALE_SECONDS: removed; listings are now kept fresh by the watcher (set LOCKBOARD_WATCH_INTERVAL_SECONDS instead)');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function defaultRoleOf(env: Env, file: z.infer<typeof fileSchema> | null, problems: string[]): Role | 'none' {
  const raw = env.LOCKBOARD_DEFAULT_ROLE || file?.defaultRole || 'viewer';
  if (raw === 'none' || (ROLES as readonly string[]).includes(raw)) return raw as Role | 'none';
  problems.push(`LOCKBOARD_DEFAULT_ROLE: expected none, ${ROLES.join(', ')}; got "${raw}"`);
  return 'viewer';
}

/** The loopback names, always allowed: a browser on the machine itself is not a rebinding victim. */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

function allowedHostsOf(env: Env, file: z.infer<typeof fileSchema> | null, publicUrl: string | null): string[] {
  const listed = envList(env, 'LOCKBOARD_ALLOWED_HOSTS') ?? file?.allowedHosts;
  const hosts = new Set<string>(LOOPBACK_HOSTS);
  if (publicUrl) hosts.add(new URL(publicUrl).host.toLowerCase());
  for (const h of listed ?? []) hosts.add(h.toLowerCase());
  return [...hosts];
}

function toJwtConfig(j: z.infer<typeof jwtSchema>): JwtConfig {
  const common = { userClaim: j.userClaim, groupsClaim: j.groupsClaim ?? null, clockSkewSeconds: j.clockSkewSeconds, fetchTimeoutMs: j.fetchTimeoutMs };
  if (j.type === 'alb') {
    return { type: 'alb', header: (j.header ?? 'x-amzn-oidc-data').toLowerCase(), region: j.region, keyUrlTemplate: j.keyUrlTemplate, signer: j.signer ?? null, ...common };
  }
  return { type: 'jwks', header: (j.header ?? 'authorization').toLowerCase(), jwksUrl: j.jwksUrl, issuer: j.issuer, audience: j.audience, ...common };
}

const DEFAULT_EVENTS = ['lock.stale', 'lock.released', 'lock.split', 'lock.malformed', 'digest.mismatch'];

/** A channel with its secret read from the variable the config names; a missing variable is a problem naming it. */
function toChannel(c: z.infer<typeof channelSchema>, i: number, env: Env, defaultRegion: string | undefined, problems: string[], backends: BackendConfig[]): ChannelConfig {
  const where = `LOCKBOARD_CONFIG channels[${i}]`;
  const common: ChannelCommon = { name: c.name, events: c.events ?? DEFAULT_EVENTS, backends: c.backends ?? null, keys: c.keys ?? null, timeoutMs: (c.timeoutSeconds ?? 5) * 1000, retries: c.retries ?? 3 };
  for (const id of c.backends ?? []) if (!backends.some((b) => b.id === id)) problems.push(`${where}.backends: no backend with id "${id}"`);
  const secret = (name: string, what: string): string => {
    const value = env[name];
    if (!value) problems.push(`${where} (${c.name}): environment variable ${name} (${what}) is not set`);
    return value ?? '';
  };
  if (c.type === 'webhook') return { ...common, type: 'webhook', url: c.url, secret: secret(c.secretEnv, 'the webhook signing secret') };
  if (c.type === 'slack') {
    const url = secret(c.urlEnv, 'the Slack incoming webhook URL');
    if (url && !/^https?:\/\/[^/\s]+\/\S*$/.test(url)) problems.push(`${where} (${c.name}): environment variable ${c.urlEnv} is not an http(s) URL`);
    return { ...common, type: 'slack', url };
  }
  const region = c.region ?? c.topicArn.split(':')[3] ?? defaultRegion ?? '';
  return { ...common, type: 'sns', topicArn: c.topicArn, region, endpoint: c.endpoint ?? null };
}

function toBackend(b: z.infer<typeof backendSchema>, region: string): BackendConfig {
  return {
    id: b.id,
    name: b.name ?? b.bucket,
    region,
    bucket: b.bucket,
    dynamodbTable: b.dynamodbTable ?? null,
    workspaceKeyPrefix: b.workspaceKeyPrefix,
    // Terraform's default is use_lockfile = false; a backend with no table can only lock with files.
    useLockfile: b.useLockfile ?? !b.dynamodbTable,
    forcePathStyle: b.forcePathStyle,
    endpoint: b.endpoint ?? null,
    roleArn: b.roleArn ?? null,
    stateSuffixes: b.stateSuffixes,
    scanSegments: b.scanSegments,
    scanPageSize: b.scanPageSize ?? null,
    awsTimeoutSeconds: b.awsTimeoutSeconds,
  };
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
