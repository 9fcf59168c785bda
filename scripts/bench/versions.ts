/** Section 4: the version history of one key among many, against the raw ListObjectVersions pages. */
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { getJson, log, met, ms } from './common';
import { VERSIONS_OTHER } from './fixtures';
import type { StackSection } from './section';
import { ratios, sideBySide, type SideBySide } from './side-by-side';

export type VersionsResult = SideBySide & { versionCount: number; otherVersions: number };

export const versionsSection: StackSection<VersionsResult> = {
  name: 'versions',
  key: 'versions',
  fixtures: ['versions'],
  async run(stack) {
    log('(4) version history');
    const app = await stack.app();
    const { bucket, targetKey } = stack.fixture('versions');
    const url = `${app.base}/api/backends/versions/versions?key=${encodeURIComponent(targetKey)}`;
    const side = await sideBySide(stack, url, async () => {
      let keyMarker: string | undefined;
      let versionMarker: string | undefined;
      let n = 0;
      do {
        const page = await stack.w.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: targetKey, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
        n += (page.Versions ?? []).filter((x) => x.Key === targetKey).length;
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
      } while (keyMarker);
      return n;
    });
    const versionCount = ((await getJson(url)) as { versions: unknown[] }).versions.length;
    return { versionCount, otherVersions: VERSIONS_OTHER, ...side };
  },
  rows(v) {
    return [['4', `versions of one key (${v.versionCount} among ${v.otherVersions})`, ms(v.app.medianMs), ms(v.baseline.medianMs), ratios(v), '≤ 1.3×', met(v.ratio <= 1.3)]];
  },
};
