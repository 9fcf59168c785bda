import type { DiscoveryProgress } from '@/lib/api/estate';
import { TimeText } from './time-text';

/** Where discovery is: off, waiting for its first run, running (accounts done of all), or when it last ran and runs next. */
export function EstateProgress({ progress }: { progress: DiscoveryProgress }) {
  if (progress.state === 'off') {
    return <p className="text-sm text-slate-600">Discovery is off: add a &quot;discovery&quot; block to the configuration (docs/discovery.md) to search the organisation&apos;s accounts.</p>;
  }
  if (progress.state === 'waiting') return <p className="text-sm text-slate-600">Discovery&apos;s first run is starting…</p>;
  if (progress.state === 'running') {
    return (
      <div className="space-y-1 text-sm" data-testid="discovery-progress">
        <label className="block text-slate-700" htmlFor="discovery-progress-bar">
          Discovering: {progress.accountsDone} of {progress.accountsTotal || '…'} accounts searched · {progress.calls} AWS requests so far
        </label>
        <progress id="discovery-progress-bar" className="h-2 w-full max-w-md" max={Math.max(1, progress.accountsTotal)} value={progress.accountsDone} />
      </div>
    );
  }
  return (
    <p className="text-sm text-slate-600" data-testid="discovery-progress">
      Last discovery run: <TimeText at={progress.finishedAt} pastOnly /> · {progress.accountsTotal} accounts in {Math.round((progress.durationMs ?? 0) / 1000)} s · {progress.calls} AWS requests
      {progress.nextRunAt ? (
        <>
          {' '}
          · next run <TimeText at={progress.nextRunAt} show="absolute" />
        </>
      ) : null}
    </p>
  );
}
