/** Section 1: the lock listing, cold, against the raw Scan + listing it needs; and their AWS calls. */
import { fmtCalls } from './app-metrics';
import { getJson, log, met, ms } from './common';
import type { StackSection } from './section';
import { baselineScanAndList, ratios, sideBySide, type SideBySide } from './side-by-side';

export type LocksResult = SideBySide & { lockCount: number };

export const locksSection: StackSection<LocksResult> = {
  name: 'locks',
  key: 'locks',
  fixtures: ['main'],
  async run(stack) {
    log('(1) locks listing');
    const app = await stack.app();
    const side = await sideBySide(stack, `${app.base}/api/backends/main/locks`, baselineScanAndList(stack));
    const lockCount = ((await getJson(`${app.base}/api/backends/main/locks`)) as { locks: unknown[] }).locks.length;
    return { lockCount, ...side };
  },
  rows(l) {
    return [
      ['1', `locks listing (${l.lockCount} locks), median cold`, ms(l.app.medianMs), ms(l.baseline.medianMs), ratios(l), '≤ 1.3×', met(l.ratio <= 1.3)],
      ['1', 'locks listing AWS calls', fmtCalls(l.app.calls), fmtCalls(l.baseline.calls), '', 'equal', met(fmtCalls(l.app.calls) === fmtCalls(l.baseline.calls))],
    ];
  },
};
