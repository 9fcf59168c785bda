/**
 * The backend registry: what every view, API route, job and the audit log read backends from. It
 * holds the configured backends (the configuration, fixed at start) and the discovered ones that are
 * watched (`autoWatch`, or accepted by an operator), which discovery sets as it learns them. A
 * discovered backend carries the role to assume in its account (and the external ID), so its
 * clients are built like a configured backend's with a `roleArn`.
 *
 * A configured backend always wins: a discovered one with the same id or bucket is not listed.
 * `estate` is discovery's own record home (its decisions and their audit records, in the decisions
 * bucket with Lockboard's own credentials): `estateHome()` gives it to the code that writes there;
 * it is never a backend of the views.
 */
import { getConfig, type BackendConfig } from './config';
import type { PublicBackend } from '../api/backends';
import { AppError } from '../api/errors';
import { ESTATE_ID } from '../terraform/discovery-names';

/** Where a discovered backend was found and why it is watched. */
export interface DiscoveredOrigin {
  accountId: string;
  accountName: string | null;
  watch: 'auto' | 'accepted';
}

/** A watched discovered backend: a configured backend's fields plus how its role is assumed. */
export interface DiscoveredBackend extends BackendConfig {
  externalId: string | null;
  /** The STS endpoint the role is assumed at (discovery's `endpoint`), null: the SDK's. */
  stsEndpoint: string | null;
  discovered: DiscoveredOrigin;
}

interface Registry {
  discovered: DiscoveredBackend[];
  listeners: Set<() => void>;
}

// On globalThis: discovery (started by instrumentation) and the route handlers live in different
// Next.js bundles, and they must see one registry.
const registryKey = Symbol.for('lockboard.backendRegistry');

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  holder[registryKey] ??= { discovered: [], listeners: new Set() };
  return holder[registryKey];
}

/** The watched discovered backends beside these configured ones (none with the id or bucket of one of them). */
export function discoveredBeside(configured: readonly BackendConfig[]): DiscoveredBackend[] {
  const ids = new Set(configured.map((b) => b.id));
  const buckets = new Set(configured.map((b) => b.bucket));
  return registry().discovered.filter((b) => !ids.has(b.id) && !buckets.has(b.bucket));
}

/** Every backend: the configured ones, then the watched discovered ones (by id). */
export function listBackends(): BackendConfig[] {
  const configured = getConfig().backends;
  return [...configured, ...discoveredBeside(configured)];
}

/** The backend with this id, or a 404-typed error. */
export function getBackend(id: string): BackendConfig {
  const backend = listBackends().find((b) => b.id === id);
  if (!backend) throw new AppError('backend_not_found', `No backend with id "${id}" is configured or watched.`, { backend: id });
  return backend;
}

/** Where and why a backend was discovered; null for a configured backend. */
export function discoveryOf(backend: BackendConfig): DiscoveredOrigin | null {
  return 'discovered' in backend ? (backend as DiscoveredBackend).discovered : null;
}

/** Replaces the watched discovered backends (discovery, after a run or a decision); listeners are told of a change. */
export function setDiscoveredBackends(backends: readonly DiscoveredBackend[]): void {
  const reg = registry();
  const next = [...backends].sort((a, b) => a.id.localeCompare(b.id));
  if (JSON.stringify(next) === JSON.stringify(reg.discovered)) return;
  reg.discovered = next;
  for (const listener of reg.listeners) listener();
}

/** Called after each change of the registered backends (watchers of alerting, say). Returns an unsubscribe function. */
export function onBackendsChanged(listener: () => void): () => void {
  registry().listeners.add(listener);
  return () => registry().listeners.delete(listener);
}

/**
 * Discovery's record home: the decisions bucket, reached with Lockboard's own credentials (no role),
 * under the reserved id `estate`. A 404-typed error when discovery is off.
 */
export function estateHome(): BackendConfig {
  const d = getConfig().discovery;
  if (!d) throw new AppError('backend_not_found', 'Discovery is not configured (no "discovery" block in the configuration).', { backend: ESTATE_ID });
  return {
    id: ESTATE_ID,
    name: 'Estate (discovery records)',
    region: d.region,
    bucket: d.decisionsBucket,
    dynamodbTable: null,
    workspaceKeyPrefix: 'env:',
    useLockfile: false,
    forcePathStyle: d.forcePathStyle,
    endpoint: d.endpoint,
    roleArn: null,
    stateSuffixes: d.stateSuffixes,
    scanSegments: null,
    scanPageSize: null,
    awsTimeoutSeconds: d.awsTimeoutSeconds,
    events: null,
  };
}

/** Where a backend id's records (audit, claims) are kept: a backend, or for `estate`, discovery's home. */
export function recordsHome(id: string): BackendConfig {
  return id === ESTATE_ID ? estateHome() : getBackend(id);
}

/** What the browser may know about a backend (no endpoints, no roles). */
export function publicBackend(b: BackendConfig): PublicBackend {
  return { id: b.id, name: b.name, region: b.region, bucket: b.bucket, dynamodbTable: b.dynamodbTable, useLockfile: b.useLockfile, workspaceKeyPrefix: b.workspaceKeyPrefix };
}

export type { PublicBackend };
