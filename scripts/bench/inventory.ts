/**
 * Section 7: the inventory indexer (scripts/bench/inventory-indexer.ts) in its own Node process
 * (`--conditions=react-server`, so `server-only` modules load) with its own moto, so that its peak
 * RSS is the indexer's own.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { met } from './common';
import type { OwnMotoSection } from './section';

type Figures = Record<string, number>;

export interface InventoryResult {
  first: Figures;
  second: Figures;
  restart: Figures;
  search: Figures;
  peakRssMiB: Figures;
}

const RESULT = 'INVENTORY_RESULT ';

function runIndexer(): Promise<InventoryResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', path.join(__dirname, 'inventory-indexer.ts')], { cwd: path.resolve(__dirname, '..', '..'), env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      for (const line of String(d).split('\n')) if (line && !line.startsWith(RESULT)) console.log(line);
    });
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT));
      if (line) resolve(JSON.parse(line.slice(RESULT.length)) as InventoryResult);
      else reject(new Error(`the inventory indexer ended (${code}) without a result`));
    });
  });
}

export const inventorySection: OwnMotoSection<InventoryResult> = {
  name: 'inventory',
  key: 'inventory',
  ownMoto: true,
  run: () => runIndexer(),
  rows(inv) {
    return [
      ['7', `inventory: first full index (${inv.first.stateObjects} states)`, `${(inv.first.ms! / 1000).toFixed(1)} s, ${inv.first.downloads} downloads`, '', `${inv.first.distinctContents} distinct contents`, 'downloads = distinct', met(inv.first.downloads === inv.first.distinctContents)],
      ['7', `inventory: pass after ${inv.second.changed} changed`, `${(inv.second.ms! / 1000).toFixed(1)} s, ${inv.second.downloads} downloads`, '', `restart: ${inv.restart.downloads} downloads`, `= ${inv.second.changed}`, met(inv.second.downloads === inv.second.changed)],
      ['7', `inventory: search (${inv.search.indexedStates} states, ${inv.search.indexedResources} resources)`, `p50 ${inv.search.p50ms} ms, p95 ${inv.search.p95ms} ms`, '', '', 'p95 < 100 ms', met(inv.search.p95ms! < 100)],
      ['7', 'inventory: peak RSS while indexing', `${inv.peakRssMiB.indexing} MiB`, '', '', '< 600 MB', met(inv.peakRssMiB.indexing! < 572)],
    ];
  },
};
