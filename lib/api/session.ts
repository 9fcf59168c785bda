/** `GET /api/session`: who the caller is and whether the UI offers changes (the server enforces the same rules). */
export interface SessionInfo {
  /** null in proxy mode when the identity header is missing (reads still work; changes do not). */
  user: string | null;
  anonymous: boolean;
  authMode: 'none' | 'proxy';
  canMutate: boolean;
  readOnly: boolean;
}
