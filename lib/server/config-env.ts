/**
 * Environment variables that set configuration keys: one table each for the app settings (they
 * override the config file's keys) and for the single backend configured without a file. Each row
 * names the variable, the JSON key it sets and how its text is read; the schemas (config-schema.ts)
 * then check the value like any other, and a problem is reported under the variable's name.
 */

type Env = Record<string, string | undefined>;

type Parsed = { value: unknown } | { problem: string };

/** How a variable's text becomes a JSON value. */
export type EnvParser = 'text' | 'number' | 'boolean' | 'list';

export interface EnvOverride {
  env: string;
  /** The JSON key it sets (top level of the config file, or of its one backend). */
  key: string;
  parse: EnvParser;
  /** An empty value is a value ('' prefix), not "unset" (the default for text, numbers and booleans). */
  keepEmpty?: boolean;
  /** Never echoed in a problem. */
  secret?: boolean;
}

/** App settings: the variable wins over the config file's key. */
export const SETTINGS_ENV = [
  { env: 'LOCKBOARD_STALE_AFTER_MINUTES', key: 'staleAfterMinutes', parse: 'number' },
  { env: 'LOCKBOARD_POLL_INTERVAL_SECONDS', key: 'pollIntervalSeconds', parse: 'number' },
  { env: 'LOCKBOARD_CACHE_SECONDS', key: 'cacheSeconds', parse: 'number' },
  { env: 'LOCKBOARD_WATCH_INTERVAL_SECONDS', key: 'watchIntervalSeconds', parse: 'number' },
  { env: 'LOCKBOARD_REMIND_AFTER_MINUTES', key: 'remindAfterMinutes', parse: 'number' },
  { env: 'LOCKBOARD_PUBLIC_URL', key: 'publicUrl', parse: 'text' },
  { env: 'LOCKBOARD_METRICS_MAX_LOCKS', key: 'metricsMaxLocks', parse: 'number' },
  { env: 'LOCKBOARD_AUTH_MODE', key: 'authMode', parse: 'text' },
  { env: 'LOCKBOARD_AUTH_USER_HEADER', key: 'authUserHeader', parse: 'text' },
  { env: 'LOCKBOARD_OPERATORS', key: 'operators', parse: 'list' },
  { env: 'LOCKBOARD_READ_ONLY', key: 'readOnly', parse: 'boolean' },
  { env: 'LOCKBOARD_AUDIT_BUCKET', key: 'auditBucket', parse: 'text' },
  { env: 'LOCKBOARD_AUDIT_PREFIX', key: 'auditPrefix', parse: 'text', keepEmpty: true },
  { env: 'LOCKBOARD_AUTH_GROUPS_HEADER', key: 'authGroupsHeader', parse: 'text' },
  { env: 'LOCKBOARD_DEFAULT_ROLE', key: 'defaultRole', parse: 'text' },
  { env: 'LOCKBOARD_ALLOWED_HOSTS', key: 'allowedHosts', parse: 'list' },
  { env: 'LOCKBOARD_LISTEN_HOST', key: 'listenHost', parse: 'text' },
  { env: 'LOCKBOARD_METRICS_TOKEN', key: 'metricsToken', parse: 'text', secret: true },
  { env: 'LOCKBOARD_MAX_HEAVY_READS', key: 'maxHeavyReads', parse: 'number' },
  { env: 'LOCKBOARD_INDEX_ON_START', key: 'indexOnStart', parse: 'boolean' },
] as const satisfies readonly EnvOverride[];

/** The one backend of a configuration without a file (`LOCKBOARD_CONFIG` unset). */
export const BACKEND_ENV = [
  { env: 'LOCKBOARD_BACKEND_ID', key: 'id', parse: 'text' },
  { env: 'LOCKBOARD_BACKEND_NAME', key: 'name', parse: 'text' },
  { env: 'LOCKBOARD_BUCKET', key: 'bucket', parse: 'text' },
  { env: 'LOCKBOARD_DYNAMODB_TABLE', key: 'dynamodbTable', parse: 'text' },
  { env: 'LOCKBOARD_WORKSPACE_KEY_PREFIX', key: 'workspaceKeyPrefix', parse: 'text', keepEmpty: true },
  { env: 'LOCKBOARD_USE_LOCKFILE', key: 'useLockfile', parse: 'boolean' },
  { env: 'LOCKBOARD_S3_FORCE_PATH_STYLE', key: 'forcePathStyle', parse: 'boolean' },
  { env: 'LOCKBOARD_STATE_SUFFIXES', key: 'stateSuffixes', parse: 'list' },
] as const satisfies readonly EnvOverride[];

function parse(raw: string, how: EnvParser): Parsed {
  switch (how) {
    case 'text':
      return { value: raw };
    case 'number': {
      const value = Number(raw);
      return raw.trim() !== '' && Number.isFinite(value) ? { value } : { problem: 'expected a number' };
    }
    case 'boolean':
      if (/^(true|1|yes)$/i.test(raw)) return { value: true };
      if (/^(false|0|no)$/i.test(raw)) return { value: false };
      return { problem: 'expected true or false' };
    case 'list':
      return { value: raw.split(',').map((s) => s.trim()).filter(Boolean) };
  }
}

/** What the environment set: the values by JSON key, which variable set each, and the variables that did not parse. */
export interface EnvValues {
  values: Record<string, unknown>;
  sources: Map<string, EnvOverride & { raw: string }>;
  problems: string[];
}

/** Reads the variables of `table` that are set (a list even when empty: `LOCKBOARD_OPERATORS=` means none). */
export function readEnv(table: readonly EnvOverride[], env: Env): EnvValues {
  const out: EnvValues = { values: {}, sources: new Map(), problems: [] };
  for (const row of table) {
    const raw = env[row.env];
    if (raw === undefined || (raw === '' && row.parse !== 'list' && !row.keepEmpty)) continue;
    const parsed = parse(raw, row.parse);
    if ('problem' in parsed) {
      out.problems.push(`${row.env}: ${parsed.problem}${row.secret ? '' : `, got "${raw}"`}`);
      continue;
    }
    out.values[row.key] = parsed.value;
    out.sources.set(row.key, { ...row, raw });
  }
  return out;
}

/** A schema problem of a key the environment set, named by its variable (the value echoed unless secret). */
export function envProblem(source: EnvOverride & { raw: string }, message: string): string {
  return `${source.env}: ${message}${source.secret ? '' : `, got "${source.raw}"`}`;
}
