import { testMessageRequestSchema } from '@/lib/api/alerts';
import { AppError } from '@/lib/api/errors';
import { assertCanMutate, identify } from '@/lib/auth/identity';
import { assertSameOriginJson } from '@/lib/auth/origin';
import { handle, parseInput } from '@/lib/http/handle';
import { getConfig } from '@/lib/server/config';
import { sendTestMessage } from '@/lib/watch/alerting';

export const dynamic = 'force-dynamic';

const MAX_BODY = 1024;

/** Sends a test message to one channel (operators only, same-origin JSON like every other action). */
export async function POST(request: Request) {
  return handle('/api/alerts/test', request, async () => {
    assertSameOriginJson(request);
    const config = getConfig();
    const identity = identify(request, config);
    assertCanMutate(identity, config);
    const text = await request.text();
    if (text.length > MAX_BODY) throw new AppError('bad_request', `Request body over ${MAX_BODY} bytes.`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError('bad_request', 'Request body is not JSON.');
    }
    const body = parseInput(testMessageRequestSchema, json);
    return { attempt: await sendTestMessage(body.channel, identity.user) };
  });
}
