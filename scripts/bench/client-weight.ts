/** Section 6: gzip of the JS a first load of each page fetches (see scripts/lib/client-weight.ts). */
import { measurePageWeight, type PageWeight } from '../lib/client-weight';
import { log, met } from './common';
import type { StackSection } from './section';

export type ClientWeightResult = Record<'overview' | 'statePage' | 'statesPage', PageWeight>;

export const clientWeightSection: StackSection<ClientWeightResult> = {
  name: 'client-weight',
  key: 'clientWeight',
  fixtures: ['main'],
  async run(stack) {
    log('(6) client weight');
    const app = await stack.app();
    const { keys } = stack.fixture('main');
    const gzCache = new Map<string, number>();
    return {
      overview: await measurePageWeight(app.base, '/', gzCache),
      statePage: await measurePageWeight(app.base, `/state?backend=main&key=${encodeURIComponent(keys[0]!)}`, gzCache),
      statesPage: await measurePageWeight(app.base, '/states', gzCache),
    };
  },
  rows(c) {
    const pages = [c.overview, c.statePage, c.statesPage];
    const chromiumSeen = pages.every((p) => p.chromium)
      ? `Chromium fetched ${pages.map((p) => p.chromium!.initialKB).join(' / ')} kB first, then ${pages.map((p) => p.chromium!.onDemandKB).join(' / ')} kB on demand; noModule fetched: ${pages.some((p) => p.chromium!.fetchedNoModule)}`
      : 'Chromium not found: not cross-checked';
    return [['6', 'first-load JS gzip: overview / state / states', pages.map((p) => p.gzipKB).join(' / ') + ' kB', '', `${chromiumSeen}; noModule polyfills ${c.overview.noModuleKB} kB not counted`, '< 200 KB', met(Math.max(...pages.map((p) => p.gzipKB)) < 200)]];
  },
};
