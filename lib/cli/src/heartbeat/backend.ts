/**
 * Which lock a Terraform process takes, from what Terraform itself reads: the backend configuration
 * `terraform init` saved in `<data dir>/terraform.tfstate` (data dir: TF_DATA_DIR or `.terraform`, in
 * the working directory) and the workspace (TF_WORKSPACE, else `<data dir>/environment`, else
 * `default`). Only the `s3` backend has locks Lockboard knows.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface S3Backend {
  bucket: string;
  /** The state key of the workspace (`env:/<ws>/<key>` for another workspace). */
  stateKey: string;
  workspace: string;
  region: string | null;
  s3Endpoint: string | null;
  dynamodbEndpoint: string | null;
  forcePathStyle: boolean;
  profile: string | null;
  useLockfile: boolean;
  dynamodbTable: string | null;
}

export type BackendFound = { ok: true; backend: S3Backend } | { ok: false; reason: string; final: boolean };

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The state key of a workspace, as the s3 backend builds it. */
export function workspaceStateKey(key: string, workspace: string, prefix: string | null): string {
  return workspace === 'default' ? key : `${prefix ?? 'env:'}/${workspace}/${key}`;
}

/** Reads the backend of a working directory. `final: false`: not initialised yet (try again later). */
export function readBackend(cwd: string, env: Record<string, string | undefined>): BackendFound {
  const dataDir = path.resolve(cwd, env.TF_DATA_DIR || '.terraform');
  let raw: string;
  try {
    raw = fs.readFileSync(path.join(dataDir, 'terraform.tfstate'), 'utf8');
  } catch {
    return { ok: false, reason: `no backend configuration in ${dataDir} (not initialised yet, or a local backend)`, final: false };
  }
  let doc: { backend?: { type?: unknown; config?: Record<string, unknown> } };
  try {
    doc = JSON.parse(raw) as typeof doc;
  } catch {
    return { ok: false, reason: `${path.join(dataDir, 'terraform.tfstate')} is not JSON`, final: false };
  }
  const type = doc.backend?.type;
  if (type !== 's3') return { ok: false, reason: `the backend is ${typeof type === 'string' ? `"${type}"` : 'not configured'}, not s3: Lockboard only knows S3-backend locks`, final: true };
  const c = doc.backend?.config ?? {};
  const bucket = text(c.bucket);
  const key = text(c.key);
  if (!bucket || !key) return { ok: false, reason: 'the s3 backend configuration names no bucket or key', final: true };
  let workspace = env.TF_WORKSPACE || '';
  if (!workspace) {
    try {
      workspace = fs.readFileSync(path.join(dataDir, 'environment'), 'utf8').trim();
    } catch {
      workspace = '';
    }
  }
  workspace ||= 'default';
  const endpoints = typeof c.endpoints === 'object' && c.endpoints !== null ? (c.endpoints as Record<string, unknown>) : {};
  const table = text(c.dynamodb_table);
  return {
    ok: true,
    backend: {
      bucket,
      stateKey: workspaceStateKey(key, workspace, text(c.workspace_key_prefix)),
      workspace,
      region: text(c.region),
      s3Endpoint: text(endpoints.s3) ?? text(c.endpoint),
      dynamodbEndpoint: text(endpoints.dynamodb) ?? text(c.dynamodb_endpoint),
      forcePathStyle: c.use_path_style === true || c.force_path_style === true,
      profile: text(c.profile),
      // Terraform's default is use_lockfile = false: without a table, there is no lock at all.
      useLockfile: c.use_lockfile === true,
      dynamodbTable: table,
    },
  };
}
