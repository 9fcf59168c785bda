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

export interface BackendsResult {
  backends: PublicBackend[];
}
