import { getConfig, type BackendConfig } from './config';
import type { PublicBackend } from '../api/backends';
import { AppError } from '../api/errors';

/** The configured backend with this id, or a 404-typed error. */
export function getBackend(id: string): BackendConfig {
  const backend = getConfig().backends.find((b) => b.id === id);
  if (!backend) throw new AppError('backend_not_found', `No backend with id "${id}" is configured.`, { backend: id });
  return backend;
}

/** What the browser may know about a backend (no endpoints, no roles). */
export function publicBackend(b: BackendConfig): PublicBackend {
  return { id: b.id, name: b.name, region: b.region, bucket: b.bucket, dynamodbTable: b.dynamodbTable, useLockfile: b.useLockfile, workspaceKeyPrefix: b.workspaceKeyPrefix };
}

export type { PublicBackend };
