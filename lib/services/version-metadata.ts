import 'server-only';
/**
 * Metadata of one version of a state (kind, serial, lineage, terraform_version, counts, encrypted,
 * layout, MD5), read by downloading that version only when asked, cached by version ID. A version
 * over 1 MiB is parsed in a worker thread holding one of `caller`'s heavy-read slots.
 */
import type { BackendConfig } from '../server/config';
import type { HeavyReader } from '../server/heavy-reads';
import type { VersionMetadataResult } from '../api/versions';
import { stateVersionMetadata } from './state-version';

export type { VersionMetadataResult } from '../api/versions';

export async function getVersionMetadata(backend: BackendConfig, key: string, versionId: string, caller: HeavyReader = null): Promise<VersionMetadataResult> {
  return { key, versionId, metadata: await stateVersionMetadata(backend, key, versionId, caller) };
}
