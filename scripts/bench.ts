/**
 * Lockboard benchmark (`npm run bench [-- <section>…]`, through scripts/bootstrap.mjs). Builds the app
 * into .next-bench (skip with BENCH_SKIP_BUILD=1 when that build exists), starts its own moto server,
 * seeds what the chosen sections read through the real protocol, starts the built app, and measures
 * each figure side by side with a raw SDK baseline in the same run. Prints a table and writes JSON to
 * bench-results/. Figures, not assertions: the exact call counts are asserted by the integration
 * tests instead. One file per section under scripts/bench/ (docs/benchmark.md).
 *
 *   npm run bench                      every section, in order (bench-results/latest.json)
 *   npm run bench -- diff watcher      only those (bench-results/diff+watcher-latest.json)
 *   node --import tsx scripts/bench.ts --print bench-results/latest.json   re-prints a run's table
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QUIET_ENV, hasBuild, nextBuild } from './lib/next-build';
import { clientWeightSection } from './bench/client-weight';
import { log, peakRssMiB } from './bench/common';
import { diffSection } from './bench/diff';
import { diffSecretsSection } from './bench/diff-secrets';
import { discoverySection } from './bench/discovery';
import { eventsSection } from './bench/events';
import { fanInSection } from './bench/fan-in';
import { inventorySection } from './bench/inventory';
import { livenessSection } from './bench/liveness';
import { locksSection } from './bench/locks';
import { isOwnMoto, type BenchSection, type Results } from './bench/section';
import { startStack, type SharedStack } from './bench/stack';
import { statesSection } from './bench/states';
import { printTable } from './bench/table';
import { versionsSection } from './bench/versions';
import { viewsSection } from './bench/views';
import { watcherSection } from './bench/watcher';

const root = path.resolve(__dirname, '..');
const distDir = process.env.LOCKBOARD_DIST_DIR || '.next-bench';

/** Every section, in the order they run (5b, 7, 8, 9, 10, 11 and discovery, which start their own moto, last). */
const SECTIONS: readonly BenchSection[] = [locksSection, statesSection, fanInSection, versionsSection, diffSection, clientWeightSection, diffSecretsSection, inventorySection, watcherSection, eventsSection, livenessSection, viewsSection, discoverySection];

type Command = { print: string } | { sections: BenchSection[] } | { usage: string };

function parseArgs(args: string[]): Command {
  const printAt = args.indexOf('--print');
  if (printAt !== -1) return { print: args[printAt + 1] ?? path.join(root, 'bench-results/latest.json') };
  // `--only <name>` is the earlier spelling of naming one section.
  const names = args.filter((a) => a !== '--only');
  const unknown = names.filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length > 0) return { usage: `unknown section ${unknown.join(', ')}: the sections are ${SECTIONS.map((s) => s.name).join(', ')}` };
  return { sections: names.length === 0 ? [...SECTIONS] : SECTIONS.filter((s) => names.includes(s.name)) };
}

/** The moto's peak memory (it holds every seeded object), then the stack stopped. */
async function stopStack(stack: SharedStack, results: Results): Promise<void> {
  results.machine.motoPeakRssMiB = stack.moto.pid ? peakRssMiB(stack.moto.pid) : null;
  await stack.stop();
}

async function run(sections: BenchSection[]): Promise<void> {
  Object.assign(process.env, QUIET_ENV);
  if (process.env.BENCH_SKIP_BUILD !== '1' || !hasBuild(distDir)) {
    if (nextBuild(distDir) !== 0) throw new Error(`next build into ${distDir} failed`);
  }
  const results: Results = { machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version }, startedAt: new Date().toISOString() };
  log(`sections: ${sections.map((s) => s.name).join(', ')}`);
  const onStack = sections.filter((s) => !isOwnMoto(s));
  let stack: SharedStack | null = null;
  try {
    if (onStack.length > 0) {
      stack = await startStack(distDir, new Set(onStack.flatMap((s) => (isOwnMoto(s) ? [] : s.fixtures))));
      results.machine.motoManualGc = stack.moto.manualGc;
    }
    for (const section of sections) {
      if (isOwnMoto(section)) {
        // Its own moto, as alone (the shared one runs with its cyclic GC off: under the indexer's
        // traffic it grew to 23 GiB and was OOM-killed). The shared one is stopped first, freeing
        // its copy of the seeded data (about 5 GiB at full scale).
        if (stack) await stopStack(stack, results);
        stack = null;
        log(`${section.name} section`);
        results[section.key] = await section.run(distDir);
      } else results[section.key] = await section.run(stack!, results);
    }
  } finally {
    if (stack) await stopStack(stack, results);
  }

  results.finishedAt = new Date().toISOString();
  printTable(results, SECTIONS);
  const outDir = path.join(root, 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  const json = JSON.stringify(results, null, 2);
  if (sections.length === SECTIONS.length) {
    const outFile = path.join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(outFile, json);
    fs.writeFileSync(path.join(outDir, 'latest.json'), json);
    log(`results written to ${path.relative(root, outFile)} and bench-results/latest.json`);
  } else {
    const outFile = path.join(outDir, `${sections.map((s) => s.name).join('+')}-latest.json`);
    fs.writeFileSync(outFile, json);
    log(`results written to ${path.relative(root, outFile)}`);
  }
}

async function main(): Promise<void> {
  const command = parseArgs(process.argv.slice(2));
  if ('usage' in command) {
    console.error(`[bench] ${command.usage}`);
    process.exit(2);
  }
  if ('print' in command) printTable(JSON.parse(fs.readFileSync(command.print, 'utf8')) as Results, SECTIONS);
  else await run(command.sections);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error('[bench] failed:', e);
    process.exit(1);
  },
);
