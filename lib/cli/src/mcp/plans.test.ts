import { describe, expect, it } from 'vitest';
import { PlanRefusal, PlanStore, type PlanTarget } from './plans';

const target: PlanTarget = { action: 'unlock', backend: 'prod', key: 'app/terraform.tfstate', lockId: 'id-1' };
const plan = { ...target, fingerprint: 'f1', caller: 'alice via mcp/a', body: { key: 'app/terraform.tfstate', id: 'id-1', reason: 'r' } };

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof PlanRefusal) return e.code;
    throw e;
  }
  return 'accepted';
}

describe('PlanStore', () => {
  it('redeems a token once, for exactly its target and caller', () => {
    const store = new PlanStore({ ttlMs: 60_000 });
    const { token } = store.issue(plan);
    expect(token).toMatch(/^lbp1\.[\w-]{22}\.[\w-]{43}$/);
    expect(refusal(() => store.redeem(token, { ...target, lockId: 'id-2' }, plan.caller))).toBe('token_mismatch');
    expect(refusal(() => store.redeem(token, { ...target, key: 'other' }, plan.caller))).toBe('token_mismatch');
    expect(refusal(() => store.redeem(token, { ...target, action: 'unfreeze' }, plan.caller))).toBe('token_mismatch');
    expect(refusal(() => store.redeem(token, target, 'bob via mcp/a'))).toBe('caller_mismatch');
    expect(store.redeem(token, target, plan.caller)).toMatchObject({ fingerprint: 'f1', body: plan.body });
    expect(refusal(() => store.redeem(token, target, plan.caller))).toBe('token_used');
  });

  it('refuses an expired token, a forged MAC, and tokens of another store (another process)', () => {
    let now = 1_000_000;
    const store = new PlanStore({ ttlMs: 1000, now: () => now });
    const { token, expiresAt } = store.issue(plan);
    expect(expiresAt).toBe(new Date(1_001_000).toISOString());
    const forged = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect(refusal(() => store.redeem(forged, target, plan.caller))).toBe('unknown_token');
    expect(refusal(() => new PlanStore({ ttlMs: 1000 }).redeem(token, target, plan.caller))).toBe('unknown_token');
    expect(refusal(() => store.redeem('garbage', target, plan.caller))).toBe('unknown_token');
    now += 1001;
    expect(refusal(() => store.redeem(token, target, plan.caller))).toBe('token_expired');
  });

  it('keeps a bounded number of plans (the oldest tokens become unknown)', () => {
    const store = new PlanStore({ ttlMs: 60_000, max: 2 });
    const first = store.issue(plan).token;
    store.issue(plan);
    const third = store.issue(plan).token;
    expect(refusal(() => store.redeem(first, target, plan.caller))).toBe('unknown_token');
    expect(refusal(() => store.redeem(third, target, plan.caller))).toBe('accepted');
  });
});
