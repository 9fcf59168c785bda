/**
 * Benchmark (6): first-load JavaScript of a page, gzip, read from the production build.
 *
 * "First load" is what Next itself counts: the `<script src>` tags of the server-rendered HTML.
 * Scripts marked `noModule` (Next's legacy polyfill bundle) are reported apart: every browser that
 * runs ES modules skips them without downloading, so they are not part of any supported browser's
 * first load. When Chromium is available the figure is cross-checked by loading the page in it and
 * gzipping every script it actually fetched, split into the initial ones and those loaded on demand
 * after hydration (lazy dialogs, timeline, diff view).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

export interface PageWeight {
  files: number;
  gzipKB: number;
  gzipKiB: number;
  /** `noModule` scripts in the HTML, not fetched by module-capable browsers. */
  noModuleKB: number;
  /** What Chromium fetched, when it could be run. */
  chromium: { initialKB: number; onDemandKB: number; fetchedNoModule: boolean } | null;
}

const kB = (bytes: number) => Math.round(bytes / 100) / 10;
const gzipBytes = (body: Buffer) => zlib.gzipSync(body).length;

async function fetchGzip(url: URL, cache: Map<string, number>): Promise<number> {
  const key = url.pathname;
  if (!cache.has(key)) cache.set(key, gzipBytes(Buffer.from(await (await fetch(url)).arrayBuffer())));
  return cache.get(key)!;
}

/** Script tags of the HTML, with whether each is `noModule`. */
export function scriptTags(html: string): { src: string; noModule: boolean }[] {
  const seen = new Set<string>();
  const out: { src: string; noModule: boolean }[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>/gi)) {
    const attrs = m[1]!;
    const src = /\bsrc="([^"]+)"/.exec(attrs)?.[1];
    if (!src || seen.has(src)) continue;
    seen.add(src);
    // The attribute itself, not the text "nomodule" inside some value.
    const bare = attrs.replace(/"[^"]*"/g, '""');
    out.push({ src, noModule: /(?:^|\s)nomodule(?=[\s=]|$)/i.test(bare) });
  }
  return out;
}

async function chromiumWeight(base: string, pagePath: string, htmlScripts: Set<string>, noModuleScripts: Set<string>): Promise<PageWeight['chromium']> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) return null;
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    const bodies: Promise<{ path: string; bytes: number }>[] = [];
    page.on('response', (res) => {
      if (res.request().resourceType() !== 'script') return;
      bodies.push(res.body().then((b) => ({ path: new URL(res.url()).pathname, bytes: gzipBytes(b) })));
    });
    // The page's scripts are in by 'load'; then a short wait for on-demand chunks. Not 'networkidle':
    // a page that keeps polling (the states view's last-writer lookups on 5,000 states) never idles.
    await page.goto(new URL(pagePath, base).toString(), { waitUntil: 'load' });
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    let initial = 0;
    let onDemand = 0;
    let fetchedNoModule = false;
    for (const { path, bytes } of await Promise.all(bodies)) {
      if (htmlScripts.has(path)) initial += bytes;
      else onDemand += bytes;
      if (noModuleScripts.has(path)) fetchedNoModule = true;
    }
    return { initialKB: kB(initial), onDemandKB: kB(onDemand), fetchedNoModule };
  } finally {
    await browser.close();
  }
}

export async function measurePageWeight(base: string, pagePath: string, cache = new Map<string, number>()): Promise<PageWeight> {
  const html = await (await fetch(new URL(pagePath, base))).text();
  const tags = scriptTags(html);
  let gz = 0;
  let noModule = 0;
  for (const tag of tags) {
    const bytes = await fetchGzip(new URL(tag.src, base), cache);
    if (tag.noModule) noModule += bytes;
    else gz += bytes;
  }
  const paths = (noModule: boolean) => new Set(tags.filter((t) => t.noModule === noModule).map((t) => new URL(t.src, base).pathname));
  const chromium = await chromiumWeight(base, pagePath, paths(false), paths(true));
  return { files: tags.length - tags.filter((t) => t.noModule).length, gzipKB: kB(gz), gzipKiB: Math.round((gz / 1024) * 10) / 10, noModuleKB: kB(noModule), chromium };
}
