import 'server-only';
/**
 * Metadata of one version of a state (kind, serial, lineage, terraform_version, counts, encrypted,
 * layout, MD5), read by downloading that version only when asked, cached by version ID.
 */
import type { BackendConfig } from '../server/config';
import type { VersionMetadataResult } from '../api/versions';
import { stateVersionMetadata } from './state-version';

export type { VersionMetadataResult } from '../api/versions';

export async function getVersionMetadata(backend: BackendConfig, key: string, versionId: string): Promise<VersionMetadataResult> {
  return { key, versionId, metadata: await stateVersionMetadata(backend, key, versionId) };
}
