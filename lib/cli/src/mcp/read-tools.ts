/** The MCP server's read tools: what the web page shows, as quoted data. */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../../../api/audit-kinds';
import type { LockboardApi } from '../api';
import { readEach } from '../commands/common';
import { locksAt } from '../locks';
import { dataResult, guarded } from './results';

export const backendArg = z.string().min(1).max(256).describe('backend id (list_backends names them)');
export const keyArg = z.string().min(1).max(1024).describe('state key, exactly as listed (e.g. env:/staging/app/terraform.tfstate)');
const READ = { readOnlyHint: true, openWorldHint: false } as const;

async function allBackends(api: LockboardApi, backend: string | undefined): Promise<string[]> {
  return backend !== undefined ? [backend] : (await api.backends()).backends.map((b) => b.id);
}

export function registerReadTools(server: McpServer, api: () => LockboardApi): void {
  server.registerTool(
    'list_backends',
    { title: 'Backends and my permissions', description: 'The Terraform S3 backends this Lockboard serves that you may view, and what the caller (the human whose identity this server uses) may do on each.', inputSchema: {}, annotations: READ },
    () =>
      guarded(async () => {
        const [backends, session] = await Promise.all([api().backends(), api().session()]);
        return dataResult(`${backends.backends.length} backend(s).`, { backends: backends.backends, session });
      }),
  );

  server.registerTool(
    'list_locks',
    {
      title: 'Live locks',
      description: 'Every live Terraform state lock (DynamoDB item and/or .tflock) with holder, operation, age, ID, problems (stale, split, malformed) and liveness evidence when the server reports it. Read this before planning an unlock.',
      inputSchema: { backend: backendArg.optional() },
      annotations: READ,
    },
    ({ backend }) =>
      guarded(async () => {
        const { results, failures } = await readEach(await allBackends(api(), backend), (id) => api().locks(id));
        const locks = results.flatMap(({ backend: b, value }) => value.locks.map((lock) => ({ backend: b, ...lock })));
        const partial = results.flatMap(({ backend: b, value }) => value.errors.map((e) => ({ backend: b, ...e })));
        const summary = `${locks.length} live lock(s) on ${results.length} backend(s)${failures.length ? `; ${failures.length} backend(s) could not be read (unknown, not unlocked)` : ''}.`;
        return dataResult(summary, { locks, unreadableBackends: failures, partialReadErrors: partial, fetchedAt: Object.fromEntries(results.map((r) => [r.backend, r.value.fetchedAt])) });
      }),
  );

  server.registerTool(
    'list_states',
    { title: 'States and digest status', description: 'Every state path of a backend with its MD5 digest status (match, mismatch, missing, orphan, unverified) and its lock.', inputSchema: { backend: backendArg }, annotations: READ },
    ({ backend }) =>
      guarded(async () => {
        const states = await api().states(backend);
        return dataResult(`${states.states.length} state(s).`, states);
      }),
  );

  server.registerTool(
    'get_state',
    { title: 'One state: lock, digest, versions', description: 'One state: digest status, its live lock (with liveness when reported) and its version history with the writer of each version.', inputSchema: { backend: backendArg, key: keyArg }, annotations: READ },
    ({ backend, key }) =>
      guarded(async () => {
        const [states, versions, locks] = await Promise.all([api().states(backend), api().versions(backend, key), api().locks(backend)]);
        const state = states.states.find((s) => s.key === key) ?? null;
        return dataResult(`${state ? 'State found' : 'No current object at this key'}; ${locksAt(locks.locks, key).length} lock(s); ${versions.versions.length} version(s).`, { state, locks: locksAt(locks.locks, key), versions });
      }),
  );

  server.registerTool(
    'diff_versions',
    {
      title: 'Masked diff of two versions',
      description: 'What changed between two versions of a state (resources added, removed, changed; outputs), sensitive values masked by the server. Without from/to: the latest against the one before.',
      inputSchema: { backend: backendArg, key: keyArg, from: z.string().min(1).max(1024).optional(), to: z.string().min(1).max(1024).optional(), limit: z.number().int().min(1).max(1000).optional() },
      annotations: READ,
    },
    ({ backend, key, from, to, limit }) =>
      guarded(async () => {
        const diff = await api().diff(backend, { key, from, to, limit: limit === undefined ? undefined : String(limit) });
        return dataResult('Diff read (secrets masked by the server).', diff);
      }),
  );

  server.registerTool(
    'search_states',
    { title: 'Search states', description: 'Search every backend\'s states by resource address, type, module, provider, Terraform version or output name.', inputSchema: { query: z.string().min(1).max(1000) }, annotations: READ },
    ({ query }) =>
      guarded(async () => {
        const result = await api().search(query);
        return dataResult(`${result.total} state(s) match.`, result);
      }),
  );

  server.registerTool(
    'get_posture',
    { title: 'Recovery posture', description: 'Whether a restore is possible and how far back: bucket versioning, lifecycle, Object Lock, encryption, replication, restore window per state.', inputSchema: { backend: backendArg }, annotations: READ },
    ({ backend }) =>
      guarded(async () => {
        const posture = await api().posture(backend);
        return dataResult(`Restore: ${posture.restore}.`, posture);
      }),
  );

  server.registerTool(
    'read_audit',
    {
      title: 'Audit log',
      description: 'Audit records, newest first: every change and refused attempt, the verified user, and the tool it came through (via).',
      inputSchema: {
        backend: backendArg.optional(),
        key: keyArg.optional(),
        user: z.string().min(1).max(256).optional(),
        action: z.enum(AUDIT_ACTIONS).optional(),
        outcome: z.enum(AUDIT_OUTCOMES).optional(),
        limit: z.number().int().min(1).max(500).optional(),
      },
      annotations: READ,
    },
    (q) =>
      guarded(async () => {
        const listing = await api().audit({ ...q, limit: q.limit === undefined ? undefined : String(q.limit) });
        return dataResult(`${listing.records.length} record(s)${listing.truncated || listing.next ? ', more exist' : ''}.`, listing);
      }),
  );
}
