import { describe, expect, it } from 'vitest';
import type { LockboardEvent } from '../api/alerts';
import { globMatches } from '../auth/access';
import { channelWants, signature, slackPayload, snsMessage, verifySignature, webhookBody, webhookHeaders } from './format';

const event: LockboardEvent = {
  id: 'lock.stale.abc.0',
  type: 'lock.stale',
  at: '2026-01-01T00:00:00.000Z',
  backend: { id: 'prod', name: 'Prod <main>' },
  key: 'env:/stg/app/terraform.tfstate',
  workspace: 'stg',
  summary: 'Stale lock: app held by ci (apply) for 3 h',
  link: 'https://lb.example.com/state?backend=prod&key=x',
  ageSeconds: 10800,
  forceUnlock: "terraform force-unlock 'a$(b)'",
  lock: { id: 'a$(b)', operation: 'OperationTypeApply', who: 'ci@runner', info: '', version: '1.11.4', created: '2025-12-31T21:00:00.123456789Z', path: 'b/k', sources: ['dynamodb'], problems: [], ageSeconds: 10800 },
  reminder: 0,
};

describe('channel filters', () => {
  const wantsKey = (glob: string, key: string) => channelWants({ events: ['lock.stale'], backends: null, keys: [glob] }, { ...event, key });

  it('matches key globs by path segment', () => {
    expect(wantsKey('env:/*/app/*.tfstate', 'env:/stg/app/terraform.tfstate')).toBe(true);
    expect(wantsKey('env:/*/terraform.tfstate', 'env:/stg/app/terraform.tfstate')).toBe(false);
    expect(wantsKey('**/terraform.tfstate', 'env:/stg/app/terraform.tfstate')).toBe(true);
    expect(wantsKey('a.b', 'axb')).toBe(false);
  });

  it('reads a key glob exactly as the access rules do, newlines in keys included', () => {
    // The channel copy's `**` stopped at a newline while the access rules' did not.
    const cases: Array<[string, string]> = [
      ['prod/**', 'prod/a\nb/terraform.tfstate'],
      ['prod/*/terraform.tfstate', 'prod/a\nb/terraform.tfstate'],
      ['prod/**', 'prod/x/terraform.tfstate'],
      ['prod/*', 'prod/x/terraform.tfstate'],
      ['**\n**', 'a\n/b'],
    ];
    for (const [glob, key] of cases) expect(wantsKey(glob, key), `${glob} vs ${JSON.stringify(key)}`).toBe(globMatches(glob, key));
    expect(wantsKey('prod/**', 'prod/a\nb/terraform.tfstate')).toBe(true);
  });

  it('filters by event type, backend and key glob', () => {
    const all = { events: ['lock.stale'], backends: null, keys: null };
    expect(channelWants(all, event)).toBe(true);
    expect(channelWants({ ...all, events: ['digest.mismatch'] }, event)).toBe(false);
    expect(channelWants({ ...all, backends: ['dev'] }, event)).toBe(false);
    expect(channelWants({ ...all, keys: ['env:/prod/**'] }, event)).toBe(false);
    expect(channelWants({ ...all, keys: ['env:/stg/**'] }, event)).toBe(true);
    expect(channelWants({ ...all, events: ['mutation'] }, { ...event, type: 'test' })).toBe(true);
  });
});

describe('webhook', () => {
  it('signs exactly the body it sends, GitHub-style', () => {
    const body = webhookBody(event);
    const headers = webhookHeaders('s3cret', event, body);
    expect(headers['x-lockboard-event']).toBe('lock.stale');
    expect(headers['x-lockboard-delivery']).toBe(event.id);
    expect(headers['x-lockboard-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature('s3cret', body, headers['x-lockboard-signature-256']!)).toBe(true);
    expect(verifySignature('other', body, headers['x-lockboard-signature-256']!)).toBe(false);
    expect(verifySignature('s3cret', `${body} `, headers['x-lockboard-signature-256']!)).toBe(false);
    // Known vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
    expect(signature('key', 'The quick brown fox jumps over the lazy dog')).toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    expect(JSON.parse(body)).toMatchObject({ id: event.id, forceUnlock: event.forceUnlock, source: 'lockboard' });
  });
});

describe('slack', () => {
  it('reads: who, how long, what, link, command; escaped', () => {
    const p = slackPayload(event) as { text: string; blocks: Array<Record<string, unknown>> };
    const text = JSON.stringify(p.blocks);
    expect(p.text).toBe(event.summary);
    expect(slackPayload({ ...event, summary: 'a < b & c' }).text).toBe('a &lt; b &amp; c');
    expect(text).toContain('ci@runner');
    expect(text).toContain('180 min');
    expect(text).toContain('Prod &lt;main&gt;');
    expect(text).toContain("terraform force-unlock 'a$(b)'");
    expect(text).toContain(event.link);
  });

  it('writes times readably in UTC, never as raw ISO with nanoseconds', () => {
    const text = JSON.stringify((slackPayload(event) as { blocks: unknown[] }).blocks);
    expect(text).toContain('*Held since*\\n2025-12-31 21:00:00 UTC');
    expect(text).toContain('noticed 2026-01-01 00:00:00 UTC');
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    const unreadable = slackPayload({ ...event, lock: { ...event.lock!, created: '' } }) as { blocks: unknown[] };
    expect(JSON.stringify(unreadable.blocks)).not.toContain('Held since');
  });
});

describe('sns', () => {
  it('carries filterable attributes and the JSON event', () => {
    const m = snsMessage(event);
    expect(m.attributes).toEqual({ event: 'lock.stale', backend: 'prod', eventId: event.id, key: event.key, workspace: 'stg' });
    expect(m.subject.length).toBeLessThan(100);
    expect(JSON.parse(m.body).id).toBe(event.id);
  });
});

describe('text from locks and users (issue 21 item 10)', () => {
  const hostile: LockboardEvent = {
    ...event,
    summary: 'Stale lock: app held by <!channel> <https://evil.example|click here> \u202Eevil\u202C\u001b[31m',
    lock: { ...event.lock!, who: '<!channel> <https://evil.example|Click> \u2066bob\u2069\u0007', info: 'x\u0085y' },
    key: 'app/\u202Ebd/terraform.tfstate',
  };

  it('Slack: the fallback text and every block are escaped, so no mention or link reaches the channel', () => {
    const p = slackPayload(hostile) as { text: string; blocks: unknown[] };
    const all = `${p.text}${JSON.stringify(p.blocks)}`;
    expect(p.text).toBe('Stale lock: app held by &lt;!channel&gt; &lt;https://evil.example|click here&gt; evil[31m');
    expect(all).not.toMatch(/<!channel>|<https:/);
    expect(all).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/);
  });

  it('webhook and SNS: no control or bidi character in the body, subject or attributes', () => {
    const controls = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
    const body = webhookBody(hostile);
    expect(JSON.parse(body)).toMatchObject({ key: 'app/bd/terraform.tfstate', lock: { who: '<!channel> <https://evil.example|Click> bob', info: 'xy' } });
    // JSON escapes controls as \u00XX: none may be there either.
    expect(body).not.toMatch(/\\u00[01][0-9a-f]|\\u202e/i);
    expect(body).not.toMatch(controls);
    const m = snsMessage(hostile);
    expect(`${m.subject}${m.body}${JSON.stringify(m.attributes)}`).not.toMatch(controls);
    expect(m.attributes.key).toBe('app/bd/terraform.tfstate');
  });
});
