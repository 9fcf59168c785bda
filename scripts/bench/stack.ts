/**
 * What the benchmark's sections share: one moto server (cyclic GC between timed runs), a writer with a
 * call counter for the raw SDK baselines, the seeded fixtures, and the built app serving them (cold
 * reads: no watcher reuse, a 2 s cache). Sections 7 and 8 start their own moto instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type AppProcess } from '../lib/app-process';
import { awsEnv, startMoto, type Moto } from '../lib/moto';
import { TerraformWriter } from '../lib/terraform-writer';
import { getJson, log } from './common';
import { backendsOf, seedDiff, seedMain, seedVersions, type FixtureName, type Fixtures } from './fixtures';

/** The app's cache and poll interval, which is also the fan-in's polling interval. */
export const FANIN_INTERVAL_MS = 2000;

/** Counts the SDK requests a baseline makes (same middleware position as the app's counter). */
export interface CallCounter {
  snapshot: () => Record<string, number>;
  reset: () => void;
}

function countCalls(writer: TerraformWriter): CallCounter {
  const counts: Record<string, number> = {};
  for (const [client, service] of [
    [writer.s3, 's3'],
    [writer.ddb, 'dynamodb'],
  ] as const) {
    (client.middlewareStack as unknown as { add: (m: unknown, o: unknown) => void }).add(
      (next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => async (args: unknown) => {
        const key = `${service}:${(ctx.commandName ?? '').replace(/Command$/, '')}`;
        counts[key] = (counts[key] ?? 0) + 1;
        return next(args);
      },
      { step: 'finalizeRequest', name: 'benchCounter', priority: 'low' },
    );
  }
  return {
    snapshot: () => ({ ...counts }),
    reset: () => Object.keys(counts).forEach((k) => delete counts[k]),
  };
}

export interface SharedStack {
  distDir: string;
  tmp: string;
  moto: Moto;
  w: TerraformWriter;
  counter: CallCounter;
  /** The config file of the shared app: one backend per seeded fixture. */
  configFile: string;
  /** A seeded fixture (throws when the runner did not seed it: a section's `fixtures` list is wrong). */
  fixture<K extends FixtureName>(name: K): Fixtures[K];
  /** The shared app, started on first use. */
  app(): Promise<AppProcess>;
  /** Another app on this moto (stopped with the stack). */
  startApp(configFile: string, env?: Record<string, string>): Promise<AppProcess>;
  stop(): Promise<void>;
}

/** Starts moto, seeds the fixtures named (in a fixed order) and writes the shared app's config. */
export async function startStack(distDir: string, needed: ReadonlySet<FixtureName>): Promise<SharedStack> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-bench-'));
  const moto = await startMoto({ logFile: path.join(tmp, 'moto.log'), manualGc: true });
  log(`moto on ${moto.endpoint}${moto.manualGc ? ' (cyclic GC between timed runs only)' : ''}`);
  Object.assign(process.env, awsEnv(moto.endpoint));
  const w = new TerraformWriter({ endpoint: moto.endpoint });
  const counter = countCalls(w);
  const apps: AppProcess[] = [];
  const stop = async () => {
    for (const a of apps) await a.stop();
    w.destroy();
    await moto.stop();
  };
  const seeded: Partial<Fixtures> = {};
  try {
    if (needed.has('main')) seeded.main = await seedMain(w);
    if (needed.has('versions')) seeded.versions = await seedVersions(w);
    if (needed.has('diff')) seeded.diff = await seedDiff(w);
  } catch (e) {
    await stop();
    throw e;
  }
  const configFile = path.join(tmp, 'config.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      backends: backendsOf(seeded),
      cacheSeconds: FANIN_INTERVAL_MS / 1000,
      pollIntervalSeconds: FANIN_INTERVAL_MS / 1000,
      // Cold-read measurements: every request reads the backend (no watcher reuse).
      watchIntervalSeconds: 0,
      // Nothing in the background while timing (the inventory section runs its passes itself).
      indexOnStart: false,
    }),
  );
  const startOn = async (file: string, env: Record<string, string> = {}) => {
    const app = await startApp({ distDir, env: { ...awsEnv(moto.endpoint), LOCKBOARD_CONFIG: file, ...env } });
    apps.push(app);
    return app;
  };
  let shared: Promise<AppProcess> | null = null;
  return {
    distDir,
    tmp,
    moto,
    w,
    counter,
    configFile,
    fixture: (name) => {
      const f = seeded[name];
      if (!f) throw new Error(`the ${name} fixture was not seeded`);
      return f;
    },
    app: () =>
      (shared ??= startOn(configFile).then(async (app) => {
        // Warm the route code (first request compiles nothing in production, but loads modules).
        await getJson(`${app.base}/api/backends`);
        return app;
      })),
    startApp: startOn,
    stop,
  };
}
