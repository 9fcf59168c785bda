import { EVENT_TYPES } from '@/lib/api/alerts';
import { EXAMPLE_CHANNELS, EXAMPLE_EVENT, EXAMPLE_SECRET_ENV } from '@/lib/client/alert-examples';

/** A block of JSON to read and copy; wraps instead of scrolling sideways (a phone too). */
function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <figure aria-label={label}>
      <pre className="whitespace-pre-wrap rounded border border-slate-200 bg-slate-50 p-3 font-mono text-xs text-slate-800 [overflow-wrap:anywhere]">{JSON.stringify(value, null, 2)}</pre>
    </figure>
  );
}

/**
 * The Alerts page without channels: what alerting does, how to add a channel (where, which secret,
 * when it takes effect), an example channel and the event it would receive.
 */
export function NoChannels() {
  return (
    <section aria-labelledby="no-channels" data-testid="no-channels" className="space-y-3 rounded-md border border-sky-200 bg-white p-4 text-sm">
      <h2 id="no-channels" className="font-semibold">
        No alert channels yet
      </h2>
      <p>
        With a channel, Lockboard tells a webhook, Slack or an SNS topic when a lock goes stale (and reminds while it stays), when a stale lock is released, when a lock is split or
        malformed, when a state&apos;s digest stops matching, and about its own changes, each event exactly once across replicas. Event types: {EVENT_TYPES.filter((t) => t !== 'test').map((t, i) => (
          <span key={t}>
            {i > 0 ? ', ' : ''}
            <code className="font-mono text-xs">{t}</code>
          </span>
        ))}
        .
      </p>
      <h3 className="font-semibold">To add one</h3>
      <ol className="list-decimal space-y-1 pl-5">
        <li>
          Add a <code className="font-mono text-xs">channels</code> list to the JSON configuration file that <code className="font-mono text-xs">LOCKBOARD_CONFIG</code> names (next to{' '}
          <code className="font-mono text-xs">backends</code>), for example:
        </li>
      </ol>
      <JsonBlock value={{ channels: EXAMPLE_CHANNELS }} label="Example channel configuration" />
      <ol start={2} className="list-decimal space-y-1 pl-5">
        <li>
          Set <code className="font-mono text-xs">{EXAMPLE_SECRET_ENV}</code> in Lockboard&apos;s environment: the receiver checks the <code className="font-mono text-xs">X-Lockboard-Signature-256</code>{' '}
          header (HMAC-SHA256 of the body) with it. Secrets only ever come from variables the configuration names (Slack: <code className="font-mono text-xs">urlEnv</code>).
        </li>
        <li>Restart Lockboard: the configuration is read and checked at start-up, and a mistake stops it with a line naming the field. Each channel is then listed here with a Send test message button.</li>
      </ol>
      <p>
        Filters per channel: <code className="font-mono text-xs">events</code>, <code className="font-mono text-xs">backends</code> (ids), <code className="font-mono text-xs">keys</code> (globs).
        Slack (<code className="font-mono text-xs">type: &quot;slack&quot;</code>) and SNS (<code className="font-mono text-xs">type: &quot;sns&quot;</code>, <code className="font-mono text-xs">topicArn</code>) work the
        same way; docs/alerts.md has every field.
      </p>
      <h3 className="font-semibold">What the webhook receives</h3>
      <p>A POST of the event as JSON, with the headers X-Lockboard-Event (its type) and X-Lockboard-Delivery (its id). A first stale-lock notice:</p>
      <JsonBlock value={EXAMPLE_EVENT} label="Example event" />
    </section>
  );
}
