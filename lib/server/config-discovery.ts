/**
 * The `discovery` block of the configuration file (off when absent): which accounts to search
 * (the organisation's, or a list), the read-only role to assume in each, the regions, how often,
 * whether what is found is watched at once (`autoWatch`) or proposed, where decisions are kept, and
 * the bounds of one run. Its own schema and resolution, so the root configuration only imports it.
 * The names are checked at start-up (account IDs, role name, external ID, region shape): a bad one
 * stops the server with a message naming it, like any other setting.
 */
import { z } from 'zod';
import { ACCOUNT_ID_PATTERN, ESTATE_ID, EXTERNAL_ID_PATTERN, REGION_PATTERN, ROLE_NAME_PATTERN } from '../terraform/discovery-names';
import { DEFAULT_STATE_SUFFIXES } from '../terraform/paths';

const accountId = z.string().regex(ACCOUNT_ID_PATTERN, { error: (i) => `"${String(i.input)}" is not an AWS account ID (12 digits)` });
const roleName = z.string().regex(ROLE_NAME_PATTERN, { error: (i) => `"${String(i.input)}" is not an IAM role name (1–64 of letters, digits and +=,.@_-; no path, no ARN)` });
const region = z.string().regex(REGION_PATTERN, { error: (i) => `"${String(i.input)}" is not an AWS region name (e.g. eu-west-1)` });
const whole = (min: number, max: number) => z.int().min(min).max(max);

export const discoverySchema = z
  .object({
    /** false keeps the block but turns discovery off. */
    enabled: z.boolean().default(true),
    /** `organization`: every account of the organisation (ListAccounts); or the account IDs to search. */
    accounts: z.union([z.literal('organization'), z.array(accountId).min(1, 'list at least one account, or say "organization"')]).default('organization'),
    /** The read-only role assumed in each account (name only: `arn:<partition>:iam::<account>:role/<name>`). */
    roleName: roleName.default('lockboard-discovery'),
    /** The role the watched backends of an account are read with (default: roleName). */
    watchRoleName: roleName.optional(),
    externalId: z.string().regex(EXTERNAL_ID_PATTERN, 'an external ID is 2–1224 of letters, digits and +=,.@:/_-').optional(),
    regions: z.array(region).min(1).optional(),
    /** Where Organizations, STS and the decisions bucket are called (default AWS_REGION, else the first region). */
    region: region.optional(),
    intervalMinutes: z.number().min(1).max(10_080).default(60),
    autoWatch: z.boolean().default(false),
    /** Bucket of accepted/ignored proposals (default: auditBucket). */
    decisionsBucket: z.string().min(3).max(63).optional(),
    decisionsPrefix: z.string().max(200).default('lockboard-discovery/'),
    /** One endpoint for every service discovery calls (tests, proxies); default: the SDK's. */
    endpoint: z.url().optional(),
    forcePathStyle: z.boolean().default(false),
    stateSuffixes: z.array(z.string().min(1)).min(1).default([...DEFAULT_STATE_SUFFIXES]),
    maxParallelAccounts: whole(1, 32).default(4),
    maxCallsPerAccount: whole(20, 10_000).default(300),
    /** ListObjectsV2 calls (1,000 keys each) of the probe of one bucket. */
    probeCallsPerBucket: whole(1, 10).default(2),
    /** Scan pages (1 MB each, LockID only) of one lock table. */
    scanPagesPerTable: whole(1, 20).default(2),
    awsTimeoutSeconds: z.number().positive().max(300).default(10),
  })
  .strict();

export type DiscoveryFile = z.input<typeof discoverySchema>;
type DiscoveryParsed = z.output<typeof discoverySchema>;

export interface DiscoveryConfig {
  accounts: 'organization' | string[];
  roleName: string;
  watchRoleName: string;
  externalId: string | null;
  regions: string[];
  region: string;
  intervalMinutes: number;
  autoWatch: boolean;
  decisionsBucket: string;
  decisionsPrefix: string;
  endpoint: string | null;
  forcePathStyle: boolean;
  stateSuffixes: string[];
  maxParallelAccounts: number;
  maxCallsPerAccount: number;
  probeCallsPerBucket: number;
  scanPagesPerTable: number;
  awsTimeoutSeconds: number;
}

interface Context {
  auditBucket: string | null;
  defaultRegion: string | undefined;
  backendIds: readonly string[];
}

function duplicates(list: readonly string[]): string[] {
  return [...new Set(list.filter((x, i) => list.indexOf(x) !== i))];
}

/** The resolved block (null: discovery off), pushing what is wrong to `problems`. */
export function resolveDiscovery(parsed: DiscoveryParsed | undefined, ctx: Context, problems: string[]): DiscoveryConfig | null {
  if (!parsed || !parsed.enabled) return null;
  const where = 'LOCKBOARD_CONFIG discovery';
  const regions = parsed.regions ?? (ctx.defaultRegion ? [ctx.defaultRegion] : []);
  if (regions.length === 0) problems.push(`${where}.regions: required (or set AWS_REGION)`);
  for (const r of regions) if (!REGION_PATTERN.test(r)) problems.push(`${where}.regions: "${r}" (from AWS_REGION) is not an AWS region name`);
  for (const r of duplicates(regions)) problems.push(`${where}.regions: "${r}" is listed twice`);
  if (Array.isArray(parsed.accounts)) for (const a of duplicates(parsed.accounts)) problems.push(`${where}.accounts: "${a}" is listed twice`);
  const decisionsBucket = parsed.decisionsBucket ?? ctx.auditBucket;
  if (!decisionsBucket) problems.push(`${where}.decisionsBucket: required (or set auditBucket): accepted and ignored proposals are kept there`);
  if (ctx.backendIds.includes(ESTATE_ID)) problems.push(`${where}: the backend id "${ESTATE_ID}" is reserved for discovery's own records; rename that backend`);
  const home = parsed.region ?? (ctx.defaultRegion && REGION_PATTERN.test(ctx.defaultRegion) ? ctx.defaultRegion : regions[0]) ?? '';
  return {
    accounts: parsed.accounts,
    roleName: parsed.roleName,
    watchRoleName: parsed.watchRoleName ?? parsed.roleName,
    externalId: parsed.externalId ?? null,
    regions,
    region: home,
    intervalMinutes: parsed.intervalMinutes,
    autoWatch: parsed.autoWatch,
    decisionsBucket: decisionsBucket ?? '',
    decisionsPrefix: parsed.decisionsPrefix === '' || parsed.decisionsPrefix.endsWith('/') ? parsed.decisionsPrefix : `${parsed.decisionsPrefix}/`,
    endpoint: parsed.endpoint ?? null,
    forcePathStyle: parsed.forcePathStyle,
    stateSuffixes: parsed.stateSuffixes,
    maxParallelAccounts: parsed.maxParallelAccounts,
    maxCallsPerAccount: parsed.maxCallsPerAccount,
    probeCallsPerBucket: parsed.probeCallsPerBucket,
    scanPagesPerTable: parsed.scanPagesPerTable,
    awsTimeoutSeconds: parsed.awsTimeoutSeconds,
  };
}
