import { alertsOverviewFor } from '@/lib/auth/alerts-scope';
import { pageViewScope } from '@/lib/http/page-settings';
import { listBackends } from '@/lib/server/backends';
import { getConfig } from '@/lib/server/config';
import { alertsOverview } from '@/lib/jobs/alerting/alerting';
import { CardLabel, CardTableHead } from '@/components/card-label';
import { TimeText } from '@/components/time-text';
import { NoChannels } from './no-channels';
import { TestMessageButton } from './test-button';

export const dynamic = 'force-dynamic';

/** The last column (the test button) has no heading of its own. */
const CHANNEL_COLUMNS = ['Name', 'Type', 'Last outcome', 'Delivered', 'Failed', ''] as const;

const OUTCOME_CLASS: Record<string, string> = {
  delivered: 'text-emerald-700',
  failed: 'text-red-700',
  claim_failed: 'text-red-700',
  claimed_elsewhere: 'text-slate-500',
  filtered: 'text-slate-500',
};

/** Alerts: channels and their status, recent events and every delivery attempt of this replica, for the backends the caller may view. */
export default async function AlertsPage() {
  const config = getConfig();
  const overview = alertsOverviewFor(alertsOverview(), await pageViewScope(), config.channels, listBackends().map((b) => b.id));
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Alerts</h1>
      {!overview.enabled ? <NoChannels /> : null}
      <section aria-labelledby="channels">
        <h2 id="channels" className="mb-2 font-medium">Channels</h2>
        {overview.enabled && overview.channels.length === 0 ? <p className="text-sm text-slate-600">No channel covers a backend you may view.</p> : null}
        {overview.channels.length === 0 ? null : (
          <table className="w-full text-left text-sm max-md:block">
            <CardTableHead columns={CHANNEL_COLUMNS} className="text-xs uppercase text-slate-500" cellClassName="py-1 pr-3" />
            <tbody className="max-md:block">
              {overview.channels.map((c) => (
                <tr key={c.name} className="border-t border-slate-100 max-md:flex max-md:flex-wrap max-md:gap-x-4 max-md:gap-y-1 max-md:py-2" data-testid={`channel-${c.name}`}>
                  <td className="py-1 pr-3 font-mono text-xs [overflow-wrap:anywhere] max-md:w-full">{c.name}</td>
                  <td className="pr-3">
                    <CardLabel>Type</CardLabel>
                    {c.type}
                  </td>
                  <td className={`pr-3 max-md:w-full ${OUTCOME_CLASS[c.lastOutcome ?? ''] ?? 'text-slate-500'}`}>
                    <CardLabel>Last outcome</CardLabel>
                    {c.lastOutcome ?? 'none yet'}
                    {c.lastAt ? (
                      <span className="ml-1 text-xs text-slate-500">
                        at <TimeText at={c.lastAt} />
                      </span>
                    ) : null}
                    {c.lastDetail ? <div className="text-xs text-slate-500 [overflow-wrap:anywhere]">{c.lastDetail}</div> : null}
                  </td>
                  <td className="pr-3">
                    <CardLabel>Delivered</CardLabel>
                    {c.delivered}
                  </td>
                  <td className="pr-3">
                    <CardLabel>Failed</CardLabel>
                    {c.failed}
                  </td>
                  <td className="max-md:w-full">
                    <TestMessageButton channel={c.name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="events">
        <h2 id="events" className="mb-2 font-medium">Recent events (this replica)</h2>
        {overview.events.length === 0 ? <p className="text-sm text-slate-600">None yet.</p> : null}
        <ul className="space-y-1 text-sm">
          {overview.events.map((e) => (
            <li key={e.id} className="[overflow-wrap:anywhere]">
              <TimeText at={e.at} className="text-xs text-slate-500" /> <span className="font-medium">{e.type}</span> {e.summary}
              {e.link ? (
                <a href={e.link} className="ml-1 text-sky-700 underline">
                  open
                </a>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="attempts">
        <h2 id="attempts" className="mb-2 font-medium">Delivery attempts</h2>
        {overview.attempts.length === 0 ? <p className="text-sm text-slate-600">None yet.</p> : null}
        <ul className="space-y-1 text-sm">
          {overview.attempts.map((a, i) => (
            <li key={`${a.eventId}-${a.channel}-${i}`} className="[overflow-wrap:anywhere]">
              <TimeText at={a.at} className="text-xs text-slate-500" /> {a.channel}: <span className={OUTCOME_CLASS[a.outcome]}>{a.outcome}</span> {a.eventType} ({a.attempts} attempt{a.attempts === 1 ? '' : 's'}){a.detail ? ` - ${a.detail}` : ''}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
