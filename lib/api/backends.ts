/** `GET /api/backends`: what the browser may know about a configured backend (no endpoints, no roles). */
export interface PublicBackend {
  id: string;
  name: string;
  region: string;
  bucket: string;
  dynamodbTable: string | null;
  useLockfile: boolean;
  workspaceKeyPrefix: string;
}

/** A backend as `GET /api/backends` lists it: with how the answering replica keeps it fresh (issue 24). */
export interface BackendStatus extends PublicBackend {
  mode: BackendMode;
}

/** An event source of a backend in event mode: the bucket's object events, the lock table's stream. */
export type EventSourceName = 's3' | 'stream';

/**
 * `events`: views read the event-maintained snapshot (no polling between reconciles); `fallback`:
 * event mode is configured but the backend is polled, for `reason`; `polling`: as configured.
 */
export interface BackendMode {
  mode: 'events' | 'polling' | 'fallback';
  reason: string;
  /** ISO time the mode (or the failure behind the fallback) began, when known. */
  since: string | null;
}

export interface BackendsResult {
  backends: BackendStatus[];
}
