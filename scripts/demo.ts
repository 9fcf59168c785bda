/**
 * The demo (`npm run demo`, through scripts/bootstrap.mjs, which installs dependencies on a fresh
 * clone): builds the app when there is no build or it is older than the sources (skipping the type
 * check, which `npm test` runs, so that the demo starts sooner), then moto on 127.0.0.1, two seeded
 * backends, the built dashboard pointed at them, and (where `terraform` is on PATH) a real apply holding a lock for a
 * minute. Everything is written through the real protocol (TerraformWriter), as Terraform would.
 * The terminal shows the demo's own `[demo]` lines; the dashboard's, moto's and terraform's output go
 * to log files in a temp dir named at start (their last lines are shown when one of them fails). If
 * moto stops, it is started again on its port and re-seeded. Ctrl-C stops it all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { marshalLockInfo, type LockInfo } from '../lib/terraform/lock-info';
import { TerraformDir, terraformInfo, type RunningTerraform } from './lib/terraform-cli';
import { TerraformWriter } from './lib/terraform-writer';
import { awsEnv, freePort, startMoto, type Moto } from './lib/moto';
import { QUIET_ENV, buildIsStale, nextBuild } from './lib/next-build';

const root = path.resolve(__dirname, '..');
const distDir = process.env.LOCKBOARD_DIST_DIR || '.next';
const DAY_MS = 86_400_000;
const log = (msg: string) => console.log(`[demo] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------- the two backends ----------

interface DemoBackend {
  id: string;
  name: string;
  bucket: string;
  dynamodbTable: string;
  useLockfile: boolean;
}

/** Production: DynamoDB table + use_lockfile (dual mode, Terraform >= 1.10 during the migration). */
const PROD: DemoBackend = { id: 'prod', name: 'Production', bucket: 'acme-tfstate-prod', dynamodbTable: 'acme-tf-locks-prod', useLockfile: true };
/** Platform: the classic DynamoDB-only setup, with one stack already moved to use_lockfile alone. */
const PLATFORM: DemoBackend = { id: 'platform', name: 'Platform', bucket: 'acme-tfstate-platform', dynamodbTable: 'acme-tf-locks-platform', useLockfile: false };

// ---------- realistic v4 states ----------

const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';
const BUILTIN = 'provider["terraform.io/builtin/terraform"]';

interface Instance {
  index_key?: number | string;
  attributes: Record<string, unknown>;
  sensitive?: string[];
  dependencies?: string[];
}

function resource(type: string, name: string, instances: Instance[], provider = AWS, module?: string) {
  return {
    ...(module ? { module } : {}),
    mode: 'managed',
    type,
    name,
    provider,
    instances: instances.map((i) => ({
      ...(i.index_key !== undefined ? { index_key: i.index_key } : {}),
      schema_version: 0,
      attributes: i.attributes,
      sensitive_attributes: (i.sensitive ?? []).map((attr) => [{ type: 'get_attr', value: attr }]),
      ...(i.dependencies ? { dependencies: i.dependencies } : {}),
    })),
  };
}

const hex = (n: number) => crypto.randomBytes(n).toString('hex');

function stateDoc(serial: number, lineage: string, resources: unknown[], outputs: Record<string, unknown> = {}, terraformVersion = '1.11.4'): string {
  // Terraform writes MarshalIndent with two spaces and a trailing newline.
  return JSON.stringify({ version: 4, terraform_version: terraformVersion, serial, lineage, outputs, resources, check_results: null }, null, 2) + '\n';
}

function vpc(cidr: string, tags: Record<string, string>) {
  return resource('aws_vpc', 'main', [{ attributes: { id: `vpc-${hex(8)}`, cidr_block: cidr, enable_dns_hostnames: true, tags, tags_all: tags } }]);
}

function subnets(count: number, vpcCidrPrefix: string) {
  return resource(
    'aws_subnet',
    'public',
    Array.from({ length: count }, (_, i) => ({
      index_key: i,
      attributes: { id: `subnet-${hex(8)}`, cidr_block: `${vpcCidrPrefix}.${i * 16}.0/20`, availability_zone: `us-east-1${'abc'[i] ?? 'a'}`, map_public_ip_on_launch: true },
      dependencies: ['aws_vpc.main'],
    })),
  );
}

function securityGroup(ports: number[]) {
  return resource('aws_security_group', 'web', [
    { attributes: { id: `sg-${hex(8)}`, name: 'web', ingress: ports.map((p) => ({ from_port: p, to_port: p, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] })) }, dependencies: ['aws_vpc.main'] },
  ]);
}

function marker(name: string, input: string) {
  return resource('terraform_data', name, [{ attributes: { id: crypto.randomUUID(), input: { value: input, type: 'string' }, output: { value: input, type: 'string' }, triggers_replace: null } }], BUILTIN);
}

function database(instanceClass: string, password: string) {
  return resource(
    'aws_db_instance',
    'main',
    [{ attributes: { id: `db-${hex(6)}`, engine: 'postgres', engine_version: '16.4', instance_class: instanceClass, username: 'app', password, allocated_storage: 50 }, sensitive: ['password'] }],
    AWS,
    'module.database',
  );
}

function appServer(count: number, image: string) {
  return resource(
    'aws_instance',
    'app',
    Array.from({ length: count }, (_, i) => ({ index_key: i, attributes: { id: `i-${hex(8)}`, ami: image, instance_type: 't3.medium', tags: { Name: `app-${i}` } } })),
  );
}

/** OpenTofu (>= 1.7) client-side encrypted state: single-line JSON, serial/lineage in the clear. */
function encryptedState(serial: number, lineage: string): string {
  const meta = { 'key_provider.pbkdf2.main': Buffer.from(JSON.stringify({ salt: hex(16), iterations: 600000, hash_function: 'sha512', key_length: 32 })).toString('base64') };
  return JSON.stringify({ serial, lineage, meta, encrypted_data: crypto.randomBytes(900).toString('base64'), encryption_version: 'v0' });
}

// ---------- writing through the real protocol ----------

interface Writer {
  w: TerraformWriter;
  backend: DemoBackend;
}

type Mechanism = 'both' | 'dynamodb' | 'lockfile';

/**
 * One Terraform run that writes a state version: lock (as that backend's Terraform config would),
 * PutObject + digest, unlock. `.tflock` lock/unlock cycles leave the history that attributes each
 * state version to its writer.
 */
async function run(
  { w, backend }: Writer,
  key: string,
  body: string,
  holder: Partial<LockInfo>,
  mechanism: Mechanism,
  digest = true,
): Promise<void> {
  const info = TerraformWriter.lockInfo(backend.bucket, key, holder);
  if (mechanism !== 'dynamodb') await w.lockFile(backend.bucket, key, info);
  if (mechanism !== 'lockfile') await w.lockDynamo(backend.dynamodbTable, backend.bucket, key, info);
  await w.putState(backend.bucket, key, body, digest ? backend.dynamodbTable : null);
  if (mechanism !== 'lockfile') await w.unlockDynamo(backend.dynamodbTable, backend.bucket, key);
  if (mechanism !== 'dynamodb') await w.unlockFile(backend.bucket, key);
}

/**
 * Runs one key's history in order. S3 stamps LastModified in whole seconds, so consecutive runs of
 * one key are a little over a second apart (otherwise their windows could not be told apart);
 * different keys run in parallel.
 */
async function history(steps: Array<() => Promise<void>>): Promise<void> {
  for (let i = 0; i < steps.length; i++) {
    if (i > 0) await sleep(1_100);
    await steps[i]!();
  }
}

const PEOPLE = {
  maria: { who: 'maria@laptop-42', operation: 'OperationTypeApply', version: '1.11.4' },
  ci: { who: 'runner@gha-runner-17', operation: 'OperationTypeApply', version: '1.11.4' },
  sam: { who: 'sam@ws-dns', operation: 'OperationTypeApply', version: '1.10.5' },
  legacy: { who: 'jenkins@jenkins-agent-2', operation: 'OperationTypeApply', version: '1.9.8' },
  tofu: { who: 'deploy@tofu-runner', operation: 'OperationTypeApply', version: '1.9.1' },
} satisfies Record<string, Partial<LockInfo>>;

async function seed(prod: Writer, platform: Writer): Promise<void> {
  for (const { w, backend } of [prod, platform]) {
    await w.createBucket(backend.bucket, true);
    await w.createTable(backend.dynamodbTable);
  }
  const L = () => crypto.randomUUID();
  const net = L();
  const app = L();
  const stagingApp = L();
  const devApp = L();
  const db = L();
  const legacy = L();
  const iam = L();
  const dns = L();
  const secrets = L();
  const qaIam = L();
  const tags = { Environment: 'production', Team: 'network' };
  const iamRole = (name: string) => resource('aws_iam_role', name, [{ attributes: { id: name, name, assume_role_policy: '{"Version":"2012-10-17","Statement":[]}' } }]);
  const zone = (records: number) => [
    resource('aws_route53_zone', 'main', [{ attributes: { id: `Z${hex(6).toUpperCase()}`, name: 'acme.example' } }]),
    resource('aws_route53_record', 'www', Array.from({ length: records }, (_, i) => ({ index_key: `r${i}`, attributes: { name: `r${i}.acme.example`, type: 'CNAME', ttl: 300 } }))),
  ];

  await Promise.all([
    // Production: every run locks both ways (dual mode), so every version has a known writer.
    history([
      () => run(prod, 'network/terraform.tfstate', stateDoc(1, net, [vpc('10.0.0.0/16', tags)], { vpc_id: { value: 'vpc-0a1b2c3d', type: 'string' } }), PEOPLE.ci, 'both'),
      () => run(prod, 'network/terraform.tfstate', stateDoc(2, net, [vpc('10.0.0.0/16', tags), subnets(2, '10.0')], { vpc_id: { value: 'vpc-0a1b2c3d', type: 'string' } }), PEOPLE.maria, 'both'),
      () => run(prod, 'network/terraform.tfstate', stateDoc(3, net, [vpc('10.0.0.0/16', { ...tags, CostCenter: 'cc-311' }), subnets(3, '10.0'), securityGroup([443])], { vpc_id: { value: 'vpc-0a1b2c3d', type: 'string' } }), PEOPLE.ci, 'both'),
    ]),
    history([
      () => run(prod, 'app/terraform.tfstate', stateDoc(1, app, [marker('release', 'v1.0.0'), appServer(1, 'ami-0aa11')]), PEOPLE.ci, 'both'),
      // Releases with a database: its password is a sensitive output (masked in every diff).
      ...(
        [
          [2, 'v1.1.0', 2, 'ami-0aa11', 'db.t3.medium', 's3cr3t-Passw0rd', PEOPLE.maria],
          [3, 'v1.2.0', 3, 'ami-0bb22', 'db.t3.large', 'rotated-9f8e7d', PEOPLE.ci],
          [4, 'v1.3.0', 2, 'ami-0bb22', 'db.t3.large', 'rotated-9f8e7d', PEOPLE.ci],
        ] as const
      ).map(
        ([serial, release, servers, ami, dbClass, password, who]) =>
          () =>
            run(
              prod,
              'app/terraform.tfstate',
              stateDoc(serial, app, [marker('release', release), appServer(servers, ami), database(dbClass, password)], {
                db_password: { value: password, type: 'string', sensitive: true },
                app_url: { value: 'https://app.acme.example', type: 'string' },
              }),
              who,
              'both',
            ),
      ),
    ]),
    history([
      () => run(prod, 'env:/staging/app/terraform.tfstate', stateDoc(1, stagingApp, [marker('release', 'v1.3.0-rc1'), appServer(1, 'ami-0bb22')]), PEOPLE.ci, 'both'),
      () => run(prod, 'env:/staging/app/terraform.tfstate', stateDoc(2, stagingApp, [marker('release', 'v1.3.0-rc2'), appServer(1, 'ami-0cc33')]), PEOPLE.maria, 'both'),
    ]),
    history([() => run(prod, 'env:/dev/app/terraform.tfstate', stateDoc(1, devApp, [marker('release', 'dev')]), PEOPLE.maria, 'both')]),
    history([
      () => run(prod, 'database/terraform.tfstate', stateDoc(1, db, [database('db.t3.medium', 'initial-pw')]), PEOPLE.ci, 'both'),
      () => run(prod, 'database/terraform.tfstate', stateDoc(2, db, [database('db.t3.large', 'initial-pw')]), PEOPLE.ci, 'both'),
      // Someone "fixed" the state by hand with the AWS CLI: the object changes, the digest does not.
      // Terraform now fails with "state data in S3 does not have the expected content".
      async () => {
        await prod.w.s3.send(
          new PutObjectCommand({ Bucket: PROD.bucket, Key: 'database/terraform.tfstate', Body: stateDoc(3, db, [database('db.t3.xlarge', 'initial-pw')]), ContentType: 'application/json' }),
        );
      },
    ]),
    history([
      () => run(prod, 'legacy/terraform.tfstate', stateDoc(7, legacy, [marker('old', 'decommissioned')]), PEOPLE.legacy, 'both'),
      // Deleted by hand (a delete marker): the digest item stays behind, an orphan.
      async () => {
        await prod.w.s3.send(new DeleteObjectCommand({ Bucket: PROD.bucket, Key: 'legacy/terraform.tfstate' }));
      },
    ]),

    // Platform: DynamoDB-only runs leave no .tflock history, so their writers are honestly unknown.
    history([
      () => run(platform, 'iam/terraform.tfstate', stateDoc(1, iam, [iamRole('deployer')]), PEOPLE.legacy, 'dynamodb'),
      () => run(platform, 'iam/terraform.tfstate', stateDoc(2, iam, [iamRole('deployer'), iamRole('auditor')]), PEOPLE.legacy, 'dynamodb'),
      () => run(platform, 'iam/terraform.tfstate', stateDoc(3, iam, [iamRole('deployer'), iamRole('auditor'), iamRole('lockboard-viewer')]), PEOPLE.legacy, 'dynamodb'),
    ]),
    history([() => run(platform, 'env:/qa/iam/terraform.tfstate', stateDoc(1, qaIam, [iamRole('qa-deployer')]), PEOPLE.legacy, 'dynamodb')]),
    // The DNS stack moved to use_lockfile alone (no dynamodb_table in its backend block, so no digest).
    history([
      () => run(platform, 'dns/terraform.tfstate', stateDoc(1, dns, zone(2)), PEOPLE.sam, 'lockfile', false),
      () => run(platform, 'dns/terraform.tfstate', stateDoc(2, dns, zone(4)), PEOPLE.sam, 'lockfile', false),
    ]),
    // An OpenTofu stack with client-side state encryption (Tofu keeps writing digests).
    history([
      () => run(platform, 'secrets/terraform.tfstate', encryptedState(1, secrets), PEOPLE.tofu, 'dynamodb'),
      () => run(platform, 'secrets/terraform.tfstate', encryptedState(2, secrets), PEOPLE.tofu, 'dynamodb'),
    ]),
  ]);

  // Live locks.
  const fresh = TerraformWriter.lockInfo(PROD.bucket, 'app/terraform.tfstate', { ...PEOPLE.maria, operation: 'OperationTypePlan' }, Date.now() - 40_000);
  await prod.w.lockBoth(PROD.dynamodbTable, PROD.bucket, 'app/terraform.tfstate', fresh);
  const stale = TerraformWriter.lockInfo(PROD.bucket, 'network/terraform.tfstate', PEOPLE.ci, Date.now() - 4 * DAY_MS - 3 * 3_600_000);
  await prod.w.lockBoth(PROD.dynamodbTable, PROD.bucket, 'network/terraform.tfstate', stale);
  // An old Terraform (no use_lockfile) in a dual-mode backend locks DynamoDB only: a split lock.
  const split = TerraformWriter.lockInfo(PROD.bucket, 'env:/staging/app/terraform.tfstate', PEOPLE.legacy, Date.now() - 25 * 60_000);
  await prod.w.lockDynamo(PROD.dynamodbTable, PROD.bucket, 'env:/staging/app/terraform.tfstate', split);
  // The DNS stack's lock is a .tflock only.
  const fileOnly = TerraformWriter.lockInfo(PLATFORM.bucket, 'dns/terraform.tfstate', { ...PEOPLE.sam, operation: 'state-mv' }, Date.now() - 8 * 60_000);
  await platform.w.lockFile(PLATFORM.bucket, 'dns/terraform.tfstate', marshalLockInfo(fileOnly));
  // A lock item whose Info was truncated (a hand-written item): still listed, flagged.
  await platform.w.putRawItem(PLATFORM.dynamodbTable, { LockID: `${PLATFORM.bucket}/tools/terraform.tfstate`, Info: '{"ID":"7c1f09d2-4b1e-8a3f-2d6c-9e0b1a2c3d4e","Operation":"OperationTypeAp' });
}

// ---------- processes ----------

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The last lines of a log file, indented, for a process that ended or failed unexpectedly. */
function tail(file: string, lines = 20): string {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8').trimEnd();
  } catch {
    // not written
  }
  if (!text) return '  (empty)';
  return text
    .split('\n')
    .slice(-lines)
    .map((l) => `  | ${l.length > 400 ? `${l.slice(0, 400)}…` : l}`)
    .join('\n');
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the dashboard exited with ${child.exitCode ?? child.signalCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the dashboard did not answer ${url} within ${timeoutMs / 1000} s`);
}

/** A moto that stops again this soon after a restart is not restarted a second time. */
const MOTO_RESTART_WINDOW_MS = 60_000;

async function main(): Promise<void> {
  const stops: Array<() => Promise<void> | void> = [];
  let stopping = false;
  // The processes' own output goes to log files here, not to the terminal: the terminal gets the
  // demo's `[demo]` lines, the URL and what went wrong (with the last lines of the log at fault).
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-demo-'));
  const appLog = path.join(runDir, 'app.log');
  const motoLog = path.join(runDir, 'moto.log');
  const terraformLog = path.join(runDir, 'terraform.log');
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    // Ctrl-C: nothing to look into. A failure: the logs stay for it.
    if (code === 0) fs.rmSync(runDir, { recursive: true, force: true });
    else console.error(`[demo] logs kept in ${runDir}`);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  const fail = (message: string, logFile?: string) => {
    if (stopping) return;
    console.error(`[demo] ${message}`);
    if (logFile) console.error(`[demo] last lines of ${logFile}:\n${tail(logFile)}`);
    void shutdown(1);
  };

  try {
    Object.assign(process.env, QUIET_ENV);
    log(`app log: ${appLog} (the dashboard's server output; moto's and terraform's beside it)`);
    const stale = buildIsStale(distDir);
    if (stale) {
      const buildLog = path.join(path.dirname(appLog), 'build.log');
      log(`building the app into ${distDir} (${stale}); about a minute, output in ${buildLog}`);
      if (nextBuild(distDir, { ...process.env, LOCKBOARD_SKIP_BUILD_TYPECHECK: process.env.LOCKBOARD_SKIP_BUILD_TYPECHECK ?? '1' }, buildLog) !== 0) {
        console.error(`[demo] last lines of ${buildLog}:\n${tail(buildLog)}`);
        throw new Error('next build failed');
      }
    } else log(`using the build in ${distDir} (up to date)`);

    const motoPort = (await portIsFree(4566)) ? 4566 : await freePort();
    let moto = await startMoto({ port: motoPort, logFile: motoLog });
    stops.push(() => moto.stop());
    log(`moto server on ${moto.endpoint}`);
    Object.assign(process.env, awsEnv(moto.endpoint));

    const writer = new TerraformWriter({ endpoint: moto.endpoint });
    stops.push(() => writer.destroy());
    const seedAll = () => seed({ w: writer, backend: PROD }, { w: writer, backend: PLATFORM });
    const t0 = Date.now();
    await seedAll();
    log(`seeded ${PROD.bucket} + ${PROD.dynamodbTable} and ${PLATFORM.bucket} + ${PLATFORM.dynamodbTable} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // moto keeps everything in memory: if it stops, the backends are gone. It is started again on the
    // same port (the dashboard's config names it) and seeded again; once only within a minute.
    const supervise = (current: Moto, restartedAt: number | null) => {
      void current.exited.then(async ({ code, signal }) => {
        if (stopping || current !== moto) return;
        const how = signal ? `killed by ${signal}` : `exit ${code}`;
        if (restartedAt !== null && Date.now() - restartedAt < MOTO_RESTART_WINDOW_MS) {
          return fail(`the local AWS server (moto) stopped again (${how}) less than a minute after its restart: stopping the demo`, motoLog);
        }
        console.error(`[demo] the local AWS server (moto) stopped (${how}); the dashboard now shows backends as unreachable — restarting it`);
        try {
          moto = await startMoto({ port: motoPort, logFile: motoLog });
          supervise(moto, Date.now());
          const t1 = Date.now();
          await seedAll();
          if (!stopping) log(`moto restarted on ${moto.endpoint} and re-seeded in ${((Date.now() - t1) / 1000).toFixed(1)} s: the dashboard reads the backends again (the live terraform apply, if any, is not re-run)`);
        } catch (e) {
          fail(`could not restart the local AWS server (moto): ${e instanceof Error ? e.message : String(e)}`, motoLog);
        }
      });
    };
    supervise(moto, null);

    const configFile = path.join(runDir, 'lockboard.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify(
        {
          backends: [PROD, PLATFORM].map((b) => ({ ...b, region: 'us-east-1', forcePathStyle: true, endpoint: moto.endpoint })),
          staleAfterMinutes: 120,
        },
        null,
        2,
      ),
    );

    const wanted = Number(process.env.PORT || 3000);
    const port = (await portIsFree(wanted)) ? wanted : await freePort();
    if (port !== wanted) log(`port ${wanted} is busy: using ${port}`);
    const appOut = fs.openSync(appLog, 'a');
    const app = spawn('npx', ['next', 'start', '-H', '127.0.0.1', '-p', String(port)], {
      cwd: root,
      stdio: ['ignore', appOut, appOut],
      env: { ...process.env, LOCKBOARD_DIST_DIR: distDir, LOCKBOARD_CONFIG: configFile, NEXT_TELEMETRY_DISABLED: '1', AWS_EC2_METADATA_DISABLED: 'true' },
      detached: true,
    });
    fs.closeSync(appOut);
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          if (app.exitCode !== null || app.signalCode !== null || app.pid === undefined) return resolve();
          app.once('exit', () => resolve());
          process.kill(-app.pid, 'SIGTERM');
          setTimeout(() => app.pid !== undefined && app.exitCode === null && process.kill(-app.pid, 'SIGKILL'), 3_000).unref();
        }),
    );
    app.once('exit', (code, signal) => fail(`the dashboard exited (${signal ? `killed by ${signal}` : `exit ${code}`})`, appLog));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitHealthy(`${url}/api/health`, app);
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e), appLog);
    }

    console.log('');
    log(`Lockboard is running: ${url}`);
    log(`  backends: "${PROD.name}" (${PROD.bucket}, table ${PROD.dynamodbTable}, use_lockfile) and "${PLATFORM.name}" (${PLATFORM.bucket}, table ${PLATFORM.dynamodbTable})`);
    log(`  AWS CLI against the demo stack: AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_ENDPOINT_URL=${moto.endpoint} aws s3 ls`);
    log('  Ctrl-C stops everything.');

    const tf = terraformInfo();
    if (!tf) {
      log('terraform (>= 1.10) is not on PATH: skipping the live terraform apply');
    } else {
      const key = 'live/terraform-demo/terraform.tfstate';
      const dir = new TerraformDir({ endpoint: moto.endpoint, bucket: PROD.bucket, key, dynamodbTable: PROD.dynamodbTable, useLockfile: true, sleepSeconds: 60 });
      stops.push(() => dir.cleanup());
      let apply: RunningTerraform | null = null;
      stops.push(async () => {
        await apply?.kill9();
      });
      try {
        await dir.init();
      } catch (e) {
        fs.writeFileSync(terraformLog, e instanceof Error ? e.message : String(e));
        console.error(`[demo] terraform init failed: skipping the live terraform apply (see ${terraformLog})`);
        return;
      }
      apply = dir.startApply();
      log(`real terraform ${tf.version} apply started on ${PROD.bucket}/${key}: its lock shows for about a minute`);
      const running = apply;
      void running.exited.then((r) => {
        fs.writeFileSync(terraformLog, running.output());
        if (stopping) return;
        if (r.code === 0) log('the real terraform apply finished and released its lock');
        else console.error(`[demo] the real terraform apply ended with ${r.code ?? r.signal} (output: ${terraformLog})`);
      });
    }
  } catch (e) {
    if (!stopping) console.error(`[demo] ${e instanceof Error ? e.message : String(e)}`);
    await shutdown(1);
  }
}

void main();
