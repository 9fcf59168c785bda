import { Badge } from './badge';
import { DIGEST_STATUS_LABEL, DIGEST_STATUS_TEXT, type DigestStatus } from '@/lib/terraform/digest';

const TONE = { match: 'green', mismatch: 'red', orphan: 'red', missing: 'gray', unverified: 'amber', not_applicable: 'gray' } as const;

/** The digest status of a state, with its meaning (or the specific reason) on hover. */
export function DigestBadge({ status, reason }: { status: DigestStatus; reason?: string }) {
  return (
    <span data-testid="digest-badge" data-status={status}>
      <Badge tone={TONE[status]} title={reason ?? DIGEST_STATUS_TEXT[status]}>
        {DIGEST_STATUS_LABEL[status]}
      </Badge>
    </span>
  );
}
