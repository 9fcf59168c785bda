import 'server-only';
/** Who a heavy read (diff, large metadata, raw download) is counted against: lib/server/heavy-reads.ts. */
import { identify } from '../auth/identity';
import { getConfig } from '../server/config';
import type { HeavyReader } from '../server/heavy-reads';

/** The identified user (lower-cased), or null for an anonymous caller (auth mode `none`). */
export function heavyReaderOf(request: Request): HeavyReader {
  const identity = identify(request, getConfig());
  return identity.anonymous ? null : identity.user.toLowerCase();
}
