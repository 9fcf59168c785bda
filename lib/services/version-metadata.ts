import 'server-only';
/**
 * Metadata of one version of a state (kind, serial, lineage, terraform_version, counts, encrypted,
 * layout, MD5), read by downloading that version only when asked, cached by version ID.
 */
import { getBackend } from '../server/backends';
import { stateVersionMetadata, type VersionMetadata } from './state-version';

export interface VersionMetadataResult {
  key: string;
  versionId: string;
  metadata: VersionMetadata;
}

export async function getVersionMetadata(backendId: string, key: string, versionId: string): Promise<VersionMetadataResult> {
  const backend = getBackend(backendId);
  return { key, versionId, metadata: await stateVersionMetadata(backend, key, versionId) };
}
