/** Checks shared by the page specs: axe finds no serious violation; nothing scrolls sideways inside a box. */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

/** No serious or critical axe violation (WCAG 2.1 A/AA and best practice), in the page or in `include`. */
export async function expectNoSeriousViolations(page: Page, include?: string): Promise<void> {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']);
  if (include) builder.include(include);
  const { violations } = await builder.analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`);
  expect(report, report.join('\n\n')).toEqual([]);
}

/**
 * Neither the page nor `box` nor anything inside it is wider than its own box: no sideways
 * scrolling (a table on a phone becomes cards or fits).
 */
export async function expectNoSidewaysScroll(page: Page, box: Locator): Promise<void> {
  // The box itself must hold its content; inside it, a scroller (overflow-x auto or scroll) must not need to scroll.
  const wider = await box.evaluate((root) =>
    [root, ...[...root.querySelectorAll('*')].filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))]
      .filter((e) => e.scrollWidth > e.clientWidth + 1)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${e.scrollWidth} > ${e.clientWidth}`),
  );
  expect(wider, 'elements that scroll sideways').toEqual([]);
  const page_ = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(page_.scroll, 'the page is no wider than the viewport').toBeLessThanOrEqual(page_.width);
}
