/**
 * The demo (`npm run demo`, through scripts/bootstrap.mjs, which installs dependencies on a fresh
 * clone): builds the app when there is no build or it is older than the sources (skipping the type
 * check, which `npm test` runs, so that the demo starts sooner), then moto on 127.0.0.1, two seeded
 * backends (scripts/demo/seed.ts: histories of runs, live locks of every kind, a dead run's locks
 * to group), a local webhook receiver that a `webhook` channel posts alerts to, the built dashboard
 * pointed at them, and (where `terraform` is on PATH) a real apply holding a lock for a minute.
 *
 * The terminal shows the demo's own `[demo]` lines; the dashboard's, moto's and terraform's output go
 * to log files in a temp dir named at start (their last lines are shown when one of them fails).
 * moto holds its data in memory; it logs every write, and if it stops it is started again on its
 * port and replays them before it listens (scripts/lib/moto-persistent.py): locks, states, the
 * audit trail and alert claims come back as they were. Where it cannot log (python3 cannot import
 * moto) it is seeded again instead, and the terminal says the audit trail was reset. Ctrl-C stops it all.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startApp } from './lib/app-process';
import { awsEnv, freePort, startMoto, writeLogSize, type Moto } from './lib/moto';
import { QUIET_ENV, buildIsStale, nextBuild } from './lib/next-build';
import { TerraformDir, terraformInfo, type RunningTerraform } from './lib/terraform-cli';
import { TerraformWriter } from './lib/terraform-writer';
import { DEAD_RUN, PLATFORM, PROD, seed } from './demo/seed';
import { wireEvents, type EventsBlock } from './lib/event-stack';
import { startWebhookReceiver, type Delivery } from './demo/webhook-receiver';

const distDir = process.env.LOCKBOARD_DIST_DIR || '.next';
const log = (msg: string) => console.log(`[demo] ${msg}`);
/** A moto that stops again this soon after a restart is not restarted a second time. */
const MOTO_RESTART_WINDOW_MS = 60_000;
/** Webhook deliveries shown in the terminal; the Alerts page lists them all. */
const PRINTED_DELIVERIES = 8;
const HOOK_SECRET_ENV = 'LOCKBOARD_DEMO_HOOK_SECRET';
const seconds = (sinceMs: number) => ((Date.now() - sinceMs) / 1000).toFixed(1);

/** What every part of the run shares: its temp dir and logs, what to stop, and how to fail. */
interface Run {
  dir: string;
  logs: { app: string; moto: string; terraform: string; build: string };
  stops: Array<() => Promise<void> | void>;
  stopping: () => boolean;
  /** Prints the message (and the last lines of the log at fault), stops everything, exits 1. */
  fail: (message: string, logFile?: string) => void;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The last lines of a log file, indented, for a process that ended or failed unexpectedly. */
function tail(file: string, lines = 20): string {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8').trimEnd();
  } catch {
    // not written
  }
  if (!text) return '  (empty)';
  return text
    .split('\n')
    .slice(-lines)
    .map((l) => `  | ${l.length > 400 ? `${l.slice(0, 400)}…` : l}`)
    .join('\n');
}

function buildIfStale(run: Run): void {
  const stale = buildIsStale(distDir);
  if (!stale) return log(`using the build in ${distDir} (up to date)`);
  log(`building the app into ${distDir} (${stale}); about a minute, output in ${run.logs.build}`);
  if (nextBuild(distDir, { ...process.env, LOCKBOARD_SKIP_BUILD_TYPECHECK: process.env.LOCKBOARD_SKIP_BUILD_TYPECHECK ?? '1' }, run.logs.build) !== 0) {
    console.error(`[demo] last lines of ${run.logs.build}:\n${tail(run.logs.build)}`);
    throw new Error('next build failed');
  }
}

/**
 * moto on 4566 when free, seeded. If it stops, it is started again on the same port (the dashboard's
 * config names it) with its data, replayed from the log of its writes; once only within a minute.
 */
async function startLocalAws(run: Run): Promise<{ endpoint: string; events: EventsBlock }> {
  const port = (await portIsFree(4566)) ? 4566 : await freePort();
  let generation = 1;
  const writeLogOf = (n: number) => path.join(run.dir, `moto-writes-${n}.jsonl`);
  let moto = await startMoto({ port, logFile: run.logs.moto, writeLog: { file: writeLogOf(generation) } });
  run.stops.push(() => moto.stop());
  log(`moto server on ${moto.endpoint}`);
  if (!moto.logsWrites) log('moto cannot log its writes here (python3 cannot import moto): if it stops, the demo seeds it again and the audit trail starts empty');
  Object.assign(process.env, awsEnv(moto.endpoint));

  const writer = new TerraformWriter({ endpoint: moto.endpoint });
  run.stops.push(() => writer.destroy());
  // Production runs in event mode (docs/events.md): its bucket notifies a topic, its table streams.
  let events: EventsBlock | null = null;
  const seedAll = async () => {
    await seed({ w: writer, backend: PROD }, { w: writer, backend: PLATFORM });
    events = await wireEvents(writer, { endpoint: moto.endpoint, bucket: PROD.bucket, table: PROD.dynamodbTable, via: 'topic' });
  };
  const t0 = Date.now();
  await seedAll();
  log(`seeded ${PROD.bucket} + ${PROD.dynamodbTable} and ${PLATFORM.bucket} + ${PLATFORM.dynamodbTable} in ${seconds(t0)} s`);

  const supervise = (current: Moto, restartedAt: number | null) => {
    void current.exited.then(async ({ code, signal }) => {
      if (run.stopping() || current !== moto) return;
      const how = signal ? `killed by ${signal}` : `exit ${code}`;
      if (restartedAt !== null && Date.now() - restartedAt < MOTO_RESTART_WINDOW_MS) {
        return run.fail(`the local AWS server (moto) stopped again (${how}) less than a minute after its restart: stopping the demo`, run.logs.moto);
      }
      const replay = current.logsWrites ? writeLogOf(generation) : undefined;
      const size = replay ? writeLogSize(replay) : null;
      const what = size ? `with its data (${size.writes} writes to replay, about ${size.seconds} s)` : 'empty';
      console.error(`[demo] the local AWS server (moto) stopped (${how}); the dashboard now shows backends as unreachable — restarting it ${what}`);
      try {
        const t1 = Date.now();
        generation += 1;
        moto = await startMoto({ port, logFile: run.logs.moto, writeLog: { file: writeLogOf(generation), replay } });
        supervise(moto, Date.now());
        if (size && moto.logsWrites) {
          log(`moto restarted on ${moto.endpoint} with its data: ${size.writes} writes replayed in ${seconds(t1)} s; locks, states, the audit trail and alert claims are as they were (S3 gave the versions new IDs and times)`);
          return;
        }
        await seedAll();
        if (!run.stopping()) {
          console.error(`[demo] moto restarted on ${moto.endpoint} and re-seeded in ${seconds(t1)} s: its data was reset — the audit trail is empty and what was done in the dashboard since the start is undone`);
        }
      } catch (e) {
        run.fail(`could not restart the local AWS server (moto): ${e instanceof Error ? e.message : String(e)}`, run.logs.moto);
      }
    });
  };
  supervise(moto, null);
  return { endpoint: moto.endpoint, events: events! };
}

/** The alert receiver; its first deliveries are printed here, the Alerts page has them all. */
async function startAlertReceiver(run: Run, url: string) {
  let count = 0;
  const receiver = await startWebhookReceiver((d: Delivery) => {
    if (run.stopping()) return;
    count += 1;
    if (count > PRINTED_DELIVERIES) return;
    const reminder = d.reminder ? ` (reminder ${d.reminder})` : '';
    log(`webhook received ${d.type}${reminder}: ${d.backend} ${d.key ?? ''}, signature ${d.signatureOk ? 'verified' : 'DID NOT VERIFY'}`);
    if (count === PRINTED_DELIVERIES) log(`further webhook deliveries are not printed: ${url}/alerts lists them all`);
  });
  run.stops.push(() => receiver.close());
  return receiver;
}

function writeConfig(run: Run, endpoint: string, url: string, hookUrl: string, events: EventsBlock): string {
  const configFile = path.join(run.dir, 'lockboard.json');
  const config = {
    // Production follows S3 and DynamoDB events; Platform is polled (the default), side by side.
    backends: [PROD, PLATFORM].map((b) => ({ ...b, region: 'us-east-1', forcePathStyle: true, endpoint, ...(b === PROD ? { events } : {}) })),
    staleAfterMinutes: 120,
    publicUrl: url,
    // Every event type, mutations included: each force-unlock, repair or restore done in the demo is told too.
    channels: [{ name: 'demo-webhook', type: 'webhook', url: hookUrl, secretEnv: HOOK_SECRET_ENV, events: ['lock.stale', 'lock.released', 'lock.split', 'lock.malformed', 'digest.mismatch', 'mutation'] }],
  };
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  return configFile;
}

/** A real terraform apply whose provisioner sleeps a minute: its lock shows live on the overview. */
async function startLiveApply(run: Run, endpoint: string): Promise<void> {
  const tf = terraformInfo();
  if (!tf) return log('terraform (>= 1.10) is not on PATH: skipping the live terraform apply');
  const key = 'live/terraform-demo/terraform.tfstate';
  const dir = new TerraformDir({ endpoint, bucket: PROD.bucket, key, dynamodbTable: PROD.dynamodbTable, useLockfile: true, sleepSeconds: 60 });
  run.stops.push(() => dir.cleanup());
  let apply: RunningTerraform | null = null;
  run.stops.push(async () => {
    await apply?.kill9();
  });
  try {
    await dir.init();
  } catch (e) {
    fs.writeFileSync(run.logs.terraform, e instanceof Error ? e.message : String(e));
    console.error(`[demo] terraform init failed: skipping the live terraform apply (see ${run.logs.terraform})`);
    return;
  }
  const running = dir.startApply();
  apply = running;
  log(`real terraform ${tf.version} apply started on ${PROD.bucket}/${key}: its lock shows for about a minute`);
  void running.exited.then((r) => {
    fs.writeFileSync(run.logs.terraform, running.output());
    if (run.stopping()) return;
    if (r.code === 0) log('the real terraform apply finished and released its lock');
    else console.error(`[demo] the real terraform apply ended with ${r.code ?? r.signal} (output: ${run.logs.terraform})`);
  });
}

async function main(): Promise<void> {
  // The processes' own output goes to log files here, not to the terminal: the terminal gets the
  // demo's `[demo]` lines, the URL and what went wrong (with the last lines of the log at fault).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-demo-'));
  const logs = { app: path.join(dir, 'app.log'), moto: path.join(dir, 'moto.log'), terraform: path.join(dir, 'terraform.log'), build: path.join(dir, 'build.log') };
  const stops: Run['stops'] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    // Ctrl-C: nothing to look into. A failure: the logs stay for it.
    if (code === 0) fs.rmSync(dir, { recursive: true, force: true });
    else console.error(`[demo] logs kept in ${dir}`);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  const fail = (message: string, logFile?: string) => {
    if (stopping) return;
    console.error(`[demo] ${message}`);
    if (logFile) console.error(`[demo] last lines of ${logFile}:\n${tail(logFile)}`);
    void shutdown(1);
  };
  const run: Run = { dir, logs, stops, stopping: () => stopping, fail };

  try {
    Object.assign(process.env, QUIET_ENV);
    log(`app log: ${logs.app} (the dashboard's server output; moto's and terraform's beside it)`);
    buildIfStale(run);
    const { endpoint, events } = await startLocalAws(run);

    const wanted = Number(process.env.PORT || 3000);
    const port = (await portIsFree(wanted)) ? wanted : await freePort();
    if (port !== wanted) log(`port ${wanted} is busy: using ${port}`);
    const url = `http://127.0.0.1:${port}`;
    const receiver = await startAlertReceiver(run, url);
    const configFile = writeConfig(run, endpoint, url, receiver.url, events);
    let app;
    try {
      app = await startApp({ distDir, port, logFile: logs.app, detached: true, graceMs: 3_000, name: 'the dashboard', env: { LOCKBOARD_CONFIG: configFile, [HOOK_SECRET_ENV]: receiver.secret } });
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e), logs.app);
    }
    stops.push(() => app.stop());
    app.child.once('exit', (code, signal) => fail(`the dashboard exited (${signal ? `killed by ${signal}` : `exit ${code}`})`, logs.app));

    console.log('');
    log(`Lockboard is running: ${url}`);
    log(`  backends: "${PROD.name}" (${PROD.bucket}, table ${PROD.dynamodbTable}, use_lockfile; event mode: S3 events via an SNS topic, the table's stream) and "${PLATFORM.name}" (${PLATFORM.bucket}, table ${PLATFORM.dynamodbTable}; polled)`);
    log(`  a dead run: ${DEAD_RUN.keys.length} locks of ${DEAD_RUN.holder.who} from ${DEAD_RUN.ageMs / 3_600_000} h ago; tick "Group by run" on ${url}/ to release them together`);
    log(`  alerts: channel "demo-webhook" posts to the receiver on ${receiver.url} (its deliveries below, and on ${url}/alerts)`);
    log(`  AWS CLI against the demo stack: AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_ENDPOINT_URL=${endpoint} aws s3 ls`);
    log('  Ctrl-C stops everything.');
    await startLiveApply(run, endpoint);
  } catch (e) {
    if (!stopping) console.error(`[demo] ${e instanceof Error ? e.message : String(e)}`);
    await shutdown(1);
  }
}

void main();
