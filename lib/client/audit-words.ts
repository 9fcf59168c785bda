/** The audited actions in words, one per action of `AUDIT_ACTIONS` (a new action fails the type check until it has its words). Pure. */
import { AUDIT_ACTIONS, type AuditAction } from '@/lib/api/audit-kinds';

export const AUDIT_ACTION_WORDS: Record<AuditAction, string> = {
  'force-unlock': 'force-unlock',
  'bulk-unlock': 'bulk force-unlock',
  'repair-digest': 'digest repair',
  restore: 'restore',
  download: 'raw state download',
  freeze: 'freeze',
  unfreeze: 'unfreeze',
  'migration-cleanup': 'migration clean-up',
  'discovery-decision': 'discovery decision',
};

/** The Action filter's choices: the code as value, the words as label. */
export const AUDIT_ACTION_OPTIONS = AUDIT_ACTIONS.map((value) => ({ value, label: AUDIT_ACTION_WORDS[value] }));

/** "a, b and c". */
function list(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The audit page's subtitle: every audited action, named from AUDIT_ACTIONS. */
export function auditSubtitle(): string {
  return `Every ${list(AUDIT_ACTIONS.map((a) => AUDIT_ACTION_WORDS[a]))} attempt, newest first: allowed or refused, succeeded or failed.`;
}
