/**
 * The configuration's schemas (zod): what a config file may say, with its defaults and messages. The
 * resolved configuration's types are derived from them (`z.output`), so a field is declared once.
 * Messages of fields an environment variable can set read well after the variable's name
 * (`LOCKBOARD_POLL_INTERVAL_SECONDS: expected a number >= 1, got "0"`).
 */
import { z } from 'zod';
import { resolvedBackendEventsSchema, type BackendEventsConfig } from './config-events';
import { DEFAULT_STATE_SUFFIXES, DEFAULT_WORKSPACE_KEY_PREFIX } from '../terraform/paths';
import { discoverySchema } from './config-discovery';
import { livenessSchema } from './config-liveness';

export const ROLES = ['viewer', 'stateReader', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/** A number of at least `min` (and at most `max`), with messages that name the bound. */
function numberAtLeast(min: number, max?: number, int = false) {
  let n = z.number({ error: 'expected a number' }).min(min, `expected a number >= ${min}`);
  if (max !== undefined) n = n.max(max, `expected a number <= ${max}`);
  return int ? n.int('expected a whole number') : n;
}

const positive = () => z.number({ error: 'expected a number' }).positive('expected a number > 0');
const envVarName = () => z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

export const backendSchema = z
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
    /** Parallel Scan width; absent: it follows the table (one segment per ~900 KiB, lib/terraform/scan-width.ts). */
    scanSegments: z.int().min(1).max(32).optional(),
    scanPageSize: z.int().min(1).optional(),
    /** Deadline of one AWS request attempt (connect, headers, and each pause of a streamed body). */
    awsTimeoutSeconds: z.number().positive().max(300).default(10),
    /** Event mode (issue 24; config-events.ts); absent: polled. */
    events: resolvedBackendEventsSchema.optional(),
  })
  .strict()
  .transform((b) => ({
    id: b.id,
    name: b.name ?? b.bucket,
    /** '' until resolved: a backend without `region` takes AWS_REGION (loadConfig). */
    region: b.region ?? '',
    bucket: b.bucket,
    dynamodbTable: b.dynamodbTable ?? null,
    workspaceKeyPrefix: b.workspaceKeyPrefix,
    // Terraform's default is use_lockfile = false; a backend with no table can only lock with files.
    useLockfile: b.useLockfile ?? !b.dynamodbTable,
    forcePathStyle: b.forcePathStyle,
    endpoint: b.endpoint ?? null,
    roleArn: b.roleArn ?? null,
    stateSuffixes: b.stateSuffixes,
    /** null: the width follows the table. */
    scanSegments: b.scanSegments ?? null,
    scanPageSize: b.scanPageSize ?? null,
    awsTimeoutSeconds: b.awsTimeoutSeconds,
    /** Event mode, with this replica's queue name filled in by loadConfig; null: polled. */
    events: (b.events ?? null) as BackendEventsConfig | null,
  }));

export type BackendConfig = z.output<typeof backendSchema>;

/** One grant: these users/groups have this role on these backends' keys (globs: `*` within a path segment, `**` across). */
export const accessRuleSchema = z
  .object({
    backends: z.array(z.string().min(1)).min(1).default(['*']),
    keys: z.array(z.string().min(1)).min(1).default(['**']),
    users: z.array(z.string().min(1)).default([]),
    groups: z.array(z.string().min(1)).default([]),
    role: z.enum(ROLES),
  })
  .strict()
  .refine((r) => r.users.length + r.groups.length > 0, 'a rule names at least one user or group')
  // The proxy may vary an e-mail's case.
  .transform((r) => ({ ...r, users: r.users.map((u) => u.toLowerCase()) }));

export type AccessRule = z.output<typeof accessRuleSchema>;

const jwtCommon = {
  header: z.string().min(1).optional(),
  userClaim: z.string().min(1).default('email'),
  groupsClaim: z.string().min(1).nullable().optional(),
  clockSkewSeconds: z.number().min(0).max(600).default(30),
  fetchTimeoutMs: z.int().min(100).max(30_000).default(3000),
};

/** An ALB's ARN: the `signer` of every token that load balancer mints. */
export const ALB_ARN_PATTERN = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:loadbalancer\/app\/[^/\s]+\/[^/\s]+$/;

/**
 * How a signed identity is verified instead of trusting a plain header (proxy mode only). An ALB
 * token is accepted only from the one load balancer (`signer`), for the one IdP (`issuer`) and
 * client (`clientId`) configured: AWS serves every ALB's keys of a region from the same endpoint, so
 * a valid signature alone proves only that SOME load balancer minted the token.
 */
export const jwtSchema = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('alb'),
        /** The ALB's ARN (required): the token's `signer` header must be it. */
        signer: z.string({ error: 'required: the ARN of the load balancer whose tokens are accepted' }).regex(ALB_ARN_PATTERN, 'must be an Application Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>)'),
        /** The IdP's issuer URL as configured on the ALB's authenticate action (the token's `iss`). */
        issuer: z.string({ error: 'required: the issuer of the identity provider configured on the load balancer (the token\'s "iss")' }).min(1),
        /** The OIDC client ID configured on the ALB's authenticate action (the token's `client`). */
        clientId: z.string({ error: 'required: the OIDC client ID configured on the load balancer (the token\'s "client")' }).min(1),
        /** Where the keys are fetched (default: the signer's region). */
        region: z.string().min(1).optional(),
        keyUrlTemplate: z.string().includes('{kid}').default('https://public-keys.auth.elb.{region}.amazonaws.com/{kid}'),
        ...jwtCommon,
      })
      .strict()
      .superRefine((j, ctx) => {
        const arnRegion = ALB_ARN_PATTERN.exec(j.signer)?.[1];
        if (arnRegion !== undefined && j.region !== undefined && j.region !== arnRegion) {
          ctx.addIssue({ code: 'custom', path: ['region'], message: `"${j.region}" is not the region of the signer ARN (${arnRegion})` });
        }
      }),
    z
      .object({
        type: z.literal('jwks'),
        jwksUrl: z.url(),
        issuer: z.string().min(1),
        audience: z.string().min(1),
        ...jwtCommon,
      })
      .strict(),
  ])
  .transform((j) => {
    const common = { userClaim: j.userClaim, groupsClaim: j.groupsClaim ?? null, clockSkewSeconds: j.clockSkewSeconds, fetchTimeoutMs: j.fetchTimeoutMs };
    if (j.type === 'alb') {
      const region = j.region ?? ALB_ARN_PATTERN.exec(j.signer)?.[1] ?? '';
      return { type: j.type, header: (j.header ?? 'x-amzn-oidc-data').toLowerCase(), region, keyUrlTemplate: j.keyUrlTemplate, signer: j.signer, issuer: j.issuer, clientId: j.clientId, ...common };
    }
    return { type: j.type, header: (j.header ?? 'authorization').toLowerCase(), jwksUrl: j.jwksUrl, issuer: j.issuer, audience: j.audience, ...common };
  });

export type JwtConfig = z.output<typeof jwtSchema>;

export const EVENT_TYPES_CONFIGURABLE = ['lock.stale', 'lock.released', 'lock.split', 'lock.malformed', 'lock.dead', 'lock.auto_released', 'digest.mismatch', 'mutation', 'download'] as const;
/** Sent when a channel names no `events`: everything but Lockboard's own changes and raw downloads. */
export const DEFAULT_EVENTS: string[] = EVENT_TYPES_CONFIGURABLE.filter((e) => e !== 'mutation' && e !== 'download');

// Notification channels. Secrets are named environment variables, resolved by loadConfig.
const channelFilter = {
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, ".", "-" and "_" only (max 63)'),
  /** Event types to send (default: all but `mutation`). */
  events: z.array(z.enum(EVENT_TYPES_CONFIGURABLE)).min(1).optional(),
  /** Backend ids (default: all). */
  backends: z.array(z.string().min(1)).min(1).optional(),
  /** Key globs (`*` within a path segment, `**` across segments; default: all). */
  keys: z.array(z.string().min(1).max(1024)).min(1).optional(),
  timeoutSeconds: z.number().min(0.1).max(60).optional(),
  retries: z.int().min(0).max(10).optional(),
};
const httpsOrHttp = z.url({ protocol: /^https?$/ });

export const channelSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('webhook'), url: httpsOrHttp, secretEnv: envVarName(), ...channelFilter }).strict(),
    z.object({ type: z.literal('slack'), urlEnv: envVarName(), ...channelFilter }).strict(),
    z.object({ type: z.literal('sns'), topicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, 'must be an SNS topic ARN'), region: z.string().min(1).optional(), endpoint: z.url().optional(), ...channelFilter }).strict(),
  ])
  .transform((c) => {
    const common = { name: c.name, events: c.events ?? DEFAULT_EVENTS, backends: c.backends ?? null, keys: c.keys ?? null, timeoutMs: (c.timeoutSeconds ?? 5) * 1000, retries: c.retries ?? 3 };
    switch (c.type) {
      case 'webhook':
        return { ...common, type: c.type, url: c.url, secretEnv: c.secretEnv };
      case 'slack':
        return { ...common, type: c.type, urlEnv: c.urlEnv };
      case 'sns':
        // The topic ARN names its region (arn:aws:sns:<region>:…).
        return { ...common, type: c.type, topicArn: c.topicArn, region: c.region ?? c.topicArn.split(':')[3]!, endpoint: c.endpoint ?? null };
    }
  });

/** A channel as the file declares it (its secret still a variable name). */
export type ChannelFile = z.output<typeof channelSchema>;
export type ChannelCommon = Pick<ChannelFile, 'name' | 'events' | 'backends' | 'keys' | 'timeoutMs' | 'retries'>;
type Channel<T extends ChannelFile['type']> = Extract<ChannelFile, { type: T }>;
/** A notification channel with its secret resolved from the environment (server-only, never sent to the browser). */
export type ChannelConfig =
  | (Omit<Channel<'webhook'>, 'secretEnv'> & { secret: string })
  | (Omit<Channel<'slack'>, 'urlEnv'> & { url: string })
  | Channel<'sns'>;

const header = () => z.string().min(1).transform((h) => h.toLowerCase());

/** The app settings: every key a config file may set (the environment may override most, see config-env.ts). */
export const settingsSchema = z
  .object({
    backends: z.array(backendSchema).min(1, 'at least one backend is required'),
    /** A lock older than this is flagged stale. */
    staleAfterMinutes: positive().default(120),
    pollIntervalSeconds: numberAtLeast(1).default(5),
    cacheSeconds: numberAtLeast(0).default(4),
    authMode: z.enum(['none', 'proxy'], { error: 'expected "none" or "proxy"' }).default('none'),
    authUserHeader: header().default('x-forwarded-email'),
    operators: z.array(z.string().min(1)).default([]),
    readOnly: z.boolean().default(false),
    auditBucket: z.string().min(3).nullable().default(null),
    auditPrefix: z.string().default('lockboard-audit/'),
    /** The header a proxy puts the caller's groups in (comma-separated). */
    authGroupsHeader: header().default('x-forwarded-groups'),
    /** The role of every authenticated caller no rule names (`viewer`: today's behaviour; `none`: rules only). */
    defaultRole: z.enum(['none', ...ROLES], { error: `expected none, ${ROLES.join(', ')}` }).default('viewer'),
    accessRules: z.array(accessRuleSchema).default([]),
    /** Verify a signed identity instead of trusting the user header (proxy mode); null: plain header. */
    authJwt: jwtSchema.nullable().default(null),
    /** The URL people open Lockboard at (its host is allowed; https turns on HSTS; deep links in events). */
    publicUrl: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
      .transform((u) => u.replace(/\/+$/, ''))
      .nullable()
      .default(null),
    /** Host headers served besides the loopback names and the public URL's host. */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** The address the server listens on (default: 127.0.0.1 in mode none, 0.0.0.0 in mode proxy). */
    listenHost: z.string().min(1).optional(),
    /** When set, `/api/metrics` also answers a scraper sending `Authorization: Bearer <token>`. */
    metricsToken: z.string().min(16, 'at least 16 characters').nullable().default(null),
    /** Each backend is read this often while viewed or alerted on; no answer is older than this plus one read (0: every request reads). */
    watchIntervalSeconds: numberAtLeast(0, 3600).default(10),
    /** Replaced by watchIntervalSeconds: accepted only to name it in a clear start-up error. */
    cacheStaleSeconds: z.unknown().optional(),
    /** A stale lock is reported again after this long while it stays. */
    remindAfterMinutes: positive().default(240),
    /** At most this many `lockboard_lock_age_seconds` series; the rest are counted. */
    metricsMaxLocks: numberAtLeast(0, 100_000, true).default(500),
    channels: z.array(channelSchema).max(50).default([]),
    /** Diffs and raw downloads running at once per replica (more: 503 `busy`). */
    maxHeavyReads: numberAtLeast(1, 100, true).default(3),
    /** Start each backend's first inventory pass right after start-up (paced by the read budget), so search is ready before anyone asks. */
    indexOnStart: z.boolean().default(true),
    /** The variable holding the key that signs what Lockboard stores in S3 (lib/server/signing-config.ts). */
    signingKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
    /** Discovery of backends across accounts: its own schema (config-discovery.ts); resolved by loadConfig. */
    discovery: discoverySchema.optional(),
    /** Heartbeats of `lockboard run`, the liveness rule's thresholds and auto-release (config-liveness.ts). */
    liveness: livenessSchema.default(livenessSchema.parse({})),
  })
  .strict();

export type Settings = z.output<typeof settingsSchema>;
