import { describe, expect, it } from 'vitest';
import { stateDocument } from '../../scripts/lib/terraform-writer';
import { MAX_DIFF_DEPTH } from '../terraform/state-diff';
import { runStateJob } from './state-worker';

const bytes = (text: string) => new TextEncoder().encode(text);
const nested = (serial: number, depth: number) =>
  stateDocument({ serial, lineage: 'l' }).replace('"resources": []', `"resources": [{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"attributes":{"x":${'['.repeat(depth)}${serial}${']'.repeat(depth)}}}]}]`);

describe('the state job run in a worker thread', () => {
  it('diffs two versions', () => {
    const answer = runStateJob({ kind: 'diff', before: bytes(nested(1, 3)), after: bytes(nested(2, 3)) });
    expect(answer).toMatchObject({ ok: true, kind: 'diff', diff: { comparable: true, summary: { resources: { changed: 1 } } } });
  });

  it('refuses a version nested deeper than the diff follows, before parsing it (100,000 deep overflowed the stack)', () => {
    const answer = runStateJob({ kind: 'diff', before: bytes(nested(1, 100_000)), after: bytes(nested(2, 100_000)) });
    expect(answer).toEqual({ ok: false, reason: 'depth', side: 'from', depth: MAX_DIFF_DEPTH + 1 });
    // Within the bound (the document's own structure adds 6 levels), the diff walks it.
    expect(runStateJob({ kind: 'diff', before: bytes(nested(1, MAX_DIFF_DEPTH - 6)), after: bytes(nested(2, MAX_DIFF_DEPTH - 6)) })).toMatchObject({ ok: true });
  });

  it('reads a version\'s metadata and MD5', () => {
    const text = nested(7, 2);
    const answer = runStateJob({ kind: 'metadata', bytes: bytes(text) });
    expect(answer).toMatchObject({ ok: true, kind: 'metadata', metadata: { kind: 'plaintext', serial: 7, instanceCount: 1 } });
    expect(answer.ok && answer.kind === 'metadata' && answer.md5).toMatch(/^[0-9a-f]{32}$/);
  });
});
