import { testMessageRequestSchema } from '@/lib/api/alerts';
import { AppError } from '@/lib/api/errors';
import { assertMayTestChannel } from '@/lib/auth/alerts-scope';
import { assertCanMutate, identify } from '@/lib/auth/identity';
import { assertSameOriginJson } from '@/lib/auth/origin';
import { handle, parseInput } from '@/lib/http/handle';
import { readCappedBody } from '@/lib/http/mutation-route';
import { getConfig } from '@/lib/server/config';
import { RateLimiter } from '@/lib/server/rate-limit';
import { sendTestMessage } from '@/lib/jobs/alerting/alerting';

export const dynamic = 'force-dynamic';

const MAX_BODY = 1024;
/** Test messages per caller per minute (per replica): enough to check a channel, too few to flood it. */
const TESTS_PER_MINUTE = 5;
const limiter = new RateLimiter(TESTS_PER_MINUTE, 60_000);

/** Sends a test message to one channel: same-origin JSON, an operator on a backend the channel covers, rate-limited per caller. */
export async function POST(request: Request) {
  return handle('/api/alerts/test', request, async () => {
    const config = getConfig();
    assertSameOriginJson(request, config.publicUrl);
    const identity = identify(request, config);
    assertCanMutate(identity, config);
    // Read at most MAX_BODY bytes: a larger body is refused before it is buffered.
    const body = await readCappedBody(request, MAX_BODY);
    if (body.tooLarge) throw new AppError('payload_too_large', `The request body is larger than ${MAX_BODY} bytes.`, { limitBytes: MAX_BODY });
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch {
      throw new AppError('bad_request', 'Request body is not JSON.');
    }
    const input = parseInput(testMessageRequestSchema, json);
    const channel = config.channels.find((c) => c.name === input.channel);
    if (!channel) throw new AppError('bad_request', `No channel named "${input.channel}" is configured.`);
    assertMayTestChannel(identity, channel, config);
    const wait = limiter.take(identity.user.toLowerCase());
    if (wait !== null) throw new AppError('rate_limited', `At most ${TESTS_PER_MINUTE} test messages per minute per user: try again in ${wait} s.`, { limit: TESTS_PER_MINUTE, retryAfterSeconds: wait });
    return { attempt: await sendTestMessage(channel.name, identity.user) };
  });
}
