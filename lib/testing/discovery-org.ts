/**
 * An AWS organisation on moto for discovery's tests and benchmark: member accounts created through
 * Organizations, entered with AssumeRole (moto maps the account from the access key it returned, so
 * those credentials see only that account's buckets and tables), and an estate written in them
 * through the real SDK: real backends (bucket + lock table, `.tflock`-only buckets) in two regions,
 * and the decoys discovery must not take for backends. `expected` is exactly what it must find.
 */
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateAccountCommand, CreateOrganizationCommand, DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mapLimit } from '../server/concurrency';
import { TerraformWriter } from '../../scripts/lib/terraform-writer';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

const base = (endpoint: string, region = 'us-east-1') => ({ endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

/** The organisation of moto's default account (created once per moto server); its management account id. */
export async function ensureOrganization(endpoint: string): Promise<string> {
  const org = new OrganizationsClient(base(endpoint));
  try {
    const out = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    return out.Organization!.MasterAccountId!;
  } catch (e) {
    if ((e as { name?: string }).name !== 'AlreadyInOrganizationException') throw e;
    return (await org.send(new DescribeOrganizationCommand({}))).Organization!.MasterAccountId!;
  } finally {
    org.destroy();
  }
}

/** Creates `n` member accounts; their ids, in order. */
export async function createAccounts(endpoint: string, n: number, prefix: string): Promise<string[]> {
  const org = new OrganizationsClient(base(endpoint));
  try {
    return await mapLimit(Array.from({ length: n }, (_, i) => i), 8, async (i) => {
      const out = await org.send(new CreateAccountCommand({ AccountName: `${prefix}-${i}`, Email: `${prefix}-${i}@example.com` }));
      return out.CreateAccountStatus!.AccountId!;
    });
  } finally {
    org.destroy();
  }
}

/** Credentials inside a member account (the administrator role Organizations creates). */
export async function memberCredentials(endpoint: string, accountId: string): Promise<Credentials> {
  const sts = new STSClient(base(endpoint));
  try {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'fixture' }));
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  } finally {
    sts.destroy();
  }
}

/** Writing into one member account, in one region. */
export class MemberAccount {
  readonly writer: TerraformWriter;
  private readonly s3: S3Client;
  private readonly ddb: DynamoDBClient;

  constructor(
    readonly endpoint: string,
    readonly accountId: string,
    readonly credentials: Credentials,
    readonly region: string,
  ) {
    this.writer = new TerraformWriter({ endpoint, region, credentials });
    this.s3 = new S3Client({ endpoint, region, credentials, forcePathStyle: true });
    this.ddb = new DynamoDBClient({ endpoint, region, credentials });
  }

  /** A versioned bucket in this account's region. */
  async bucket(name: string): Promise<void> {
    const location = this.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: this.region as BucketLocationConstraint } };
    await this.s3.send(new CreateBucketCommand({ Bucket: name, ...location }));
    await this.s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
  }

  async object(bucket: string, key: string, body: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  lockTable(name: string): Promise<void> {
    return this.writer.createTable(name);
  }

  /** A table that is not Terraform's: another key schema. */
  async otherTable(name: string): Promise<void> {
    await this.ddb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await this.ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'session/1' }, sk: { S: 'a' } } }));
  }

  /** A state written as Terraform writes it (object, then the digest item when there is a table). */
  async state(bucket: string, key: string, table: string | null): Promise<void> {
    await this.writer.putState(bucket, key, JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: `${bucket}-${key}`, outputs: {}, resources: [] }), table);
  }

  destroy(): void {
    this.writer.destroy();
    this.s3.destroy();
    this.ddb.destroy();
  }
}

export interface ExpectedBackend {
  accountId: string;
  region: string;
  bucket: string;
  dynamodbTable: string | null;
}

export interface EstateFixture {
  managementId: string;
  accounts: string[];
  regions: [string, string];
  /** Exactly the backends discovery must find. */
  expected: ExpectedBackend[];
  /** Accounts whose role is missing (the proxy answers AccessDenied, as AWS does). */
  withoutRole: string[];
  decoys: { emptyBucket: string; otherTable: { accountId: string; table: string }; foreignTable: { accountId: string; table: string; otherAccountBucket: string; missingBucket: string }; outsideRegion: { accountId: string; bucket: string; region: string } };
}

/**
 * The estate of the benchmark and the integration test, in `n` (≥ 6) fresh member accounts:
 * - every account: bucket `<run>-<i>-a` (us-east-1) with lock table `tf-locks` and two states
 *   (one in a workspace);
 * - every even account: `.tflock`-only bucket `<run>-<i>-b` in eu-west-1 with one state;
 * - decoys: account 0 a bucket with no state; account 1 a table with another key schema; account 2
 *   a lock table naming account 3's bucket and a bucket that does not exist; account 4 a bucket
 *   holding a state in ap-south-1 (not configured); the last account has no role (its bucket is
 *   real but must not be found), nor has the management account.
 */
export async function buildEstate(endpoint: string, run: string, n: number): Promise<EstateFixture> {
  if (n < 6) throw new Error('buildEstate needs at least 6 accounts');
  const managementId = await ensureOrganization(endpoint);
  const accounts = await createAccounts(endpoint, n, run);
  const regions: [string, string] = ['us-east-1', 'eu-west-1'];
  const expected: ExpectedBackend[] = [];
  const last = accounts[n - 1]!;
  const name = (i: number, s: string) => `${run}-${i}-${s}`;
  await mapLimit(accounts, 6, async (accountId, i) => {
    const creds = await memberCredentials(endpoint, accountId);
    const home = new MemberAccount(endpoint, accountId, creds, regions[0]);
    const eu = new MemberAccount(endpoint, accountId, creds, regions[1]);
    try {
      await home.bucket(name(i, 'a'));
      await home.lockTable('tf-locks');
      await home.state(name(i, 'a'), 'network/terraform.tfstate', 'tf-locks');
      await home.state(name(i, 'a'), 'env:/staging/network/terraform.tfstate', 'tf-locks');
      if (accountId !== last) expected.push({ accountId, region: regions[0], bucket: name(i, 'a'), dynamodbTable: 'tf-locks' });
      if (i % 2 === 0) {
        await eu.bucket(name(i, 'b'));
        await eu.state(name(i, 'b'), 'app/terraform.tfstate', null);
        if (accountId !== last) expected.push({ accountId, region: regions[1], bucket: name(i, 'b'), dynamodbTable: null });
      }
      if (i === 0) {
        await home.bucket(name(i, 'empty'));
        await home.object(name(i, 'empty'), 'readme.txt', 'no state here');
      }
      if (i === 1) await home.otherTable('app-sessions');
      if (i === 2) {
        await home.lockTable('foreign-locks');
        await home.writer.putDigest('foreign-locks', name(3, 'a'), 'stray/terraform.tfstate', '0'.repeat(32));
        await home.writer.putDigest('foreign-locks', `${run}-gone`, 'old/terraform.tfstate', '0'.repeat(32));
      }
      if (i === 4) {
        const mumbai = new MemberAccount(endpoint, accountId, creds, 'ap-south-1');
        try {
          await mumbai.bucket(name(i, 'mumbai'));
          await mumbai.state(name(i, 'mumbai'), 'far/terraform.tfstate', null);
        } finally {
          mumbai.destroy();
        }
      }
    } finally {
      home.destroy();
      eu.destroy();
    }
  });
  return {
    managementId,
    accounts,
    regions,
    expected: expected.sort((a, b) => a.bucket.localeCompare(b.bucket)),
    withoutRole: [managementId, last],
    decoys: {
      emptyBucket: name(0, 'empty'),
      otherTable: { accountId: accounts[1]!, table: 'app-sessions' },
      foreignTable: { accountId: accounts[2]!, table: 'foreign-locks', otherAccountBucket: name(3, 'a'), missingBucket: `${run}-gone` },
      outsideRegion: { accountId: accounts[4]!, bucket: name(4, 'mumbai'), region: 'ap-south-1' },
    },
  };
}

/** Bucket of the e2e stack's discovery decisions (and their audit records). */
export const E2E_DECISIONS_BUCKET = 'lockboard-e2e-discovery';

/**
 * The e2e stack's small estate (scripts/e2e.ts, e2e/estate.spec.ts): two member accounts, each with
 * a bucket `lockboard-e2e-estate-<n>` + lock table `tf-locks` holding one state. Discovery searches
 * exactly these two accounts and proposes their backends (autoWatch off), so no other spec sees a
 * new backend unless one is accepted.
 */
export async function seedE2eEstate(endpoint: string): Promise<{ accounts: string[]; discovery: Record<string, unknown> }> {
  await ensureOrganization(endpoint);
  const accounts = await createAccounts(endpoint, 2, 'e2e-estate');
  for (const [i, accountId] of accounts.entries()) {
    const member = new MemberAccount(endpoint, accountId, await memberCredentials(endpoint, accountId), 'us-east-1');
    try {
      await member.bucket(`lockboard-e2e-estate-${i}`);
      await member.lockTable('tf-locks');
      await member.state(`lockboard-e2e-estate-${i}`, 'platform/terraform.tfstate', 'tf-locks');
    } finally {
      member.destroy();
    }
  }
  const w = new TerraformWriter({ endpoint });
  await w.createBucket(E2E_DECISIONS_BUCKET);
  w.destroy();
  return { accounts, discovery: { accounts, regions: ['us-east-1'], endpoint, forcePathStyle: true, decisionsBucket: E2E_DECISIONS_BUCKET } };
}
