/**
 * `/api/metrics` for a caller who is not the scraper: only the series of backends they may view.
 * Works on the Prometheus text exposition (one sample per line): a sample whose `backend` label names
 * a backend the caller may not view is dropped. Label values are read with their escapes (`\\`, `\"`,
 * `\n`), so a state key that contains `backend="…"` cannot pass for the label. Linear in the text.
 */

/** The value of label `name` of a sample line (`metric{a="x",b="y"} 1`), or null when it has none. */
export function labelValue(line: string, name: string): string | null {
  const open = line.indexOf('{');
  if (open < 0 || line.startsWith('#')) return null;
  let i = open + 1;
  while (i < line.length && line[i] !== '}') {
    const eq = line.indexOf('=', i);
    if (eq < 0 || line[eq + 1] !== '"') return null;
    const label = line.slice(i, eq).trim();
    const wanted = label === name;
    let value = '';
    let j = eq + 2;
    for (; j < line.length && line[j] !== '"'; j++) {
      const escaped = line[j] === '\\' && j + 1 < line.length;
      if (escaped) j++;
      if (wanted) value += escaped && line[j] === 'n' ? '\n' : line[j];
    }
    if (wanted) return value;
    i = j + 1;
    if (line[i] === ',') i++;
  }
  return null;
}

/** The exposition without the samples of backends `canView` refuses (HELP and TYPE lines stay). */
export function metricsForBackends(text: string, canView: (backendId: string) => boolean): string {
  return text
    .split('\n')
    .filter((line) => {
      const backend = labelValue(line, 'backend');
      return backend === null || canView(backend);
    })
    .join('\n');
}
