import 'server-only';
import { listBackends, publicBackend, type PublicBackend } from './backends';
import { getConfig } from './config';

/** What server pages hand to client widgets. */
export interface UiSettings {
  backends: PublicBackend[];
  pollMs: number;
  authMode: 'none' | 'proxy';
  readOnly: boolean;
  /** A lock older than this is flagged stale (shown beside the counts). */
  staleAfterMinutes: number;
}

export function uiSettings(): UiSettings {
  const config = getConfig();
  return {
    backends: listBackends().map(publicBackend),
    pollMs: config.pollIntervalSeconds * 1000,
    authMode: config.authMode,
    readOnly: config.readOnly,
    staleAfterMinutes: config.staleAfterMinutes,
  };
}
