import 'server-only';
/** AWS Organizations: the accounts of the organisation (from its management or a delegated administrator account). */
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { organizationsClient, type CallCounter, type DiscoveryTarget } from './discovery-clients';
import { toAwsError } from './errors';

export interface OrganizationAccount {
  id: string;
  name: string | null;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE… (an account that is not ACTIVE is listed, not searched). */
  status: string;
}

/** 20 accounts a page (the API's maximum), so this bound is 10,000 accounts. */
const MAX_PAGES = 500;

export async function listOrganizationAccounts(target: DiscoveryTarget, counter: CallCounter): Promise<{ accounts: OrganizationAccount[]; complete: boolean }> {
  const client = organizationsClient(target, counter);
  const accounts: OrganizationAccount[] = [];
  let token: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await client.send(new ListAccountsCommand({ NextToken: token, MaxResults: 20 }));
      for (const a of out.Accounts ?? []) {
        if (!a.Id) continue;
        accounts.push({ id: a.Id, name: a.Name ?? null, status: a.State ?? a.Status ?? 'UNKNOWN' });
      }
      token = out.NextToken;
      if (!token) return { accounts, complete: true };
    }
    return { accounts, complete: false };
  } catch (e) {
    throw toAwsError(e, { backend: '', service: 'Organizations', resource: 'ListAccounts' });
  } finally {
    client.destroy();
  }
}
