/** The benchmark's table: a header line about the machine, one or more rows per section that ran. */
import type { BenchSection, Results } from './section';

export function printTable(results: Results, sections: readonly BenchSection[]): void {
  const rows: string[][] = [['#', 'measure', 'Lockboard', 'baseline', 'ratio / figure', 'target', 'met']];
  for (const s of sections) if (results[s.key] !== undefined && results[s.key] !== null) rows.push(...s.rows(results[s.key]));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const m = results.machine;
  const cpu = m.cpu ? ` (${String(m.cpu)})` : '';
  const memory = m.memoryGiB !== undefined ? `, ${String(m.memoryGiB)} GiB` : '';
  console.log(`\nLockboard benchmark — ${String(m.cores)} cores${cpu}${memory}, Node ${String(m.node)}\n`);
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | '));
  if (m.motoManualGc !== undefined) {
    const gc = m.motoManualGc ? 'collected between timed runs' : 'automatic (python3 cannot import moto: GC pauses add noise)';
    console.log(`\nmoto: cyclic GC ${gc}; moto peak RSS ${String(m.motoPeakRssMiB ?? '?')} MiB\n`);
  }
}
