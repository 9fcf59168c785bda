import 'server-only';
/** STS for discovery: assume the read-only role in one account (its credentials see only that account). */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { stsClient, type AwsCredentials, type CallCounter, type DiscoveryTarget } from './discovery-clients';
import { toAwsError } from './errors';

/** One session per account and run: discovery of an account takes seconds, far less than this. */
const SESSION_SECONDS = 3600;

export async function assumeRole(target: DiscoveryTarget, role: { roleArn: string; externalId: string | null; sessionName: string }, counter: CallCounter, budgetId: string): Promise<AwsCredentials> {
  const client = stsClient(target, counter, budgetId);
  try {
    const out = await client.send(
      new AssumeRoleCommand({ RoleArn: role.roleArn, RoleSessionName: role.sessionName, DurationSeconds: SESSION_SECONDS, ...(role.externalId ? { ExternalId: role.externalId } : {}) }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('AssumeRole answered without credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, ...(c.Expiration ? { expiration: c.Expiration } : {}) };
  } catch (e) {
    throw toAwsError(e, { backend: '', service: 'STS', resource: role.roleArn });
  } finally {
    client.destroy();
  }
}
