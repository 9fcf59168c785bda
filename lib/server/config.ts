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

const fileSchema = z
  .object({
    backends: z.array(backendSchema).min(1, 'at least one backend is required'),
    staleAfterMinutes: z.number().positive().optional(),
    pollIntervalSeconds: z.number().min(1).optional(),
    cacheSeconds: z.number().min(0).optional(),
    cacheStaleSeconds: z.number().min(0).optional(),
    authMode: z.enum(['none', 'proxy']).optional(),
    authUserHeader: z.string().min(1).optional(),
    operators: z.array(z.string().min(1)).optional(),
    readOnly: z.boolean().optional(),
    auditBucket: z.string().min(3).optional(),
    auditPrefix: z.string().optional(),
    maxHeavyReads: z.number().int().min(1).max(100).optional(),
  })
  .strict();

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
  /** How long past `cacheSeconds` a listing may still be served while it is refreshed (0: never). */
  cacheStaleSeconds: number;
  authMode: 'none' | 'proxy';
  authUserHeader: string;
  operators: string[];
  readOnly: boolean;
  auditBucket: string | null;
  auditPrefix: string;
  /** Diffs and raw downloads running at once per replica (more: 503 `busy`). */
  maxHeavyReads: number;
  source: string;
}

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

  const config: AppConfig = {
    backends,
    staleAfterMinutes: envNumber(env, 'LOCKBOARD_STALE_AFTER_MINUTES', problems, 1) ?? file?.staleAfterMinutes ?? 120,
    pollIntervalSeconds: envNumber(env, 'LOCKBOARD_POLL_INTERVAL_SECONDS', problems, 1) ?? file?.pollIntervalSeconds ?? 5,
    cacheSeconds: envNumber(env, 'LOCKBOARD_CACHE_SECONDS', problems, 0) ?? file?.cacheSeconds ?? 4,
    cacheStaleSeconds: envNumber(env, 'LOCKBOARD_CACHE_STALE_SECONDS', problems, 0) ?? file?.cacheStaleSeconds ?? 60,
    authMode: authMode === 'proxy' ? 'proxy' : 'none',
    authUserHeader: (env.LOCKBOARD_AUTH_USER_HEADER || file?.authUserHeader || 'x-forwarded-email').toLowerCase(),
    operators: envList(env, 'LOCKBOARD_OPERATORS') ?? file?.operators ?? [],
    readOnly: envBool(env, 'LOCKBOARD_READ_ONLY', problems) ?? file?.readOnly ?? false,
    auditBucket: env.LOCKBOARD_AUDIT_BUCKET || file?.auditBucket || null,
    auditPrefix: env.LOCKBOARD_AUDIT_PREFIX ?? file?.auditPrefix ?? 'lockboard-audit/',
    maxHeavyReads: envNumber(env, 'LOCKBOARD_MAX_HEAVY_READS', problems, 1) ?? file?.maxHeavyReads ?? 3,
    source,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
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
