/** What the stack tests share: the stack's addresses and tokens, running `lockboard`, reading the stores. */
import { spawn } from 'node:child_process';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import type { LockInfo } from '../../terraform/lock-info';
import { lockfileKey, lockPath } from '../../terraform/paths';
import { awsEnv } from '../../../scripts/lib/moto';
import { TerraformWriter } from '../../../scripts/lib/terraform-writer';

export interface StackInfo {
  base: string;
  motoEndpoint: string;
  bucket: string;
  table: string;
  tarball: string;
  packedFiles: string[];
  /** The installed package's `lockboard` executable. */
  bin: string;
  tmp: string;
  /** Bearer tokens: alice is an operator, bob a viewer; forged is signed by a key the JWKS does not hold. */
  tokens: { alice: string; bob: string; forged: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export const stack = (): StackInfo => inject('stack');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with a clean environment (no AWS credentials: the CLI never needs any). */
export function runProcess(cmd: string, args: string[], opts: { env?: Record<string, string>; cwd?: string; input?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env } as unknown as NodeJS.ProcessEnv;
    const child = spawn(cmd, args, { cwd: opts.cwd ?? stack().tmp, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** `lockboard …` as alice (or another identity) against the stack's server. */
export function lockboard(args: string[], opts: { token?: string | null; env?: Record<string, string>; cwd?: string; input?: string } = {}): Promise<Run> {
  const s = stack();
  const token = opts.token === undefined ? s.tokens.alice : opts.token;
  return runProcess(s.bin, args, { cwd: opts.cwd, input: opts.input, env: { LOCKBOARD_URL: s.base, ...(token ? { LOCKBOARD_TOKEN: token } : {}), ...opts.env } });
}

let writer: TerraformWriter | null = null;
/** Writes and reads the stores directly (the real protocol), to seed and to check what really changed. */
export function store(): TerraformWriter {
  if (!writer) {
    // Dummy credentials for moto, in this test process only (the CLI gets none).
    Object.assign(process.env, awsEnv(stack().motoEndpoint));
    writer = new TerraformWriter({ endpoint: stack().motoEndpoint });
  }
  return writer;
}

/** The raw `Info` of the lock item (undefined: none), and the `.tflock` body (null: none). */
export async function lockSides(key: string): Promise<{ item: string | undefined; lockfile: string | null }> {
  const s = stack();
  const item = await lockItem(key);
  let lockfile: string | null = null;
  try {
    const body = await store().s3.send(new GetObjectCommand({ Bucket: s.bucket, Key: lockfileKey(key) }));
    lockfile = (await body.Body?.transformToString('utf-8')) ?? '';
  } catch (e) {
    if ((e as { name?: string }).name !== 'NoSuchKey') throw e;
  }
  return { item, lockfile };
}

/** The raw `Info` of the DynamoDB lock item (undefined: none). */
export async function lockItem(key: string): Promise<string | undefined> {
  const s = stack();
  const out = await store().ddb.send(new GetItemCommand({ TableName: s.table, Key: { LockID: { S: lockPath(s.bucket, key) } }, ConsistentRead: true }));
  return out.Item ? (out.Item.Info?.S ?? '') : undefined;
}

/** A lock on both sides, as Terraform with `use_lockfile` and a table takes it; returns its info. */
export async function seedLock(key: string, overrides: Partial<LockInfo> = {}) {
  const s = stack();
  const info = TerraformWriter.lockInfo(s.bucket, key, overrides);
  await store().lockBoth(s.table, s.bucket, key, info);
  return info;
}
