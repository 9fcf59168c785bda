import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '@/lib/api/audit-kinds';
import { AUDIT_ACTION_OPTIONS, AUDIT_ACTION_WORDS, auditSubtitle } from './audit-words';

describe('audit words', () => {
  it('the subtitle names every audited action (derived from AUDIT_ACTIONS)', () => {
    const subtitle = auditSubtitle();
    for (const action of AUDIT_ACTIONS) expect(subtitle, action).toContain(AUDIT_ACTION_WORDS[action]);
    expect(subtitle).toMatch(/^Every force-unlock, .+ and discovery decision attempt, newest first/);
    // The actions the old hand-written subtitle left out.
    for (const words of ['raw state download', 'bulk force-unlock', 'freeze', 'unfreeze', 'migration clean-up']) expect(subtitle).toContain(words);
  });
  it('offers every action in the filter, by code, in words', () => {
    expect(AUDIT_ACTION_OPTIONS.map((o) => o.value)).toEqual([...AUDIT_ACTIONS]);
    expect(new Set(AUDIT_ACTION_OPTIONS.map((o) => o.label)).size).toBe(AUDIT_ACTIONS.length);
  });
});
