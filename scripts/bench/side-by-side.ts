/**
 * The side-by-side measurement of sections 1, 2 and 4: an app endpoint, cold each time, against the
 * raw SDK calls that read the same data, BENCH_RUNS times each.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { sleep } from '../lib/wait';
import { appCalls, delta } from './app-metrics';
import { getJson, median, timed } from './common';
import { SEGMENTS } from './fixtures';
import { FANIN_INTERVAL_MS, type SharedStack } from './stack';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);

export interface Measured {
  medianMs: number;
  times: number[];
  calls: Record<string, number>;
}

export interface SideBySide {
  app: Measured & { firstMs: number };
  baseline: Measured;
  ratio: number;
}

/** Past the app's cache: the next request reads the backend. */
export const ttlWait = () => sleep(FANIN_INTERVAL_MS + 300);

/**
 * The endpoint (cold cache each time) and the raw baseline, BENCH_RUNS times each, interleaved and
 * alternating which goes first, so a drift in moto's speed during the run weighs on both sides alike.
 */
export async function sideBySide(stack: SharedStack, url: string, baseline: () => Promise<unknown>): Promise<SideBySide> {
  const app = await stack.app();
  const appTimes: number[] = [];
  const baseTimes: number[] = [];
  let appCallsFirst: Record<string, number> = {};
  let baseCallsFirst: Record<string, number> = {};
  const runApp = async (i: number) => {
    await ttlWait();
    await stack.moto.collectGarbage();
    const before = await appCalls(app.base);
    appTimes.push((await timed(() => getJson(url))).ms);
    if (i === 0) appCallsFirst = delta(await appCalls(app.base), before);
  };
  const runBaseline = async (i: number) => {
    await stack.moto.collectGarbage();
    stack.counter.reset();
    baseTimes.push((await timed(baseline)).ms);
    if (i === 0) baseCallsFirst = stack.counter.snapshot();
  };
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      await runApp(i);
      await runBaseline(i);
    } else {
      await runBaseline(i);
      await runApp(i);
    }
  }
  const appResult = { firstMs: appTimes[0]!, medianMs: median(appTimes), times: appTimes, calls: appCallsFirst };
  const baseResult = { medianMs: median(baseTimes), times: baseTimes, calls: baseCallsFirst };
  return { app: appResult, baseline: baseResult, ratio: appResult.medianMs / baseResult.medianMs };
}

/** The raw reads a lock or state listing needs: the table's segmented Scan and the bucket's listing, all pages. */
export function baselineScanAndList(stack: SharedStack): () => Promise<number> {
  const { bucket, table } = stack.fixture('main');
  return async () => {
    let n = 0;
    await Promise.all(
      Array.from({ length: SEGMENTS }, async (_, segment) => {
        let start: Record<string, AttributeValue> | undefined;
        do {
          const page = await stack.w.ddb.send(new ScanCommand({ TableName: table, Segment: segment, TotalSegments: SEGMENTS, ExclusiveStartKey: start }));
          n += page.Items?.length ?? 0;
          start = page.LastEvaluatedKey;
        } while (start);
      }).concat([
        (async () => {
          let token: string | undefined;
          do {
            const page = await stack.w.s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
            n += page.KeyCount ?? 0;
            token = page.IsTruncated ? page.NextContinuationToken : undefined;
          } while (token);
        })(),
      ]),
    );
    return n;
  };
}

/** The median ratio is the target; best-of-N shows the intrinsic overhead once moto's noise is set aside. */
export const ratios = (m: SideBySide) => `${m.ratio.toFixed(2)}× (best of ${m.app.times.length}: ${(Math.min(...m.app.times) / Math.min(...m.baseline.times)).toFixed(2)}×)`;
