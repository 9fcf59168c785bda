/**
 * The inventory's progress words: never "0 / 0", and never a claim about the stored index that the
 * same line contradicts (the load-time status is worded as such; nothing is called read or stored that
 * a failed pass did not do).
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { InventoryProgress } from '@/lib/api/inventory';
import { indexingWords, InventoryProgressLine, storedIndexWords } from './inventory-progress';

const base: InventoryProgress = {
  phase: 'ready',
  done: 0,
  total: 0,
  etaSeconds: null,
  startedAt: null,
  finishedAt: null,
  downloads: 0,
  reused: 6,
  storedIndex: 'missing',
  storedIndexNote: 'No stored index yet: every state is read once.',
  writeError: null,
  error: null,
};

const text = (progress: InventoryProgress, readOnly = false) =>
  renderToStaticMarkup(createElement(InventoryProgressLine, { backendName: 'Production', progress, counts: { indexed: 6, listed: 6 }, readOnly })).replace(/<[^>]+>/g, '');

describe('inventory progress words', () => {
  it('never reads "0 / 0": a pass that has not listed yet says it is starting', () => {
    expect(indexingWords({ phase: 'indexing', done: 0, total: 0 })).toBe('starting: comparing the bucket with the index');
    expect(indexingWords({ phase: 'idle', done: 0, total: 0 })).toBe('starting: comparing the bucket with the index');
    expect(indexingWords({ phase: 'indexing', done: 3, total: 40 })).toBe('3 of 40 changed states read');
    expect(indexingWords({ phase: 'indexing', done: 0, total: 1 })).toBe('0 of 1 changed state read');
    expect(text({ ...base, phase: 'indexing' })).not.toMatch(/\b0 \/ 0\b|\(0 \/ 0\)/);
  });

  it('does not say "no stored index" beside states that came from an index, nor "from the stored index" for states kept in memory', () => {
    const line = text(base);
    expect(line).toContain('6 of 6 states indexed');
    expect(line).toContain('0 read, 6 unchanged (not downloaded)');
    expect(line).toContain('When this replica started no index was stored yet. Every state was read once and stored for the next start.');
    expect(line).not.toContain('No stored index yet');
    expect(line).not.toContain('from the stored index');
  });

  it('claims nothing read or stored that did not happen', () => {
    expect(storedIndexWords({ ...base, phase: 'error' }, false)).toBe('When this replica started no index was stored yet.');
    expect(storedIndexWords({ ...base, writeError: 'AccessDenied' }, false)).toBe('When this replica started no index was stored yet. Every state was read once.');
    expect(storedIndexWords(base, true)).toMatch(/read once\. Read-only mode stores nothing/);
    expect(storedIndexWords({ ...base, storedIndex: 'loaded' }, false)).toMatch(/^When this replica started it loaded the stored index/);
    expect(storedIndexWords({ ...base, storedIndex: 'not_loaded' }, false)).toBeNull();
  });

  it('keeps the note of an unusable stored index (corrupt, newer format)', () => {
    expect(text({ ...base, storedIndex: 'corrupt', storedIndexNote: 'The stored index manifest is unusable (x): rebuilt.' })).toContain('unusable (x): rebuilt.');
  });
});
