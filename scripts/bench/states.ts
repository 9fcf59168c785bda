/**
 * Section 2: the state listing with its digest check, cold, against the raw Scan + listing; then
 * with 5% of the states rewritten so that their ETag is not their MD5 (each costs one GetObject).
 */
import { appCalls, delta, fmtCalls } from './app-metrics';
import { getJson, log, met, ms, pool, timed } from './common';
import { putSinglePartMultipart, smallState } from './fixtures';
import type { StackSection } from './section';
import { baselineScanAndList, ratios, sideBySide, ttlWait, type SideBySide } from './side-by-side';

type StatesBody = { states: Array<{ digestStatus: string }> };

export type StatesResult = SideBySide & {
  stateCount: number;
  statusCounts: Record<string, number>;
  kmsLike: { objects: number; ms: number; calls: Record<string, number>; getObjectCalls: number; statusCounts: Record<string, number> };
};

const countStatuses = (body: StatesBody) => body.states.reduce<Record<string, number>>((acc, s) => ((acc[s.digestStatus] = (acc[s.digestStatus] ?? 0) + 1), acc), {});

export const statesSection: StackSection<StatesResult> = {
  name: 'states',
  key: 'states',
  fixtures: ['main'],
  async run(stack) {
    log('(2) states listing');
    const app = await stack.app();
    const { bucket, keys, lineage } = stack.fixture('main');
    const url = `${app.base}/api/backends/main/states`;
    const side = await sideBySide(stack, url, baselineScanAndList(stack));
    const statesBody = (await getJson(url)) as StatesBody;
    // 5% of the states rewritten so their ETag is not their MD5 (same bytes, multipart upload).
    const kmsLike = keys.filter((_, i) => i % 20 === 1);
    await pool(kmsLike, 16, async (key) => putSinglePartMultipart(stack.w, bucket, key, smallState(keys.indexOf(key), lineage)));
    await ttlWait();
    await stack.moto.collectGarbage();
    const before = await appCalls(app.base);
    const { ms: kmsMs, value: kmsBody } = await timed(() => getJson(url) as Promise<StatesBody>);
    const kmsCalls = delta(await appCalls(app.base), before);
    return {
      stateCount: statesBody.states.length,
      statusCounts: countStatuses(statesBody),
      ...side,
      kmsLike: { objects: kmsLike.length, ms: kmsMs, calls: kmsCalls, getObjectCalls: kmsCalls['s3:GetObject'] ?? 0, statusCounts: countStatuses(kmsBody) },
    };
  },
  rows(s) {
    return [
      ['2', `states listing (${s.stateCount} states), median cold`, ms(s.app.medianMs), ms(s.baseline.medianMs), ratios(s), '≤ 1.3×', met(s.ratio <= 1.3)],
      ['2', 'states listing AWS calls', fmtCalls(s.app.calls), fmtCalls(s.baseline.calls), `status ${JSON.stringify(s.statusCounts)}`, 'equal, GetObject 0', met(fmtCalls(s.app.calls) === fmtCalls(s.baseline.calls))],
      ['2', `5% ETag≠MD5 (${s.kmsLike.objects} states)`, `${ms(s.kmsLike.ms)}, ${fmtCalls(s.kmsLike.calls)}`, '', `GetObject ${s.kmsLike.getObjectCalls}`, `GetObject = ${s.kmsLike.objects}`, met(s.kmsLike.getObjectCalls === s.kmsLike.objects)],
    ];
  },
};
