import { metricsText } from '@/lib/server/metrics';

export const dynamic = 'force-dynamic';

export async function GET() {
  const { contentType, body } = await metricsText();
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
