import 'server-only';
import { listBackends, publicBackend, type PublicBackend } from './backends';
import { getConfig } from './config';

/** What server pages hand to client widgets. */
export interface UiSettings {
  backends: PublicBackend[];
  pollMs: number;
  /** How often the server reads each viewed backend (0: on every request): the data's age, apart from the page's refresh. */
  watchMs: number;
  authMode: 'none' | 'proxy';
  readOnly: boolean;
  /** A lock older than this is flagged stale (shown beside the counts). */
  staleAfterMinutes: number;
}

/** `canView`: the backends the caller may view (the others are not named in the page at all). */
export function uiSettings(canView: (backendId: string) => boolean): UiSettings {
  const config = getConfig();
  return {
    backends: listBackends().filter((b) => canView(b.id)).map(publicBackend),
    pollMs: config.pollIntervalSeconds * 1000,
    watchMs: config.watchIntervalSeconds * 1000,
    authMode: config.authMode,
    readOnly: config.readOnly,
    staleAfterMinutes: config.staleAfterMinutes,
  };
}
