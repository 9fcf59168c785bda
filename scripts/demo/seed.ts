/**
 * The demo's two backends and what is in them, written through the real protocol (TerraformWriter)
 * as Terraform would: each state's history of runs, and the live locks a dashboard user meets.
 */
import crypto from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { marshalLockInfo, type LockInfo } from '../../lib/terraform/lock-info';
import { TerraformWriter } from '../lib/terraform-writer';
import { sleep } from '../lib/wait';
import { appServer, database, encryptedState, hex, marker, resource, securityGroup, stateDoc, subnets, vpc } from './states';

const DAY_MS = 86_400_000;

export interface DemoBackend {
  id: string;
  name: string;
  bucket: string;
  dynamodbTable: string;
  useLockfile: boolean;
}

/** Production: DynamoDB table + use_lockfile (dual mode, Terraform >= 1.10 during the migration). */
export const PROD: DemoBackend = { id: 'prod', name: 'Production', bucket: 'acme-tfstate-prod', dynamodbTable: 'acme-tf-locks-prod', useLockfile: true };
/** Platform: the classic DynamoDB-only setup, with one stack already moved to use_lockfile alone. */
export const PLATFORM: DemoBackend = { id: 'platform', name: 'Platform', bucket: 'acme-tfstate-platform', dynamodbTable: 'acme-tf-locks-platform', useLockfile: false };

export interface Writer {
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

export const PEOPLE = {
  maria: { who: 'maria@laptop-42', operation: 'OperationTypeApply', version: '1.11.4' },
  ci: { who: 'runner@gha-runner-17', operation: 'OperationTypeApply', version: '1.11.4' },
  sam: { who: 'sam@ws-dns', operation: 'OperationTypeApply', version: '1.10.5' },
  legacy: { who: 'jenkins@jenkins-agent-2', operation: 'OperationTypeApply', version: '1.9.8' },
  tofu: { who: 'deploy@tofu-runner', operation: 'OperationTypeApply', version: '1.9.1' },
  /** The pipeline whose `terragrunt run-all apply` was killed: see DEAD_RUN. */
  pipeline: { who: 'buildkite@agent-release-3', operation: 'OperationTypeApply', version: '1.11.4' },
} satisfies Record<string, Partial<LockInfo>>;

/**
 * A dead run: a release pipeline's `terragrunt run-all apply` over the service stacks was killed five
 * hours ago, mid-apply. It left one lock per stack (both mechanisms: Production is in dual mode),
 * same `Who` and `Operation`, taken seconds apart: "Group by run" on the locks page shows them as
 * one group to release together.
 */
export const DEAD_RUN = {
  holder: PEOPLE.pipeline,
  keys: ['services/api/terraform.tfstate', 'services/worker/terraform.tfstate', 'services/billing/terraform.tfstate', 'services/search/terraform.tfstate'],
  ageMs: 5 * 3_600_000,
  /** Between one stack's lock and the next (run-all starts the stacks a few seconds apart). */
  stepMs: 7_000,
};

export async function seed(prod: Writer, platform: Writer): Promise<void> {
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

    // The service stacks the dead run was applying: each one released before by the same pipeline.
    ...DEAD_RUN.keys.map((key) =>
      history([() => run(prod, key, stateDoc(1, L(), [marker('release', 'v2.3.0'), appServer(2, 'ami-0bb22')]), PEOPLE.pipeline, 'both')]),
    ),

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
  const runStarted = Date.now() - DEAD_RUN.ageMs;
  for (const [i, key] of DEAD_RUN.keys.entries()) {
    await prod.w.lockBoth(PROD.dynamodbTable, PROD.bucket, key, TerraformWriter.lockInfo(PROD.bucket, key, DEAD_RUN.holder, runStarted + i * DEAD_RUN.stepMs));
  }
  // An old Terraform (no use_lockfile) in a dual-mode backend locks DynamoDB only: a split lock.
  const split = TerraformWriter.lockInfo(PROD.bucket, 'env:/staging/app/terraform.tfstate', PEOPLE.legacy, Date.now() - 25 * 60_000);
  await prod.w.lockDynamo(PROD.dynamodbTable, PROD.bucket, 'env:/staging/app/terraform.tfstate', split);
  // The DNS stack's lock is a .tflock only.
  const fileOnly = TerraformWriter.lockInfo(PLATFORM.bucket, 'dns/terraform.tfstate', { ...PEOPLE.sam, operation: 'state-mv' }, Date.now() - 8 * 60_000);
  await platform.w.lockFile(PLATFORM.bucket, 'dns/terraform.tfstate', marshalLockInfo(fileOnly));
  // A lock item whose Info was truncated (a hand-written item): still listed, flagged.
  await platform.w.putRawItem(PLATFORM.dynamodbTable, { LockID: `${PLATFORM.bucket}/tools/terraform.tfstate`, Info: '{"ID":"7c1f09d2-4b1e-8a3f-2d6c-9e0b1a2c3d4e","Operation":"OperationTypeAp' });
}
