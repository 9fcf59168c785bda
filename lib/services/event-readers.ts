import 'server-only';
/** The re-reads an event asks for (issue 24): one key, never a listing. Live reads, counted as the watcher's. */
import { getTableItem } from '../aws/lock-table';
import { headObject, type ObjectSummary } from '../aws/state-bucket';
import { withCallOrigin } from '../server/call-origin';
import type { BackendConfig } from '../server/config';
import type { TableItem } from '../terraform/table-items';

/** The object as a listing would show it now, or null when it is gone. */
export function getHeadObject(backend: BackendConfig, key: string): Promise<ObjectSummary | null> {
  return withCallOrigin('watcher', async () => {
    const head = await headObject(backend, key);
    return head === null ? null : { key, size: head.size, etag: head.etag, lastModified: head.lastModified };
  });
}

/** The lock table item now (consistent read), or null. */
export function getItemNow(backend: BackendConfig, lockId: string): Promise<TableItem | null> {
  return withCallOrigin('watcher', () => getTableItem(backend, lockId));
}
