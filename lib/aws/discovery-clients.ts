import 'server-only';
/**
 * The SDK clients of discovery: Organizations and STS with Lockboard's own credentials, and per
 * account S3 and DynamoDB clients with the credentials of the role assumed there. Each has the
 * deadlines of every Lockboard client and passes its endpoint's read budget as background work (the
 * calling code runs under the `discovery` origin), so discovery waits while live reads run. Each
 * account's clients also count their requests (every attempt) and refuse any beyond the account's
 * bound: a request past it fails with `CallBudgetExceeded` before it is sent.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { deadlines, instrument, type BudgetTarget } from './clients';

/** Where discovery's requests go and how long one attempt may take. */
export interface DiscoveryTarget {
  region: string;
  endpoint: string | null;
  forcePathStyle: boolean;
  timeoutMs: number;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

/** An account's requests went past `maxCallsPerAccount`: the rest of its work is reported, not done. */
export class CallBudgetExceeded extends Error {
  constructor(readonly limit: number) {
    super(`the account's call bound (${limit} requests) was reached`);
    this.name = 'CallBudgetExceeded';
  }
}

export function isCallBudgetExceeded(e: unknown): e is CallBudgetExceeded {
  return (e as { name?: string } | null)?.name === 'CallBudgetExceeded';
}

/** Counts every request of the clients it is put on and refuses those past the bound. */
export class CallCounter {
  count = 0;
  constructor(readonly limit: number) {}
}

interface Stackable {
  middlewareStack: {
    add: (
      middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { step: 'finalizeRequest'; name: string; priority: 'low' },
    ) => void;
  };
}

function counted<T>(client: T, counter: CallCounter | null): T {
  if (!counter) return client;
  // Added before the budget's middleware (same step and priority): a refused request takes no slot.
  (client as unknown as Stackable).middlewareStack.add(
    (next) => async (args) => {
      if (counter.count >= counter.limit) throw new CallBudgetExceeded(counter.limit);
      counter.count++;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'lockboardDiscoveryCalls', priority: 'low' },
  );
  return client;
}

function options(target: DiscoveryTarget, region: string, credentials: AwsCredentials | null) {
  return {
    region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    retryMode: 'adaptive',
    maxAttempts: 3,
    requestHandler: deadlines(target.timeoutMs),
  } as const;
}

function budgetOf(target: DiscoveryTarget, id: string, region: string): BudgetTarget {
  return { id, endpoint: target.endpoint, region };
}

/** Organizations is global: its endpoint is in us-east-1 (aws) whatever the home region. */
export function organizationsClient(target: DiscoveryTarget, counter: CallCounter): OrganizationsClient {
  const region = target.region.startsWith('cn-') ? 'cn-northwest-1' : target.region.startsWith('us-gov-') ? 'us-gov-west-1' : 'us-east-1';
  return instrument(counted(new OrganizationsClient(options(target, region, null)), counter), 'organizations', budgetOf(target, 'discovery', region));
}

export function stsClient(target: DiscoveryTarget, counter: CallCounter | null, budgetId: string): STSClient {
  return instrument(counted(new STSClient(options(target, target.region, null)), counter), 'sts', budgetOf(target, budgetId, target.region));
}

export function accountS3Client(target: DiscoveryTarget, region: string, credentials: AwsCredentials, counter: CallCounter, budgetId: string): S3Client {
  return instrument(counted(new S3Client({ ...options(target, region, credentials), forcePathStyle: target.forcePathStyle }), counter), 's3', budgetOf(target, budgetId, region));
}

export function accountDynamoClient(target: DiscoveryTarget, region: string, credentials: AwsCredentials, counter: CallCounter, budgetId: string): DynamoDBClient {
  return instrument(counted(new DynamoDBClient(options(target, region, credentials)), counter), 'dynamodb', budgetOf(target, budgetId, region));
}
