/** What a benchmark section is: a name on the command line, a key in the JSON, a run and its table rows. */
import type { FixtureName } from './fixtures';
import type { SharedStack } from './stack';

/** The JSON a run writes: the machine, times, and one key per section that ran. */
export type Results = Record<string, unknown> & { machine: Record<string, unknown> };

interface SectionBase<R> {
  /** `npm run bench -- <name>…` */
  name: string;
  /** The key of its result in the JSON (kept from earlier runs, so `--print` reads them). */
  key: string;
  /** Rows of the table: `#`, measure, Lockboard, baseline, ratio / figure, target, met. */
  rows(result: R): string[][];
}

/** A section on the shared moto and app, reading the fixtures it names. */
export interface StackSection<R> extends SectionBase<R> {
  fixtures: FixtureName[];
  run(stack: SharedStack, results: Results): Promise<R>;
}

/** A section that starts its own moto (and its own app or process), as it does alone. */
export interface OwnMotoSection<R> extends SectionBase<R> {
  ownMoto: true;
  run(distDir: string): Promise<R>;
}

export type BenchSection = StackSection<unknown> | OwnMotoSection<unknown>;

export const isOwnMoto = (s: BenchSection): s is OwnMotoSection<unknown> => 'ownMoto' in s;
