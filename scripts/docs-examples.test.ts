/** Examples in docs/ that must stay valid: the PrometheusRule in docs/alerts.md is valid YAML of the Prometheus Operator's shape. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const doc = fs.readFileSync(path.join(import.meta.dirname, '..', 'docs', 'alerts.md'), 'utf8');

describe('docs/alerts.md PrometheusRule', () => {
  it('parses as YAML with an expression, labels and a summary on every rule', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block, 'a yaml block').toBeTruthy();
    const rule = parse(block!) as { kind: string; spec: { groups: Array<{ rules: Array<Record<string, unknown>> }> } };
    expect(rule.kind).toBe('PrometheusRule');
    const rules = rule.spec.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(['TerraformLockStale', 'TerraformLockHolderDead', 'TerraformStateDigestMismatch', 'LockboardBackendUnreadable']);
    for (const r of rules) {
      expect(typeof r.expr, `${String(r.alert)} expr`).toBe('string');
      expect((r.labels as Record<string, string>).severity, `${String(r.alert)} severity`).toMatch(/^(warning|critical)$/);
      expect((r.annotations as Record<string, string>).summary, `${String(r.alert)} summary`).toContain('{{');
    }
  });
});
