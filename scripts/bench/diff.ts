/** Section 5: the diff of two large versions, on a fresh app so that its peak memory is the diff's own. */
import { getJson, log, met, ms, peakRssMiB, timed } from './common';
import type { StackSection } from './section';

export interface DiffResult {
  sizesMiB: number[];
  ms: number;
  peakRssMiB: number;
  idleRssMiB: number;
  responseKiB: number;
  secretLeaked: boolean;
  summary: unknown;
}

export const diffSection: StackSection<DiffResult> = {
  name: 'diff',
  key: 'diff',
  fixtures: ['diff'],
  async run(stack) {
    log('(5) large diff');
    const { key, sizes, versionIds } = stack.fixture('diff');
    const diffApp = await stack.startApp(stack.configFile);
    await stack.moto.collectGarbage();
    const rssBefore = peakRssMiB(diffApp.child.pid!);
    const diffUrl = `${diffApp.base}/api/backends/diff/diff?key=${encodeURIComponent(key)}&from=${versionIds[0]}&to=${versionIds[1]}`;
    const { ms: diffMs, value: diffBody } = await timed(() => getJson(diffUrl));
    const diffText = JSON.stringify(diffBody);
    return {
      sizesMiB: sizes.map((n) => n / 2 ** 20),
      ms: diffMs,
      peakRssMiB: peakRssMiB(diffApp.child.pid!),
      idleRssMiB: rssBefore,
      responseKiB: Math.round(diffText.length / 1024),
      secretLeaked: diffText.includes('hunter2') || diffText.includes('secret-1'),
      summary: (diffBody as { summary?: unknown }).summary ?? null,
    };
  },
  rows(d) {
    return [['5', `diff of ${d.sizesMiB.map((x) => x.toFixed(1)).join(' + ')} MiB`, `${ms(d.ms)}, peak RSS ${d.peakRssMiB} MiB`, '', `idle RSS ${d.idleRssMiB} MiB, secret leaked: ${d.secretLeaked}`, '< 5 s, < 600 MB', met(d.ms < 5000 && d.peakRssMiB < 600 && !d.secretLeaked)]];
  },
};
