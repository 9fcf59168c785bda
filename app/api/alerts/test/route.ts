import { testMessageRequestSchema } from '@/lib/api/alerts';
import { AppError } from '@/lib/api/errors';
import { assertCanMutate, identify } from '@/lib/auth/identity';
import { assertSameOriginJson } from '@/lib/auth/origin';
import { handle, parseInput } from '@/lib/http/handle';
import { readCappedBody } from '@/lib/http/mutation-route';
import { getConfig } from '@/lib/server/config';
import { sendTestMessage } from '@/lib/jobs/alerting/alerting';

export const dynamic = 'force-dynamic';

const MAX_BODY = 1024;

/** Sends a test message to one channel (operators only, same-origin JSON like every other action). */
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
    return { attempt: await sendTestMessage(input.channel, identity.user) };
  });
}
