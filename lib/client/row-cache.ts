/**
 * The view rows of a page made of one listing per backend, built once per listed row: a poll that
 * changed one state of 20,000 builds one row, and a render that changed nothing builds none (the same
 * array comes back, so filters keyed on it do not run again). Rows of a backend are rebuilt only when
 * what they all depend on changes (`context`, e.g. the backend's read failed: its rows become last known).
 */

interface BackendRows<S extends object, R> {
  source: readonly S[];
  context: string;
  rows: R[];
  built: WeakMap<S, R>;
}

export class RowCache<S extends object, R> {
  private readonly backends = new Map<string, BackendRows<S, R>>();
  private joined: { parts: ReadonlyArray<readonly R[]>; rows: R[] } = { parts: [], rows: [] };

  /** The rows of one backend's listing; `build` runs only for listed rows not built before in this context. */
  rowsOf(backendId: string, source: readonly S[], context: string, build: (row: S) => R): R[] {
    const held = this.backends.get(backendId);
    if (held && held.source === source && held.context === context) return held.rows;
    const built = held && held.context === context ? held.built : new WeakMap<S, R>();
    const rows = source.map((s) => {
      let r = built.get(s);
      if (r === undefined) built.set(s, (r = build(s)));
      return r;
    });
    this.backends.set(backendId, { source, context, rows, built });
    return rows;
  }

  /** Every backend's rows in order: the same array as last time when no part changed. */
  join(parts: ReadonlyArray<readonly R[]>): R[] {
    const last = this.joined;
    if (parts.length === last.parts.length && parts.every((p, i) => p === last.parts[i])) return last.rows;
    this.joined = { parts, rows: parts.length === 1 ? [...parts[0]!] : parts.flat() };
    return this.joined.rows;
  }
}

/** Lower-cased text a filter searches, built once per row (so a keystroke compares, never lower-cases). */
export function searchText(fields: ReadonlyArray<string | null | undefined>): string {
  let out = '';
  for (const f of fields) if (f) out += `${f.toLowerCase()}\u0000`;
  return out;
}
