/**
 * Polled and ticking text is not a live region: a screen reader would announce the refresh time (or
 * an indexing count) on every poll. Only state changes (a backend unreadable, a result) are announced.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { InventoryProgress } from '@/lib/api/inventory';
import { InventoryProgressLine } from './inventory-progress';
import { PageHeader } from './page-header';

const LIVE = /aria-live|role="(status|alert|log|timer|marquee)"/;

describe('live regions', () => {
  it('the page header\'s "As of … (N s ago)" refresh line is not announced', () => {
    for (const refresh of [
      { readAt: Date.now() - 4_000, refreshing: true, failed: 0, pollMs: 5_000 },
      { readAt: Date.now() - 60_000, refreshing: false, failed: 1, pollMs: 5_000 },
      { readAt: null, refreshing: false, failed: 2, pollMs: 5_000 },
    ]) {
      const html = renderToStaticMarkup(createElement(PageHeader, { id: 'h', title: 'Locks', refresh }));
      expect(html).toContain('data-testid="refresh-status"');
      expect(html).not.toMatch(LIVE);
    }
  });

  it('the inventory\'s indexing count and time left (polled every second) are not announced', () => {
    const progress: InventoryProgress = {
      phase: 'indexing',
      done: 120,
      total: 400,
      etaSeconds: 42,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      downloads: 120,
      reused: 10,
      storedIndex: 'not_loaded',
      storedIndexNote: null,
      writeError: null,
      error: null,
    };
    const html = renderToStaticMarkup(createElement(InventoryProgressLine, { backendName: 'Production', progress }));
    expect(html).toContain('about 42 s left');
    // Its progress bar (role progressbar) is read on demand, never announced by itself.
    expect(html).not.toMatch(LIVE);
  });
});
