import 'server-only';
/**
 * What a server page is rendered with, for the caller of this request: their view scope, and the UI
 * settings listing only the backends they may view (a page's HTML names no other bucket or table).
 */
import { headers } from 'next/headers';
import { pageRequestViewScope, type ViewScope } from '../auth/view-scope';
import { getConfig } from '../server/config';
import { uiSettings, type UiSettings } from '../server/ui-settings';

/** The view scope of the page's caller (from the request headers proxy.ts passed on). */
export async function pageViewScope(): Promise<ViewScope> {
  const request = new Request('http://lockboard.invalid/', { headers: new Headers(await headers()) });
  return pageRequestViewScope(request, getConfig());
}

export async function pageSettings(): Promise<UiSettings> {
  return uiSettings((await pageViewScope()).canView);
}
