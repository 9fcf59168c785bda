import { PathText } from './path-text';
import type { Lock } from '@/lib/api/locks';
import { unlockDeletions, type LockStore } from '@/lib/client/unlock-deletions';

/** The list of what a force-unlock of one lock deletes: the DynamoDB item and/or the `.tflock`, with where. */
export function UnlockDeletes({ lock, store, className }: { lock: Pick<Lock, 'key' | 'sources'>; store: LockStore; className?: string }) {
  return (
    <ul className={className ?? 'mt-1 list-disc space-y-0.5 pl-5'}>
      {unlockDeletions(lock, store).map((d) => (
        <li key={d.side} data-side={d.side}>
          <code className="font-mono text-xs">
            <PathText text={d.what} />
          </code>{' '}
          <span className="text-slate-600">({d.where})</span>
        </li>
      ))}
    </ul>
  );
}
