/** Diff warnings a page may need to recognise (the restore preview leaves this one out: it explains the serial itself). */

/** A newer version with a lower serial: an older state written back (a restore or a forced push). */
export function serialDownWarning(from: number, to: number): string {
  return `The serial goes down (${from} → ${to}): the newer version is an older state (a restore or a forced push).`;
}
