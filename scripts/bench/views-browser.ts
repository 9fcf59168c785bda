/**
 * What the views section measures in real Chromium (Debian's, `--no-sandbox --disable-gpu`): first
 * rows after navigation, keystroke latency (keydown → the rows of that filter are in the DOM, plus
 * one frame: the tables say which filter their rows follow in `data-filter`), long tasks while
 * typing (PerformanceObserver `longtask`), a click's latency (a status count, a sort), bytes per
 * poll from the network (CDP `Network.loadingFinished` encodedDataLength, headers included) and the
 * tab's JS heap (CDP `Performance.getMetrics`).
 */
import fs from 'node:fs';
import type { Browser, CDPSession, Page } from '@playwright/test';
import { median, percentile } from './common';

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (set CHROMIUM_PATH)`);
  const { chromium } = await import('@playwright/test');
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'] });
}

/** In-page probes: the keydown time, a wait for `data-filter`, long tasks. */
const PROBES = `
window.__lb = { keyAt: 0, longtasks: [], armed: null };
document.addEventListener('keydown', (e) => { window.__lb.keyAt = e.timeStamp; }, true);
try { new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lb.longtasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask' }); } catch {}
window.__lb.arm = (selector) => {
  window.__lb.armed = new Promise((resolve) => {
    const done = () => requestAnimationFrame(() => resolve(performance.now() - window.__lb.keyAt));
    if (document.querySelector(selector)) return done();
    const mo = new MutationObserver(() => { if (document.querySelector(selector)) { mo.disconnect(); done(); } });
    mo.observe(document.body, { subtree: true, childList: true, attributes: true });
  });
};
`;

export interface PageProbe {
  page: Page;
  cdp: CDPSession;
  /** Bytes over the wire and the answer of every listing request (`route`: states or locks). */
  answers: Array<{ url: string; since: boolean; bytes: number; at: number; changed: number; removed: number; full: boolean | null }>;
  close(): Promise<void>;
}

/** A page with the probes, CDP network accounting of the listing answers, and the performance domain. */
export async function openProbe(browser: Browser, viewport = { width: 1440, height: 900 }): Promise<PageProbe> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.addInitScript(PROBES);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Performance.enable');
  const urls = new Map<string, string>();
  const answers: PageProbe['answers'] = [];
  cdp.on('Network.responseReceived', (e) => {
    if (/\/api\/backends\/[^/]+\/(states|locks)(\?|$)/.test(new URL(e.response.url).pathname + new URL(e.response.url).search)) urls.set(e.requestId, e.response.url);
  });
  cdp.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId);
    if (!url) return;
    urls.delete(e.requestId);
    const entry = { url, since: new URL(url).searchParams.has('since'), bytes: e.encodedDataLength, at: Date.now(), changed: 0, removed: 0, full: null as boolean | null };
    answers.push(entry);
    cdp.send('Network.getResponseBody', { requestId: e.requestId }).then(
      (r) => {
        const body = JSON.parse(r.base64Encoded ? Buffer.from(r.body, 'base64').toString('utf8') : r.body) as { changed?: unknown[]; removed?: unknown[]; full?: boolean; states?: unknown[]; locks?: unknown[] };
        entry.changed = (body.changed ?? body.states ?? body.locks ?? []).length;
        entry.removed = (body.removed ?? []).length;
        entry.full = body.full ?? null;
      },
      () => undefined,
    );
  });
  return { page, cdp, answers, close: () => context.close() };
}

/** Navigation → the first row visible, `runs` times (the server holds a fresh read): ms each, each waiting up to `timeoutMs`. */
export async function firstRows(probe: PageProbe, url: string, rowTestId: string, runs = 3, timeoutMs = 120_000): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await probe.page.goto('about:blank');
    const t0 = performance.now();
    await probe.page.goto(url, { waitUntil: 'commit' });
    await probe.page.getByTestId(rowTestId).first().waitFor({ state: 'visible', timeout: timeoutMs });
    times.push(performance.now() - t0);
  }
  return times;
}

export interface Typing {
  /** keydown → the rows of that filter in the DOM + one frame, ms, every key of every round. */
  latencies: number[];
  p50: number;
  p95: number;
  max: number;
  /** The longest main-thread task while typing, and how many were over 100 ms. */
  longestTaskMs: number;
  tasksOver100: number;
  /** Clearing the filter (every row back, what "show all" was): ms per round. */
  clear: number[];
}

/** Types `text` into the search box one key at a time (`pauseMs` apart), `rounds` times, clearing it between rounds. */
export async function typeFilter(probe: PageProbe, searchName: string, text: string, rounds: number, pauseMs = 120): Promise<Typing> {
  const { page } = probe;
  const box = page.getByRole('searchbox', { name: searchName });
  await box.click();
  const latencies: number[] = [];
  const clear: number[] = [];
  const startedAt = await page.evaluate(() => performance.now());
  for (let r = 0; r < rounds; r++) {
    for (let i = 1; i <= text.length; i++) {
      const needle = text.slice(0, i).toLowerCase();
      await page.evaluate((sel) => (window as unknown as { __lb: { arm: (s: string) => void } }).__lb.arm(sel), `table[data-filter="${needle}"], [data-testid="empty-list"]`);
      await page.keyboard.press(text[i - 1]!);
      latencies.push(await page.evaluate(() => (window as unknown as { __lb: { armed: Promise<number> } }).__lb.armed));
      await page.waitForTimeout(pauseMs);
    }
    await page.evaluate((sel) => (window as unknown as { __lb: { arm: (s: string) => void } }).__lb.arm(sel), 'table[data-filter=""]');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    clear.push(await page.evaluate(() => (window as unknown as { __lb: { armed: Promise<number> } }).__lb.armed));
    await page.waitForTimeout(pauseMs);
  }
  const tasks = await page.evaluate((from) => (window as unknown as { __lb: { longtasks: Array<{ start: number; duration: number }> } }).__lb.longtasks.filter((t) => t.start >= from).map((t) => t.duration), startedAt);
  return { latencies, p50: median(latencies), p95: percentile(latencies, 95), max: Math.max(...latencies), longestTaskMs: Math.max(0, ...tasks), tasksOver100: tasks.filter((d) => d > 100).length, clear };
}

/** A click (a status count, a column header) → `selector` present, plus one frame: ms, `runs` times (clicked twice a run: on and off). */
export async function clickLatency(probe: PageProbe, target: string, onSelector: string, offSelector: string, runs = 3): Promise<number[]> {
  const { page } = probe;
  const out: number[] = [];
  const arm = (sel: string) => page.evaluate((s) => (window as unknown as { __lb: { arm: (s: string) => void } }).__lb.arm(s), sel);
  const waitArmed = () => page.evaluate(() => (window as unknown as { __lb: { armed: Promise<number> } }).__lb.armed);
  for (let i = 0; i < runs; i++) {
    for (const sel of [onSelector, offSelector]) {
      await arm(sel);
      // The probe times from the last keydown; a click is timed from its own mousedown instead.
      await page.evaluate(() => document.addEventListener('mousedown', (e) => ((window as unknown as { __lb: { keyAt: number } }).__lb.keyAt = e.timeStamp), { capture: true, once: true }));
      await page.locator(target).first().click();
      out.push(await waitArmed());
      await page.waitForTimeout(150);
    }
  }
  return out;
}

/** The tab's JS heap now (MiB), and its DOM nodes. */
export async function tabMemory(probe: PageProbe): Promise<{ jsHeapMiB: number; nodes: number }> {
  await probe.cdp.send('HeapProfiler.collectGarbage').catch(() => undefined);
  const { metrics } = await probe.cdp.send('Performance.getMetrics');
  const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? NaN;
  return { jsHeapMiB: Math.round(m('JSHeapUsedSize') / 2 ** 20), nodes: m('Nodes') };
}
