/** What a state's timeline lists, in words: versions and delete markers counted apart. Pure. */

/** "2 versions and 1 delete marker": a delete marker holds no state, so it is never counted as a version. */
export function versionCount(versions: ReadonlyArray<{ deleteMarker: boolean }>): string {
  const markers = versions.filter((v) => v.deleteMarker).length;
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const contents = plural(versions.length - markers, 'version');
  return markers ? `${contents} and ${plural(markers, 'delete marker')}` : contents;
}
