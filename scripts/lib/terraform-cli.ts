/**
 * Drives the real Terraform CLI against the local stack, for integration and end-to-end tests and
 * the demo: a throw-away working directory with an `s3` backend pointed at moto and a built-in
 * `terraform_data` resource (no provider download) whose provisioner sleeps, so a run holds its lock
 * for as long as a test needs. Not used by the app itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ownLeakedLock } from './terraform-own-lock';

/** Terraform 1.10 introduced `use_lockfile`. */
const MIN_VERSION: [number, number] = [1, 10];

export interface TerraformInfo {
  path: string;
  version: string;
}

export const TERRAFORM_SKIP_REASON = `terraform >= ${MIN_VERSION.join('.')} is not on PATH: the real-Terraform tests are skipped`;

let detected: TerraformInfo | null | undefined;

/** The `terraform` on PATH and its version, or null when absent or older than 1.10. Cached. */
export function terraformInfo(): TerraformInfo | null {
  if (detected !== undefined) return detected;
  detected = null;
  const which = spawnSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' });
  const bin = which.stdout.trim();
  if (which.status !== 0 || !bin) return detected;
  const out = spawnSync(bin, ['version', '-json'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' }, timeout: 20_000 });
  let version = '';
  try {
    version = (JSON.parse(out.stdout) as { terraform_version?: string }).terraform_version ?? '';
  } catch {
    return detected;
  }
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > MIN_VERSION[0] || (major === MIN_VERSION[0] && minor >= MIN_VERSION[1])) detected = { path: bin, version };
  return detected;
}

export interface TerraformDirOptions {
  /** moto (or any S3 + DynamoDB) endpoint. */
  endpoint: string;
  bucket: string;
  /** The backend's `key`. */
  key: string;
  region?: string;
  /** `dynamodb_table`; omit for a lockfile-only backend. */
  dynamodbTable?: string | null;
  /** `use_lockfile` (default true). */
  useLockfile?: boolean;
  workspaceKeyPrefix?: string;
  /** How long the `hold` resource's provisioner sleeps during apply (default 0). */
  sleepSeconds?: number;
  /** Extra HCL appended to main.tf (more resources, outputs). */
  extraHcl?: string;
  /** Another account's (an assumed role's) credentials; default: the dummy `test`/`test` (moto's default account). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface TerraformResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningTerraform {
  pid: number;
  /** Output so far (stdout + stderr). */
  output(): string;
  /** Resolves when the process exits, whatever the code. */
  exited: Promise<TerraformResult>;
  /** `kill -9` of the whole process group (Terraform and its provisioner), leaving its lock behind. */
  kill9(): Promise<TerraformResult>;
}

/** The end of a run's stdout and stderr (the last `max` characters of each), for an assertion or error message. */
export function outputTail(result: { stdout: string; stderr: string }, max = 2000): string {
  const tail = (s: string) => (s.length > max ? `[… ${s.length - max} chars before]\n${s.slice(-max)}` : s);
  return `--- stdout ---\n${tail(result.stdout)}\n--- stderr ---\n${tail(result.stderr)}`;
}

export class TerraformError extends Error {
  constructor(
    readonly args: string[],
    readonly result: TerraformResult,
  ) {
    super(`terraform ${args.join(' ')} exited with ${result.code ?? result.signal}\n${outputTail(result)}`);
    this.name = 'TerraformError';
  }
}

function hclString(value: string): string {
  // JSON string escapes are HCL's; template sequences must be doubled to stay literal.
  return JSON.stringify(value)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
}

/** main.tf: the backend block from docs/local-aws-stack.md plus a `terraform_data` that sleeps. */
export function mainTf(opts: TerraformDirOptions): string {
  const lines = [
    `bucket                      = ${hclString(opts.bucket)}`,
    `key                         = ${hclString(opts.key)}`,
    `region                      = ${hclString(opts.region ?? 'us-east-1')}`,
    `access_key                  = ${hclString(opts.credentials?.accessKeyId ?? 'test')}`,
    `secret_key                  = ${hclString(opts.credentials?.secretAccessKey ?? 'test')}`,
    ...(opts.credentials?.sessionToken ? [`token                       = ${hclString(opts.credentials.sessionToken)}`] : []),
    `endpoints                   = { s3 = ${hclString(opts.endpoint)}, dynamodb = ${hclString(opts.endpoint)} }`,
    `use_path_style              = true`,
    `use_lockfile                = ${opts.useLockfile ?? true}`,
    ...(opts.dynamodbTable ? [`dynamodb_table              = ${hclString(opts.dynamodbTable)}`] : []),
    ...(opts.workspaceKeyPrefix !== undefined ? [`workspace_key_prefix        = ${hclString(opts.workspaceKeyPrefix)}`] : []),
    `skip_credentials_validation = true`,
    `skip_requesting_account_id  = true`,
    `skip_metadata_api_check     = true`,
    `skip_region_validation      = true`,
  ];
  return [
    'terraform {',
    '  backend "s3" {',
    ...lines.map((l) => `    ${l}`),
    '  }',
    '}',
    '',
    'resource "terraform_data" "hold" {',
    '  triggers_replace = timestamp()',
    '  provisioner "local-exec" {',
    `    command = "sleep ${Math.max(0, Math.floor(opts.sleepSeconds ?? 0))}"`,
    '  }',
    '}',
    '',
    opts.extraHcl ?? '',
  ].join('\n');
}

/** A Terraform working directory in the temp dir, bound to one backend configuration. */
export class TerraformDir {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  private readonly bin: string;

  constructor(
    private opts: TerraformDirOptions,
    info: TerraformInfo | null = terraformInfo(),
  ) {
    if (!info) throw new Error(TERRAFORM_SKIP_REASON);
    this.bin = info.path;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-tf-'));
    const cliConfig = path.join(this.dir, 'empty.tfrc');
    fs.writeFileSync(cliConfig, '');
    this.writeConfig(opts);
    // Only what Terraform needs: no AWS_PROFILE or endpoint of the caller leaks into the backend.
    const { AWS_PROFILE: _profile, AWS_ENDPOINT_URL: _endpoint, ...rest } = process.env;
    void _profile;
    void _endpoint;
    this.env = { ...rest, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  }

  /** Rewrites main.tf (e.g. a different sleep or extra resources); the backend stays initialised. */
  writeConfig(update: Partial<TerraformDirOptions>): void {
    this.opts = { ...this.opts, ...update };
    fs.writeFileSync(path.join(this.dir, 'main.tf'), mainTf(this.opts));
  }

  /** Runs `terraform <args>` to the end. Throws TerraformError on a non-zero exit unless allowFailure. */
  async run(args: string[], { allowFailure = false, timeoutMs = 120_000 } = {}): Promise<TerraformResult> {
    const startedMs = Date.now();
    let result = await this.runOnce(args, timeoutMs);
    // Terraform's own lock leaked by a lost PutItem answer (scripts/lib/terraform-own-lock.ts): released and run once more.
    const leaked = !allowFailure && result.code !== 0 ? ownLeakedLock(`${result.stdout}\n${result.stderr}`, startedMs) : null;
    if (leaked) {
      console.warn(`[terraform] \`terraform ${args[0]}\` left its own lock ${leaked} (a lost PutItem answer, retried into its own item): force-unlocked, run again`);
      await this.forceUnlock(leaked, { allowFailure: true });
      result = await this.runOnce(args, timeoutMs);
    }
    if (!allowFailure && result.code !== 0) throw new TerraformError(args, result);
    return result;
  }

  private async runOnce(args: string[], timeoutMs: number): Promise<TerraformResult> {
    const running = this.start(args);
    const timer = setTimeout(() => void running.kill9(), timeoutMs);
    return running.exited.finally(() => clearTimeout(timer));
  }

  init(): Promise<TerraformResult> {
    return this.run(['init', '-input=false', '-no-color']);
  }

  apply(extra: string[] = []): Promise<TerraformResult> {
    return this.run(['apply', '-auto-approve', '-input=false', '-no-color', ...extra]);
  }

  plan(extra: string[] = [], opts: { allowFailure?: boolean } = {}): Promise<TerraformResult> {
    return this.run(['plan', '-input=false', '-no-color', ...extra], opts);
  }

  /** `terraform state pull`, parsed. */
  async statePull(): Promise<Record<string, unknown>> {
    const { stdout } = await this.run(['state', 'pull']);
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  forceUnlock(lockId: string, opts: { allowFailure?: boolean } = {}): Promise<TerraformResult> {
    return this.run(['force-unlock', '-force', '-no-color', lockId], opts);
  }

  /** `terraform workspace new|select <name>`. */
  workspace(action: 'new' | 'select', name: string): Promise<TerraformResult> {
    return this.run(['workspace', action, '-no-color', name]);
  }

  /** Starts `terraform apply` in its own process group and returns at once (see RunningTerraform). */
  startApply(extra: string[] = []): RunningTerraform {
    return this.start(['apply', '-auto-approve', '-input=false', '-no-color', ...extra]);
  }

  /** Removes the working directory. */
  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private start(args: string[]): RunningTerraform {
    // Its own process group, so kill9 reaches the provisioner's `sleep` too.
    const child = spawn(this.bin, args, { cwd: this.dir, env: this.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<TerraformResult>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${this.bin}`);
    return {
      pid,
      output: () => stdout + stderr,
      exited,
      kill9: async () => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
        return exited;
      },
    };
  }
}

// Kept here too: the integration tests and e2e specs import it with the Terraform helpers.
export { pollUntil } from './wait';
