import 'server-only';
/**
 * AWS SDK clients, built once per backend. Credentials and endpoints come from the SDK's default
 * chain and its own variables (AWS_PROFILE, AWS_ENDPOINT_URL_S3, …) unless the backend names an
 * endpoint or a role. Every request is counted; throttling is retried with adaptive back-off.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { BackendConfig } from '../server/config';
import { logger } from '../server/logger';
import { callOrigin, isBackgroundOrigin } from '../server/call-origin';
import { recordAwsCall, recordBackgroundLimit, recordThrottle } from '../server/metrics';
import { DEFAULT_BUDGET, EndpointBudget } from '../server/read-budget';
import { isThrottling } from './errors';
import { applyRetryPolicy } from './retry-policy';

interface Stackable {
  middlewareStack: {
    add: (
      middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>,
      options: { step: 'finalizeRequest'; name: string; priority: 'low' },
    ) => void;
  };
}

const lastThrottled = new Map<string, number>();

/** A throttled backend is logged once per quiet period, not once per retried call. */
const THROTTLE_LOG_QUIET_MS = 60_000;

/** When AWS last throttled a request of this backend (epoch ms), or null. */
export function lastThrottledAt(backendId: string): number | null {
  return lastThrottled.get(backendId) ?? null;
}

// On globalThis: Next.js may bundle this module more than once, and an endpoint has one budget.
const budgetsKey = Symbol.for('lockboard.readBudgets');

function budgets(): Map<string, EndpointBudget> {
  const holder = globalThis as unknown as Record<symbol, Map<string, EndpointBudget> | undefined>;
  holder[budgetsKey] ??= new Map();
  return holder[budgetsKey];
}

/** What the budget needs of a client's target: the backend (or discovery's account) and where its requests go. */
export type BudgetTarget = Pick<BackendConfig, 'id' | 'endpoint' | 'region'>;

/**
 * The read budget of the endpoint a backend's `service` requests go to: an explicit endpoint is one
 * server for every service (as moto or a VPC endpoint proxy), AWS's own are one per service and region.
 */
export function endpointBudget(backend: BudgetTarget, service: string): EndpointBudget {
  const key = backend.endpoint ? `endpoint ${backend.endpoint}` : `${service} ${backend.region}`;
  let budget = budgets().get(key);
  if (!budget) {
    budget = new EndpointBudget({ ...DEFAULT_BUDGET, now: Date.now, onLimit: recordBackgroundLimit });
    budgets().set(key, budget);
  }
  return budget;
}

/**
 * Retries no attempt that ran out of its deadline (./retry-policy.ts). Counts each attempt (inside the retry middleware) and each throttling answer; logs the first
 * throttling after a quiet minute. Each attempt first takes a slot of its endpoint's budget: live
 * reads first, background reads (inventory, last writers, histories) only in what is left and
 * backing off when AWS throttles or live reads slow down (lib/server/read-budget.ts).
 */
export function instrument<T>(client: T, service: string, backend: BudgetTarget): T {
  const backendId = backend.id;
  applyRetryPolicy(client);
  (client as unknown as Stackable).middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const origin = callOrigin();
      const priority = isBackgroundOrigin(origin) ? 'background' : 'live';
      const budget = endpointBudget(backend, service);
      const release = await budget.acquire(priority, backendId);
      // A long poll (ReceiveMessage, GetRecords) waits by design: it passes the gate but holds no slot.
      const waitsByDesign = origin === 'events';
      if (waitsByDesign) release();
      recordAwsCall(service, operation, origin);
      const startedAt = Date.now();
      try {
        const out = await next(args);
        if (priority === 'live' && !waitsByDesign) budget.onLiveLatency(Date.now() - startedAt, `${backendId}:${operation}`);
        else if (priority === 'background') budget.onBackgroundSuccess(backendId);
        return out;
      } catch (e) {
        if (priority === 'live' && !waitsByDesign) budget.onLiveLatency(Date.now() - startedAt, `${backendId}:${operation}`);
        if (isThrottling(e)) {
          budget.onThrottle(backendId);
          recordThrottle(service, operation);
          const now = Date.now();
          const previous = lastThrottled.get(backendId);
          if (previous === undefined || now - previous > THROTTLE_LOG_QUIET_MS) logger.warn('aws throttled', { backend: backendId, service, operation, awsError: e });
          lastThrottled.set(backendId, now);
        }
        throw e;
      } finally {
        if (!waitsByDesign) release();
      }
    },
    { step: 'finalizeRequest', name: 'lockboardCallCounter', priority: 'low' },
  );
  return client;
}

/**
 * Real deadlines per attempt: without `throwOnRequestTimeout` the SDK only logs a warning when
 * `requestTimeout` passes and keeps waiting on an endpoint that accepted the connection but never
 * answers. `socketTimeout` bounds each pause of a streamed body (a GetObject that stalls mid-way).
 * A timed-out attempt is not retried (./retry-policy.ts): a call fails with a typed `aws_timeout`
 * after one deadline (three attempts remain for throttling and errors answered at once).
 */
export function deadlines(ms: number) {
  return { connectionTimeout: Math.min(3_000, ms), requestTimeout: ms, socketTimeout: ms, throwOnRequestTimeout: true };
}

/** A backend discovery registered also names the role's external ID and STS endpoint (lib/server/backends.ts). */
type RoleTarget = BackendConfig & { externalId?: string | null; stsEndpoint?: string | null };

type RoleCredentials = ReturnType<typeof fromTemporaryCredentials>;
const roleCredentials = new Map<string, RoleCredentials>();

/** One credentials provider per role (and external ID): a backend's S3 and DynamoDB clients, and backends sharing a role, assume it once. */
function credentialsOf(backend: RoleTarget & { roleArn: string }): RoleCredentials {
  const externalId = backend.externalId ?? null;
  const stsEndpoint = backend.stsEndpoint ?? null;
  const key = `${backend.roleArn}\u0000${externalId ?? ''}\u0000${stsEndpoint ?? ''}`;
  let provider = roleCredentials.get(key);
  if (!provider) {
    provider = fromTemporaryCredentials({
      params: { RoleArn: backend.roleArn, RoleSessionName: 'lockboard', ...(externalId ? { ExternalId: externalId } : {}) },
      ...(stsEndpoint ? { clientConfig: { endpoint: stsEndpoint, region: backend.region } } : {}),
    });
    roleCredentials.set(key, provider);
  }
  return provider;
}

function commonOptions(backend: RoleTarget) {
  return {
    region: backend.region,
    ...(backend.endpoint ? { endpoint: backend.endpoint } : {}),
    ...(backend.roleArn ? { credentials: credentialsOf({ ...backend, roleArn: backend.roleArn }) } : {}),
    retryMode: 'adaptive',
    maxAttempts: 3,
    requestHandler: deadlines(backend.awsTimeoutSeconds * 1000),
  } as const;
}

const s3Clients = new Map<string, S3Client>();
const dynamoClients = new Map<string, DynamoDBClient>();

export function s3Client(backend: BackendConfig): S3Client {
  let client = s3Clients.get(backend.id);
  if (!client) {
    client = instrument(new S3Client({ ...commonOptions(backend), forcePathStyle: backend.forcePathStyle }), 's3', backend);
    s3Clients.set(backend.id, client);
  }
  return client;
}

export function dynamoClient(backend: BackendConfig): DynamoDBClient {
  let client = dynamoClients.get(backend.id);
  if (!client) {
    client = instrument(new DynamoDBClient(commonOptions(backend)), 'dynamodb', backend);
    dynamoClients.set(backend.id, client);
  }
  return client;
}

// Event mode (issue 24): the bucket's event queue and topic, the lock table's stream.
const eventClients = new Map<string, SQSClient | SNSClient | DynamoDBStreamsClient>();

function eventClient<C extends SQSClient | SNSClient | DynamoDBStreamsClient>(backend: BackendConfig, service: string, make: (options: ReturnType<typeof commonOptions>) => C): C {
  const id = `${service}\u0000${backend.id}`;
  let client = eventClients.get(id) as C | undefined;
  if (!client) {
    client = instrument(make(commonOptions(backend)), service, backend);
    eventClients.set(id, client);
  }
  return client;
}

/** SQS client of a backend's events; a long poll needs a deadline past its wait (20 s). */
export function sqsClient(backend: BackendConfig): SQSClient {
  return eventClient(backend, 'sqs', (o) => new SQSClient({ ...o, requestHandler: deadlines(Math.max(backend.awsTimeoutSeconds, 10) * 1000 + 20_000) }));
}

export function snsClient(backend: BackendConfig): SNSClient {
  return eventClient(backend, 'sns', (o) => new SNSClient(o));
}

export function streamsClient(backend: BackendConfig): DynamoDBStreamsClient {
  return eventClient(backend, 'dynamodbstreams', (o) => new DynamoDBStreamsClient(o));
}

/** Tests only: forget the clients (after a configuration change). */
export function resetClientsForTests(): void {
  s3Clients.clear();
  dynamoClients.clear();
  roleCredentials.clear();
  eventClients.clear();
  lastThrottled.clear();
  budgets().clear();
}
